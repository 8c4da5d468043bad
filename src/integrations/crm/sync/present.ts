import { iso } from "../../../domain/time.js";
import type {
  CrmConnectionRecord,
  CrmLink,
  CrmRun,
  WebhookHealth,
  WebhookRecord,
} from "../../../store/index.js";
import { presentHealth } from "../../../webhooks/present.js";
import type { CredentialField, CrmProvider } from "../connector.js";
import type { CrmTargetConfig } from "./connections.js";
import type { ConnectionView } from "./schema-api.js";

/** A secret as answers show it: never the value; its last four characters when it is long enough to keep them. */
export function maskSecret(value: string): string {
  return value.length >= 12 ? `••••${value.slice(-4)}` : "••••••••";
}

export function presentCredentials(
  fields: readonly CredentialField[],
  credentials: Record<string, string>,
): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(credentials)) {
    const field = fields.find((f) => f.name === name);
    // A credential the provider does not describe is treated as secret.
    shown[name] = field && !field.secret ? value : maskSecret(value);
  }
  return shown;
}

export function presentConnection(
  target: WebhookRecord,
  connection: CrmConnectionRecord,
  config: CrmTargetConfig,
  provider: CrmProvider,
  health?: WebhookHealth,
): ConnectionView {
  return {
    id: connection.id,
    provider: connection.provider,
    name: connection.name,
    base_url: config.base_url,
    credentials: presentCredentials(provider.credentials, config.credentials),
    settings: connection.settings,
    delivering: target.enabled,
    disabled_reason: target.disabled_reason,
    timeout_ms: target.timeout_ms,
    retry: target.retry,
    max_in_flight: target.max_in_flight,
    rate_limit_per_s: target.rate_limit_per_s,
    fields_loaded_at: iso(connection.schema_loaded_at),
    health: presentHealth(health),
    created_at: iso(connection.created_at),
    updated_at: iso(Math.max(connection.updated_at, target.updated_at)),
  };
}

export function presentProvider(provider: CrmProvider) {
  const c = provider.capabilities;
  return {
    name: provider.name,
    label: provider.label,
    credentials: provider.credentials.map((f) => ({ ...f })),
    base_url: { ...provider.baseUrl },
    oauth: provider.oauth !== undefined,
    capabilities: {
      objects: [...c.objects],
      push: c.push,
      list_changes: c.listChanges,
      change_notifications: c.changeNotifications,
      conditional_update: c.conditionalUpdate,
      rate_limit_per_second: c.rateLimitPerSecond,
    },
  };
}

export function presentRun(run: CrmRun) {
  return {
    id: run.id,
    connection_id: run.connection_id,
    mode: run.mode,
    status: run.status,
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
    pulled: run.pulled,
    pushed: run.pushed,
    conflicts: run.conflicts,
    total: run.total,
    errors: run.errors.map((e) => ({ ...e, at: iso(e.at) })),
    conflict_list: run.conflict_list.map((c) => ({ ...c, at: iso(c.at) })),
  };
}

export function presentLink(link: CrmLink) {
  return {
    object: link.object,
    platform_id: link.platform_id,
    crm_id: link.crm_id,
    platform_hash: link.platform_hash,
    crm_hash: link.crm_hash,
    synced_at: iso(link.synced_at),
  };
}
