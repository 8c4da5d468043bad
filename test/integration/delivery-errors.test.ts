import type { AddressInfo } from "node:net";
import { createServer as createTcpServer, type Server } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(storeKinds())("delivery failures on %s", (kind) => {
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

  async function createWebhook(url: string, body: Record<string, unknown> = {}) {
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url, events: ["call.*"], retry: { max_attempts: 1 }, ...body },
    });
    expect(created.status).toBe(201);
    return created.body as { id: string };
  }

  /** Sends one event and waits for its delivery to finish; returns it with its attempts. */
  // biome-ignore lint/suspicious/noExplicitAny: API answers are read as JSON.
  async function deliverAndSettle(timeoutMs = 15_000): Promise<any> {
    const sent = await sb.call("POST", "/v1/events", {
      key,
      body: { type: "call.ended", data: { call_id: "call_err", direction: "outbound", duration: 3 } },
    });
    expect(sent.status).toBe(202);
    expect(sent.body.deliveries).toBe(1);
    const event = await sb.call("GET", `/v1/events/${sent.body.id}`, { key });
    const id = event.body.deliveries[0].id as string;
    return eventually(async () => {
      const d = await sb.call("GET", `/v1/deliveries/${id}`, { key });
      return d.body.status !== "pending" ? d.body : null;
    }, timeoutMs);
  }

  it("records a timeout when the receiver never answers within timeout_ms", async () => {
    const r = await receiver(() => new Promise<void>(() => {}));
    await createWebhook(`${r.url}/hook`, { timeout_ms: 500 });
    const delivery = await deliverAndSettle();
    expect(delivery.status).toBe("failed");
    expect(delivery.attempts).toHaveLength(1);
    const [attempt] = delivery.attempts;
    expect(attempt.error.kind).toBe("timeout");
    expect(attempt.response).toBeNull();
    expect(attempt.duration_ms).toBeGreaterThanOrEqual(450);
    expect(attempt.duration_ms).toBeLessThan(5_000);
    expect(delivery.last_error).toMatch(/^timeout/);
  });

  it("records a timeout when the body trickles in slower than timeout_ms allows", async () => {
    const r = await receiver(
      (_req, res) =>
        new Promise<void>((resolve) => {
          res.writeHead(200, { "content-type": "text/plain" });
          res.write("s");
          const timer = setInterval(() => res.write("."), 300);
          res.on("close", () => {
            clearInterval(timer);
            resolve();
          });
        }),
    );
    await createWebhook(`${r.url}/hook`, { timeout_ms: 1000 });
    const delivery = await deliverAndSettle();
    expect(delivery.status).toBe("failed");
    expect(delivery.attempts[0].error.kind).toBe("timeout");
    expect(delivery.attempts[0].duration_ms).toBeGreaterThanOrEqual(950);
    expect(delivery.attempts[0].duration_ms).toBeLessThan(5_000);
  });

  it("records connection_reset when the receiver drops the connection", async () => {
    const r = await receiver((_req, res) => {
      res.socket?.destroy();
    });
    await createWebhook(`${r.url}/hook`);
    const delivery = await deliverAndSettle();
    expect(delivery.status).toBe("failed");
    expect(delivery.attempts[0].error.kind).toBe("connection_reset");
    expect(delivery.attempts[0].response).toBeNull();
  });

  it("records connection_refused when nothing listens at the destination", async () => {
    const port = await closedPort();
    await createWebhook(`http://127.0.0.1:${port}/hook`);
    const delivery = await deliverAndSettle();
    expect(delivery.status).toBe("failed");
    expect(delivery.attempts[0].error.kind).toBe("connection_refused");
  });

  it("records invalid_response when the answer is not HTTP", async () => {
    const garbage: Server = createTcpServer((socket) => {
      socket.once("data", () => socket.end("this is not http\r\n\r\n"));
    });
    await new Promise<void>((resolve) => garbage.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = garbage.address() as AddressInfo;
      await createWebhook(`http://127.0.0.1:${port}/hook`);
      const delivery = await deliverAndSettle();
      expect(delivery.status).toBe("failed");
      expect(delivery.attempts[0].error.kind).toBe("invalid_response");
    } finally {
      await new Promise<void>((resolve) => garbage.close(() => resolve()));
    }
  });

  it("treats a 302 as a failure and does not follow the redirect", async () => {
    const target = await receiver();
    const r = await receiver((_req, res) => {
      res.writeHead(302, { location: `${target.url}/moved` });
      res.end();
    });
    await createWebhook(`${r.url}/hook`);
    const delivery = await deliverAndSettle();
    expect(delivery.status).toBe("failed");
    expect(delivery.last_status_code).toBe(302);
    expect(delivery.last_error).toMatch(/redirect/);
    expect(delivery.attempts[0].response.status).toBe(302);
    expect(delivery.attempts[0].succeeded).toBe(false);
    expect(r.requests).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(target.requests).toHaveLength(0);
  });

  it("stops at a 410: the delivery fails without retry and the webhook is disabled with a reason", async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(410);
      res.end("gone");
    });
    const webhook = await createWebhook(`${r.url}/hook`, { retry: { schedule: [1], max_attempts: 5 } });
    const delivery = await deliverAndSettle();
    expect(delivery.status).toBe("failed");
    expect(delivery.attempt_count).toBe(1);
    expect(delivery.last_status_code).toBe(410);

    const shown = await eventually(async () => {
      const w = await sb.call("GET", `/v1/webhooks/${webhook.id}`, { key });
      return w.body.enabled === false ? w.body : null;
    });
    expect(shown.disabled_reason).toMatch(/410/);

    // No retry, and new events no longer go to it.
    const next = await sb.call("POST", "/v1/events", {
      key,
      body: { type: "call.ended", data: { call_id: "call_after_410", direction: "inbound", duration: 1 } },
    });
    expect(next.body.deliveries).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(r.requests).toHaveLength(1);
  });

  it("sends nothing more after a 410: deliveries queued behind it are held until the webhook is enabled", async () => {
    let gone = true;
    const r = await receiver((_req, res) => {
      res.writeHead(gone ? 410 : 200);
      res.end();
    });
    const webhook = await createWebhook(`${r.url}/hook`, { retry: { schedule: [1], max_attempts: 5 } });
    const events = Array.from({ length: 50 }, (_, i) => ({
      type: "call.ended",
      data: { call_id: `call_gone_${i}`, direction: "inbound", duration: i },
    }));
    const sent = await sb.call("POST", "/v1/events/batch", { key, body: { events } });
    expect(sent.status).toBe(202);
    await eventually(async () => {
      const w = await sb.call("GET", `/v1/webhooks/${webhook.id}`, { key });
      return w.body.enabled === false;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Only attempts already in flight when the first 410 came back (at most the per-webhook
    // in-flight limit, 10) reached the endpoint.
    const sentBeforeStop = r.requests.length;
    expect(sentBeforeStop).toBeLessThanOrEqual(10);
    const list = await sb.call("GET", `/v1/webhooks/${webhook.id}/deliveries?limit=100`, { key });
    const failed = list.body.data.filter((d: { status: string }) => d.status === "failed");
    const held = list.body.data.filter(
      (d: { status: string; held: boolean }) => d.status === "pending" && d.held,
    );
    expect(failed).toHaveLength(sentBeforeStop);
    expect(held).toHaveLength(50 - sentBeforeStop);

    gone = false;
    await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, { key, body: { enabled: true } });
    await eventually(async () => {
      const l = await sb.call("GET", `/v1/webhooks/${webhook.id}/deliveries?status=succeeded&limit=100`, {
        key,
      });
      return l.body.data.length === 50 - sentBeforeStop;
    });
  });

  it("keeps only the first 64 KiB of a large response body in the attempt log", async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("x".repeat(200 * 1024));
    });
    await createWebhook(`${r.url}/hook`);
    const delivery = await deliverAndSettle();
    expect(delivery.attempts[0].response.status).toBe(500);
    expect(delivery.attempts[0].response.body).toHaveLength(64 * 1024);
  });
});
