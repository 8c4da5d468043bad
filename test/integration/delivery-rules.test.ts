import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, type ReceivedRequest, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/** Success conditions, response append, filters and pre-call webhooks, end to end. */
describe.each(storeKinds())("delivery rules on %s", (kind) => {
  let sb: TestServer;
  let receiver: Receiver;
  let key: string;
  let n = 0;
  /** Per receiver path: how to answer the i-th request to that path. */
  const answers = new Map<string, (i: number) => { status: number; body: string; delayMs?: number }>();

  beforeAll(async () => {
    sb = await startTestServer(kind);
    receiver = await Receiver.start(async (request, res) => {
      const path = request.url.split("?")[0] as string;
      const answer = answers.get(path);
      if (!answer) return;
      const seen = receiver.requests.filter((r) => r.url.split("?")[0] === path).length - 1;
      const { status, body, delayMs } = answer(seen);
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
  });
  afterAll(async () => {
    await sb?.stop();
    await receiver?.close();
  });

  async function createWebhook(body: Record<string, unknown>) {
    const path = `/r${++n}`;
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}${path}`, ...body },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { webhook: created.body as { id: string }, path };
  }

  async function send(type: string, data: Record<string, unknown>) {
    const sent = await sb.call("POST", "/v1/events", { key, body: { type, data } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    return sent.body as { id: string; deliveries: number };
  }

  const requestsTo = (path: string): ReceivedRequest[] =>
    receiver.requests.filter((r) => r.url.split("?")[0] === path);

  // biome-ignore lint/suspicious/noExplicitAny: API answers are read as JSON.
  async function deliveryOf(eventId: string, done: (d: any) => boolean): Promise<any> {
    return eventually(async () => {
      const event = await sb.call("GET", `/v1/events/${eventId}`, { key });
      const listed = event.body.deliveries?.[0];
      if (!listed) return null;
      const delivery = (await sb.call("GET", `/v1/deliveries/${listed.id}`, { key })).body;
      return done(delivery) ? delivery : null;
    });
  }

  it("success rule: a 200 whose response key is not the expected value fails and is retried", async () => {
    const { path } = await createWebhook({
      events: ["call.ended"],
      success: { response_key: "result.ok", expected_value: true },
      retry: { schedule: [1], max_attempts: 2 },
    });
    answers.set(path, (i) =>
      i === 0
        ? { status: 200, body: '{"result":{"ok":false}}' }
        : { status: 200, body: '{"result":{"ok":true}}' },
    );
    const sent = await send("call.ended", { call_id: "call_s1" });
    const delivery = await deliveryOf(sent.id, (d) => d.status === "succeeded");
    expect(delivery.attempt_count).toBe(2);
    expect(delivery.attempts[0].succeeded).toBe(false);
    expect(delivery.attempts[0].response.status).toBe(200);
    expect(delivery.attempts[0].error.message).toBe("response key result.ok was false, expected true");
    expect(delivery.attempts[1].succeeded).toBe(true);
  });

  it("success rule: status_codes replaces the 2xx default", async () => {
    const { path } = await createWebhook({
      events: ["call.ended"],
      success: { status_codes: [202] },
      retry: { max_attempts: 1 },
    });
    answers.set(path, () => ({ status: 200, body: "{}" }));
    const sent = await send("call.ended", { call_id: "call_s2" });
    const delivery = await deliveryOf(sent.id, (d) => d.status === "failed");
    expect(delivery.last_error).toContain("status 200 is not one of the accepted codes 202");
  });

  it("append: the value the endpoint answers is shown on the event; long values are cut to 40", async () => {
    const short = await createWebhook({ events: ["call.ended"] });
    const long = await createWebhook({ events: ["call.ended"] });
    answers.set(short.path, () => ({ status: 200, body: '{"append":"case 4411 created"}' }));
    const sixty = "x".repeat(20) + "y".repeat(20) + "z".repeat(20);
    answers.set(long.path, () => ({ status: 200, body: JSON.stringify({ append: sixty }) }));
    const sent = await send("call.ended", { call_id: "call_a1" });
    expect(sent.deliveries).toBe(2);
    const event = await eventually(async () => {
      const e = await sb.call("GET", `/v1/events/${sent.id}`, { key });
      return e.body.appended?.length === 2 ? e.body : null;
    });
    const byWebhook = Object.fromEntries(
      event.appended.map((a: { webhook_id: string; value: string }) => [a.webhook_id, a.value]),
    );
    expect(byWebhook[short.webhook.id]).toBe("case 4411 created");
    expect(byWebhook[long.webhook.id]).toBe(sixty.slice(0, 40));
    expect(byWebhook[long.webhook.id]).toHaveLength(40);
  });

  it("filters.match routes only the events the query admits", async () => {
    const { path, webhook } = await createWebhook({
      events: ["call.*"],
      filters: { match: { "data.lead_score": { $in: ["hot", "warm"] }, "data.duration": { $gte: 60 } } },
    });
    const shown = await sb.call("GET", `/v1/webhooks/${webhook.id}`, { key });
    expect(shown.body.filters.match["data.duration"]).toEqual({ $gte: 60 });
    const hot = await send("call.ended", { call_id: "call_m1", lead_score: "hot", duration: 90 });
    const cold = await send("call.ended", { call_id: "call_m2", lead_score: "cold", duration: 90 });
    const short = await send("call.analyzed", { call_id: "call_m3", lead_score: "warm", duration: 30 });
    const warm = await send("call.analyzed", { call_id: "call_m4", lead_score: "warm", duration: 60 });
    expect([hot.deliveries, cold.deliveries, short.deliveries, warm.deliveries]).toEqual([1, 0, 0, 1]);
    await eventually(async () => requestsTo(path).length === 2);
    expect(
      requestsTo(path)
        .map((r) => JSON.parse(r.body).data.call_id)
        .sort(),
    ).toEqual(["call_m1", "call_m4"]);

    // Changing the query takes effect for the next event (compiled once per webhook version).
    const patched = await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, {
      key,
      body: { filters: { match: { "data.lead_score": "cold" } } },
    });
    expect(patched.status).toBe(200);
    expect((await send("call.ended", { call_id: "call_m5", lead_score: "cold" })).deliveries).toBe(1);
    expect(
      (await send("call.ended", { call_id: "call_m6", lead_score: "hot", duration: 90 })).deliveries,
    ).toBe(0);
  });

  it("filters.match refuses operators that run code, with 422 and the path", async () => {
    for (const [match, path] of [
      [{ $where: "this.data.duration > 60" }, "/body/filters/match/$where"],
      [{ "data.x": { $function: { body: "return 1" } } }, "/body/filters/match/data.x/$function"],
      [{ "data.x": { $in: "hot" } }, "/body/filters/match/data.x/$in"],
    ] as const) {
      const refused = await sb.call("POST", "/v1/webhooks", {
        key,
        body: { url: `${receiver.url}/never`, filters: { match } },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details.path).toBe(path);
    }
  });

  it("filters.directions opts a webhook into outbound calls only", async () => {
    const { path } = await createWebhook({ events: ["call.ended"], filters: { directions: ["outbound"] } });
    expect((await send("call.ended", { call_id: "call_d1", direction: "inbound" })).deliveries).toBe(0);
    expect((await send("call.ended", { call_id: "call_d2", direction: "outbound" })).deliveries).toBe(1);
    await eventually(async () => requestsTo(path).length === 1);
  });

  it("call.pre_connect is delivered like any other event, cut off at the webhook's own timeout", async () => {
    const fast = await createWebhook({ events: ["call.pre_connect"], timeout_ms: 500 });
    const slow = await createWebhook({
      events: ["call.pre_connect"],
      timeout_ms: 500,
      retry: { max_attempts: 1 },
    });
    answers.set(fast.path, () => ({ status: 200, body: '{"known":false}' }));
    answers.set(slow.path, () => ({ status: 200, body: "{}", delayMs: 3_000 }));
    const started = Date.now();
    const sent = await send("call.pre_connect", {
      call_id: "call_p1",
      direction: "inbound",
      from_number: "+13125550187",
    });
    expect(sent.deliveries).toBe(2);
    await eventually(async () => requestsTo(fast.path).length === 1);
    const request = requestsTo(fast.path)[0] as ReceivedRequest;
    expect(JSON.parse(request.body)).toMatchObject({
      event: "call.pre_connect",
      data: { call_id: "call_p1" },
    });
    expect(request.at - started).toBeLessThan(2_000);

    const event = await eventually(async () => {
      const e = await sb.call("GET", `/v1/events/${sent.id}`, { key });
      return e.body.deliveries.every((d: { status: string }) => d.status !== "pending") ? e.body : null;
    });
    const slowDelivery = event.deliveries.find(
      (d: { webhook_id: string }) => d.webhook_id === slow.webhook.id,
    );
    const detail = (await sb.call("GET", `/v1/deliveries/${slowDelivery.id}`, { key })).body;
    expect(detail.status).toBe("failed");
    expect(detail.attempts[0].error.kind).toBe("timeout");
    expect(detail.attempts[0].duration_ms).toBeGreaterThanOrEqual(450);
    expect(detail.attempts[0].duration_ms).toBeLessThan(2_500);
  });
});
