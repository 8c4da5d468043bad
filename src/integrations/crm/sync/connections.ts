import { Agent } from "undici";
import { createGuardedLookup } from "../../../delivery/guarded-lookup.js";
import { MAX_TIMEOUT_MS } from "../../../domain/webhook.js";
import type { SecretCipher } from "../../../secrets/cipher.js";
import type { CrmConnectionRecord, Store, WebhookRecord } from "../../../store/index.js";
import type { Connector, ConnectorContext, CrmExchange, CrmProvider, CrmSubscription } from "../connector.js";
import { CrmPacer } from "../pacer.js";
import { crmProvider } from "../providers.js";
import type { CrmMetrics } from "./metrics.js";

/** What a CRM connection's target row keeps encrypted in `target_config`. */
export interface CrmTargetConfig {
  provider: string;
  base_url: string;
  credentials: Record<string, string>;
  /** Where an OAuth connection stands (absent for one made with direct credentials). */
  oauth?: CrmOAuthState;
  /** The CRM's change-notification subscriptions pointing at our hook route (Clio's webhooks). */
  subscriptions?: CrmSubscription[];
}

/**
 * An OAuth connection's standing: waiting for someone to authorize it, connected, or refused by
 * the CRM (a revoked refresh token): then `message` says why, in the CRM's words, and the
 * connection shows `failing` until it is connected again.
 */
export interface CrmOAuthState {
  status: "awaiting_authorization" | "connected" | "refused";
  message: string | null;
  /** Epoch ms of the last change. */
  at: number;
}

/** Attempts of a compare-and-swap credentials write before giving up (each lost race re-reads). */
const SWAP_ATTEMPTS = 8;

/** A connection with everything needed to talk to its CRM. */
export interface LoadedConnection {
  target: WebhookRecord;
  connection: CrmConnectionRecord;
  config: CrmTargetConfig;
  provider: CrmProvider;
}

export function decryptCrmConfig(cipher: SecretCipher, stored: string | null): CrmTargetConfig {
  if (stored === null) throw new Error("a CRM connection without its configuration");
  return JSON.parse(cipher.decrypt(stored)) as CrmTargetConfig;
}

/** Where a connection's pushes go, for people (the target's `url`). */
export function crmTargetUrl(config: Pick<CrmTargetConfig, "provider" | "base_url">): string {
  return config.base_url;
}

/**
 * Builds connectors for stored connections: credentials decrypted, one undici Agent whose lookup
 * applies the destination guard (a CRM base URL is a destination like a webhook URL), and every
 * exchange reported to the caller (the attempt log, the preview).
 */
export class CrmConnectors {
  readonly agent: Agent;
  /** One pacer per connection in this process: pushes, pulls and syncs share its rate limit. */
  private readonly pacers = new Map<string, CrmPacer>();
  /** Per-connection sync metrics (set by the server once its registry exists; absent in tools). */
  metrics: CrmMetrics | null = null;

  constructor(
    private readonly store: Store,
    readonly cipher: SecretCipher,
    readonly options: { allowPrivateTargets: boolean },
  ) {
    this.agent = new Agent({
      connections: 16,
      keepAliveTimeout: 30_000,
      headersTimeout: MAX_TIMEOUT_MS,
      bodyTimeout: MAX_TIMEOUT_MS,
      connect: {
        timeout: 10_000,
        lookup: createGuardedLookup({ allowPrivate: options.allowPrivateTargets }),
      },
    });
  }

  /** The tenant's connection (null when unknown or deleted). */
  async load(tenantId: string, id: string): Promise<LoadedConnection | null> {
    const [target, connection] = await Promise.all([
      this.store.targets.get(tenantId, id),
      this.store.crm.get(tenantId, id),
    ]);
    return target && connection && target.kind === "crm" ? this.loaded(target, connection) : null;
  }

