import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, Receiver } from "../helpers/receiver.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";

/** Every table's row count and newest change, read straight from the SQLite file. */
function snapshot(dataDir: string): string {
  const db = new Database(join(dataDir, "switchboard.db"), { readonly: true });
  try {
    const tables = [
      "tenants",
      "api_keys",
      "webhooks",
      "events",
      "deliveries",
      "attempts",
      "clients",
      "cases",
    ];
    const counts = tables.map((t) => db.prepare(`select count(*) as n from ${t}`).get() as { n: number });
    const changed = db.prepare("select max(updated_at) as u from webhooks").get() as { u: number | null };
    const deliveries = db.prepare("select max(updated_at) as u from deliveries").get() as {
      u: number | null;
    };
    return JSON.stringify([counts, changed.u, deliveries.u]);
  } finally {
    db.close();
  }
}

/** Random JSON, plus shapes close to valid ones so validation is exercised past the first field. */
const body = fc.oneof(
  fc.jsonValue(),
  fc.record(
    { type: fc.oneof(fc.string(), fc.constant("call.ended")), data: fc.jsonValue() },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      url: fc.oneof(fc.webUrl(), fc.string()),
      events: fc.array(fc.string()),
      retry: fc.jsonValue(),
      headers: fc.dictionary(fc.string(), fc.jsonValue()),
      auth: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
  fc.record({ events: fc.array(fc.jsonValue(), { maxLength: 3 }) }),
);

describe("malformed input to every write route", () => {
  let sb: TestServer;
  let receiver: Receiver;
  let key: string;
  let tenantId: string;
  let webhookId: string;
  let deliveryId: string;

  beforeAll(async () => {
    sb = await startTestServer("sqlite", { SWITCHBOARD_API_RATE_LIMIT: "100000" });
    receiver = await Receiver.start();
    ({ key, id: tenantId } = await sb.tenant());
    const webhook = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: receiver.url, retry: { max_attempts: 1 } },
    });
    webhookId = webhook.body.id;
    const event = await sb.call("POST", "/v1/events", {
      key,
      body: { type: "call.started", data: { call_id: "c1" } },
    });
    const detail = await sb.call("GET", `/v1/events/${event.body.id}`, { key });
    deliveryId = detail.body.deliveries[0].id;
    // Let the delivery finish, so nothing but the request under test changes the store.
    await eventually(async () => {
      const delivery = await sb.call("GET", `/v1/deliveries/${deliveryId}`, { key });
      return delivery.body.status === "succeeded";
    });
  });
  afterAll(async () => {
    await sb?.stop();
    await receiver?.close();
  });

  const routes: Array<[string, string, () => string, () => string]> = [
    ["POST", "/v1/tenants", () => "/v1/tenants", () => ADMIN_KEY],
    ["POST", "/v1/tenants/{id}/keys", () => `/v1/tenants/${tenantId}/keys`, () => ADMIN_KEY],
    ["POST", "/v1/events", () => "/v1/events", () => key],
    ["POST", "/v1/events/batch", () => "/v1/events/batch", () => key],
    ["POST", "/v1/webhooks", () => "/v1/webhooks", () => key],
    ["PATCH", "/v1/webhooks/{id}", () => `/v1/webhooks/${webhookId}`, () => key],
    ["POST", "/v1/webhooks/{id}/replay", () => `/v1/webhooks/${webhookId}/replay`, () => key],
    ["POST", "/v1/webhooks/{id}/test", () => `/v1/webhooks/${webhookId}/test`, () => key],
    ["POST", "/v1/deliveries/{id}/retry", () => `/v1/deliveries/${deliveryId}/retry`, () => key],
  ];

  it.each(routes)(
    "%s %s answers random JSON with 4xx (never 5xx) and a rejected request changes nothing",
    async (method, _label, path, auth) => {
      await fc.assert(
        fc.asyncProperty(body, async (input) => {
          const before = snapshot(sb.storage.dataDir);
          const answer = await sb.call(method, path(), { key: auth(), body: JSON.stringify(input) });
          expect(answer.status).toBeLessThan(500);
          if (answer.status >= 400) {
            expect(answer.body.error.code).toEqual(expect.any(String));
            expect(snapshot(sb.storage.dataDir)).toBe(before);
          }
        }),
        { numRuns: 100 },
      );
    },
  );
});

/**
 * The record and destination routes on a server of their own with no target that record events
 * would reach: a random body that happens to be valid (an empty client, say) then queues no
 * delivery that could still be changing the store while a later request is compared.
 */
describe("malformed input to the record and destination routes", () => {
  let sb: TestServer;
  let key: string;
  let clientId: string;
  let caseId: string;
  let destinationId: string;

  beforeAll(async () => {
    sb = await startTestServer("sqlite", { SWITCHBOARD_API_RATE_LIMIT: "100000" });
    ({ key } = await sb.tenant());
    const client = await sb.call("POST", "/v1/clients", { key, body: { first_name: "Ana" } });
    expect(client.status).toBe(201);
    clientId = client.body.id;
    const matter = await sb.call("POST", "/v1/cases", { key, body: { client_id: clientId } });
    expect(matter.status).toBe(201);
    caseId = matter.body.id;
    const destination = await sb.call("POST", "/v1/destinations", {
      key,
      body: {
        kind: "email",
        events: ["webhook.test"],
        email: { smtp: { host: "127.0.0.1", port: 2525, security: "none" }, from: "a@b.co", to: ["c@d.co"] },
      },
    });
    expect(destination.status).toBe(201);
    destinationId = destination.body.id;
  });
  afterAll(async () => {
    await sb?.stop();
  });

  // Destinations last: one created by a valid random body hears no record event after it.
  const routes: Array<[string, string, () => string]> = [
    ["POST", "/v1/clients", () => "/v1/clients"],
    ["PATCH", "/v1/clients/{id}", () => `/v1/clients/${clientId}`],
    ["POST", "/v1/cases", () => "/v1/cases"],
    ["PATCH", "/v1/cases/{id}", () => `/v1/cases/${caseId}`],
    ["POST", "/v1/destinations", () => "/v1/destinations"],
    ["PATCH", "/v1/destinations/{id}", () => `/v1/destinations/${destinationId}`],
  ];

  it.each(routes)(
    "%s %s answers random JSON with 4xx (never 5xx) and a rejected request changes nothing",
    async (method, _label, path) => {
      await fc.assert(
        fc.asyncProperty(body, async (input) => {
          const before = snapshot(sb.storage.dataDir);
          const answer = await sb.call(method, path(), { key, body: JSON.stringify(input) });
          expect(answer.status).toBeLessThan(500);
          if (answer.status >= 400) {
            expect(answer.body.error.code).toEqual(expect.any(String));
            expect(snapshot(sb.storage.dataDir)).toBe(before);
          }
        }),
        { numRuns: 100 },
      );
    },
  );
});
