import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_PERSON, type VendorFake } from "../../fakes/enrichment-fake.js";
import { startPdlFake } from "../../fakes/pdl.js";
import { startTrestleFake } from "../../fakes/trestle.js";
import type { Json } from "../helpers/api.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const FINISHED = ["found", "not_found", "failed", "skipped_budget", "cached"];

describe.each(storeKinds())("enrichment on %s", (kind) => {
  let sb: TestServer;
  let pdl: VendorFake<{ api_key: string }>;
  let trestle: VendorFake<{ api_key: string }>;
  let firm: { id: string; key: string };

  beforeAll(async () => {
    sb = await startTestServer(kind);
    pdl = await startPdlFake();
    trestle = await startTrestleFake();
  });
  afterAll(async () => {
    await sb.stop();
    await pdl.close();
    await trestle.close();
  });
  beforeEach(async () => {
    firm = await sb.tenant();
    pdl.set({ mode: "match" });
    trestle.set({ mode: "match" });
  });

  const call = (method: string, path: string, body?: unknown) =>
    sb.call(method, path, { key: firm.key, body });

  async function connectPdl(priority = 1): Promise<void> {
    const res = await call("PUT", "/v1/enrichment/providers/pdl", {
      credentials: pdl.credentials,
      enabled: true,
      priority,
      base_url: pdl.url,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  async function connectTrestle(priority = 2): Promise<void> {
    const res = await call("PUT", "/v1/enrichment/providers/trestle", {
      credentials: trestle.credentials,
      enabled: true,
      priority,
      base_url: trestle.url,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  async function client(
    body: Record<string, unknown> = { phones: [{ number: FAKE_PERSON.phone }] },
  ): Promise<string> {
    const res = await call("POST", "/v1/clients", body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  }
  async function settled(runId: string): Promise<Json> {
    for (let i = 0; i < 400; i++) {
      const res = await call("GET", `/v1/enrichment/runs/${runId}`);
      expect(res.status).toBe(200);
      if (FINISHED.includes(res.body.status)) return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run ${runId} did not finish`);
  }
  async function enrich(clientId: string, body: Record<string, unknown> = {}): Promise<Json> {
    const res = await call("POST", `/v1/clients/${clientId}/enrich`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^enr_/),
      status: "queued",
      trigger: "manual",
    });
    return settled(res.body.id);
  }

  it("lists the four providers and keeps credentials encrypted and masked", async () => {
    const list = await call("GET", "/v1/enrichment/providers");
    expect(list.body.data.map((p: Json) => p.name)).toEqual(["pdl", "enformion", "trestle", "twilio_lookup"]);
    expect(list.body.data[0]).toMatchObject({
      configured: false,
      enabled: false,
      price: { per_match: 0.28 },
    });
    await connectPdl();
    const after = await call("GET", "/v1/enrichment/providers");
    expect(after.body.data[0]).toMatchObject({
      configured: true,
      enabled: true,
      credentials: { api_key: "••••6789" },
    });
    expect(JSON.stringify(after.body)).not.toContain(pdl.credentials.api_key);
  });

  it("answers 422 for unknown providers, wrong credential fields and negative budgets", async () => {
    const unknown = await call("PUT", "/v1/enrichment/providers/clearbit", { credentials: { api_key: "x" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toMatch(/unknown enrichment provider "clearbit"/);
    const wrong = await call("PUT", "/v1/enrichment/providers/enformion", { credentials: { api_key: "x" } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toMatch(/ap_name, ap_password/);
    const negative = await call("PUT", "/v1/enrichment/settings", { monthly_budget: -1 });
    expect(negative.status).toBe(422);
    expect(negative.body.error.message).toMatch(/monthly_budget/);
  });

  it("refuses a manual enrich of a client with nothing to look up (422)", async () => {
    await connectPdl();
    const id = await client({ first_name: "Nobody" });
    const res = await call("POST", `/v1/clients/${id}/enrich`, {});
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/nothing the enabled providers can look up by/);
  });

  it("finds and writes empty fields with provenance, a client.enriched event and the cost", async () => {
    await connectPdl();
    const id = await client();
    const run = await enrich(id);
    expect(run).toMatchObject({ status: "found", provider: "pdl", cost: 0.28 });
    expect(run.fields_written).toEqual(expect.arrayContaining(["emails", "addresses"]));
    const updated = await call("GET", `/v1/clients/${id}`);
    expect(updated.body.emails).toEqual([FAKE_PERSON.email]);
    expect(updated.body.addresses[0]).toMatchObject({
      street: FAKE_PERSON.street,
      postal_code: FAKE_PERSON.postal_code,
    });
    const provenance = await call("GET", `/v1/clients/${id}/enrichment`);
    expect(provenance.body.provenance.emails).toMatchObject({
      provider: "pdl",
      run_id: run.id,
      confidence: 0.9,
    });
    const timeline = await call("GET", `/v1/clients/${id}/timeline`);
    expect(timeline.body.data.map((e: Json) => e.event.type)).toContain("client.enriched");
    const runs = await call("GET", `/v1/enrichment/runs?client_id=${id}`);
    expect(runs.body.data).toHaveLength(1);
    expect(runs.body.totals.by_provider).toEqual({ pdl: 0.28 });
    // Credentials never reach the attempt log.
    expect(JSON.stringify(run.attempts)).not.toContain(pdl.credentials.api_key);
    expect(run.attempts[0]).toMatchObject({ provider: "pdl", status: 200 });
  });

  it("fill_empty does not pay for a kind the client already has", async () => {
    await connectPdl();
    const id = await client({ phones: [{ number: FAKE_PERSON.phone }], emails: ["mine@example.com"] });
    const before = pdl.stats.requests;
    const run = await enrich(id, { data: ["email"] });
    expect(run).toMatchObject({ status: "not_found", cost: 0 });
    expect(pdl.stats.requests).toBe(before);
  });

  it("a cache hit costs nothing and is recorded as cached", async () => {
    await connectPdl();
    const id = await client();
    await enrich(id, { data: ["email"] });
    // Another client with the same number: the same lookup, answered from the cache.
    const twin = await client();
    const before = pdl.stats.requests;
    const again = await enrich(twin, { data: ["email"] });
    expect(again).toMatchObject({ status: "cached", cost: 0 });
    expect(pdl.stats.requests).toBe(before);
  });

  it("walks the waterfall in priority order and stops once all wanted is found", async () => {
    await connectTrestle(1);
    await connectPdl(2);
    await call("PUT", "/v1/enrichment/settings", { cache_days: 0 });
    trestle.set({ mode: "no_match" });
    const id = await client();
    const before = { trestle: trestle.stats.requests, pdl: pdl.stats.requests };
    const run = await enrich(id, { data: ["email"] });
    expect(run).toMatchObject({ status: "found", provider: "pdl", cost: 0.35 });
    expect(run.attempts.map((a: Json) => a.provider)).toEqual(["trestle", "pdl"]);
    // Trestle finds the address on its own: PDL is never asked.
    trestle.set({ mode: "match" });
    const second = await client({ phones: [{ number: FAKE_PERSON.phone }], first_name: "Other" });
    const pdlBefore = pdl.stats.requests;
    const stop = await enrich(second, { data: ["address"] });
    expect(stop).toMatchObject({ status: "found", provider: "trestle" });
    expect(pdl.stats.requests).toBe(pdlBefore);
    expect(trestle.stats.requests - before.trestle).toBe(2);
  });

  it("fill_empty keeps a value; overwrite replaces it, but never a hand edit", async () => {
    await connectPdl();
    await call("PUT", "/v1/enrichment/settings", {
      cache_days: 0,
      data: { phone: false, email: true, address: false, demographics: true },
    });
    // An imported client: its fields were not typed by a person.
    const imported = await call("POST", "/v1/imports", {
      object: "clients",
      format: "jsonl",
      data: `${JSON.stringify({ first_name: "Mary", last_name: "Delgado", phone: FAKE_PERSON.phone, email: "old@example.com" })}\n`,
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(202);
    let id = "";
    for (let i = 0; i < 200 && id === ""; i++) {
      const found = await call("GET", `/v1/clients?phone=${encodeURIComponent(FAKE_PERSON.phone)}`);
      id = found.body.data[0]?.id ?? "";
      if (id === "") await new Promise((r) => setTimeout(r, 50));
    }
    const fill = await enrich(id);
    expect(fill.fields_written).toEqual(["date_of_birth"]);
    expect((await call("GET", `/v1/clients/${id}`)).body.first_name).toBe("Mary");

    await call("PUT", "/v1/enrichment/settings", { write: "overwrite" });
    const over = await enrich(id);
    expect(over.fields_written).toEqual(expect.arrayContaining(["emails", "first_name"]));
    const after = (await call("GET", `/v1/clients/${id}`)).body;
    expect(after.first_name).toBe("Maria");
    expect(after.emails).toEqual([FAKE_PERSON.email, "old@example.com"]);

    // A person sets the name by hand: overwrite leaves it alone from now on.
    const edited = await call("PATCH", `/v1/clients/${id}`, { first_name: "Mari" });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const third = await enrich(id);
    expect(third.fields_written).not.toContain("first_name");
    expect((await call("GET", `/v1/clients/${id}`)).body.first_name).toBe("Mari");
  });

  it("a provider answering garbage fails the run with the reason and writes nothing", async () => {
    await connectPdl();
    pdl.set({ mode: "malformed" });
    const id = await client();
    const run = await enrich(id);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/pdl: People Data Labs answered 200 without/);
    expect(run.cost).toBe(0);
    expect((await call("GET", `/v1/clients/${id}`)).body.emails).toEqual([]);
  });

  it("retries a 429 after its Retry-After and pays once", async () => {
    await connectPdl();
    await call("PUT", "/v1/enrichment/settings", { cache_days: 0 });
    pdl.set({ mode: "rate_limited", failFirst: 1, retryAfterS: 1 });
    const id = await client();
    const matches = pdl.stats.matches;
    const run = await enrich(id);
    expect(run).toMatchObject({ status: "found", cost: 0.28 });
    expect(run.attempts.map((a: Json) => a.status)).toEqual([429, 200]);
    expect(pdl.stats.matches - matches).toBe(1);
  });

  it("50 concurrent triggers with a budget for 5 paid lookups pay for at most 5", async () => {
    await connectPdl();
    await call("PUT", "/v1/enrichment/settings", {
      cache_days: 0,
      monthly_budget: 1.4,
      max_cost_per_lookup: 1,
    });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(await client());
    const matches = pdl.stats.matches;
    const started = await Promise.all(
      ids.map((id) => call("POST", `/v1/clients/${id}/enrich`, { data: ["email"] })),
    );
    expect(started.every((r) => r.status === 202)).toBe(true);
    const runs = await Promise.all(started.map((r) => settled(r.body.id)));
    const paid = runs.filter((r) => r.status === "found");
    expect(paid.length).toBeLessThanOrEqual(5);
    expect(runs.filter((r) => r.status === "skipped_budget").length).toBe(50 - paid.length);
    expect(pdl.stats.matches - matches).toBeLessThanOrEqual(5);
    const totals = (await call("GET", "/v1/enrichment/runs?limit=1")).body.totals;
    expect(totals.total).toBeLessThanOrEqual(1.4);
  });

  it("the store never reserves past the budget under 50 concurrent reservations", async () => {
    const store = sb.server.store;
    const limits = { monthlyBudget: 1_400_000, maxCostPerLookup: null };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.enrichment.reserveLookup(
          firm.id,
          `enr_concurrent${i}`,
          "pdl",
          "2026-12",
          280_000,
          limits,
          Date.now(),
        ),
      ),
    );
    expect(results.filter((r) => r.status === "pending")).toHaveLength(5);
    expect(await store.enrichment.spendByProvider(firm.id, "2026-12")).toEqual({ pdl: 1_400_000 });
  });

  it("an import that opts in enriches the clients it creates; without the import trigger it is refused", async () => {
    await connectPdl();
    const data = `${JSON.stringify({ first_name: "Ann", phone: FAKE_PERSON.phone })}\n${JSON.stringify({ first_name: "Bo", phone: FAKE_PERSON.second_phone })}\n`;
    const refused = await call("POST", "/v1/imports", {
      object: "clients",
      format: "jsonl",
      data,
      enrich: true,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/import trigger is off/);
    await call("PUT", "/v1/enrichment/settings", {
      triggers: { call: false, sms: false, import: true, manual: true },
    });
    const started = await call("POST", "/v1/imports", {
      object: "clients",
      format: "jsonl",
      data,
      enrich: true,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    let runs: Json[] = [];
    for (let i = 0; i < 200; i++) {
      runs = (await call("GET", "/v1/enrichment/runs?trigger=import")).body.data;
      if (runs.length === 2 && runs.every((r) => FINISHED.includes(r.status))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.status).sort()).toEqual(["found", "not_found"]);
  });

  it("enriches the caller of an inbound call once per call event, however often it is sent", async () => {
    await connectPdl();
    await call("PUT", "/v1/enrichment/settings", {
      triggers: { call: true, sms: true, import: false, manual: true },
      cache_days: 0,
    });
    const id = await client();
    const event = {
      type: "call.ended",
      idempotency_key: "call-1",
      data: {
        call_id: "call_enrich1",
        direction: "inbound",
        from_number: FAKE_PERSON.phone,
        to_number: "+18885550123",
      },
    };
    expect((await call("POST", "/v1/events", event)).status).toBe(202);
    expect((await call("POST", "/v1/events", event)).status).toBe(202);
    let runs: Json[] = [];
    for (let i = 0; i < 200; i++) {
      runs = (await call("GET", `/v1/enrichment/runs?client_id=${id}&trigger=call`)).body.data;
      if (runs.length > 0 && FINISHED.includes(runs[0].status)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "found", trigger: "call" });
    const sms = {
      type: "message.received",
      data: {
        message_id: "msg_enrich1",
        direction: "inbound",
        from_number: FAKE_PERSON.phone,
        to_number: "+18885550123",
        body: "hi",
      },
    };
    expect((await call("POST", "/v1/events", sms)).status).toBe(202);
    for (let i = 0; i < 200; i++) {
      runs = (await call("GET", `/v1/enrichment/runs?client_id=${id}&trigger=sms`)).body.data;
      if (runs.length > 0 && FINISHED.includes(runs[0].status)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(runs).toHaveLength(1);
  });
});
