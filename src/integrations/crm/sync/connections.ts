import { Agent } from "undici";
import { createGuardedLookup } from "../../../delivery/guarded-lookup.js";
import { MAX_TIMEOUT_MS } from "../../../domain/webhook.js";
import type { SecretCipher } from "../../../secrets/cipher.js";
import type { CrmConnectionRecord, Store, WebhookRecord } from "../../../store/index.js";
import type { Connector, CrmExchange, CrmProvider } from "../connector.js";
import { crmProvider } from "../providers.js";

/** What a CRM connection's target row keeps encrypted in `target_config`. */
export interface CrmTargetConfig {
  provider: string;
  base_url: string;
  credentials: Record<string, string>;
}

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
    const { config, target } = loaded;
    return loaded.provider.connect({
      baseUrl: config.base_url,
      credentials: config.credentials,
      dispatcher: this.agent,
      timeoutMs: target.timeout_ms,
      ...(onExchange ? { onExchange } : {}),
      onCredentialsChanged: async (credentials) => {
        const next: CrmTargetConfig = { ...config, credentials: { ...config.credentials, ...credentials } };
        await this.store.targets.update(
          target.tenant_id,
          target.id,
          { target_config: this.cipher.encrypt(JSON.stringify(next)) },
          Date.now(),
        );
      },
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
