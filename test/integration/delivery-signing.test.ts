import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findEventType } from "../../src/domain/catalog/index.js";
import { type ReceivedRequest, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const CALL_DATA = { call_id: "call_sig_1", direction: "inbound", duration: 42 };

function verify(secret: string, request: ReceivedRequest): Record<string, unknown> {
  return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as Record<
    string,
    unknown
  >;
}

describe.each(storeKinds())("delivery signing and wire format on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  let receiver: Receiver;

  beforeAll(async () => {
    sb = await startTestServer(kind);
  });
  beforeEach(async () => {
    // A tenant per test, so earlier tests' webhooks get none of this test's events.
    ({ key } = await sb.tenant());
  });
  afterEach(async () => {
    await receiver?.close();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  async function createWebhook(body: Record<string, unknown> = {}) {
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/hook`, events: ["call.*"], ...body },
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  }

  async function sendEvent(data: Record<string, unknown> = CALL_DATA) {
    const sent = await sb.call("POST", "/v1/events", { key, body: { type: "call.ended", data } });
    expect(sent.status).toBe(202);
    return sent.body as { id: string; deliveries: number };
  }

  it("sends the DESIGN.md envelope and headers, signed so standardwebhooks verifies it", async () => {
    receiver = await Receiver.start();
    const webhook = await createWebhook();
    const before = Math.floor(Date.now() / 1000);
    const event = await sendEvent();
    await receiver.waitFor(1);
    const request = receiver.requests[0] as ReceivedRequest;

    expect(request.method).toBe("POST");
    expect(request.url).toBe("/hook");
    const body = JSON.parse(request.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["id", "type", "event", "timestamp", "data"]);
    expect(body.type).toBe("call.ended");
    expect(body.id).toBe(event.id);
    expect(body.event).toBe("call.ended");
    expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
    expect(body.data).toEqual(CALL_DATA);

    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["user-agent"]).toMatch(/^Switchboard\/\d+\.\d+\.\d+/);
    expect(request.headers["webhook-id"]).toBe(event.id);
    const timestamp = Number(request.headers["webhook-timestamp"]);
    expect(Number.isInteger(timestamp)).toBe(true);
    expect(timestamp).toBeGreaterThanOrEqual(before - 1);
    expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);

    expect(verify(webhook.secret, request)).toEqual(body);

    // The raw recipe of DESIGN.md: HMAC-SHA256 of "id.timestamp.body" keyed by the decoded secret.
    const signingKey = Buffer.from(webhook.secret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", signingKey)
      .update(`${event.id}.${timestamp}.${request.body}`)
      .digest("base64");
    expect(request.headers["webhook-signature"]).toBe(`v1,${expected}`);
  });

  it("rejects a delivery verified with a different secret", async () => {
    receiver = await Receiver.start();
    await createWebhook();
    await sendEvent();
    await receiver.waitFor(1);
    const other = await createWebhook({ events: ["case.*"] });
    expect(() => verify(other.secret, receiver.requests[0] as ReceivedRequest)).toThrow();
  });

  it("signs with both the new and the old secret after a rotation", async () => {
    receiver = await Receiver.start();
    const webhook = await createWebhook();
    const rotated = await sb.call("POST", `/v1/webhooks/${webhook.id}/rotate-secret`, { key });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(webhook.secret);
    const graceEnds = Date.parse(rotated.body.previous_secret_expires_at);
    expect(graceEnds).toBeGreaterThan(Date.now() + 23 * 3600_000);

    const revealed = await sb.call("GET", `/v1/webhooks/${webhook.id}/secret`, { key });
    expect(revealed.body).toMatchObject({ secret: newSecret, previous_secret: webhook.secret });

    const event = await sendEvent();
    await receiver.waitFor(1);
    const request = receiver.requests[0] as ReceivedRequest;
    const signatures = (request.headers["webhook-signature"] as string).split(" ");
    expect(signatures).toHaveLength(2);
    for (const signature of signatures) expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verify(newSecret, request).id).toBe(event.id);
    expect(verify(webhook.secret, request).id).toBe(event.id);
  });

  it("sends the catalog example of the requested type as a test, signed, and logs it", async () => {
    receiver = await Receiver.start((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"received":true}');
    });
    const webhook = await createWebhook();
    const tested = await sb.call("POST", `/v1/webhooks/${webhook.id}/test`, {
      key,
      body: { event_type: "call.ended" },
    });
    expect(tested.status).toBe(200);
    expect(tested.body.succeeded).toBe(true);
    expect(tested.body.attempt.response).toMatchObject({ status: 200, body: '{"received":true}' });
    expect(tested.body.attempt.duration_ms).toEqual(expect.any(Number));
    expect(tested.body.attempt.error).toBeNull();
    // The answer comes after the attempt, so the receiver already has it.
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0] as ReceivedRequest;
    const payload = verify(webhook.secret, request);
    expect(payload).toMatchObject({ id: tested.body.event_id, event: "call.ended" });
    expect(payload.data).toEqual(findEventType("call.ended")?.example);
    expect(request.headers["webhook-id"]).toBe(tested.body.event_id);

    const listed = await sb.call("GET", `/v1/webhooks/${webhook.id}/deliveries`, { key });
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        id: tested.body.delivery_id,
        event_id: tested.body.event_id,
        status: "succeeded",
        attempt_count: 1,
      }),
    ]);
    const delivery = await sb.call("GET", `/v1/deliveries/${tested.body.delivery_id}`, { key });
    expect(delivery.body.attempts).toHaveLength(1);
  });

  it("sends a webhook.test event when the test names no type", async () => {
    receiver = await Receiver.start();
    const webhook = await createWebhook();
    const tested = await sb.call("POST", `/v1/webhooks/${webhook.id}/test`, { key, body: {} });
    expect(tested.status).toBe(200);
    expect(tested.body.succeeded).toBe(true);
    const payload = verify(webhook.secret, receiver.requests[0] as ReceivedRequest);
    expect(payload.event).toBe("webhook.test");
    expect(payload.test).toBe(true);
    // The catalog's example, naming this webhook and when the test was asked for.
    const data = payload.data as Record<string, unknown>;
    expect(data).toMatchObject({
      ...findEventType("webhook.test")?.example,
      webhook_id: webhook.id,
      url: `${receiver.url}/hook`,
      requested_at: expect.any(String),
    });
    expect(Date.now() - Date.parse(String(data.requested_at))).toBeLessThan(60_000);
  });

  it("sends a webhook.test event when the test request has no body at all", async () => {
    receiver = await Receiver.start();
    const webhook = await createWebhook();
    const tested = await sb.call("POST", `/v1/webhooks/${webhook.id}/test`, { key });
    expect(tested.status).toBe(200);
    const payload = verify(webhook.secret, receiver.requests[0] as ReceivedRequest);
    expect(payload.event).toBe("webhook.test");
  });

  it("answers a test with the failed attempt when the receiver errors, and does not retry it", async () => {
    receiver = await Receiver.start((_req, res) => {
      res.writeHead(500);
      res.end("nope");
    });
    const webhook = await createWebhook({ retry: { schedule: [1], max_attempts: 3 } });
    const tested = await sb.call("POST", `/v1/webhooks/${webhook.id}/test`, {
      key,
      body: { event_type: "call.ended" },
    });
    expect(tested.status).toBe(200);
    expect(tested.body.succeeded).toBe(false);
    expect(tested.body.attempt.response).toMatchObject({ status: 500, body: "nope" });
    const delivery = await sb.call("GET", `/v1/deliveries/${tested.body.delivery_id}`, { key });
    expect(delivery.body.status).toBe("failed");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.requests).toHaveLength(1);
  });

  it("refuses a test of an unknown event type", async () => {
    receiver = await Receiver.start();
    const webhook = await createWebhook();
    const tested = await sb.call("POST", `/v1/webhooks/${webhook.id}/test`, {
      key,
      body: { event_type: "call.endd" },
    });
    expect(tested.status).toBe(422);
    expect(tested.body.error.code).toBe("unknown_event_type");
    expect(receiver.requests).toHaveLength(0);
  });
});
