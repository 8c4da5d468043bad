import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, type ReceivedRequest, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const RECORDING = {
  recording_id: "rec_K2v8Lp3n",
  recording_url: "https://media.switchboard.example/recordings/rec_K2v8Lp3n.mp3",
  duration: 410,
};

describe.each(storeKinds())("held deliveries on %s", (kind) => {
  let sb: TestServer;
  let receiver: Receiver;
  let key: string;
  let n = 0;

  beforeAll(async () => {
    sb = await startTestServer(kind);
    receiver = await Receiver.start();
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
  });
  afterAll(async () => {
    await sb?.stop();
    await receiver?.close();
  });

  async function createWebhook(body: Record<string, unknown>, tenantKey = key) {
    const path = `/h${++n}`;
    const created = await sb.call("POST", "/v1/webhooks", {
      key: tenantKey,
      body: { url: `${receiver.url}${path}`, ...body },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { webhook: created.body as { id: string; secret: string }, path };
  }

  async function send(type: string, data: Record<string, unknown>, tenantKey = key) {
    const sent = await sb.call("POST", "/v1/events", { key: tenantKey, body: { type, data } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    return sent.body as { id: string; deliveries: number };
  }

  const requestsTo = (path: string): ReceivedRequest[] => receiver.requests.filter((r) => r.url === path);

  // biome-ignore lint/suspicious/noExplicitAny: API answers are read as JSON.
  async function deliveriesOf(eventId: string): Promise<any[]> {
    return (await sb.call("GET", `/v1/events/${eventId}`, { key })).body.deliveries;
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("holds call.ended until call.recording_ready for the same call, then sends it with the recording", async () => {
    const { webhook, path } = await createWebhook({
      events: ["call.*"],
      hold: { until_event: "call.recording_ready", max_wait_s: 1800 },
    });
    expect(webhook).toMatchObject({ hold: { until_event: "call.recording_ready", max_wait_s: 1800 } });
    const ended = await send("call.ended", { call_id: "call_h1", direction: "inbound", duration: 412 });
    expect(ended.deliveries).toBe(1);

    const [held] = await deliveriesOf(ended.id);
    expect(held.status).toBe("pending");
    expect(held.state).toBe("held");
    expect(held.in_flight).toBe(false);
    expect(held.hold).toMatchObject({ until_event: "call.recording_ready", call_id: "call_h1" });
    const until = Date.parse(held.held_until);
    expect(until).toBeGreaterThan(Date.now() + 1_700_000);
    expect(until).toBeLessThan(Date.now() + 1_900_000);
    expect(held.next_attempt_at).toBe(held.held_until);

    // Neither another call's recording nor the same call id at another tenant releases it.
    await send("call.recording_ready", { call_id: "call_other", ...RECORDING });
    const other = await sb.tenant("Other Firm");
    await createWebhook({ events: ["call.ended"] }, other.key);
    await send("call.recording_ready", { call_id: "call_h1", ...RECORDING }, other.key);
    await sleep(400);
    expect(requestsTo(path).some((r) => JSON.parse(r.body).event === "call.ended")).toBe(false);
    expect((await deliveriesOf(ended.id))[0].hold).not.toBeNull();

    const ready = await send("call.recording_ready", { call_id: "call_h1", ...RECORDING });
    // The follow-up itself is delivered as usual (it is not held).
    expect(ready.deliveries).toBe(1);
    await eventually(async () => requestsTo(path).find((r) => JSON.parse(r.body).event === "call.ended"));
    const request = requestsTo(path).find(
      (r) => JSON.parse(r.body).event === "call.ended",
    ) as ReceivedRequest;
    const payload = new Webhook(webhook.secret).verify(
      request.body,
      request.headers as Record<string, string>,
    ) as {
      id: string;
      data: Record<string, unknown>;
    };
    expect(payload.id).toBe(ended.id);
    expect(request.headers["webhook-id"]).toBe(ended.id);
    expect(payload.data).toEqual({
      call_id: "call_h1",
      direction: "inbound",
      // The held event's own fields keep their values; the recording's fill in what it lacked.
      duration: 412,
      recording_id: RECORDING.recording_id,
      recording_url: RECORDING.recording_url,
    });

    const delivery = await eventually(async () => {
      const [d] = await deliveriesOf(ended.id);
      return d.status === "succeeded" ? d : null;
    });
    expect(delivery.hold).toBeNull();
    expect(delivery.held_until).toBeNull();
    expect(delivery.merged_event_id).toBe(ready.id);
    // The attempt log shows the merged body exactly as sent.
    const detail = await sb.call("GET", `/v1/deliveries/${delivery.id}`, { key });
    expect(detail.body.attempts[0].request.body).toBe(request.body);
    // The stored event is unchanged; only the delivery carried the merged data.
    const event = await sb.call("GET", `/v1/events/${ended.id}`, { key });
    expect(event.body.data.recording_url).toBeUndefined();
  });

  it("a follow-up in the same batch releases the held delivery in the same transaction", async () => {
    const { path } = await createWebhook({
      events: ["call.ended"],
      hold: { until_event: "call.recording_ready", max_wait_s: 1800 },
    });
    const batch = await sb.call("POST", "/v1/events/batch", {
      key,
      body: {
        events: [
          { type: "call.recording_ready", data: { call_id: "call_b1", ...RECORDING } },
          { type: "call.ended", data: { call_id: "call_b1", duration: 12 } },
        ],
      },
    });
    expect(batch.status).toBe(202);
    await eventually(async () => requestsTo(path).length === 1);
    const body = JSON.parse((requestsTo(path)[0] as ReceivedRequest).body);
    expect(body.event).toBe("call.ended");
    expect(body.data.recording_url).toBe(RECORDING.recording_url);
  });

  it("does not hold a delivery whose follow-up arrived first: it goes at once with the follow-up's data", async () => {
    const { path } = await createWebhook({
      events: ["call.ended"],
      hold: { until_event: "call.recording_ready", max_wait_s: 1800 },
    });
    // Two recordings for this call and one for another call, at this tenant; one at another tenant.
    await send("call.recording_ready", { call_id: "call_r1", ...RECORDING, recording_id: "rec_old" });
    const latest = await send("call.recording_ready", { call_id: "call_r1", ...RECORDING });
    await send("call.recording_ready", { call_id: "call_r2", ...RECORDING });
    const other = await sb.tenant("Another Firm");
    await send("call.recording_ready", { call_id: "call_r3", ...RECORDING }, other.key);

    const started = Date.now();
    const ended = await send("call.ended", { call_id: "call_r1", duration: 61 });
    await eventually(async () => requestsTo(path).length === 1, 10_000);
    const request = requestsTo(path)[0] as ReceivedRequest;
    // Sent at once, not after max_wait_s.
    expect(request.at - started).toBeLessThan(5_000);
    const body = JSON.parse(request.body);
    expect(body.id).toBe(ended.id);
    expect(body.data).toEqual({
      call_id: "call_r1",
      duration: 61,
      recording_id: RECORDING.recording_id,
      recording_url: RECORDING.recording_url,
    });
    const delivery = await eventually(async () => {
      const [d] = await deliveriesOf(ended.id);
      return d.status === "succeeded" ? d : null;
    });
    expect(delivery.merged_event_id).toBe(latest.id);
    expect(delivery.hold).toBeNull();

    // Without a follow-up for its call id (here: only at another tenant), it is held as before.
    const waiting = await send("call.ended", { call_id: "call_r3", duration: 5 });
    const [held] = await deliveriesOf(waiting.id);
    expect(held.hold).toMatchObject({ until_event: "call.recording_ready", call_id: "call_r3" });
  });

  it("sends the held delivery as it is when max_wait_s runs out", async () => {
    const { path } = await createWebhook({
      events: ["call.ended"],
      hold: { until_event: "call.recording_ready", max_wait_s: 1 },
    });
    const started = Date.now();
    const ended = await send("call.ended", { call_id: "call_t1", duration: 30 });
    const [held] = await deliveriesOf(ended.id);
    expect(held.hold).not.toBeNull();
    await eventually(async () => requestsTo(path).length === 1, 10_000);
    const request = requestsTo(path)[0] as ReceivedRequest;
    expect(request.at - started).toBeGreaterThanOrEqual(900);
    const body = JSON.parse(request.body);
    expect(body.id).toBe(ended.id);
    expect(body.data).toEqual({ call_id: "call_t1", duration: 30 });
    const delivery = await eventually(async () => {
      const [d] = await deliveriesOf(ended.id);
      return d.status === "succeeded" ? d : null;
    });
    expect(delivery.merged_event_id).toBeNull();
    expect(delivery.hold).toBeNull();

    // A recording that arrives after the delivery went out changes nothing.
    await send("call.recording_ready", { call_id: "call_t1", ...RECORDING });
    await sleep(300);
    expect(requestsTo(path)).toHaveLength(1);
  });

  it("a held delivery still waits for its follow-up after its webhook is disabled and enabled again", async () => {
    const { webhook, path } = await createWebhook({
      events: ["call.ended"],
      hold: { until_event: "call.recording_ready", max_wait_s: 1800 },
    });
    const ended = await send("call.ended", { call_id: "call_de1", duration: 9 });
    expect(
      (await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, { key, body: { enabled: false } })).status,
    ).toBe(200);
    expect((await deliveriesOf(ended.id))[0].state).toBe("parked");
    expect(
      (await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, { key, body: { enabled: true } })).status,
    ).toBe(200);
    const [waiting] = await deliveriesOf(ended.id);
    expect(waiting.state).toBe("held");
    await sleep(500);
    expect(requestsTo(path)).toHaveLength(0);
    await send("call.recording_ready", { call_id: "call_de1", ...RECORDING });
    await eventually(async () => requestsTo(path).length === 1, 10_000);
    const body = JSON.parse((requestsTo(path)[0] as ReceivedRequest).body);
    expect(body.data.recording_url).toBe(RECORDING.recording_url);
  });

  it("events without a call id are not held", async () => {
    const { path } = await createWebhook({
      events: ["message.received"],
      hold: { until_event: "call.recording_ready", max_wait_s: 1800 },
    });
    const message = await send("message.received", {
      message_id: "msg_1",
      channel: "sms",
      direction: "inbound",
      from_number: "+14045550134",
      to_number: "+14045550100",
      body: "hello",
    });
    expect(message.deliveries).toBe(1);
    await eventually(async () => requestsTo(path).length === 1, 5_000);
    const [delivery] = await deliveriesOf(message.id);
    expect(delivery.hold).toBeNull();
  });

  it("validates hold: a catalog type that carries a call id, and 1..86400 seconds", async () => {
    for (const [hold, path] of [
      [{ until_event: "call.recording_rdy", max_wait_s: 60 }, "/body/hold/until_event"],
      [{ until_event: "message.received", max_wait_s: 60 }, "/body/hold/until_event"],
      [{ until_event: "call.recording_ready", max_wait_s: 0 }, "/body/hold/max_wait_s"],
      [{ until_event: "call.recording_ready", max_wait_s: 86_401 }, "/body/hold/max_wait_s"],
    ] as const) {
      const refused = await sb.call("POST", "/v1/webhooks", {
        key,
        body: { url: `${receiver.url}/never`, hold },
      });
      expect(refused.status, JSON.stringify(hold)).toBe(422);
      expect(refused.body.error.details.path).toBe(path);
    }
    const { webhook } = await createWebhook({
      hold: { until_event: "call.recording_ready", max_wait_s: 60 },
    });
    const cleared = await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, { key, body: { hold: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.hold).toBeNull();
  });
});
