import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, type ReceivedRequest, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const FAST_RETRIES = { schedule: [1, 1], max_attempts: 3 };

describe.each(storeKinds())("delivery retries on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  let receiver: Receiver;

  beforeAll(async () => {
    sb = await startTestServer(kind);
  });
  beforeEach(async () => {
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
      body: { url: `${receiver.url}/hook`, events: ["call.*"], retry: FAST_RETRIES, ...body },
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  }

  /** Sends one event; returns its id and the id of its (only) delivery. */
  async function sendEvent(): Promise<{ eventId: string; deliveryId: string }> {
    const sent = await sb.call("POST", "/v1/events", {
      key,
      body: { type: "call.ended", data: { call_id: "call_retry", direction: "inbound", duration: 7 } },
    });
    expect(sent.status).toBe(202);
    expect(sent.body.deliveries).toBe(1);
    const event = await sb.call("GET", `/v1/events/${sent.body.id}`, { key });
    return { eventId: sent.body.id, deliveryId: event.body.deliveries[0].id };
  }

  // biome-ignore lint/suspicious/noExplicitAny: API answers are read as JSON.
  async function deliveryWhen(id: string, done: (d: any) => boolean, timeoutMs = 15_000): Promise<any> {
    return eventually(async () => {
      const d = await sb.call("GET", `/v1/deliveries/${id}`, { key });
      return done(d.body) ? d.body : null;
    }, timeoutMs);
  }

  it("delivers on the third attempt after two 500s, recording every attempt", async () => {
    receiver = await Receiver.start((_req, res, index) => {
      if (index < 2) {
        res.writeHead(500, { "content-type": "text/plain", "x-attempt": String(index + 1) });
        res.end(`boom ${index + 1}`);
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"ok":true}');
      }
    });
    const webhook = await createWebhook();
    const { eventId, deliveryId } = await sendEvent();
    await receiver.waitFor(3);
    const delivery = await deliveryWhen(deliveryId, (d) => d.status === "succeeded");

    expect(delivery.attempt_count).toBe(3);
    expect(delivery.last_status_code).toBe(200);
    expect(delivery.next_attempt_at).toBeNull();
    expect(delivery.attempts.map((a: { attempt_number: number }) => a.attempt_number)).toEqual([1, 2, 3]);
    expect(delivery.attempts.map((a: { response: { status: number } }) => a.response.status)).toEqual([
      500, 500, 200,
    ]);
    expect(delivery.attempts.map((a: { succeeded: boolean }) => a.succeeded)).toEqual([false, false, true]);
    expect(delivery.attempts[0].response.body).toBe("boom 1");
    expect(delivery.attempts[0].response.headers["x-attempt"]).toBe("1");
    expect(delivery.attempts[1].response.body).toBe("boom 2");
    expect(delivery.attempts[2].response.body).toBe('{"ok":true}');
    for (const attempt of delivery.attempts) {
      expect(attempt.request.method).toBe("POST");
      expect(attempt.request.url).toBe(`${receiver.url}/hook`);
      expect(attempt.request.headers["webhook-id"]).toBe(eventId);
      // The signature is redacted to its version; the real value never reaches the log.
      expect(attempt.request.headers["webhook-signature"]).toMatch(/^v1,…$/);
      expect(JSON.parse(attempt.request.body).id).toBe(eventId);
      expect(attempt.duration_ms).toEqual(expect.any(Number));
    }

    // The same webhook-id on every attempt, each signed afresh and verifiable.
    const requests = receiver.requests as ReceivedRequest[];
    expect(requests.map((r) => r.headers["webhook-id"])).toEqual([eventId, eventId, eventId]);
    for (const request of requests) {
      new Webhook(webhook.secret).verify(request.body, request.headers as Record<string, string>);
      expect(delivery.attempts.map((a: { request: { body: string } }) => a.request.body)).toContain(
        request.body,
      );
    }
    // Retries wait for the schedule (1 s ± 10 % jitter), not less.
    expect((requests[1] as ReceivedRequest).at - (requests[0] as ReceivedRequest).at).toBeGreaterThanOrEqual(
      850,
    );
    expect((requests[2] as ReceivedRequest).at - (requests[1] as ReceivedRequest).at).toBeGreaterThanOrEqual(
      850,
    );
  });

  it("shows a waiting delivery as pending with its attempt count, last status and next attempt time", async () => {
    receiver = await Receiver.start((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    await createWebhook({ retry: { schedule: [30], max_attempts: 2 } });
    const { deliveryId } = await sendEvent();
    const delivery = await deliveryWhen(deliveryId, (d) => d.attempt_count === 1);
    expect(delivery.status).toBe("pending");
    expect(delivery.last_status_code).toBe(500);
    expect(delivery.last_error).toContain("500");
    expect(delivery.in_flight).toBe(false);
    const next = Date.parse(delivery.next_attempt_at);
    expect(next).toBeGreaterThan(Date.now() + 20_000);
    expect(next).toBeLessThan(Date.now() + 40_000);
  });

  it("waits at least Retry-After before retrying a 429", async () => {
    receiver = await Receiver.start((_req, res, index) => {
      if (index === 0) {
        res.writeHead(429, { "retry-after": "2" });
        res.end("slow down");
      }
    });
    await createWebhook();
    const { deliveryId } = await sendEvent();
    await receiver.waitFor(2, 10_000);
    const [first, second] = receiver.requests as [ReceivedRequest, ReceivedRequest];
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
    const delivery = await deliveryWhen(deliveryId, (d) => d.status === "succeeded");
    expect(delivery.attempts.map((a: { response: { status: number } }) => a.response.status)).toEqual([
      429, 200,
    ]);
  });

  it("fails the delivery once max_attempts are used up, and a manual retry sends it again at once", async () => {
    let healthy = false;
    receiver = await Receiver.start((_req, res) => {
      res.writeHead(healthy ? 200 : 500);
      res.end(healthy ? "fine" : "down");
    });
    await createWebhook({ retry: { schedule: [1], max_attempts: 2 } });
    const { deliveryId } = await sendEvent();
    const failed = await deliveryWhen(deliveryId, (d) => d.status === "failed");
    expect(failed.attempt_count).toBe(2);
    expect(failed.next_attempt_at).toBeNull();
    expect(failed.last_error).toContain("500");
    // Nothing more is attempted on its own.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(receiver.requests).toHaveLength(2);

    healthy = true;
    const retried = await sb.call("POST", `/v1/deliveries/${deliveryId}/retry`, { key });
    expect(retried.status).toBe(202);
    expect(retried.body.status).toBe("pending");
    await receiver.waitFor(3, 2_000);
    const delivered = await deliveryWhen(deliveryId, (d) => d.status === "succeeded");
    expect(delivered.attempt_count).toBe(3);
    expect(delivered.attempts.at(-1).response.status).toBe(200);
  });

  it("refuses to retry a delivery that already succeeded", async () => {
    receiver = await Receiver.start();
    await createWebhook();
    const { deliveryId } = await sendEvent();
    await deliveryWhen(deliveryId, (d) => d.status === "succeeded");
    const retried = await sb.call("POST", `/v1/deliveries/${deliveryId}/retry`, { key });
    expect(retried.status).toBe(409);
    expect(retried.body.error.code).toBe("not_retryable");
  });

  it("sends a pending delivery waiting for its next attempt at once when retried", async () => {
    let healthy = false;
    receiver = await Receiver.start((_req, res) => {
      res.writeHead(healthy ? 200 : 503);
      res.end();
    });
    await createWebhook({ retry: { schedule: [600], max_attempts: 3 } });
    const { deliveryId } = await sendEvent();
    await deliveryWhen(deliveryId, (d) => d.attempt_count === 1 && d.status === "pending" && !d.in_flight);
    healthy = true;
    const retried = await sb.call("POST", `/v1/deliveries/${deliveryId}/retry`, { key });
    expect(retried.status).toBe(202);
    await receiver.waitFor(2, 2_000);
    const delivered = await deliveryWhen(deliveryId, (d) => d.status === "succeeded");
    expect(delivered.attempt_count).toBe(2);
  });
});
