import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../helpers/api.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

describe.each(storeKinds())("exports on %s", (kind) => {
  let sb: TestServer;
  let firm: { id: string; key: string };
  let copy: { id: string; key: string };
  const clients: Json[] = [];
  let startedAt: string;
  beforeAll(async () => {
    sb = await startTestServer(kind);
    firm = await sb.tenant("Delgado & Park");
    copy = await sb.tenant("Restored Firm");
    startedAt = new Date().toISOString();
    const bodies = [
      {
        first_name: "Maria",
        last_name: 'Delgado "Mari"',
        phones: [
          { number: "(312) 555-0201", type: "mobile" },
          { number: "773 555 0202", type: "home" },
        ],
        emails: ["maria@example.com", "m.delgado@work.example"],
        addresses: [
          { street: "2150 W Division St, Apt 3", city: "Chicago", state: "IL", postal_code: "60622" },
        ],
        date_of_birth: "1988-04-12",
        preferred_language: "es",
        custom_fields: { referral: "radio, then tv", notes: "line one\nline two" },
        external_ids: { lawruler: "184467" },
        source: "call",
      },
      { first_name: "Luis", phones: [{ number: "3125550203" }], opt_out: true },
      { last_name: "Only Email", emails: ["only@example.com"], custom_fields: { referral: "web" } },
    ];
    for (const body of bodies) {
      const res = await sb.call("POST", "/v1/clients", { key: firm.key, body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      // The create answer's possible_duplicates is about the request, not the record.
      const { possible_duplicates: _, ...client } = res.body;
      clients.push(client);
    }
  });
  afterAll(async () => {
    await sb?.stop();
  });

  async function download(
    key: string,
    path: string,
  ): Promise<{ status: number; text: string; headers: Headers }> {
    const res = await fetch(`${sb.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  async function importAndWait(key: string, body: Record<string, unknown>): Promise<Json> {
    const started = await sb.call("POST", "/v1/imports", { key, body });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    for (let i = 0; i < 300; i++) {
      const res = await sb.call("GET", `/v1/imports/${started.body.id}`, { key });
      if (res.body.status === "completed" || res.body.status === "failed") return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("import did not finish");
  }

  /** A client's fields as a re-import can restore them. */
  function portable(client: Json) {
    const { id, version, created_at, updated_at, phones, addresses, ...rest } = client;
    return { ...rest, phones: phones.map((p: Json) => p.number), addresses: addresses.slice(0, 1) };
  }

  it("streams clients as CSV with the import's field names as columns, as an attachment", async () => {
    const res = await download(firm.key, "/v1/clients/export?format=csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="clients-.*\.csv"$/);
    const [header] = res.text.split("\r\n");
    expect(header).toBe(
      "id,first_name,last_name,phone,phones,email,emails,street,city,state,postal_code,date_of_birth," +
        "preferred_language,opt_out,source,external_ids.lawruler,custom_fields.notes,custom_fields.referral," +
        "created_at,updated_at",
    );
    expect(res.text).toContain('"Delgado ""Mari"""');
    expect(res.text).toContain('"line one\nline two"');
  });

  it("round-trips: the CSV re-imports unchanged into its own tenant and restores the clients in another", async () => {
    const csv = (await download(firm.key, "/v1/clients/export")).text;
    const same = await importAndWait(firm.key, { object: "clients", format: "csv", data: csv });
    expect(same).toMatchObject({
      status: "completed",
      total: 3,
      created: 0,
      updated: 0,
      skipped: 3,
      failed: 0,
    });
    const restored = await importAndWait(copy.key, { object: "clients", format: "csv", data: csv });
    expect(restored).toMatchObject({ status: "completed", created: 3, failed: 0 });
    const copies = (await sb.call("GET", "/v1/clients?limit=200", { key: copy.key })).body.data as Json[];
    const byName = (list: Json[]) =>
      list
        .map(portable)
        .sort((a, b) =>
          String(a.last_name ?? a.first_name).localeCompare(String(b.last_name ?? b.first_name)),
        );
    expect(byName(copies)).toEqual(byName(clients));
  });

  it("round-trips JSON Lines with custom field types kept", async () => {
    await sb.call("PATCH", `/v1/clients/${clients[1].id}`, {
      key: firm.key,
      body: { custom_fields: { score: 7, vip: true } },
    });
    const res = await download(
      firm.key,
      `/v1/clients/export?format=jsonl&phone=${encodeURIComponent("312-555-0203")}`,
    );
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const lines = res.text.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      id: clients[1].id,
      opt_out: true,
      custom_fields: { score: 7, vip: true },
    });
    const other = await sb.tenant("JSON copy");
    const restored = await importAndWait(other.key, { object: "clients", format: "jsonl", data: res.text });
    expect(restored).toMatchObject({ created: 1, failed: 0 });
    const [copyOf] = (await sb.call("GET", "/v1/clients", { key: other.key })).body.data;
    expect(copyOf).toMatchObject({
      first_name: "Luis",
      opt_out: true,
      custom_fields: { score: 7, vip: true },
    });
  });

  it("filters clients by name, email and creation time", async () => {
    const rows = async (query: string) =>
      (await download(firm.key, `/v1/clients/export?format=jsonl&${query}`)).text
        .trim()
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l));
    expect((await rows("q=delg")).map((r) => r.first_name)).toEqual(["Maria"]);
    expect((await rows("email=ONLY@example.com")).map((r) => r.last_name)).toEqual(["Only Email"]);
    expect(await rows(`created_since=${startedAt}`)).toHaveLength(3);
    expect(await rows(`created_until=${startedAt}`)).toHaveLength(0);
    expect((await download(firm.key, "/v1/clients/export?created_since=yesterday")).status).toBe(422);
    expect((await download(firm.key, "/v1/clients/export?format=xlsx")).status).toBe(422);
  });

  it("exports cases with their filters, and an export never shows another tenant's records", async () => {
    for (const [client, status, caseType] of [
      [clients[0], "new_lead", "auto_accident"],
      [clients[0], "signed", "auto_accident"],
      [clients[1], "signed", "slip_and_fall"],
    ] as const) {
      const res = await sb.call("POST", "/v1/cases", {
        key: firm.key,
        body: { client_id: client.id, status, case_type: caseType, title: `${status}, ${caseType}` },
      });
      expect(res.status).toBe(201);
    }
    const lines = async (key: string, query: string) =>
      (await download(key, `/v1/cases/export?${query}`)).text.split("\r\n").filter((l) => l !== "");
    const all = await lines(firm.key, "format=csv");
    expect(all[0]).toBe(
      "id,client_id,case_type,status,substatus,title,description,incident_date,campaign_id,call_id,source,created_at,updated_at",
    );
    expect(all).toHaveLength(4);
    expect(await lines(firm.key, "status=signed")).toHaveLength(3);
    expect(await lines(firm.key, "status=signed&case_type=auto_accident")).toHaveLength(2);
    expect(await lines(firm.key, `client_id=${clients[1].id}`)).toHaveLength(2);
    expect(await lines(copy.key, "format=csv")).toHaveLength(1);
    const theirs = (await download(copy.key, "/v1/clients/export?format=jsonl")).text;
    for (const client of clients) expect(theirs).not.toContain(client.id);
  });

  it("streams more than a page of records in order, each once", async () => {
    const tenant = await sb.tenant("Big Firm");
    const rows = Array.from(
      { length: 1234 },
      (_, i) => `Client ${i},+1312555${String(1000 + i).padStart(4, "0")}`,
    );
    const done = await importAndWait(tenant.key, {
      object: "clients",
      format: "csv",
      data: `first_name,phone\n${rows.join("\n")}`,
      emit_events: false,
    });
    expect(done).toMatchObject({ created: 1234, failed: 0 });
    const text = (await download(tenant.key, "/v1/clients/export?format=jsonl")).text;
    const ids = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id as string);
    expect(ids).toHaveLength(1234);
    expect(new Set(ids).size).toBe(1234);
    expect([...ids].sort()).toEqual(ids);
  });
});
