/**
 * A client written the way an integrator would: types generated from /openapi.json by
 * openapi-typescript (./generated/api.d.ts, made by test/integration/openapi.test.ts), requests
 * through openapi-fetch. The test type-checks this file against the generated types, then runs it.
 */
import createClient from "openapi-fetch";
import type { paths } from "./generated/api.js";

export interface ClientRun {
  webhookId: string;
  secret: string;
  eventId: string;
  deliveries: number;
  deliveryStatuses: string[];
}

export async function runClient(baseUrl: string, key: string, receiverUrl: string): Promise<ClientRun> {
  const api = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${key}` } });

  const created = await api.POST("/v1/webhooks", {
    body: { url: receiverUrl, events: ["call.ended"], description: "openapi-fetch client" },
  });
  if (!created.data) throw new Error(`create webhook: ${JSON.stringify(created.error)}`);
  const webhook = created.data;

  const sent = await api.POST("/v1/events", {
    body: { type: "call.ended", data: { call_id: "call_openapi_1", direction: "inbound", duration: 42 } },
  });
  if (!sent.data) throw new Error(`send event: ${JSON.stringify(sent.error)}`);

  const listed = await api.GET("/v1/webhooks/{id}/deliveries", {
    params: { path: { id: webhook.id }, query: { limit: 10 } },
  });
  if (!listed.data) throw new Error(`list deliveries: ${JSON.stringify(listed.error)}`);

  const missing = await api.GET("/v1/events/{id}", { params: { path: { id: "evt_doesnotexist" } } });
  // The error envelope is typed too.
  if (missing.error?.error.code !== "not_found") throw new Error("expected the not_found envelope");

  return {
    webhookId: webhook.id,
    secret: webhook.secret,
    eventId: sent.data.id,
    deliveries: sent.data.deliveries,
    deliveryStatuses: listed.data.data.map((d) => d.status),
  };
}
