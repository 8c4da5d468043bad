import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

describe.each(storeKinds())("test sends and finding events on %s", (kind) => {
  let sb: TestServer;
  let receiver: Receiver;

  beforeAll(async () => {
    sb = await startTestServer(kind);
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
    await sb?.stop();
  });

  const ids = (answer: { body: { data: Array<{ id: string }> } }) => answer.body.data.map((e) => e.id);

  it("a test send says it is a test, names the real webhook and the time, and stays out of the event list", async () => {
    const { key } = await sb.tenant();
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/test-send` },
    });
    expect(created.status).toBe(201);
    const real = await sb.call("POST", "/v1/events", {
      key,
      body: { type: "call.started", data: { call_id: "call_real_1" } },
    });
    expect(real.status).toBe(202);

    const before = Date.now();
    const tested = await sb.call("POST", `/v1/webhooks/${created.body.id}/test`, { key, body: {} });
    expect(tested.status).toBe(200);
    const request = receiver.requests.find((r) => r.headers["webhook-id"] === tested.body.event_id);
    expect(request).toBeDefined();
    // Signed like any delivery, over a body that carries `"test": true`.
    const body = new Webhook(created.body.secret).verify(
      request?.body ?? "",
      request?.headers as Record<string, string>,
    ) as { test?: boolean; type: string; data: Record<string, unknown> };
    expect(body.test).toBe(true);
    expect(body.type).toBe("webhook.test");
    expect(body.data.webhook_id).toBe(created.body.id);
    expect(body.data.url).toBe(`${receiver.url}/test-send`);
    const requestedAt = Date.parse(String(body.data.requested_at));
    expect(requestedAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(requestedAt).toBeLessThanOrEqual(Date.now());

    // A real event's envelope has no `test` at all.
    await receiver.waitFor(2);
    const realRequest = receiver.requests.find((r) => r.headers["webhook-id"] === real.body.id);
    expect(JSON.parse(realRequest?.body ?? "{}")).not.toHaveProperty("test");

    const listed = await sb.call("GET", "/v1/events", { key });
    expect(ids(listed)).toEqual([real.body.id]);
    expect(listed.body.data[0].test).toBe(false);
    const all = await sb.call("GET", "/v1/events?include_tests=true", { key });
    expect(ids(all)).toEqual([tested.body.event_id, real.body.id]);
    expect(all.body.data[0].test).toBe(true);
    const one = await sb.call("GET", `/v1/events/${tested.body.event_id}`, { key });
    expect(one.body.test).toBe(true);
    expect((await sb.call("GET", "/v1/events?include_tests=yes", { key })).status).toBe(422);
  });

  it("finds events by type with the wildcards and aliases subscriptions accept", async () => {
    const { key } = await sb.tenant();
    const sent: Record<string, string> = {};
    for (const [type, data] of [
      ["call.started", { call_id: "c1" }],
      ["call.ended", { call_id: "c1", direction: "inbound", duration: 3 }],
      ["message.received", { message_id: "m1", from_number: "+13125550100", body: "hi" }],
    ] as const) {
      const answer = await sb.call("POST", "/v1/events", { key, body: { type, data } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      sent[type] = answer.body.id;
    }
    const search = async (type: string) => {
      const answer = await sb.call("GET", `/v1/events?type=${encodeURIComponent(type)}`, { key });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return ids(answer).sort();
    };
    expect(await search("call.*")).toEqual([sent["call.started"], sent["call.ended"]].sort());
    expect(await search("call_*")).toEqual([sent["call.started"], sent["call.ended"]].sort());
    expect(await search("call_ended")).toEqual([sent["call.ended"]]);
    expect(await search("*")).toHaveLength(3);
    expect(await search("message.*")).toEqual([sent["message.received"]]);
    expect(await search("no.such.type")).toEqual([]);
    const unknownCategory = await sb.call("GET", "/v1/events?type=nothing.*", { key });
    expect(unknownCategory.status).toBe(422);
    expect(unknownCategory.body.error.message).toContain("nothing.*");
  });
});
