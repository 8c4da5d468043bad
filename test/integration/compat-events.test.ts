import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findEventType } from "../../src/domain/catalog/index.js";
import { Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/** The catalog's example data for a type, without the fields that scope routing. */
function sample(type: string): Record<string, unknown> {
  const definition = findEventType(type);
  if (!definition) throw new Error(`no such type ${type}`);
  const data = structuredClone(definition.example) as Record<string, unknown>;
  delete data.campaign_id;
  delete data.case_type;
  return data;
}

describe.each(storeKinds())("platform compatibility of ingest and routing on %s", (kind) => {
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

  async function webhook(key: string, body: Record<string, unknown> = {}) {
    const res = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/hook`, ...body },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; events: string[]; hold: { until_event: string } | null };
  }

  async function send(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    const res = await sb.call("POST", "/v1/events", { key, body, headers });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as { id: string; type: string; deliveries: number };
  }

  describe("event name aliases", () => {
    it("accepts the platforms' names on ingest and stores the canonical type", async () => {
      const { key } = await sb.tenant();
      const cases: Array<[string, string]> = [
        ["call.completed", "call.ended"],
        ["call_ended", "call.ended"],
        ["call_started", "call.started"],
        ["sms.received", "message.received"],
        ["conversation.transcript", "transcript.updated"],
        ["transfer_initiated", "transfer.started"],
        ["form_submitted", "form.submitted"],
      ];
      for (const [alias, type] of cases) {
        const sent = await send(key, { type: alias, data: sample(type) });
        expect(sent.type, alias).toBe(type);
        const read = await sb.call("GET", `/v1/events/${sent.id}`, { key });
        expect(read.body.type, alias).toBe(type);
      }
      // Listing by an alias finds the events stored under its type.
      const listed = await sb.call("GET", "/v1/events?type=call_completed", { key });
      expect(listed.body.data).toHaveLength(2);
      expect(listed.body.data.every((e: { type: string }) => e.type === "call.ended")).toBe(true);
    });

    it("accepts aliases in a batch, validating each event's data against its canonical type", async () => {
      const { key } = await sb.tenant();
      const ok = await sb.call("POST", "/v1/events/batch", {
        key,
        body: {
          events: [
            { type: "call_completed", data: sample("call.ended") },
            { type: "sms_received", data: sample("message.received") },
          ],
        },
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(202);
      expect(ok.body.data.map((e: { type: string }) => e.type)).toEqual(["call.ended", "message.received"]);
      const bad = await sb.call("POST", "/v1/events/batch", {
        key,
        body: { events: [{ type: "call_completed", data: { duration: "long" } }] },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details.path).toMatch(/^\/body\/events\/0\/data/);
      const unknown = await sb.call("POST", "/v1/events", { key, body: { type: "call_finishd", data: {} } });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.code).toBe("unknown_event_type");
    });

    it("stores webhook subscriptions under canonical names, wildcards included, and routes by them", async () => {
      const { key } = await sb.tenant();
      const hook = await webhook(key, {
        events: ["call_completed", "sms.*", "transfer_*", "call.ended"],
        hold: { until_event: "call_analyzed", max_wait_s: 60 },
      });
      expect(hook.events).toEqual(["call.ended", "message.*", "transfer.*"]);
      expect(hook.hold?.until_event).toBe("call.analyzed");
      const read = await sb.call("GET", `/v1/webhooks/${hook.id}`, { key });
      expect(read.body.events).toEqual(["call.ended", "message.*", "transfer.*"]);
      const patched = await sb.call("PATCH", `/v1/webhooks/${hook.id}`, {
        key,
        body: { events: ["form_submitted"], hold: null },
      });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body.events).toEqual(["form.submitted"]);
      expect((await send(key, { type: "form.submitted", data: sample("form.submitted") })).deliveries).toBe(
        1,
      );
      expect((await send(key, { type: "call_ended", data: sample("call.ended") })).deliveries).toBe(0);
      const refused = await sb.call("POST", "/v1/webhooks", {
        key,
        body: { url: `${receiver.url}/hook`, events: ["fax.*"] },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details.path).toBe("/body/events/0");
    });

    it("stores destination subscriptions under canonical names", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/destinations", {
        key,
        body: {
          kind: "email",
          events: ["sms_received", "call_*"],
          email: {
            smtp: { host: "127.0.0.1", security: "none", port: 2525 },
            from: "a@b.co",
            to: ["c@d.co"],
          },
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.events).toEqual(["message.received", "call.*"]);
    });

    it("lists every type's aliases in the catalog and finds a type by an alias", async () => {
      const { key } = await sb.tenant();
      const catalog = await sb.call("GET", "/v1/event-types", { key });
      const ended = catalog.body.data.find((t: { name: string }) => t.name === "call.ended");
      expect(ended.aliases).toEqual(
        expect.arrayContaining(["call_ended", "call.completed", "call_completed"]),
      );
      for (const type of catalog.body.data) expect(type.aliases.length).toBeGreaterThan(0);
      const one = await sb.call("GET", "/v1/event-types/sms.received", { key });
      expect(one.status).toBe(200);
      expect(one.body.name).toBe("message.received");
    });
  });

  describe("campaign scope", () => {
    it("a webhook scoped to cmp_A does not get campaign.started of cmp_B (issue 19), but of cmp_A", async () => {
      const { key } = await sb.tenant();
      const scoped = await webhook(key, { campaign_id: "cmp_A" });
      const listed = await webhook(key, { filters: { campaign_ids: ["cmp_A"] } });
      const other = await send(key, {
        type: "campaign.started",
        data: { ...sample("campaign.started"), campaign_id: "cmp_B" },
      });
      expect(other.deliveries).toBe(0);
      const mine = await send(key, {
        type: "campaign.started",
        data: { ...sample("campaign.started"), campaign_id: "cmp_A" },
      });
      expect(mine.deliveries).toBe(2);
      const read = await sb.call("GET", `/v1/events/${mine.id}`, { key });
      expect(read.body.deliveries.map((d: { webhook_id: string }) => d.webhook_id).sort()).toEqual(
        [scoped.id, listed.id].sort(),
      );
      // The envelope's campaign_id scopes too, over the data's.
      const envelope = await send(key, {
        type: "campaign.paused",
        campaign_id: "cmp_B",
        data: { ...sample("campaign.paused"), campaign_id: "cmp_A" },
      });
      expect(envelope.deliveries).toBe(0);
    });

    it("tenant-wide events without a campaign reach a campaign-scoped webhook; call events without one do not", async () => {
      const { key } = await sb.tenant();
      await webhook(key, { campaign_id: "cmp_A" });
      for (const type of ["message.received", "task.assigned", "form.submitted", "lead.created"]) {
        expect((await send(key, { type, data: sample(type) })).deliveries, type).toBe(1);
        expect((await send(key, { type, data: sample(type), campaign_id: "cmp_B" })).deliveries, type).toBe(
          0,
        );
      }
      expect((await send(key, { type: "call.ended", data: sample("call.ended") })).deliveries).toBe(0);
    });
  });

  describe("Idempotency-Key header", () => {
    it("works like the body's idempotency_key: the second post returns the first event", async () => {
      const { key } = await sb.tenant();
      await webhook(key);
      const body = { type: "call.ended", data: sample("call.ended") };
      const first = await send(key, body, { "idempotency-key": "retry-1" });
      const again = await send(key, body, { "Idempotency-Key": "retry-1" });
      expect(again.id).toBe(first.id);
      expect(again.deliveries).toBe(1);
      const viaBody = await send(key, { ...body, idempotency_key: "retry-1" });
      expect(viaBody.id).toBe(first.id);
      const read = await sb.call("GET", `/v1/events/${first.id}`, { key });
      expect(read.body.idempotency_key).toBe("retry-1");
      expect(read.body.deliveries).toHaveLength(1);
      const other = await send(key, body, { "idempotency-key": "retry-2" });
      expect(other.id).not.toBe(first.id);
    });

    it("accepts the same key in header and body, and refuses two different keys with 422", async () => {
      const { key } = await sb.tenant();
      const body = { type: "call.ended", data: sample("call.ended"), idempotency_key: "k-1" };
      const same = await send(key, body, { "idempotency-key": "k-1" });
      expect((await send(key, body, { "idempotency-key": "k-1" })).id).toBe(same.id);
      const clash = await sb.call("POST", "/v1/events", { key, body, headers: { "idempotency-key": "k-2" } });
      expect(clash.status).toBe(422);
      expect(clash.body.error.code).toBe("validation_failed");
      expect(clash.body.error.details.path).toBe("/headers/idempotency-key");
      const list = await sb.call("GET", "/v1/events", { key });
      expect(list.body.data).toHaveLength(1);
    });

    it("refuses the header on a batch with 422 and stores nothing", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events/batch", {
        key,
        body: { events: [{ type: "call.ended", data: sample("call.ended") }] },
        headers: { "idempotency-key": "batch-1" },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.details.path).toBe("/headers/idempotency-key");
      expect((await sb.call("GET", "/v1/events", { key })).body.data).toHaveLength(0);
    });
  });
});
