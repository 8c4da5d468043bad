import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AWAITING_TURN } from "../../src/domain/ordering.js";
import { eventually, type ReceivedRequest, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The call id and sequence number a test put into each event it sent. */
function parsed(request: ReceivedRequest): { path: string; callId: string | undefined; seq: number } {
  const body = JSON.parse(request.body) as { data: { call_id?: string; seq: number } };
  return { path: request.url, callId: body.data.call_id, seq: body.data.seq };
}

describe.each(storeKinds())("per-key ordered delivery on %s", (kind) => {
  let sb: TestServer;
  let receiver: Receiver;
  let key: string;
  let tenantId: string;
  let n = 0;
  /** Per path: status codes to answer with, in turn, for a given `call_id seq` (then 200). */
  const failures = new Map<string, number[]>();
  /** Requests open now per path + call id, and the most seen at once. */
  const open = new Map<string, number>();
  let overlaps = 0;

  beforeAll(async () => {
    sb = await startTestServer(kind);
    receiver = await Receiver.start(async (request, response) => {
      const { path, callId, seq } = parsed(request);
      const line = `${path} ${callId}`;
      const now = (open.get(line) ?? 0) + 1;
      if (callId !== undefined && now > 1) overlaps++;
      open.set(line, now);
      await sleep(20);
      open.set(line, (open.get(line) ?? 1) - 1);
      const planned = failures.get(`${path} ${callId} ${seq}`);
      const status = planned?.shift();
      if (status !== undefined) {
        response.writeHead(status);
        response.end("no");
      }
    });
  });
  beforeEach(async () => {
    ({ key, id: tenantId } = await sb.tenant());
  });
  afterAll(async () => {
    await sb?.stop();
    await receiver?.close();
  });

  async function createWebhook(body: Record<string, unknown>) {
    const path = `/o${++n}`;
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}${path}`, events: ["call.*", "message.*"], ...body },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { webhook: created.body as { id: string }, path };
  }

  async function send(data: Record<string, unknown>, type = "call.ended") {
    const sent = await sb.call("POST", "/v1/events", { key, body: { type, data } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    return sent.body as { id: string };
  }

  // biome-ignore lint/suspicious/noExplicitAny: API answers are read as JSON.
  async function deliveryOf(eventId: string): Promise<any> {
    return (await sb.call("GET", `/v1/events/${eventId}`, { key })).body.deliveries[0];
  }

  const received = (path: string) => receiver.requests.filter((r) => r.url === path).map((r) => parsed(r));

  it("sends one key's deliveries one at a time in event order; a retrying one holds those behind it, not other keys", async () => {
    const { webhook, path } = await createWebhook({ ordering: "per_key", retry: { schedule: [1, 1] } });
    expect(webhook).toMatchObject({ ordering: "per_key", ordering_key: "data.call_id" });
    failures.set(`${path} call_a 1`, [500, 503]);
    const a1 = await send({ call_id: "call_a", seq: 1 });
    const a2 = await send({ call_id: "call_a", seq: 2 });
    const a3 = await send({ call_id: "call_a", seq: 3 });
    for (let seq = 1; seq <= 3; seq++) await send({ call_id: "call_b", seq });
    // Without the key: not ordered, not held.
    await send({ message_id: "msg_1", seq: 99 }, "message.sent");

    // call_b and the keyless event are not held up by call_a's retries.
    await eventually(async () => received(path).filter((r) => r.callId !== "call_a").length === 4);
    const first = await deliveryOf(a1.id);
    expect(first.state).toBe("due");
    expect(first.ordering).toEqual({ key: "call_a", blocked_by: null });
    const second = await deliveryOf(a2.id);
    expect(second.status).toBe("pending");
    expect(second.state).toBe("held_by_ordering");
    expect(second.ordering).toEqual({ key: "call_a", blocked_by: first.id });
    expect(second.next_attempt_at).toBeNull();
    // In the list too (the dashboard's delivery table reads it).
    const list = await sb.call("GET", `/v1/deliveries?webhook_id=${webhook.id}&limit=50`, { key });
    // biome-ignore lint/suspicious/noExplicitAny: API answers are read as JSON.
    const listed = list.body.data.find((d: any) => d.id === second.id);
    expect(listed).toMatchObject({ state: "held_by_ordering", ordering: { blocked_by: first.id } });

    await eventually(async () => (await deliveryOf(a3.id)).status === "succeeded", 20_000);
    expect(
      received(path)
        .filter((r) => r.callId === "call_a")
        .map((r) => r.seq),
    ).toEqual([1, 1, 1, 2, 3]);
    expect(
      received(path)
        .filter((r) => r.callId === "call_b")
        .map((r) => r.seq),
    ).toEqual([1, 2, 3]);
    expect(overlaps).toBe(0);
  });

  it("a delivery that failed for good releases its key; a manual retry rejoins the line at its place", async () => {
    const { path } = await createWebhook({ ordering: "per_key", retry: { max_attempts: 1 } });
    failures.set(`${path} call_c 1`, [500]);
    const c1 = await send({ call_id: "call_c", seq: 1 });
    await send({ call_id: "call_c", seq: 2 });
    await eventually(async () => received(path).length === 2);
    expect(received(path).map((r) => r.seq)).toEqual([1, 2]);
    expect((await deliveryOf(c1.id)).status).toBe("failed");

    // A later one fails for good too; the first, retried by hand, goes again as its key's only
    // pending delivery.
    failures.set(`${path} call_c 3`, [500]);
    const c3 = await send({ call_id: "call_c", seq: 3 });
    await eventually(async () => (await deliveryOf(c3.id)).status === "failed");
    const retried = await sb.call("POST", `/v1/deliveries/${(await deliveryOf(c1.id)).id}/retry`, { key });
    expect(retried.status, JSON.stringify(retried.body)).toBeLessThan(300);
    await eventually(async () => (await deliveryOf(c1.id)).status === "succeeded");
    expect(received(path).map((r) => r.seq)).toEqual([1, 2, 3, 1]);
  });

  it("turning ordering off lets the waiting deliveries go", async () => {
    const { webhook, path } = await createWebhook({ ordering: "per_key", retry: { schedule: [3600] } });
    failures.set(`${path} call_d 1`, [500]);
    const d1 = await send({ call_id: "call_d", seq: 1 });
    const d2 = await send({ call_id: "call_d", seq: 2 });
    await eventually(async () => (await deliveryOf(d1.id)).attempt_count === 1);
    expect((await deliveryOf(d2.id)).state).toBe("held_by_ordering");
    const patched = await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, { key, body: { ordering: "none" } });
    expect(patched.status).toBe(200);
    await eventually(async () => (await deliveryOf(d2.id)).status === "succeeded");
    const d2After = await deliveryOf(d2.id);
    expect(d2After.ordering).toBeNull();
  });

  it("refuses an ordering key that is not a data path", async () => {
    const refused = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/x`, ordering: "per_key", ordering_key: "call_id" },
    });
    expect(refused.status).toBe(422);
  });

  it("a crashed node's claim on the first in line is taken over after its lease, and the order holds", async () => {
    const { path } = await createWebhook({ ordering: "per_key", ordering_key: "data.lead.id" });
    // Stop this server's dispatcher from claiming while the "crashed node" takes the first.
    const store = sb.server.store;
    const dispatcher = sb.server.dispatcher;
    await dispatcher?.stop();
    const e1 = await send({ message_id: "msg_1", lead: { id: 7 }, seq: 1 }, "message.sent");
    const e2 = await send({ message_id: "msg_2", lead: { id: 7 }, seq: 2 }, "message.sent");
    const now = Date.now();
    const claimed = await store.queue.claimDue("crashed-node", now, now + 1_500, 100);
    expect(claimed.map((d) => d.event_id)).toEqual([e1.id]);
    expect(claimed[0]?.order_key).toBe("7");
    const second = await deliveryOf(e2.id);
    expect(second.state).toBe("held_by_ordering");
    // No other node may claim the second while the first is claimed (or afterwards, until it
    // has left `pending`).
    expect(await store.queue.claimDue("other-node", now, now + 10_000, 100)).toEqual([]);
    await sleep(1_600);
    const takeover = await store.queue.claimDue("other-node", Date.now(), Date.now() + 10_000, 100);
    expect(takeover.map((d) => d.event_id)).toEqual([e1.id]);
    expect((await store.deliveries.get(tenantId, second.id))?.next_attempt_at).toBe(AWAITING_TURN);
    // The new owner records success: the second becomes due, in the same transaction.
    const [record] = takeover;
    if (!record) throw new Error("nothing taken over");
    await store.queue.recordAttempts(
      "other-node",
      [
        {
          attempt: {
            id: `att_${record.id}`,
            tenant_id: record.tenant_id,
            delivery_id: record.id,
            webhook_id: record.webhook_id,
            event_id: record.event_id,
            attempt_number: 1,
            succeeded: true,
            request_method: "POST",
            request_url: `${receiver.url}${path}`,
            request_headers: {},
            request_body: null,
            request_body_envelope: true,
            response_status: 200,
            response_headers: {},
            response_body: "ok",
            error_kind: null,
            error_message: null,
            duration_ms: 1,
            created_at: Date.now(),
          },
          delivery: {
            id: record.id,
            status: "succeeded",
            next_attempt_at: Date.now(),
            last_status_code: 200,
            last_error: null,
            order_key: record.order_key,
            webhook_id: record.webhook_id,
          },
        },
      ],
      Date.now(),
    );
    expect((await deliveryOf(e2.id)).state).toBe("due");
    const next = await store.queue.claimDue("other-node", Date.now(), Date.now() + 10_000, 100);
    expect(next.map((d) => d.event_id)).toEqual([e2.id]);
  });
});
