import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

interface DeliveryView {
  id: string;
  event_id: string;
  status: string;
  attempt_count: number;
  held: boolean;
  state: string;
  in_flight: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(storeKinds())("delivery management on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    sb = await startTestServer(kind);
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await sb?.stop();
  });

  async function receiver(respond?: Parameters<typeof Receiver.start>[0]): Promise<Receiver> {
    const r = await Receiver.start(respond);
    receivers.push(r);
    return r;
  }

  async function createWebhook(url: string, body: Record<string, unknown> = {}): Promise<{ id: string }> {
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url, events: ["call.*"], ...body },
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  /** Ingests `count` call.ended events in one batch; returns their ids in order. */
  async function sendEvents(count: number, callPrefix = "call"): Promise<string[]> {
    const events = Array.from({ length: count }, (_, i) => ({
      type: "call.ended",
      data: { call_id: `${callPrefix}_${i}`, direction: "inbound", duration: i },
    }));
    const sent = await sb.call("POST", "/v1/events/batch", { key, body: { events } });
    expect(sent.status).toBe(202);
    return sent.body.data.map((e: { id: string }) => e.id);
  }

  /** Every delivery of a webhook (optionally with one status), following the cursor. */
  async function listAll(webhookId: string, query = "", limit = 200): Promise<DeliveryView[]> {
    const all: DeliveryView[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams(query);
      params.set("limit", String(limit));
      if (cursor) params.set("cursor", cursor);
      const page = await sb.call("GET", `/v1/webhooks/${webhookId}/deliveries?${params}`, { key });
      expect(page.status).toBe(200);
      all.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    return all;
  }

  async function settledCount(webhookId: string, status: string, count: number): Promise<DeliveryView[]> {
    return eventually(async () => {
      const list = await listAll(webhookId, `status=${status}`);
      return list.length === count ? list : null;
    }, 20_000);
  }

  it("replays failed deliveries, all of them or only those since a time", async () => {
    let healthy = false;
    const r = await receiver((_req, res) => {
      res.writeHead(healthy ? 200 : 500);
      res.end();
    });
    const webhook = await createWebhook(`${r.url}/hook`, { retry: { max_attempts: 1 } });
    const older = await sendEvents(30, "older");
    await settledCount(webhook.id, "failed", 30);
    await sleep(20);
    const since = new Date().toISOString();
    await sleep(20);
    const newer = await sendEvents(5, "newer");
    await settledCount(webhook.id, "failed", 35);
    expect(r.requests).toHaveLength(35);

    healthy = true;
    const partial = await sb.call("POST", `/v1/webhooks/${webhook.id}/replay`, { key, body: { since } });
    expect(partial.status).toBe(202);
    expect(partial.body).toEqual({ replayed: 5 });
    await settledCount(webhook.id, "succeeded", 5);
    const replayedIds = r.requests.slice(35).map((req) => req.headers["webhook-id"]);
    expect(new Set(replayedIds)).toEqual(new Set(newer));

    const rest = await sb.call("POST", `/v1/webhooks/${webhook.id}/replay`, { key, body: {} });
    expect(rest.status).toBe(202);
    expect(rest.body).toEqual({ replayed: 30 });
    await settledCount(webhook.id, "succeeded", 35);
    expect(await listAll(webhook.id, "status=failed")).toHaveLength(0);
    const secondRound = r.requests.slice(40).map((req) => req.headers["webhook-id"]);
    expect(secondRound).toHaveLength(30);
    expect(new Set(secondRound)).toEqual(new Set(older));

    // Nothing failed is left: a replay with the default filter finds nothing.
    const none = await sb.call("POST", `/v1/webhooks/${webhook.id}/replay`, { key, body: {} });
    expect(none.body).toEqual({ replayed: 0 });
  });

  it("rejects a replay with a malformed since", async () => {
    const webhook = await createWebhook("http://127.0.0.1:9/hook");
    const bad = await sb.call("POST", `/v1/webhooks/${webhook.id}/replay`, {
      key,
      body: { since: "yesterday-ish" },
    });
    expect(bad.status).toBe(422);
  });

  it("holds a disabled webhook's pending deliveries and creates none for it until it is enabled", async () => {
    const r = await receiver((_req, res, index) => {
      res.writeHead(index === 0 ? 500 : 200);
      res.end();
    });
    const webhook = await createWebhook(`${r.url}/hook`, { retry: { schedule: [1, 1], max_attempts: 3 } });
    const [first] = await sendEvents(1, "before_disable");
    await r.waitFor(1);
    const event = await sb.call("GET", `/v1/events/${first}`, { key });
    const deliveryId = event.body.deliveries[0].id as string;
    await eventually(async () => {
      const d = await sb.call("GET", `/v1/deliveries/${deliveryId}`, { key });
      return d.body.attempt_count === 1 && d.body.status === "pending";
    });

    const disabled = await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, { key, body: { enabled: false } });
    expect(disabled.status).toBe(200);
    expect(disabled.body.enabled).toBe(false);
    const whileDisabled = await sb.call("POST", "/v1/events", {
      key,
      body: { type: "call.ended", data: { call_id: "while_disabled", direction: "inbound", duration: 1 } },
    });
    expect(whileDisabled.body.deliveries).toBe(0);

    // The retry was due after ~1 s; disabled, nothing goes out.
    await sleep(1500);
    expect(r.requests).toHaveLength(1);
    const held = await sb.call("GET", `/v1/deliveries/${deliveryId}`, { key });
    expect(held.body.status).toBe("pending");
    expect(held.body.held).toBe(true);
    expect(held.body.state).toBe("parked");
    expect(held.body.next_attempt_at).toBeNull();

    const enabled = await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, { key, body: { enabled: true } });
    expect(enabled.body.enabled).toBe(true);
    await r.waitFor(2, 5_000);
    const delivered = await eventually(async () => {
      const d = await sb.call("GET", `/v1/deliveries/${deliveryId}`, { key });
      return d.body.status === "succeeded" ? d.body : null;
    });
    expect(delivered.attempt_count).toBe(2);
    await sleep(200);
    expect(r.requests.map((req) => req.headers["webhook-id"])).toEqual([first, first]);
  });

  it("stops sending a webhook's queued deliveries once it is disabled, and sends them after it is enabled", async () => {
    const r = await receiver(() => new Promise<void>((resolve) => setTimeout(resolve, 300)));
    const webhook = await createWebhook(`${r.url}/hook`);
    const ids = await sendEvents(100, "queued");
    await r.waitFor(1);
    const disabled = await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, { key, body: { enabled: false } });
    expect(disabled.status).toBe(200);
    await sleep(1000);
    const sentWhileEnabled = r.requests.length;
    // 100 deliveries at 10 in flight and 300 ms each take 3 s; disabled after the first arrived,
    // only what was in flight (or about to be) went out.
    expect(sentWhileEnabled).toBeLessThan(50);
    await sleep(700);
    expect(r.requests).toHaveLength(sentWhileEnabled);
    const held = await listAll(webhook.id, "status=pending");
    expect(held.length).toBeGreaterThanOrEqual(100 - sentWhileEnabled);
    expect(held.every((d) => d.held && d.state === "parked")).toBe(true);

    await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, { key, body: { enabled: true } });
    await settledCount(webhook.id, "succeeded", 100);
    expect(new Set(r.requests.map((req) => req.headers["webhook-id"]))).toEqual(new Set(ids));
  });

  it("cancels a deleted webhook's queued deliveries instead of sending them", async () => {
    const r = await receiver(() => new Promise<void>((resolve) => setTimeout(resolve, 300)));
    const webhook = await createWebhook(`${r.url}/hook`);
    const ids = await sendEvents(100, "deleted");
    await r.waitFor(1);
    const deleted = await sb.call("DELETE", `/v1/webhooks/${webhook.id}`, { key });
    expect(deleted.status).toBe(204);
    await sleep(1000);
    const sent = r.requests.length;
    expect(sent).toBeLessThan(50);
    await sleep(700);
    expect(r.requests).toHaveLength(sent);
    const last = await sb.call("GET", `/v1/events/${ids.at(-1)}`, { key });
    expect(last.body.deliveries[0].status).toBe("cancelled");
  });

  it("lists a webhook's deliveries newest first, filtered by status, page by page", async () => {
    const r = await receiver((req, res) => {
      const fail = JSON.parse(req.body).data.call_id.startsWith("fail");
      res.writeHead(fail ? 500 : 200);
      res.end();
    });
    const webhook = await createWebhook(`${r.url}/hook`, { retry: { max_attempts: 1 } });
    const other = await createWebhook("http://127.0.0.1:9/other", { events: ["case.*"] });
    const failing = await sendEvents(3, "fail");
    const passing = await sendEvents(4, "pass");
    await settledCount(webhook.id, "failed", 3);
    await settledCount(webhook.id, "succeeded", 4);

    const failed = await listAll(webhook.id, "status=failed");
    expect(failed.every((d) => d.status === "failed")).toBe(true);
    expect(new Set(failed.map((d) => d.event_id))).toEqual(new Set(failing));

    const firstPage = await sb.call("GET", `/v1/webhooks/${webhook.id}/deliveries?limit=3`, { key });
    expect(firstPage.body.data).toHaveLength(3);
    expect(firstPage.body.next_cursor).toEqual(expect.any(String));

    const paged = await listAll(webhook.id, "", 3);
    expect(paged).toHaveLength(7);
    expect(new Set(paged.map((d) => d.id)).size).toBe(7);
    expect(new Set(paged.map((d) => d.event_id))).toEqual(new Set([...failing, ...passing]));
    // Newest first: the later batch (passing) comes before the earlier one (failing).
    expect(new Set(paged.slice(0, 4).map((d) => d.event_id))).toEqual(new Set(passing));
    expect(paged[0]?.id).toBe(firstPage.body.data[0].id);

    const failedPaged = await listAll(webhook.id, "status=failed", 2);
    expect(failedPaged.map((d) => d.id)).toEqual(failed.map((d) => d.id));

    expect(await listAll(other.id)).toHaveLength(0);
    const pending = await sb.call("GET", `/v1/webhooks/${webhook.id}/deliveries?status=pending`, { key });
    expect(pending.body).toEqual({ data: [], next_cursor: null });
    const wrong = await sb.call("GET", `/v1/webhooks/${webhook.id}/deliveries?status=lost`, { key });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
  });

  it("keeps another tenant out of a webhook's deliveries", async () => {
    const r = await receiver();
    const webhook = await createWebhook(`${r.url}/hook`);
    const [eventId] = await sendEvents(1);
    const event = await sb.call("GET", `/v1/events/${eventId}`, { key });
    const deliveryId = event.body.deliveries[0].id as string;
    const stranger = await sb.tenant("Other Firm");
    expect(
      (await sb.call("GET", `/v1/webhooks/${webhook.id}/deliveries`, { key: stranger.key })).status,
    ).toBe(404);
    expect((await sb.call("GET", `/v1/deliveries/${deliveryId}`, { key: stranger.key })).status).toBe(404);
    expect((await sb.call("POST", `/v1/deliveries/${deliveryId}/retry`, { key: stranger.key })).status).toBe(
      404,
    );
    expect(
      (await sb.call("POST", `/v1/webhooks/${webhook.id}/replay`, { key: stranger.key, body: {} })).status,
    ).toBe(404);
  });

  it("exposes delivery metrics in Prometheus text", async () => {
    const r = await receiver();
    const webhook = await createWebhook(`${r.url}/hook`);
    await sendEvents(2, "metrics");
    await settledCount(webhook.id, "succeeded", 2);
    const metrics = await fetch(`${sb.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await metrics.text();
    for (const name of [
      "switchboard_deliveries_total",
      "switchboard_attempt_duration_seconds",
      "switchboard_deliveries_due",
      "switchboard_oldest_due_delivery_age_seconds",
      "switchboard_attempts_in_flight",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    const succeeded = /^switchboard_deliveries_total\{outcome="succeeded"\} (\d+)/m.exec(text);
    expect(Number(succeeded?.[1])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^switchboard_attempt_duration_seconds_count\{result="success"\} [1-9]/m);
    expect(text).toMatch(/^switchboard_deliveries_due \d+/m);
  });

  it("delivers every event to a healthy endpoint while another endpoint never answers", async () => {
    const dead = await receiver(() => new Promise<void>(() => {}));
    const healthy = await receiver();
    await createWebhook(`${dead.url}/dead`, { timeout_ms: 5000 });
    await createWebhook(`${healthy.url}/healthy`);
    const ids = await sendEvents(200, "iso");
    await eventually(async () => {
      const seen = new Set(healthy.requests.map((req) => req.headers["webhook-id"]));
      return seen.size === 200;
    }, 20_000);
    expect(new Set(healthy.requests.map((req) => req.headers["webhook-id"]))).toEqual(new Set(ids));
  });
});
