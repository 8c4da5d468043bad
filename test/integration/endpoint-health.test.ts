import { afterEach, describe, expect, it } from "vitest";
import { eventually, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const callEnded = (i: number) => ({
  type: "call.ended",
  data: { call_id: `call_${i}`, direction: "inbound", duration: 60 },
});

describe.each(storeKinds())("endpoint isolation and health on %s", (kind) => {
  let sb: TestServer | undefined;
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
    for (const r of receivers.splice(0)) await r.close();
  });
  const receiver = async (respond?: Parameters<typeof Receiver.start>[0]) => {
    const r = await Receiver.start(respond);
    receivers.push(r);
    return r;
  };

  it("opens the circuit after consecutive failures without charging waiting deliveries, then closes on a good probe", async () => {
    sb = await startTestServer(kind, { SWITCHBOARD_BREAKER_THRESHOLD: "3", SWITCHBOARD_BREAKER_OPEN_S: "1" });
    let healthy = false;
    const endpoint = await receiver((_req, res) => {
      res.writeHead(healthy ? 200 : 503);
      res.end();
    });
    const { key } = await sb.tenant();
    const webhook = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: endpoint.url, max_in_flight: 1, retry: { schedule: [1], max_attempts: 20 } },
    });
    await sb.call("POST", "/v1/events/batch", {
      key,
      body: { events: Array.from({ length: 10 }, (_, i) => callEnded(i)) },
    });
    const open = await eventually(async () => {
      const w = await sb?.call("GET", `/v1/webhooks/${webhook.body.id}`, { key });
      return w?.body.health.circuit === "open" ? w.body.health : null;
    });
    expect(open.consecutive_failures).toBeGreaterThanOrEqual(3);
    expect(open.retry_at).toEqual(expect.any(String));
    // Only the attempts that tripped the breaker were made; the rest wait, uncharged.
    const deliveries = await sb.call("GET", `/v1/webhooks/${webhook.body.id}/deliveries?limit=200`, { key });
    const charged = deliveries.body.data.filter((d: { attempt_count: number }) => d.attempt_count > 0);
    expect(charged.length).toBeLessThanOrEqual(4);
    expect(deliveries.body.data.every((d: { status: string }) => d.status === "pending")).toBe(true);

    healthy = true;
    await eventually(async () => {
      const list = await sb?.call(
        "GET",
        `/v1/webhooks/${webhook.body.id}/deliveries?status=succeeded&limit=200`,
        { key },
      );
      return list?.body.data.length === 10;
    }, 20_000);
    // Health is written behind the deliveries; it reads closed once the probe's success is saved.
    await eventually(async () => {
      const closed = await sb?.call("GET", `/v1/webhooks/${webhook.body.id}`, { key });
      return closed?.body.health.circuit === "closed";
    });
  });

  it("warns with webhook.failing at half the period and disables with webhook.disabled at its end", async () => {
    sb = await startTestServer(kind, { SWITCHBOARD_AUTO_DISABLE_AFTER_S: "2" });
    const failing = await receiver((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const monitor = await receiver();
    const { key } = await sb.tenant();
    const broken = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: failing.url, events: ["call.*"], retry: { schedule: [1], max_attempts: 50 } },
    });
    await sb.call("POST", "/v1/webhooks", { key, body: { url: monitor.url, events: ["webhook.*"] } });
    await sb.call("POST", "/v1/events", { key, body: callEnded(1) });
    const disabled = await eventually(async () => {
      const w = await sb?.call("GET", `/v1/webhooks/${broken.body.id}`, { key });
      return w?.body.enabled === false ? w.body : null;
    }, 20_000);
    expect(disabled.disabled_reason).toMatch(/every attempt has failed since/);
    await monitor.waitFor(2);
    const kinds = monitor.requests.map((r) => (JSON.parse(r.body) as { event: string }).event);
    expect(kinds).toEqual(["webhook.failing", "webhook.disabled"]);
    const warning = JSON.parse(monitor.requests[0]?.body ?? "{}") as { data: { webhook_id: string } };
    expect(warning.data.webhook_id).toBe(broken.body.id);
  });

  it("keeps at most max_in_flight attempts open to one endpoint", async () => {
    sb = await startTestServer(kind);
    let open = 0;
    let peak = 0;
    const slow = await receiver(async (_req, res) => {
      open++;
      peak = Math.max(peak, open);
      await new Promise((resolve) => setTimeout(resolve, 100));
      open--;
      res.writeHead(200);
      res.end();
    });
    const { key } = await sb.tenant();
    await sb.call("POST", "/v1/webhooks", { key, body: { url: slow.url, max_in_flight: 2 } });
    await sb.call("POST", "/v1/events/batch", {
      key,
      body: { events: Array.from({ length: 12 }, (_, i) => callEnded(i)) },
    });
    await slow.waitFor(12);
    expect(peak).toBe(2);
  });

  it("starts no more than rate_limit_per_s attempts per second to one endpoint", async () => {
    sb = await startTestServer(kind);
    const limited = await receiver();
    const { key } = await sb.tenant();
    await sb.call("POST", "/v1/webhooks", { key, body: { url: limited.url, rate_limit_per_s: 4 } });
    await sb.call("POST", "/v1/events/batch", {
      key,
      body: { events: Array.from({ length: 12 }, (_, i) => callEnded(i)) },
    });
    await limited.waitFor(12);
    // A burst of 4, then one every 250 ms: the 12th cannot arrive sooner than 2 s after the first.
    const span = (limited.requests[11]?.at ?? 0) - (limited.requests[0]?.at ?? 0);
    expect(span).toBeGreaterThanOrEqual(1_900);
  });
});
