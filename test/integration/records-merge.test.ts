import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as JSON.
type Json = Record<string, any>;

describe.each(storeKinds())("duplicate clients and merge on %s", (kind) => {
  let sb: TestServer;
  let firm: { id: string; key: string };
  let other: { id: string; key: string };
  beforeAll(async () => {
    sb = await startTestServer(kind);
    firm = await sb.tenant("Delgado & Park");
    other = await sb.tenant("Other Firm");
  });
  afterAll(async () => {
    await sb?.stop();
  });

  async function create(key: string, path: string, body: Json): Promise<Json> {
    const res = await sb.call("POST", path, { key, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  async function events(key: string, type: string): Promise<Json[]> {
    const res = await sb.call("GET", `/v1/events?type=${type}&limit=200`, { key });
    return res.body.data;
  }

  it("answers possible duplicates on create when a phone or email already belongs to another client", async () => {
    const t = await sb.tenant("Dup Firm");
    const first = await create(t.key, "/v1/clients", {
      first_name: "Maria",
      last_name: "Delgado",
      phones: [{ number: "(312) 555-0187", type: "mobile" }],
      emails: ["maria@example.com"],
    });
    expect(first.possible_duplicates).toEqual([]);
    const byPhone = await create(t.key, "/v1/clients", {
      first_name: "M",
      phones: [{ number: "+13125550187" }],
    });
    expect(byPhone.possible_duplicates).toEqual([
      {
        id: first.id,
        name: "Maria Delgado",
        phone: "+13125550187",
        email: "maria@example.com",
        matched_on: ["phone"],
      },
    ]);
    const both = await create(t.key, "/v1/clients", {
      phones: [{ number: "312.555.0187" }],
      emails: ["MARIA@example.com"],
    });
    expect(both.possible_duplicates.map((d: Json) => [d.id, d.matched_on])).toEqual([
      [byPhone.id, ["phone"]],
      [first.id, ["phone", "email"]],
    ]);
    // Another tenant's clients are never duplicates.
    const elsewhere = await create(other.key, "/v1/clients", { phones: [{ number: "+13125550187" }] });
    expect(elsewhere.possible_duplicates).toEqual([]);

    const listed = await sb.call("GET", `/v1/clients/${first.id}/duplicates`, { key: t.key });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((d: Json) => [d.client.id, d.matched_on])).toEqual([
      [both.id, ["phone", "email"]],
      [byPhone.id, ["phone"]],
    ]);
    expect(listed.body.data[0].client).toMatchObject({
      id: both.id,
      version: 1,
      emails: ["maria@example.com"],
    });
    expect((await sb.call("GET", `/v1/clients/${first.id}/duplicates`, { key: other.key })).status).toBe(404);
    // A deleted client is no longer anyone's duplicate.
    await sb.call("DELETE", `/v1/clients/${both.id}`, { key: t.key });
    const after = await sb.call("GET", `/v1/clients/${first.id}/duplicates`, { key: t.key });
    expect(after.body.data.map((d: Json) => d.client.id)).toEqual([byPhone.id]);
  });

  it("merges clients: cases move, contacts and ids unite, sources are deleted, events are emitted", async () => {
    const target = await create(firm.key, "/v1/clients", {
      first_name: "Maria",
      phones: [{ number: "+13125550187", type: "mobile" }],
      emails: ["maria@example.com"],
      custom_fields: { referral: "radio" },
      external_ids: { lawruler: "184467" },
    });
    const older = await create(firm.key, "/v1/clients", {
      first_name: "Mary",
      last_name: "Old",
      phones: [{ number: "+13125550101" }],
      date_of_birth: "1988-04-12",
      custom_fields: { injury: "back" },
    });
    const newer = await create(firm.key, "/v1/clients", {
      last_name: "Delgado",
      phones: [{ number: "+13125550187" }, { number: "+13125550102" }],
      emails: ["m.delgado@work.com"],
      opt_out: true,
      external_ids: { lawruler: "184467", clio: "77" },
    });
    const caseA = await create(firm.key, "/v1/cases", { client_id: older.id, title: "Fall" });
    const caseB = await create(firm.key, "/v1/cases", { client_id: newer.id, title: "Crash" });
    const kept = await create(firm.key, "/v1/cases", { client_id: target.id, title: "Own" });

    const res = await sb.call("POST", `/v1/clients/${target.id}/merge`, {
      key: firm.key,
      body: { from: [older.id, newer.id] },
      headers: { "if-match": "1" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      id: target.id,
      first_name: "Maria",
      last_name: "Delgado",
      date_of_birth: "1988-04-12",
      phones: [
        { number: "+13125550187", type: "mobile" },
        { number: "+13125550102", type: "other" },
        { number: "+13125550101", type: "other" },
      ],
      emails: ["maria@example.com", "m.delgado@work.com"],
      custom_fields: { referral: "radio", injury: "back" },
      external_ids: { lawruler: "184467", clio: "77" },
      opt_out: true,
      version: 2,
    });
    expect((await sb.call("GET", `/v1/clients/${target.id}`, { key: firm.key })).body).toEqual(res.body);
    for (const gone of [older.id, newer.id]) {
      expect((await sb.call("GET", `/v1/clients/${gone}`, { key: firm.key })).status).toBe(404);
    }
    const cases = await sb.call("GET", `/v1/cases?client_id=${target.id}`, { key: firm.key });
    expect(cases.body.data.map((c: Json) => c.id).sort()).toEqual([caseA.id, caseB.id, kept.id].sort());
    const movedA = await sb.call("GET", `/v1/cases/${caseA.id}`, { key: firm.key });
    expect(movedA.body).toMatchObject({ client_id: target.id, version: 2 });
    expect((await sb.call("GET", `/v1/cases/${kept.id}`, { key: firm.key })).body.version).toBe(1);
    // The merged numbers now find the survivor only.
    const byNumber = await sb.call("GET", "/v1/clients?phone=%2B13125550101", { key: firm.key });
    expect(byNumber.body.data.map((c: Json) => c.id)).toEqual([target.id]);

    const merged = (await events(firm.key, "client.merged")).find(
      (e) => e.data.surviving_client_id === target.id,
    );
    expect(merged?.data).toMatchObject({
      merged_client_ids: [older.id, newer.id],
      client: { client_id: target.id, version: 2 },
      change_source: "api",
    });
    const updated = (await events(firm.key, "client.updated")).find((e) => e.data.client_id === target.id);
    expect(updated?.data.changes).toMatchObject({
      last_name: { old: null, new: "Delgado" },
      opt_out: { old: false, new: true },
    });
    expect(
      (await events(firm.key, "client.opt_out_changed")).some((e) => e.data.client_id === target.id),
    ).toBe(true);
    const caseUpdates = (await events(firm.key, "case.updated")).filter((e) =>
      [caseA.id, caseB.id].includes(e.data.case_id),
    );
    expect(caseUpdates).toHaveLength(2);
    for (const e of caseUpdates) {
      expect(e.data.changes).toEqual({ client_id: { old: expect.stringMatching(/^cli_/), new: target.id } });
      expect(e.data.change_source).toBe("api");
    }
  });

  it("refuses conflicting external ids with 409 and leaves every record as it was", async () => {
    const target = await create(firm.key, "/v1/clients", {
      first_name: "Ana",
      external_ids: { lawruler: "1" },
    });
    const source = await create(firm.key, "/v1/clients", {
      last_name: "Ruiz",
      phones: [{ number: "+13125550150" }],
      external_ids: { lawruler: "2" },
    });
    const theCase = await create(firm.key, "/v1/cases", { client_id: source.id });
    const eventsBefore = (await sb.call("GET", "/v1/events?limit=200", { key: firm.key })).body.data.length;
    const res = await sb.call("POST", `/v1/clients/${target.id}/merge`, {
      key: firm.key,
      body: { from: [source.id] },
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "conflict",
      details: { conflicts: [{ connection: "lawruler", ids: { [target.id]: "1", [source.id]: "2" } }] },
    });
    expect((await sb.call("GET", `/v1/clients/${target.id}`, { key: firm.key })).body).toMatchObject({
      version: 1,
      last_name: null,
    });
    expect((await sb.call("GET", `/v1/clients/${source.id}`, { key: firm.key })).body.version).toBe(1);
    expect((await sb.call("GET", `/v1/cases/${theCase.id}`, { key: firm.key })).body).toMatchObject({
      client_id: source.id,
      version: 1,
    });
    const eventsAfter = (await sb.call("GET", "/v1/events?limit=200", { key: firm.key })).body.data.length;
    expect(eventsAfter).toBe(eventsBefore);
  });

  it("validates the merge request: ids, itself, repeats, 1–50 ids, If-Match, tenant isolation", async () => {
    const target = await create(firm.key, "/v1/clients", { first_name: "T" });
    const source = await create(firm.key, "/v1/clients", { first_name: "S" });
    const theirs = await create(other.key, "/v1/clients", { first_name: "Theirs" });
    const merge = (id: string, body: unknown, key = firm.key, headers: Record<string, string> = {}) =>
      sb.call("POST", `/v1/clients/${id}/merge`, { key, body, headers });

    const self = await merge(target.id, { from: [source.id, target.id] });
    expect(self.status).toBe(422);
    expect(self.body.error.details.path).toBe("/body/from/1");
    const twice = await merge(target.id, { from: [source.id, source.id] });
    expect(twice.status).toBe(422);
    expect(twice.body.error.details.path).toBe("/body/from/1");
    expect((await merge(target.id, { from: [] })).status).toBe(422);
    expect((await merge(target.id, { from: ["not-an-id"] })).status).toBe(422);
    expect((await merge(target.id, { from: Array.from({ length: 51 }, (_, i) => `cli_${i}x`) })).status).toBe(
      422,
    );
    expect((await merge(target.id, { from: [source.id], extra: true })).status).toBe(422);
    // Another tenant's client is as unknown as a made-up one, as target or as source.
    const foreignSource = await merge(target.id, { from: [theirs.id] });
    expect(foreignSource.status).toBe(404);
    expect((await merge(theirs.id, { from: [source.id] })).status).toBe(404);
    expect((await merge(target.id, { from: [source.id] }, other.key)).status).toBe(404);
    const stale = await merge(target.id, { from: [source.id] }, firm.key, { "if-match": "7" });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatchObject({ code: "precondition_failed", details: { version: 1 } });
    // None of that changed anything.
    expect((await sb.call("GET", `/v1/clients/${source.id}`, { key: firm.key })).status).toBe(200);
    expect((await sb.call("GET", `/v1/clients/${theirs.id}`, { key: other.key })).body.version).toBe(1);
    const ok = await merge(target.id, { from: [source.id] }, firm.key, { "if-match": '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ first_name: "T", version: 2 });
  });

  it("describes the duplicate, merge and timeline routes in /openapi.json", async () => {
    const res = await sb.call("GET", "/openapi.json");
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/clients/{id}/duplicates",
        "/v1/clients/{id}/merge",
        "/v1/clients/{id}/timeline",
        "/v1/cases/{id}/timeline",
      ]),
    );
    const created = res.body.paths["/v1/clients"].post.responses["201"].content["application/json"].schema;
    expect(created).toEqual({ $ref: "#/components/schemas/CreatedClient" });
    expect(JSON.stringify(res.body.components.schemas.CreatedClient)).toContain("possible_duplicates");
  });
});
