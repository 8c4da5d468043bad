import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../helpers/api.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

describe.each(storeKinds())("imports on %s", (kind) => {
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

  async function startImport(key: string, body: Record<string, unknown>): Promise<Json> {
    const res = await sb.call("POST", "/v1/imports", { key, body });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^imp_/), status: "queued" });
    return res.body;
  }

  async function finished(key: string, id: string): Promise<Json> {
    for (let i = 0; i < 300; i++) {
      const res = await sb.call("GET", `/v1/imports/${id}`, { key });
      expect(res.status).toBe(200);
      if (res.body.status === "completed" || res.body.status === "failed") return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`import ${id} did not finish`);
  }

  async function importAndWait(key: string, body: Record<string, unknown>): Promise<Json> {
    const started = await startImport(key, body);
    return finished(key, started.id);
  }

  async function clientsWith(key: string, query: string): Promise<Json[]> {
    const res = await sb.call("GET", `/v1/clients?${query}`, { key });
    expect(res.status).toBe(200);
    return res.body.data;
  }

  async function countClients(key: string): Promise<number> {
    let count = 0;
    let cursor: string | null = null;
    do {
      const res = await sb.call("GET", `/v1/clients?limit=200${cursor ? `&cursor=${cursor}` : ""}`, { key });
      count += res.body.data.length;
      cursor = res.body.next_cursor;
    } while (cursor);
    return count;
  }

  it("imports clients from a CSV with a column map, phones in E.164 and custom fields", async () => {
    const data = [
      "First Name,Last Name,Phone Number,E-mail,Zip,Referral",
      "Maria,Delgado,(312) 555-0101,Maria@Example.com,60622,radio",
      '"Ortiz, Jr.",Luis,312.555.0102,luis@example.com,60601,"tv, late night"',
    ].join("\n");
    const done = await importAndWait(firm.key, {
      object: "clients",
      format: "csv",
      data,
      columns: {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Phone Number": "phone",
        "E-mail": "email",
        Zip: "postal_code",
        Referral: "custom_fields.referral",
      },
    });
    expect(done).toMatchObject({
      status: "completed",
      total: 2,
      done: 2,
      created: 2,
      updated: 0,
      failed: 0,
      errors: [],
    });
    const [maria] = await clientsWith(firm.key, "phone=3125550101");
    expect(maria).toMatchObject({
      first_name: "Maria",
      phones: [{ number: "+13125550101", type: "other" }],
      emails: ["maria@example.com"],
      addresses: [{ postal_code: "60622" }],
      custom_fields: { referral: "radio" },
    });
    const [luis] = await clientsWith(firm.key, "email=luis@example.com");
    expect(luis).toMatchObject({ first_name: "Ortiz, Jr.", custom_fields: { referral: "tv, late night" } });
    const events = await sb.call("GET", "/v1/events?type=client.created&limit=200", { key: firm.key });
    const created = events.body.data.filter((e: Json) => e.data.client_id === maria.id);
    expect(created).toHaveLength(1);
    expect(created[0].data.change_source).toBe("import");
  });

  it("updates the client a row matches by external id, then phone, then email, and skips unchanged rows", async () => {
    const first = await importAndWait(firm.key, {
      object: "clients",
      format: "jsonl",
      data: [
        JSON.stringify({ external_id: "LR-1", first_name: "Ana", phone: "+1 773 555 0111" }),
        JSON.stringify({ first_name: "Ben", email: "ben@example.com" }),
      ].join("\n"),
      connection: "lawruler",
    });
    expect(first).toMatchObject({ status: "completed", created: 2 });
    const second = await importAndWait(firm.key, {
      object: "clients",
      format: "jsonl",
      data: [
        JSON.stringify({ external_id: "LR-1", last_name: "Alvarez" }),
        JSON.stringify({ phone: "7735550111", preferred_language: "es" }),
        JSON.stringify({ email: "BEN@example.com", phone: "7735550112", custom_fields: { vip: true } }),
        JSON.stringify({ email: "ben@example.com" }),
      ].join("\n"),
      connection: "lawruler",
    });
    expect(second).toMatchObject({ status: "completed", created: 0, updated: 3, skipped: 1, failed: 0 });
    const [ana] = await clientsWith(firm.key, "phone=7735550111");
    expect(ana).toMatchObject({
      first_name: "Ana",
      last_name: "Alvarez",
      preferred_language: "es",
      external_ids: { lawruler: "LR-1" },
      version: 3,
    });
    const [ben] = await clientsWith(firm.key, "email=ben@example.com");
    expect(ben.phones[0].number).toBe("+17735550112");
    expect(ben.custom_fields).toEqual({ vip: true });
    const updates = await sb.call("GET", "/v1/events?type=client.updated&limit=200", { key: firm.key });
    const anaUpdate = updates.body.data.find(
      (e: Json) => e.data.client_id === ana.id && e.data.changes.last_name,
    );
    expect(anaUpdate.data).toMatchObject({
      change_source: "import",
      changes: { last_name: { old: null, new: "Alvarez" } },
    });
  });

  it("reports bad rows with their numbers and the column, and imports the good ones", async () => {
    const data = [
      "first_name,phone,email,date_of_birth,opt_out",
      "Good,3125550121,,1980-01-02,no",
      "Bad phone,12,,,",
      "Bad date,3125550123,,1980-13-40,",
      "",
      "Bad both,3125550124,not-an-email,,maybe",
      "Good too,3125550125,,,yes",
    ].join("\n");
    const done = await importAndWait(firm.key, { object: "clients", format: "csv", data });
    expect(done).toMatchObject({ status: "completed", total: 5, done: 5, created: 2, failed: 3 });
    expect(done.errors).toEqual([
      expect.objectContaining({ row: 2, path: "/phone", code: "invalid_phone" }),
      expect.objectContaining({ row: 3, path: "/date_of_birth", code: "invalid_date" }),
      expect.objectContaining({ row: 4, path: "/email", code: "invalid_email" }),
      expect.objectContaining({ row: 4, path: "/opt_out", code: "invalid_boolean" }),
    ]);
    const [good] = await clientsWith(firm.key, "phone=3125550125");
    expect(good.opt_out).toBe(true);
  });

  it("all_or_nothing: one bad row fails the import and writes nothing", async () => {
    const before = await countClients(firm.key);
    const data = ["first_name,phone", "Fine,3125550131", "Broken,999"].join("\n");
    const done = await importAndWait(firm.key, {
      object: "clients",
      format: "csv",
      data,
      all_or_nothing: true,
    });
    expect(done).toMatchObject({
      status: "failed",
      failed: 1,
      errors: [expect.objectContaining({ row: 2, path: "/phone" })],
    });
    expect(await countClients(firm.key)).toBe(before);
    const fixed = await importAndWait(firm.key, {
      object: "clients",
      format: "csv",
      data: ["first_name,phone", "Fine,3125550131", "Mended,3125550132"].join("\n"),
      all_or_nothing: true,
    });
    expect(fixed).toMatchObject({ status: "completed", created: 2 });
  });

  it("dry_run reports what would be created and updated and writes nothing", async () => {
    const before = await countClients(firm.key);
    const data = [
      "first_name,phone",
      "Would update,3125550101",
      "Would create,3125550141",
      "Again,3125550141",
      "Bad,1",
    ].join("\n");
    const done = await importAndWait(firm.key, { object: "clients", format: "csv", data, dry_run: true });
    expect(done).toMatchObject({
      status: "completed",
      dry_run: true,
      total: 4,
      created: 1,
      updated: 2,
      failed: 1,
    });
    expect(await countClients(firm.key)).toBe(before);
    expect(await clientsWith(firm.key, "phone=3125550141")).toEqual([]);
  });

  it("emit_events false writes the records without events", async () => {
    await importAndWait(firm.key, {
      object: "clients",
      format: "csv",
      data: "first_name,phone\nQuiet,3125550151",
      emit_events: false,
    });
    const [quiet] = await clientsWith(firm.key, "phone=3125550151");
    expect(quiet.first_name).toBe("Quiet");
    const events = await sb.call("GET", "/v1/events?type=client.created&limit=200", { key: firm.key });
    expect(events.body.data.some((e: Json) => e.data.client_id === quiet.id)).toBe(false);
  });

  it("imports cases for clients found by phone, email or external id", async () => {
    const data = [
      "client_phone,client_email,client_external_id,external_id,case_type,status,title,incident_date,custom_fields.court",
      "3125550101,,,C-1,auto_accident,new_lead,Rear-ended on I-90,2024-05-01,Cook",
      ",luis@example.com,,C-2,slip_and_fall,intake,,,",
      ",,LR-1,C-3,,,,,",
      "3125559999,,,C-4,,,,,",
      ",,,C-5,,,,,",
    ].join("\n");
    const done = await importAndWait(firm.key, {
      object: "cases",
      format: "csv",
      data,
      connection: "lawruler",
    });
    expect(done).toMatchObject({ status: "completed", created: 3, failed: 2 });
    expect(done.errors.map((e: Json) => [e.row, e.code])).toEqual([
      [4, "client_not_found"],
      [5, "client_required"],
    ]);
    const [maria] = await clientsWith(firm.key, "phone=3125550101");
    const cases = await sb.call("GET", `/v1/cases?client_id=${maria.id}`, { key: firm.key });
    expect(cases.body.data[0]).toMatchObject({
      case_type: "auto_accident",
      status: "new_lead",
      incident_date: "2024-05-01",
      custom_fields: { court: "Cook" },
      external_ids: { lawruler: "C-1" },
    });
    const again = await importAndWait(firm.key, {
      object: "cases",
      format: "csv",
      data: "external_id,status,substatus\nC-1,signed,retainer_sent",
      connection: "lawruler",
    });
    expect(again).toMatchObject({ created: 0, updated: 1 });
    const changed = await sb.call("GET", "/v1/events?type=case.status_changed&limit=200", { key: firm.key });
    expect(changed.body.data.some((e: Json) => e.data.change_source === "import")).toBe(true);
  });

  it("takes a multipart upload with the same fields", async () => {
    const form = new FormData();
    form.append("object", "clients");
    form.append("format", "csv");
    form.append("columns", JSON.stringify({ Name: "first_name", Tel: "phone" }));
    form.append(
      "file",
      new Blob(["\uFEFFName,Tel\nUpload,3125550161\n"], { type: "text/csv" }),
      "clients.csv",
    );
    const res = await fetch(`${sb.url}/v1/imports`, {
      method: "POST",
      headers: { authorization: `Bearer ${firm.key}` },
      body: form,
    });
    const body = (await res.json()) as Json;
    expect(res.status, JSON.stringify(body)).toBe(202);
    const done = await finished(firm.key, body.id);
    expect(done).toMatchObject({ status: "completed", created: 1 });
    expect((await clientsWith(firm.key, "phone=3125550161"))[0].first_name).toBe("Upload");
  });

  it("keeps multipart to the import routes and lists them in the OpenAPI document", async () => {
    const form = new FormData();
    form.append("first_name", "Sneaky");
    const res = await fetch(`${sb.url}/v1/clients`, {
      method: "POST",
      headers: { authorization: `Bearer ${firm.key}` },
      body: form,
    });
    expect(res.status).toBe(415);
    const openapi = await sb.call("GET", "/openapi.json");
    expect(openapi.status).toBe(200);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/imports",
        "/v1/imports/{id}",
        "/v1/imports/preview",
        "/v1/clients/export",
      ]),
    );
  });

  it("refuses a UTF-16 upload and invalid UTF-8 before storing anything", async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("first_name,phone\nX,3125550171\n", "utf16le"),
    ]);
    const latin1 = Buffer.from("first_name,phone\nJos\xe9,3125550172\n", "latin1");
    for (const bytes of [utf16, latin1]) {
      const form = new FormData();
      form.append("object", "clients");
      form.append("format", "csv");
      form.append("file", new Blob([bytes]), "clients.csv");
      const res = await fetch(`${sb.url}/v1/imports`, {
        method: "POST",
        headers: { authorization: `Bearer ${firm.key}` },
        body: form,
      });
      const body = (await res.json()) as Json;
      expect(res.status).toBe(422);
      expect(body.error.message).toMatch(/UTF-8/);
    }
    const json = await sb.call("POST", "/v1/imports", {
      key: firm.key,
      body: { object: "clients", format: "csv", data: "first_name,phone\nJos\uFFFD,3125550172" },
    });
    expect(json.status).toBe(422);
    expect(json.body.error.details.code).toBe("bad_encoding");
    expect((await sb.call("GET", "/v1/imports?limit=200", { key: firm.key })).body.data).not.toContainEqual(
      expect.objectContaining({ total: 1, created: 0, status: "queued" }),
    );
  });

  it("refuses unknown fields, missing columns, broken CSV and 100,001 rows with 422 and writes nothing", async () => {
    const before = await countClients(firm.key);
    const imports = (await sb.call("GET", "/v1/imports?limit=200", { key: firm.key })).body.data.length;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { object: "clients", format: "csv", data: "a,b\n1,2", columns: { a: "nickname" } },
        /unknown field "nickname"/,
      ],
      [{ object: "clients", format: "csv", data: "a,b\n1,2", columns: { c: "first_name" } }, /no column "c"/],
      [{ object: "clients", format: "csv", data: "notes,age\nx,3" }, /required column is missing/],
      [{ object: "cases", format: "csv", data: "title\nx" }, /required column is missing/],
      [{ object: "clients", format: "csv", data: 'first_name\n"unclosed' }, /cannot be read/],
      [{ object: "clients", format: "csv", data: "phone,phone\n1,2" }, /appears twice/],
      [
        { object: "clients", format: "csv", data: `first_name\n${"x\n".repeat(100_001)}` },
        /more than 100000 data rows/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await sb.call("POST", "/v1/imports", { key: firm.key, body });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await countClients(firm.key)).toBe(before);
    expect((await sb.call("GET", "/v1/imports?limit=200", { key: firm.key })).body.data.length).toBe(imports);
  });

  it("previews headers, the first rows and suggested columns", async () => {
    const res = await sb.call("POST", "/v1/imports/preview", {
      key: firm.key,
      body: { format: "csv", data: "First Name,Surname,Cell,Notes\nA,B,312,x\nC,D,773,y" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      headers: ["First Name", "Surname", "Cell", "Notes"],
      rows: [
        { "First Name": "A", Surname: "B", Cell: "312", Notes: "x" },
        { "First Name": "C", Surname: "D", Cell: "773", Notes: "y" },
      ],
      suggested_columns: { "First Name": "first_name", Surname: "last_name", Cell: "phone", Notes: null },
      total_rows: 2,
    });
  });

  it("keeps tenants apart: another tenant's import is not found and its rows never match ours", async () => {
    const mine = await importAndWait(firm.key, {
      object: "clients",
      format: "csv",
      data: "first_name,phone\nMine,3125550181",
    });
    expect((await sb.call("GET", `/v1/imports/${mine.id}`, { key: other.key })).status).toBe(404);
    expect((await sb.call("GET", "/v1/imports", { key: other.key })).body.data).toEqual([]);
    const theirs = await importAndWait(other.key, {
      object: "clients",
      format: "csv",
      data: "first_name,phone\nTheirs,3125550181",
    });
    expect(theirs).toMatchObject({ created: 1, updated: 0 });
    expect((await clientsWith(firm.key, "phone=3125550181"))[0].first_name).toBe("Mine");
    const cases = await importAndWait(other.key, {
      object: "cases",
      format: "csv",
      data: `client_id,title\n${(await clientsWith(firm.key, "phone=3125550181"))[0].id},x`,
    });
    expect(cases).toMatchObject({
      created: 0,
      failed: 1,
      errors: [expect.objectContaining({ code: "client_not_found" })],
    });
  });
  it("reads number and boolean custom fields written as text in a CSV, and refuses what is neither", async () => {
    const typed = await sb.tenant("Typed Fields");
    const defs = await sb.call("PUT", "/v1/settings/custom-fields", {
      key: typed.key,
      body: {
        clients: [
          { key: "score", label: "Score", type: "number", required: false },
          { key: "vip", label: "VIP", type: "boolean", required: false },
        ],
        cases: [],
      },
    });
    expect(defs.status, JSON.stringify(defs.body)).toBe(200);
    const done = await importAndWait(typed.key, {
      object: "clients",
      format: "csv",
      data: "first_name,custom_fields.score,custom_fields.vip\nAna,7,Yes\nBo,-2.5,0\nCy,seven,true",
    });
    expect(done).toMatchObject({ status: "completed", created: 2, failed: 1 });
    expect(done.errors).toEqual([
      expect.objectContaining({ row: 3, path: expect.stringContaining("score") }),
    ]);
    const [ana] = await clientsWith(typed.key, "q=Ana");
    expect(ana.custom_fields).toEqual({ score: 7, vip: true });
    const [bo] = await clientsWith(typed.key, "q=Bo");
    expect(bo.custom_fields).toEqual({ score: -2.5, vip: false });
  });
});
