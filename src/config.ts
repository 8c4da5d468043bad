import { randomUUID } from "node:crypto";
import { availableParallelism, hostname } from "node:os";
import { resolve } from "node:path";

/** Configuration read from the environment once at start, validated, typed and passed down. */
export interface Config {
  /** postgres:// URL, or null for the embedded SQLite store under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  port: number;
  host: string;
  adminKey: string | null;
  /** Raw master key from the environment (base64 or hex of 32 bytes), or null → key file in dataDir. */
  masterKey: string | null;
  allowPrivateTargets: boolean;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  nodeId: string;
  worker: {
    /** Attempts in flight at once in this process, across all endpoints. */
    concurrency: number;
    /** Deliveries claimed per round trip. */
    batchSize: number;
    pollIntervalMs: number;
    /** How long a claim is held; must outlast the longest attempt (60 s timeout) with margin. */
    leaseMs: number;
    /** Threads that send attempts beside the main thread (0: the main thread sends). */
    senderThreads: number;
  };
  pgPoolSize: number;
  /**
   * V8 collects the old generation once it has grown this much over what survived the last full
   * collection (0: V8's own factor, which lets a busy server hold several times its live memory).
   */
  heapGrowthPercent: number;
  retentionDays: number;
  /** API requests per second allowed per key (per node). */
  apiRateLimitPerSecond: number;
  endpoints: {
    /** A webhook whose attempts have all failed for this long is disabled (warned at half). */
    autoDisableAfterMs: number;
    /** Consecutive failed attempts that open an endpoint's circuit. */
    breakerThreshold: number;
    /** How long a circuit first stays open before a probe (doubles per failed probe, ≤ 15 min). */
    breakerOpenMs: number;
    /** Enforce `max_in_flight` across all nodes through PostgreSQL (costs throughput). */
    sharedLimits: boolean;
  };
  /**
   * Where people and vendors reach this deployment (`https://switchboard.firm.example`): the OAuth
   * redirect URI and CRM webhook URLs are built on it. Null: OAuth redirects go to the address the
   * request came in on.
   */
  publicUrl: string | null;
  /** How often the CRM token refresh job looks for access tokens about to expire. */
  crmTokenRefreshEveryMs: number;
  /** How often CRM change-notification subscriptions (Clio webhooks) are checked and renewed. */
  crmWebhookRenewalEveryMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function flag(env: Env, name: string): boolean {
  const raw = (env[name] ?? "").trim().toLowerCase();
  if (raw === "" || raw === "0" || raw === "false" || raw === "no") return false;
  if (raw === "1" || raw === "true" || raw === "yes") return true;
  throw new ConfigError(name, `expected 1 or 0, got "${env[name]}"`);
}

function databaseUrl(env: Env): string | null {
  const raw = env.SWITCHBOARD_DATABASE_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      "SWITCHBOARD_DATABASE_URL",
      "not a valid URL (expected postgres://user@host:5432/db)",
    );
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError(
      "SWITCHBOARD_DATABASE_URL",
      `unsupported scheme "${url.protocol}" (expected postgres://)`,
    );
  }
  if (!url.hostname && !url.searchParams.get("host")) {
    throw new ConfigError("SWITCHBOARD_DATABASE_URL", "missing host");
  }
  return raw;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export function loadConfig(env: Env = process.env): Config {
  const logLevel = (env.SWITCHBOARD_LOG_LEVEL ?? "info").trim() as Config["logLevel"];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError("SWITCHBOARD_LOG_LEVEL", `expected one of ${LOG_LEVELS.join(", ")}`);
  }
  const host = (env.SWITCHBOARD_HOST ?? "127.0.0.1").trim();
  if (host === "") throw new ConfigError("SWITCHBOARD_HOST", "must not be empty");
  const adminKey = env.SWITCHBOARD_ADMIN_KEY?.trim() || null;
  if (adminKey !== null && adminKey.length < 16) {
    throw new ConfigError("SWITCHBOARD_ADMIN_KEY", "must be at least 16 characters");
  }
  return {
    databaseUrl: databaseUrl(env),
    dataDir: resolve(env.SWITCHBOARD_DATA_DIR?.trim() || "./data"),
    port: integer(env, "SWITCHBOARD_PORT", 8080, 0, 65535),
    host,
    adminKey,
    masterKey: env.SWITCHBOARD_MASTER_KEY?.trim() || null,
    allowPrivateTargets: flag(env, "SWITCHBOARD_ALLOW_PRIVATE_TARGETS"),
    logLevel,
    nodeId: env.SWITCHBOARD_NODE_ID?.trim() || `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    worker: {
      concurrency: integer(env, "SWITCHBOARD_WORKER_CONCURRENCY", 256, 1, 10_000),
      batchSize: integer(env, "SWITCHBOARD_BATCH_SIZE", 200, 1, 5_000),
      pollIntervalMs: integer(env, "SWITCHBOARD_POLL_INTERVAL_MS", 500, 10, 60_000),
      // Claims are renewed every third of the lease while queued or in flight, so the lease only
      // has to outlast a renewal; it is what a crashed node's work waits before another node (or
      // its own restart on PostgreSQL) takes it over: 10 s keeps that well under 15 s.
      leaseMs: integer(env, "SWITCHBOARD_LEASE_MS", 10_000, 1_000, 3_600_000),
      senderThreads: integer(env, "SWITCHBOARD_SENDER_THREADS", availableParallelism() > 1 ? 1 : 0, 0, 16),
    },
    pgPoolSize: integer(env, "SWITCHBOARD_PG_POOL_SIZE", 10, 1, 500),
    heapGrowthPercent: integer(env, "SWITCHBOARD_HEAP_GROWTH_PERCENT", 50, 0, 1_000),
    retentionDays: integer(env, "SWITCHBOARD_RETENTION_DAYS", 30, 1, 3650),
    apiRateLimitPerSecond: integer(env, "SWITCHBOARD_API_RATE_LIMIT", 2000, 1, 1_000_000),
    endpoints: {
      autoDisableAfterMs:
        integer(env, "SWITCHBOARD_AUTO_DISABLE_AFTER_S", 5 * 86_400, 1, 365 * 86_400) * 1000,
      breakerThreshold: integer(env, "SWITCHBOARD_BREAKER_THRESHOLD", 10, 1, 10_000),
      breakerOpenMs: integer(env, "SWITCHBOARD_BREAKER_OPEN_S", 30, 1, 3_600) * 1000,
      sharedLimits: flag(env, "SWITCHBOARD_SHARED_ENDPOINT_LIMITS"),
    },
    publicUrl: publicUrl(env),
    crmTokenRefreshEveryMs: integer(env, "SWITCHBOARD_CRM_TOKEN_REFRESH_MS", 300_000, 100, 3_600_000),
    crmWebhookRenewalEveryMs: integer(env, "SWITCHBOARD_CRM_WEBHOOK_RENEWAL_MS", 3_600_000, 100, 86_400_000),
  };
}

function publicUrl(env: Env): string | null {
  const raw = env.SWITCHBOARD_PUBLIC_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("SWITCHBOARD_PUBLIC_URL", "not a valid URL (expected https://host)");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError("SWITCHBOARD_PUBLIC_URL", `unsupported scheme "${url.protocol}"`);
  }
  return raw.replace(/\/+$/, "");
}
