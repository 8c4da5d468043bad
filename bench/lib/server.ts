/**
 * The server under test: the compiled Switchboard (dist/) started as its own process, rebuilt
 * first when dist is missing or older than src; plus a small JSON client for its API.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import { Child } from "./proc.js";
import type { Storage } from "./storage.js";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const ADMIN_KEY = "sk_admin_bench_0123456789abcdef";
const ENTRY = join(ROOT, "dist", "cli", "main.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when dist/cli/main.js is missing or older than any file in src/. */
export function ensureBuilt(log: (message: string) => void): void {
  const stale = !existsSync(ENTRY) || statSync(ENTRY).mtimeMs < newestMtime(join(ROOT, "src"));
  if (!stale) return;
  log("dist/ is missing or older than src/: running npm run build");
  try {
    execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    // tsc still emits on type errors; a tree being edited by others can fail to type-check.
    if (!existsSync(ENTRY)) throw new Error(`npm run build failed:\n${output}`);
    log(`npm run build reported errors; benchmarking what it emitted:\n${output.slice(0, 2_000)}`);
  }
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface ServerStartOptions {
  storage: Storage;
  /** The same key across restarts of one data set. */
  masterKey: string;
  /** "api" stores deliveries without sending them (no dispatcher in the process). */
  role?: "all" | "api";
  env?: Record<string, string>;
  /** Write a V8 CPU profile of the server into this directory. */
  cpuProfDir?: string | null;
}

/**
 * Extra server settings from the harness's environment: BENCH_SERVER_ENV="NAME=value,NAME=value"
 * (for experiments such as a shorter poll interval; the published table uses the defaults).
 */
export function serverEnvOverrides(): Record<string, string> {
  const raw = process.env.BENCH_SERVER_ENV?.trim();
  if (!raw) return {};
  return Object.fromEntries(
    raw.split(",").map((pair) => {
      const at = pair.indexOf("=");
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    }),
  );
}

export function newMasterKey(): string {
  return randomBytes(32).toString("base64");
}

export class SwitchboardServer {
  private readonly pool: Pool;

  private constructor(
    readonly child: Child,
    readonly url: string,
  ) {
    this.pool = new Pool(url, { connections: 16, keepAliveTimeout: 60_000 });
  }

  static async start(options: ServerStartOptions): Promise<SwitchboardServer> {
    const { storage } = options;
    const nodeArgs = options.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`] : [];
    const child = new Child({
      name: `switchboard(${options.role ?? "all"})`,
      cwd: ROOT,
      args: [...nodeArgs, ENTRY, "start", "--role", options.role ?? "all"],
      env: {
        SWITCHBOARD_DATA_DIR: storage.dataDir,
        SWITCHBOARD_DATABASE_URL: storage.databaseUrl ?? "",
        SWITCHBOARD_PORT: "0",
        SWITCHBOARD_HOST: "127.0.0.1",
        SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
        SWITCHBOARD_MASTER_KEY: options.masterKey,
        SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "1",
        SWITCHBOARD_LOG_LEVEL: "info",
        ...serverEnvOverrides(),
        ...options.env,
      },
    });
    const line = await child.waitForLine((l) => l.includes("switchboard started"), 120_000);
    let url = "";
    try {
      url = (JSON.parse(line) as { url?: string | null }).url ?? "";
    } catch {
      url = /https?:\/\/[\w.:[\]-]+/.exec(line)?.[0] ?? "";
    }
    if (!url) throw new Error(`could not find the server's URL in: ${line}`);
    return new SwitchboardServer(child, url);
  }

  get pid(): number {
    return this.child.pid;
  }

  /** A JSON request with the given API key. Throws on transport errors, not on HTTP errors. */
  async call<T = unknown>(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    options: { key?: string; body?: unknown; rawBody?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await this.pool.request({ method, path, headers, body });
    const text = await response.body.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.statusCode, body: parsed as T };
  }

  /** Like call, but throws unless the status is the expected one. */
  async expect<T>(
    status: number,
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    options: { key?: string; body?: unknown; rawBody?: string } = {},
  ): Promise<T> {
    const response = await this.call<T>(method, path, options);
    if (response.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  }

  /** The Prometheus text of /metrics. */
  async metrics(): Promise<string> {
    const response = await this.pool.request({ method: "GET", path: "/metrics" });
    return response.body.text();
  }

  async stop(graceMs = 20_000): Promise<number | null> {
    await this.pool.close();
    return this.child.stop(graceMs);
  }
}

/** The value of one sample in Prometheus text, e.g. metric("…_total", {outcome: "succeeded"}); 0 if absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels);
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== "{" && rest[0] !== " ") continue;
    const close = rest.indexOf("}");
    const labelText = rest[0] === "{" ? rest.slice(1, close) : "";
    if (!wanted.every(([k, v]) => labelText.includes(`${k}="${v}"`))) continue;
    const value = Number(
      rest
        .slice(rest[0] === "{" ? close + 1 : 0)
        .trim()
        .split(" ")[0],
    );
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}
