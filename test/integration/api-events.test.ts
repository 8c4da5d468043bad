import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findEventType } from "../../src/domain/catalog/index.js";
import { Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/** The catalog's example data for a type, without the fields that scope routing. */
function sample(type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const definition = findEventType(type);
  if (!definition) throw new Error(`no such type ${type}`);
  const data = structuredClone(definition.example) as Record<string, unknown>;
  delete data.campaign_id;
  delete data.case_type;
  return { ...data, ...extra };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(storeKinds())("events on %s", (kind) => {
  let sb: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    sb = await startTestServer(kind);
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await sb?.stop();
    await receiver?.close();
  });

  async function webhook(key: string, body: Record<string, unknown> = {}): Promise<string> {
    const res = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/hook`, ...body },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function send(key: string, body: Record<string, unknown>) {
    const res = await sb.call("POST", "/v1/events", { key, body });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as { id: string; type: string; deliveries: number };
  }

  /** The webhooks an event was delivered to, sorted. */
  async function routedTo(key: string, eventId: string): Promise<string[]> {
    const res = await sb.call("GET", `/v1/events/${eventId}`, { key });
    expect(res.status).toBe(200);
    return res.body.deliveries.map((d: { webhook_id: string }) => d.webhook_id).sort();
  }

  async function allEventIds(key: string, query = ""): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const sep: string = query ? "&" : "";
      const res = await sb.call(
        "GET",
        `/v1/events?${query}${sep}limit=200${cursor ? `&cursor=${cursor}` : ""}`,
        {
          key,
        },
      );
      expect(res.status).toBe(200);
      ids.push(...res.body.data.map((e: { id: string }) => e.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    return ids;
  }

  describe("ingest", () => {
    it("answers 202 with the event id, its type and how many deliveries were created", async () => {
      const { key } = await sb.tenant();
      await webhook(key);
      const res = await sb.call("POST", "/v1/events", {
        key,
        body: { type: "call.ended", data: sample("call.ended") },
      });
      expect(res.status).toBe(202);
      expect(Object.keys(res.body).sort()).toEqual(["deliveries", "id", "type"]);
      expect(res.body.id).toMatch(/^evt_[0-9A-Za-z]+$/);
      expect(res.body.type).toBe("call.ended");
      expect(res.body.deliveries).toBe(1);
    });

    it("accepts an event when the tenant has no webhooks, with zero deliveries", async () => {
      const { key } = await sb.tenant();
      const sent = await send(key, { type: "case.created", data: sample("case.created") });
      expect(sent.deliveries).toBe(0);
      expect((await sb.call("GET", `/v1/events/${sent.id}`, { key })).body.deliveries).toEqual([]);
    });

    it("stores the event as sent, with campaign, case type, idempotency key and occurred_at", async () => {
      const { key } = await sb.tenant();
      const data = sample("call.ended", { duration: 61 });
      const sent = await send(key, {
        type: "call.ended",
        data,
        campaign_id: "cmp_1",
        case_type: "auto_accident",
        idempotency_key: "call_1:ended",
        occurred_at: "2025-06-10T14:03:00Z",
      });
      const res = await sb.call("GET", `/v1/events/${sent.id}`, { key });
      expect(res.body).toMatchObject({
        id: sent.id,
        type: "call.ended",
        data,
        campaign_id: "cmp_1",
        case_type: "auto_accident",
        idempotency_key: "call_1:ended",
        occurred_at: "2025-06-10T14:03:00.000Z",
      });
      expect(Date.parse(res.body.created_at)).not.toBeNaN();
    });

    it("refuses an occurred_at that is not a timestamp with 422 and stores nothing", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", {
        key,
        body: { type: "call.ended", data: sample("call.ended"), occurred_at: "yesterday" },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.details.path).toBe("/body/occurred_at");
      expect(await allEventIds(key)).toEqual([]);
    });

    it("answers an unknown type with 422 and suggests the closest names", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", { key, body: { type: "call.endd", data: {} } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("unknown_event_type");
      expect(res.body.error.details.path).toBe("/body/type");
      expect(res.body.error.details.suggestions).toContain("call.ended");
      expect(res.body.error.message).toContain("call.ended");
      expect(await allEventIds(key)).toEqual([]);
    });

    it("answers data that fails the type's schema with 422 and the JSON path of the field", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", {
        key,
        body: { type: "call.ended", data: sample("call.ended", { duration: "four minutes" }) },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details.path).toBe("/body/data/duration");
      expect(res.body.error.message).toContain("/body/data/duration");
      expect(await allEventIds(key)).toEqual([]);
    });

    it("answers data missing a required field with 422 naming the field", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", {
        key,
        body: { type: "call.ended", data: { direction: "inbound" } },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.details.path).toBe("/body/data/call_id");
    });

    it("answers an unknown top-level field with 422", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", {
        key,
        body: { type: "call.ended", data: sample("call.ended"), priority: "high" },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.message).toContain("priority");
      expect(await allEventIds(key)).toEqual([]);
    });
  });

  describe("fan-out", () => {
    it("a webhook with no events gets every type", async () => {
      const { key } = await sb.tenant();
      const all = await webhook(key, { events: [] });
      for (const type of ["call.ended", "case.created", "message.received", "form.submitted"]) {
        const sent = await send(key, { type, data: sample(type) });
        expect(sent.deliveries).toBe(1);
        expect(await routedTo(key, sent.id)).toEqual([all]);
      }
    });

    it("a call.* webhook gets call events only; an exact name gets that type only", async () => {
      const { key } = await sb.tenant();
      const calls = await webhook(key, { events: ["call.*"] });
      const ended = await webhook(key, { events: ["call.ended"] });
      const a = await send(key, { type: "call.ended", data: sample("call.ended") });
      expect(a.deliveries).toBe(2);
      expect(await routedTo(key, a.id)).toEqual([calls, ended].sort());
      const b = await send(key, { type: "call.started", data: sample("call.started") });
      expect(b.deliveries).toBe(1);
      expect(await routedTo(key, b.id)).toEqual([calls]);
      const c = await send(key, { type: "case.created", data: sample("case.created") });
      expect(c.deliveries).toBe(0);
    });

    it("a campaign-scoped webhook gets call events of its campaign only", async () => {
      const { key } = await sb.tenant();
      const scoped = await webhook(key, { campaign_id: "cmp_a" });
      const mine = await send(key, { type: "call.ended", data: sample("call.ended"), campaign_id: "cmp_a" });
      const other = await send(key, { type: "call.ended", data: sample("call.ended"), campaign_id: "cmp_b" });
      const none = await send(key, { type: "call.ended", data: sample("call.ended") });
      expect(mine.deliveries).toBe(1);
      expect(await routedTo(key, mine.id)).toEqual([scoped]);
      expect(other.deliveries).toBe(0);
      expect(none.deliveries).toBe(0);
    });

    it("campaign scope also applies to transcript and transfer events", async () => {
      const { key } = await sb.tenant();
      await webhook(key, { campaign_id: "cmp_a" });
      for (const type of ["transcript.updated", "transfer.started"]) {
        expect((await send(key, { type, data: sample(type), campaign_id: "cmp_b" })).deliveries).toBe(0);
        expect((await send(key, { type, data: sample(type), campaign_id: "cmp_a" })).deliveries).toBe(1);
      }
    });

    it("a message or task without a campaign still reaches a campaign-scoped webhook; of another campaign not", async () => {
      const { key } = await sb.tenant();
      const scoped = await webhook(key, { campaign_id: "cmp_a" });
      const filtered = await webhook(key, { filters: { campaign_ids: ["cmp_a"] } });
      const sent = await send(key, { type: "message.received", data: sample("message.received") });
      expect(sent.deliveries).toBe(2);
      expect(await routedTo(key, sent.id)).toEqual([scoped, filtered].sort());
      const task = await send(key, { type: "task.assigned", data: sample("task.assigned") });
      expect(task.deliveries).toBe(2);
      const other = await send(key, {
        type: "message.received",
        data: sample("message.received"),
        campaign_id: "cmp_b",
      });
      expect(other.deliveries).toBe(0);
    });

    it("filters.campaign_ids admits call events of the listed campaigns", async () => {
      const { key } = await sb.tenant();
      await webhook(key, { filters: { campaign_ids: ["cmp_a", "cmp_b"] } });
      expect(
        (await send(key, { type: "call.ended", data: sample("call.ended"), campaign_id: "cmp_b" }))
          .deliveries,
      ).toBe(1);
      expect(
        (await send(key, { type: "call.ended", data: sample("call.ended"), campaign_id: "cmp_c" }))
          .deliveries,
      ).toBe(0);
    });

    it("the campaign in data scopes the event when campaign_id is not given", async () => {
      const { key } = await sb.tenant();
      await webhook(key, { campaign_id: "cmp_a" });
      const inData = await send(key, {
        type: "call.ended",
        data: sample("call.ended", { campaign_id: "cmp_a" }),
      });
      expect(inData.deliveries).toBe(1);
      const overridden = await send(key, {
        type: "call.ended",
        data: sample("call.ended", { campaign_id: "cmp_a" }),
        campaign_id: "cmp_b",
      });
      expect(overridden.deliveries).toBe(0);
    });

    it("filters.case_types admits events of a listed case type only", async () => {
      const { key } = await sb.tenant();
      await webhook(key, { filters: { case_types: ["auto_accident"] } });
      const auto = await send(key, {
        type: "case.created",
        data: sample("case.created"),
        case_type: "auto_accident",
      });
      const fall = await send(key, {
        type: "case.created",
        data: sample("case.created"),
        case_type: "slip_and_fall",
      });
      const none = await send(key, { type: "case.created", data: sample("case.created") });
      expect([auto.deliveries, fall.deliveries, none.deliveries]).toEqual([1, 0, 0]);
    });

    it("a disabled webhook gets no deliveries, and gets them again once enabled", async () => {
      const { key } = await sb.tenant();
      const on = await webhook(key);
      const off = await webhook(key, { enabled: false });
      const first = await send(key, { type: "call.ended", data: sample("call.ended") });
      expect(first.deliveries).toBe(1);
      expect(await routedTo(key, first.id)).toEqual([on]);

      await sb.call("PATCH", `/v1/webhooks/${on}`, { key, body: { enabled: false } });
      const second = await send(key, { type: "call.ended", data: sample("call.ended") });
      expect(second.deliveries).toBe(0);

      await sb.call("PATCH", `/v1/webhooks/${off}`, { key, body: { enabled: true } });
      const third = await send(key, { type: "call.ended", data: sample("call.ended") });
      expect(await routedTo(key, third.id)).toEqual([off]);
    });

    it("a deleted webhook gets no deliveries", async () => {
      const { key } = await sb.tenant();
      const id = await webhook(key);
      expect((await sb.call("DELETE", `/v1/webhooks/${id}`, { key })).status).toBe(204);
      expect((await send(key, { type: "call.ended", data: sample("call.ended") })).deliveries).toBe(0);
    });

    it("another tenant's webhooks never get this tenant's events", async () => {
      const a = await sb.tenant();
      const b = await sb.tenant();
      await webhook(b.key);
      expect((await send(a.key, { type: "call.ended", data: sample("call.ended") })).deliveries).toBe(0);
    });
  });

  describe("idempotency", () => {
    it("the same idempotency key returns the first event and creates no new deliveries", async () => {
      const { key } = await sb.tenant();
      const hook = await webhook(key);
      await webhook(key, { events: ["call.*"] });
      const body = { type: "call.ended", data: sample("call.ended"), idempotency_key: "call_9:ended" };
      const first = await send(key, body);
      expect(first.deliveries).toBe(2);
      const again = await send(key, body);
      expect(again).toEqual(first);
      const changed = await send(key, { ...body, data: sample("call.ended", { duration: 1 }) });
      expect(changed).toEqual(first);

      expect(await allEventIds(key)).toEqual([first.id]);
      const event = await sb.call("GET", `/v1/events/${first.id}`, { key });
      expect(event.body.data).toEqual(body.data);
      expect(event.body.deliveries).toHaveLength(2);
      const deliveries = await sb.call("GET", `/v1/webhooks/${hook}/deliveries`, { key });
      expect(deliveries.body.data).toHaveLength(1);
    });

    it("ten concurrent identical requests store exactly one event", async () => {
      const { key } = await sb.tenant();
      await webhook(key);
      const body = {
        type: "call.voicemail_detected",
        data: sample("call.voicemail_detected"),
        idempotency_key: "vm-race",
      };
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => sb.call("POST", "/v1/events", { key, body })),
      );
      for (const res of answers) expect(res.status, JSON.stringify(res.body)).toBe(202);
      const ids = new Set(answers.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      for (const res of answers) expect(res.body.deliveries).toBe(1);
      const listed = await sb.call("GET", "/v1/events?type=call.voicemail_detected", { key });
      expect(listed.body.data).toHaveLength(1);
      expect(listed.body.data[0].id).toBe([...ids][0]);
      expect((await routedTo(key, listed.body.data[0].id)).length).toBe(1);
    });

    it("different idempotency keys make different events", async () => {
      const { key } = await sb.tenant();
      const a = await send(key, { type: "call.ended", data: sample("call.ended"), idempotency_key: "a" });
      const b = await send(key, { type: "call.ended", data: sample("call.ended"), idempotency_key: "b" });
      expect(a.id).not.toBe(b.id);
    });

    it("a batch naming one idempotency key twice stores one event and answers it twice", async () => {
      const { key } = await sb.tenant();
      await webhook(key);
      const event = { type: "call.ended", data: sample("call.ended"), idempotency_key: "twice" };
      const res = await sb.call("POST", "/v1/events/batch", { key, body: { events: [event, event] } });
      expect(res.status).toBe(202);
      expect(res.body.data[0]).toEqual(res.body.data[1]);
      expect(res.body.data[0].deliveries).toBe(1);
      expect(await allEventIds(key)).toEqual([res.body.data[0].id]);
      expect(await routedTo(key, res.body.data[0].id)).toHaveLength(1);
    });

    it("a batch repeating an earlier idempotency key returns the earlier event in its place", async () => {
      const { key } = await sb.tenant();
      await webhook(key);
      const first = await send(key, {
        type: "call.ended",
        data: sample("call.ended"),
        idempotency_key: "k1",
      });
      const res = await sb.call("POST", "/v1/events/batch", {
        key,
        body: {
          events: [
            { type: "case.created", data: sample("case.created") },
            { type: "call.ended", data: sample("call.ended"), idempotency_key: "k1" },
          ],
        },
      });
      expect(res.status).toBe(202);
      expect(res.body.data[1]).toEqual(first);
      expect(res.body.data[0].deliveries).toBe(1);
      expect((await allEventIds(key)).length).toBe(2);
    });
  });

  describe("batch", () => {
    it("accepts a batch of 3 and answers their ids in the same order", async () => {
      const { key } = await sb.tenant();
      await webhook(key, { events: ["call.*"] });
      const types = ["case.created", "call.ended", "message.sent"];
      const res = await sb.call("POST", "/v1/events/batch", {
        key,
        body: { events: types.map((type) => ({ type, data: sample(type) })) },
      });
      expect(res.status).toBe(202);
      expect(res.body.data.map((e: { type: string }) => e.type)).toEqual(types);
      expect(res.body.data.map((e: { deliveries: number }) => e.deliveries)).toEqual([0, 1, 0]);
      const ids: string[] = res.body.data.map((e: { id: string }) => e.id);
      expect(new Set(ids).size).toBe(3);
      for (const [i, id] of ids.entries()) {
        const event = await sb.call("GET", `/v1/events/${id}`, { key });
        expect(event.body.type).toBe(types[i]);
      }
    });

    it("refuses a batch with one invalid event, naming it, and stores nothing", async () => {
      const { key } = await sb.tenant();
      const hook = await webhook(key);
      await send(key, { type: "case.created", data: sample("case.created") });
      const before = await allEventIds(key);
      const res = await sb.call("POST", "/v1/events/batch", {
        key,
        body: {
          events: [
            { type: "call.ended", data: sample("call.ended") },
            { type: "call.ended", data: sample("call.ended", { duration: "long" }) },
            { type: "call.ended", data: sample("call.ended") },
          ],
        },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.details.path).toBe("/body/events/1/data/duration");
      expect(await allEventIds(key)).toEqual(before);
      const deliveries = await sb.call("GET", `/v1/webhooks/${hook}/deliveries`, { key });
      expect(deliveries.body.data).toHaveLength(1);
    });

    it("refuses a batch with an unknown type, naming its index", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events/batch", {
        key,
        body: {
          events: [
            { type: "case.created", data: sample("case.created") },
            { type: "case.created", data: sample("case.created") },
            { type: "case.craeted", data: {} },
          ],
        },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.details.path).toBe("/body/events/2/type");
      expect(res.body.error.details.suggestions).toContain("case.created");
      expect(await allEventIds(key)).toEqual([]);
    });

    it("refuses a batch whose event has an unknown field, naming its index", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events/batch", {
        key,
        body: {
          events: [
            { type: "case.created", data: sample("case.created") },
            { type: "case.created", data: sample("case.created"), extra: 1 },
          ],
        },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.details.path).toMatch(/^\/body\/events\/1/);
      expect(await allEventIds(key)).toEqual([]);
    });

    it("refuses a batch of more than 500 events and an empty batch", async () => {
      const { key } = await sb.tenant();
      const event = { type: "call.started", data: { call_id: "c" } };
      const tooMany = await sb.call("POST", "/v1/events/batch", {
        key,
        body: { events: Array.from({ length: 501 }, () => event) },
      });
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.error.details.path).toBe("/body/events");
      const empty = await sb.call("POST", "/v1/events/batch", { key, body: { events: [] } });
      expect(empty.status).toBe(422);
      expect(await allEventIds(key)).toEqual([]);
    });

    it("accepts a batch of exactly 500 events", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events/batch", {
        key,
        body: {
          events: Array.from({ length: 500 }, (_, i) => ({
            type: "call.started",
            data: { call_id: `c${i}` },
          })),
        },
      });
      expect(res.status).toBe(202);
      expect(res.body.data).toHaveLength(500);
      expect(await allEventIds(key)).toHaveLength(500);
    });
  });

  describe("reading events", () => {
    it("GET /v1/events/{id} lists the event's deliveries", async () => {
      const { key } = await sb.tenant();
      const a = await webhook(key);
      const b = await webhook(key, { events: ["call.ended"] });
      const sent = await send(key, { type: "call.ended", data: sample("call.ended") });
      const res = await sb.call("GET", `/v1/events/${sent.id}`, { key });
      expect(res.status).toBe(200);
      expect(res.body.deliveries).toHaveLength(2);
      for (const d of res.body.deliveries) {
        expect(d.id).toMatch(/^dlv_/);
        expect(d.event_id).toBe(sent.id);
        expect(["pending", "succeeded", "failed"]).toContain(d.status);
      }
      expect(res.body.deliveries.map((d: { webhook_id: string }) => d.webhook_id).sort()).toEqual(
        [a, b].sort(),
      );
    });

    it("an unknown or malformed event id is 404", async () => {
      const { key } = await sb.tenant();
      expect((await sb.call("GET", "/v1/events/evt_doesnotexist", { key })).status).toBe(404);
      const malformed = await sb.call("GET", "/v1/events/nope", { key });
      expect([404, 422]).toContain(malformed.status);
      expect(malformed.body.error).toBeDefined();
    });

    it("GET /v1/events walks every event with limit=2, newest first, without duplicates", async () => {
      const { key } = await sb.tenant();
      const sent: string[] = [];
      for (let i = 0; i < 5; i++)
        sent.push((await send(key, { type: "call.started", data: { call_id: `c${i}` } })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await sb.call("GET", `/v1/events?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key });
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data.map((e: { id: string }) => e.id));
        cursor = res.body.next_cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(5);
      expect(seen).toEqual([...sent].reverse());
    });

    it("GET /v1/events filters by type", async () => {
      const { key } = await sb.tenant();
      const call = await send(key, { type: "call.started", data: { call_id: "c" } });
      await send(key, { type: "case.created", data: sample("case.created") });
      expect(await allEventIds(key, "type=call.started")).toEqual([call.id]);
      expect(await allEventIds(key, "type=form.submitted")).toEqual([]);
    });

    it("GET /v1/events filters by since and until", async () => {
      const { key } = await sb.tenant();
      const early = await send(key, { type: "call.started", data: { call_id: "early" } });
      await sleep(20);
      const middle = new Date().toISOString();
      await sleep(20);
      const late = await send(key, { type: "call.started", data: { call_id: "late" } });
      expect(await allEventIds(key, `since=${encodeURIComponent(middle)}`)).toEqual([late.id]);
      expect(await allEventIds(key, `until=${encodeURIComponent(middle)}`)).toEqual([early.id]);
      expect(await allEventIds(key, "since=2000-01-01T00:00:00Z")).toEqual([late.id, early.id]);
    });

    it("GET /v1/events refuses a since that is not a timestamp", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("GET", "/v1/events?since=last-week", { key });
      expect(res.status).toBe(422);
      expect(res.body.error.details.path).toBe("/querystring/since");
    });
  });
});
