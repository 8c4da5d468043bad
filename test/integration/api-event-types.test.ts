import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/** Every event type issue 2 requires, by category. */
const REQUIRED: Record<string, string[]> = {
  case: ["created", "updated", "status_changed", "deleted"],
  client: ["created", "updated", "merged", "opt_out_changed"],
  call: ["pre_connect", "started", "ended", "analyzed", "failed", "voicemail_detected", "recording_ready"],
  transcript: ["updated"],
  transfer: ["started", "bridged", "cancelled", "ended"],
  message: ["sent", "delivered", "received", "failed"],
  task: ["assigned", "completed", "overdue"],
  form: ["submitted"],
  campaign: ["started", "paused", "completed", "quota_reached"],
  lead: ["created", "qualified"],
  appointment: ["booked"],
  goal: ["completed"],
  conversation: ["intent_detected", "entity_captured"],
};
const REQUIRED_NAMES = Object.entries(REQUIRED).flatMap(([category, actions]) =>
  actions.map((action) => `${category}.${action}`),
);

interface EventType {
  name: string;
  category: string;
  description: string;
  schema: { type: string; properties: Record<string, unknown>; required?: string[] };
  example: Record<string, unknown>;
}

describe.each(storeKinds())("event catalog on %s", (kind) => {
  let sb: TestServer;
  let catalog: EventType[];
  beforeAll(async () => {
    sb = await startTestServer(kind, {}, "api");
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it("GET /v1/event-types lists every required type", async () => {
    const { key } = await sb.tenant();
    const res = await sb.call("GET", "/v1/event-types", { key });
    expect(res.status).toBe(200);
    catalog = res.body.data;
    const names = catalog.map((t) => t.name);
    for (const name of REQUIRED_NAMES) expect(names, name).toContain(name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("gives every type a category.action name, its category, a description, a schema and an example", async () => {
    const { key } = await sb.tenant();
    const types: EventType[] = (await sb.call("GET", "/v1/event-types", { key })).body.data;
    for (const t of types) {
      expect(t.name).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(t.category).toBe(t.name.split(".")[0]);
      expect(t.description.length, t.name).toBeGreaterThan(10);
      expect(t.schema.type, t.name).toBe("object");
      expect(Object.keys(t.schema.properties).length, t.name).toBeGreaterThan(0);
      expect(typeof t.example, t.name).toBe("object");
      expect(Object.keys(t.example).length, t.name).toBeGreaterThan(0);
      for (const field of t.schema.required ?? [])
        expect(t.example, `${t.name}.${field}`).toHaveProperty(field);
    }
  });

  it("every catalog example is accepted by ingest", async () => {
    const { key } = await sb.tenant();
    const types: EventType[] = (await sb.call("GET", "/v1/event-types", { key })).body.data;
    const res = await sb.call("POST", "/v1/events/batch", {
      key,
      body: { events: types.map((t) => ({ type: t.name, data: t.example })) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data.map((e: { type: string }) => e.type)).toEqual(types.map((t) => t.name));
  });

  it("call payloads carry what a law-firm intake call has", async () => {
    const { key } = await sb.tenant();
    const res = await sb.call("GET", "/v1/event-types/call.ended", { key });
    expect(res.status).toBe(200);
    const properties = Object.keys(res.body.schema.properties);
    for (const field of [
      "call_id",
      "direction",
      "from_number",
      "to_number",
      "duration",
      "answered",
      "agent_id",
      "campaign_id",
      "customer",
      "transcript",
      "summary",
      "lead_score",
      "intent",
      "recording_url",
      "next_steps",
    ]) {
      expect(properties, field).toContain(field);
    }
  });

  it("GET /v1/event-types/call.ended has the template variables", async () => {
    const { key } = await sb.tenant();
    const res = await sb.call("GET", "/v1/event-types/call.ended", { key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "call.ended", category: "call" });
    expect(res.body.description).toBeTypeOf("string");
    expect(res.body.example.call_id).toBeTypeOf("string");
    expect(res.body.variables.slice(0, 3)).toEqual(["id", "event", "timestamp"]);
    expect(res.body.variables).toContain("data.call_id");
    expect(res.body.variables).toContain("data.customer.name");
  });

  it("case.updated carries a changes map of old and new values", async () => {
    const { key } = await sb.tenant();
    const res = await sb.call("GET", "/v1/event-types/case.updated", { key });
    expect(res.body.schema.properties).toHaveProperty("changes");
    const changes = Object.values(res.body.example.changes as Record<string, unknown>);
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(Object.keys(change as object).sort()).toEqual(["new", "old"]);
  });

  it("filters the catalog by category", async () => {
    const { key } = await sb.tenant();
    const res = await sb.call("GET", "/v1/event-types?category=transfer", { key });
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: EventType) => t.name).sort()).toEqual(
      REQUIRED.transfer?.map((a) => `transfer.${a}`).sort(),
    );
  });

  it("an unknown type is 404 with suggestions", async () => {
    const { key } = await sb.tenant();
    const res = await sb.call("GET", "/v1/event-types/call.endd", { key });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    expect(res.body.error.details.suggestions).toContain("call.ended");
  });

  it("the catalog needs a key, and the admin key may read it", async () => {
    expect((await sb.call("GET", "/v1/event-types")).status).toBe(401);
    expect((await sb.call("GET", "/v1/event-types", { key: ADMIN_KEY })).status).toBe(200);
  });
});
