/** Tenant, keys and webhooks for a benchmark run, created through the public API. */
import { ADMIN_KEY, type SwitchboardServer } from "./server.js";

export interface Endpoint {
  /** The receiver path this webhook posts to, e.g. /ep/0. */
  path: string;
  webhookId: string;
  secret: string;
}

export interface WebhookSpec {
  path: string;
  timeout_ms?: number;
  filters?: Record<string, unknown>;
  events?: string[];
  enabled?: boolean;
  /** `per_key`: deliveries sharing a `data.call_id` go out one at a time (scenario ordering). */
  ordering?: "per_key";
}

export async function createTenant(server: SwitchboardServer, name = "Bench Firm"): Promise<string> {
  const tenant = await server.expect<{ id: string }>(201, "POST", "/v1/tenants", {
    key: ADMIN_KEY,
    body: { name },
  });
  const key = await server.expect<{ key: string }>(201, "POST", `/v1/tenants/${tenant.id}/keys`, {
    key: ADMIN_KEY,
  });
  return key.key;
}

export async function createWebhooks(
  server: SwitchboardServer,
  key: string,
  receiverUrl: string,
  specs: WebhookSpec[],
): Promise<Endpoint[]> {
  const endpoints: Endpoint[] = [];
  for (const spec of specs) {
    const created = await server.expect<{ id: string; secret: string }>(201, "POST", "/v1/webhooks", {
      key,
      body: {
        url: `${receiverUrl}${spec.path}`,
        description: `bench ${spec.path}`,
        events: spec.events ?? ["call.ended"],
        ...(spec.timeout_ms !== undefined ? { timeout_ms: spec.timeout_ms } : {}),
        ...(spec.filters !== undefined ? { filters: spec.filters } : {}),
        ...(spec.enabled !== undefined ? { enabled: spec.enabled } : {}),
        ...(spec.ordering !== undefined ? { ordering: spec.ordering } : {}),
      },
    });
    endpoints.push({ path: spec.path, webhookId: created.id, secret: created.secret });
  }
  return endpoints;
}

/** `count` healthy endpoints at /ep/0 … /ep/{count-1}. */
export function healthySpecs(count: number): WebhookSpec[] {
  return Array.from({ length: count }, (_, i) => ({ path: `/ep/${i}` }));
}

export function secretsByPath(endpoints: Endpoint[]): Record<string, string> {
  return Object.fromEntries(endpoints.map((e) => [e.path, e.secret]));
}