  /** Any tenant's connection by id (jobs). */
  async loadById(id: string): Promise<LoadedConnection | null> {
    const connection = await this.store.crm.getById(id);
    if (!connection) return null;
    const target = await this.store.targets.get(connection.tenant_id, id);
    return target && target.kind === "crm" ? this.loaded(target, connection) : null;
  }

  loaded(target: WebhookRecord, connection: CrmConnectionRecord): LoadedConnection {
    const config = decryptCrmConfig(this.cipher, target.target_config);
    const provider = crmProvider(config.provider);
    if (!provider) throw new Error(`unknown CRM provider "${config.provider}"`);
    return { target, connection, config, provider };
  }

  connect(
    loaded: Pick<LoadedConnection, "target" | "config" | "provider">,
    onExchange?: (exchange: CrmExchange) => void,
  ): Connector {
    return loaded.provider.connect(this.context(loaded, onExchange));
  }

  /** What a connector (or the provider's OAuth helpers) is built with; refreshed tokens are saved. */
  context(
    loaded: Pick<LoadedConnection, "target" | "config">,
    onExchange?: (exchange: CrmExchange) => void,
  ): ConnectorContext {
    const { config, target } = loaded;
    return {
      baseUrl: config.base_url,
      credentials: config.credentials,
      dispatcher: this.agent,
      timeoutMs: target.timeout_ms,
      pacer: this.pacer(target.id),
      ...(onExchange ? { onExchange } : {}),
      onCredentialsChanged: async (credentials) => {
        // Only what changed is merged into the stored config: a concurrent edit of anything else stays.
        const changed: Record<string, string> = {};
        for (const [name, value] of Object.entries(credentials)) {
          if (config.credentials[name] !== value) changed[name] = value;
        }
        await this.saveCredentials(target.tenant_id, target.id, changed, {
          status: "connected",
          message: null,
          at: Date.now(),
        });
      },
    };
  }

  /**
   * The connection's pacer, made on first use. It starts unpaced and learns from the CRM's first
   * 429: a published rate such as Clio's 50 a minute is a per-window allowance, and spacing every
   * request 1.2 s apart from the start would make a burst that the window allows 50 times slower.
   */
  pacer(connectionId: string): CrmPacer {
    let pacer = this.pacers.get(connectionId);
    if (!pacer) {
      pacer = new CrmPacer(null);
      this.pacers.set(connectionId, pacer);
    }
    return pacer;
  }

  /**
   * Merges `credentials` (and the OAuth standing, when given) into the connection's stored config,
   * atomically: read, merge, compare-and-swap, again on a lost race. False when the connection is gone.
   * A connection without OAuth standing keeps none (a direct token's refresh is not a connect).
   */
  async saveCredentials(
    tenantId: string,
    id: string,
    credentials: Record<string, string>,
    oauth?: CrmOAuthState,
  ): Promise<boolean> {
    return this.updateConfig(tenantId, id, (current) => ({
      ...current,
      credentials: { ...current.credentials, ...credentials },
      ...(oauth && (current.oauth || oauth.status !== "connected") ? { oauth } : {}),
    }));
  }

  /**
   * Applies `change` to the connection's stored config atomically: read, change, compare-and-swap,
   * again on a lost race (so a concurrent edit is never overwritten). False when the connection is gone.
   */
  async updateConfig(
    tenantId: string,
    id: string,
    change: (current: CrmTargetConfig) => CrmTargetConfig,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < SWAP_ATTEMPTS; attempt++) {
      const target = await this.store.targets.get(tenantId, id);
      if (!target || target.target_config === null) return false;
      const next = change(decryptCrmConfig(this.cipher, target.target_config));
      const stored = this.cipher.encrypt(JSON.stringify(next));
      if (await this.store.targets.swapConfig(tenantId, id, target.target_config, stored, Date.now())) {
        return true;
      }
    }
    throw new Error(`the CRM connection ${id} kept changing while its configuration was saved`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
