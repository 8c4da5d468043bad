import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LawRulerFake, startLawRulerFake } from "../../fakes/lawruler.js";
import { LAWRULER_MAPPINGS } from "../helpers/crm.js";
import { eventually } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

describe.each(storeKinds())("CRM connections on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  let fake: LawRulerFake;

  beforeAll(async () => {
    sb = await startTestServer(kind);
    fake = await startLawRulerFake();
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
  });
  afterAll(async () => {
    await fake?.close();
    await sb?.stop();
  });

  const connect = async (settings: Record<string, unknown> = {}) => {
    const created = await sb.call("POST", "/v1/crm/connections", {
      key,
      body: { provider: "lawruler", base_url: fake.url, credentials: { ...fake.credentials }, settings },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  it("lists the providers with their credential fields and capabilities", async () => {
    const res = await sb.call("GET", "/v1/crm/providers", { key });
    expect(res.status).toBe(200);
    const lawruler = res.body.data.find((p: { name: string }) => p.name === "lawruler");
    expect(lawruler.credentials[0]).toMatchObject({ name: "api_key", secret: true, required: true });
    expect(lawruler.capabilities).toMatchObject({ objects: ["case"], list_changes: false });
  });

  it("creates, reads, lists, changes and deletes a connection; the key is never shown", async () => {
    const id = await connect({ direction: "to_crm", conflict: "crm_wins" });
    expect(id).toMatch(/^crm_/);
    const got = await sb.call("GET", `/v1/crm/connections/${id}`, { key });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      provider: "lawruler",
      name: "LawRuler",
      base_url: fake.url,
      settings: {
        direction: "to_crm",
        frequency: "realtime",
        conflict: "crm_wins",
        initial_sync: "none",
        enabled: true,
      },
      delivering: true,
    });
    const secret = fake.credentials.api_key as string;
    expect(got.body.credentials.api_key).toBe(`••••${secret.slice(-4)}`);
    expect(JSON.stringify(got.body)).not.toContain(secret);

    const list = await sb.call("GET", "/v1/crm/connections", { key });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([id]);

    const patched = await sb.call("PATCH", `/v1/crm/connections/${id}`, {
      key,
      body: { name: "Intake CRM", settings: { direction: "from_crm" } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "Intake CRM", delivering: false });
    expect(patched.body.settings).toMatchObject({ direction: "from_crm", conflict: "crm_wins" });
    // Credentials left out of a patch are kept.
    expect((await sb.call("POST", `/v1/crm/connections/${id}/test`, { key })).status).toBe(200);

    expect((await sb.call("DELETE", `/v1/crm/connections/${id}`, { key })).status).toBe(204);
    expect((await sb.call("GET", `/v1/crm/connections/${id}`, { key })).status).toBe(404);
  });

  it("refuses an unknown provider, a missing credential, an unknown one and a missing base URL with 422", async () => {
    const post = (body: unknown) => sb.call("POST", "/v1/crm/connections", { key, body });
    const unknown = await post({ provider: "salesforce", credentials: {}, base_url: fake.url });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({
      code: "validation_failed",
      details: { path: "/body/provider" },
    });
    const missing = await post({ provider: "lawruler", credentials: {}, base_url: fake.url });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toMatchObject({
      path: "/body/credentials/api_key",
      reason: "missing_credential",
    });
    const extra = await post({
      provider: "lawruler",
      credentials: { api_key: "k", pin: "1" },
      base_url: fake.url,
    });
    expect(extra.status).toBe(422);
    const noUrl = await post({ provider: "lawruler", credentials: { api_key: "k" } });
    expect(noUrl.status).toBe(422);
    expect(noUrl.body.error.details.path).toBe("/body/base_url");
    const badSetting = await post({
      provider: "lawruler",
      credentials: { api_key: "k" },
      base_url: fake.url,
      settings: { direction: "sideways" },
    });
    expect(badSetting.status).toBe(422);
  });

  it("answers a refused key with 422 and LawRuler's own message, never 5xx", async () => {
    const created = await sb.call("POST", "/v1/crm/connections", {
      key,
      body: { provider: "lawruler", base_url: fake.url, credentials: { api_key: "wrong-key-0000" } },
    });
    const res = await sb.call("POST", `/v1/crm/connections/${created.body.id}/test`, { key });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("crm_refused");
    expect(res.body.error.message).toContain("Invalid API Key");
    expect(res.body.error.details).toMatchObject({ stage: "auth", vendor_message: "Invalid API Key" });
    const fields = await sb.call("GET", `/v1/crm/connections/${created.body.id}/fields`, { key });
    expect(fields.status).toBe(422);
    expect(fields.body.error.message).toContain("Invalid API Key");
  });

  it("loads the CRM's fields, saves valid mappings, refuses stale ones and reports them after a refresh", async () => {
    const id = await connect();
    const fields = await sb.call("GET", `/v1/crm/connections/${id}/fields`, { key });
    expect(fields.status).toBe(200);
    expect(fields.body.fields.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining(["FirstName", "custom102"]),
    );
    expect(fields.body.case_types.map((t: { id: string }) => t.id)).toContain("Auto Accident");
    expect(fields.body.statuses.find((s: { id: string }) => s.id === "Signed").substatuses.length).toBe(2);

    const put = await sb.call("PUT", `/v1/crm/connections/${id}/mappings`, { key, body: LAWRULER_MAPPINGS });
    expect(put.status).toBe(200);
    expect((await sb.call("GET", `/v1/crm/connections/${id}/mappings`, { key })).body).toEqual(
      LAWRULER_MAPPINGS,
    );

    const stale = await sb.call("PUT", `/v1/crm/connections/${id}/mappings`, {
      key,
      body: { ...LAWRULER_MAPPINGS, case_types: [{ case_type: "x", crm_case_type: "Maritime" }] },
    });
    expect(stale.status).toBe(422);
    expect(stale.body.error.details.path).toBe("/body/case_types/0");

    // The portal drops a custom field: the refresh keeps the mapping and reports it.
    const dropped = fake.records.customFields.splice(1, 1);
    try {
      const refreshed = await sb.call("POST", `/v1/crm/connections/${id}/fields/refresh`, { key });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.stale).toEqual([
        { path: "/fields/5", reason: 'the CRM has no field "custom102"' },
      ]);
      expect((await sb.call("GET", `/v1/crm/connections/${id}/mappings`, { key })).body).toEqual(
        LAWRULER_MAPPINGS,
      );
    } finally {
      fake.records.customFields.splice(1, 0, ...dropped);
    }
  });

  it("pushes a new case as a lead, then its changes to the same lead; the attempt shows LawRuler's request", async () => {
    const id = await connect({ direction: "to_crm" });
    await sb.call("PUT", `/v1/crm/connections/${id}/mappings`, { key, body: LAWRULER_MAPPINGS });
    const client = await sb.call("POST", "/v1/clients", {
      key,
      body: {
        first_name: "Maria",
        last_name: "Delgado",
        phones: [{ number: "+13125550143" }],
        emails: ["maria@example.com"],
      },
    });
    const kase = await sb.call("POST", "/v1/cases", {
      key,
      body: {
        client_id: client.body.id,
        case_type: "auto_accident",
        description: "rear-ended",
        custom_fields: { injury: "Neck" },
      },
    });
    expect(kase.status).toBe(201);
    const link = await eventually(async () => {
      const links = await sb.call("GET", `/v1/crm/connections/${id}/links`, { key });
      return links.body.data[0];
    });
    expect(link).toMatchObject({ object: "case", platform_id: kase.body.id });
    const lead = fake.records.get(Number(link.crm_id));
    expect(lead?.fields).toMatchObject({
      FirstName: "Maria",
      LastName: "Delgado",
      CellPhone: "+13125550143",
      Email1: "maria@example.com",
      Summary: "rear-ended",
      custom102: "Neck",
      ExternalID: kase.body.id,
    });
    expect(lead).toMatchObject({ CaseType: "Auto Accident", Status: "New Lead" });

    // The client's change rides on its case's lead; the status change too.
    await sb.call("PATCH", `/v1/clients/${client.body.id}`, { key, body: { last_name: "Delgado-Ruiz" } });
    await sb.call("PATCH", `/v1/cases/${kase.body.id}`, { key, body: { status: "signed" } });
    await eventually(async () => {
      const now = fake.records.get(Number(link.crm_id));
      return (
        now?.fields.LastName === "Delgado-Ruiz" &&
        now.Status === "Signed" &&
        now.SubStatus === "Retainer Signed"
      );
    });
    expect(fake.records.leads.size).toBeGreaterThanOrEqual(1);
    expect([...fake.records.leads.values()].filter((l) => l.fields.ExternalID === kase.body.id)).toHaveLength(
      1,
    );

    const deliveries = await sb.call("GET", `/v1/crm/connections/${id}/deliveries`, { key });
    expect(deliveries.status).toBe(200);
    // The oldest delivery is client.created: its client has no case yet, so nothing was sent.
    const [created, skipped] = deliveries.body.data.slice(-2);
    const skippedAttempt = (await sb.call("GET", `/v1/deliveries/${skipped.id}`, { key })).body.attempts[0];
    expect(skippedAttempt.request.method).toBe("NONE");
    const detail = await sb.call("GET", `/v1/deliveries/${created.id}`, { key });
    const attempt = detail.body.attempts[0];
    expect(attempt.request.method).toBe("POST");
    expect(attempt.request.url).toContain("/api-legalcrmapp.aspx");
    expect(attempt.request.body).toContain("FirstName=Maria");
    expect(attempt.request.body).not.toContain(fake.credentials.api_key);
    expect(attempt.response.status).toBe(200);
  });

  it("previews a push without sending, and test-sends it for real", async () => {
    const id = await connect({ direction: "to_crm", enabled: false });
    await sb.call("PUT", `/v1/crm/connections/${id}/mappings`, { key, body: LAWRULER_MAPPINGS });
    const client = await sb.call("POST", "/v1/clients", {
      key,
      body: { first_name: "Ben", last_name: "Ortiz" },
    });
    const kase = await sb.call("POST", "/v1/cases", {
      key,
      body: { client_id: client.body.id, status: "under_review" },
    });
    const before = fake.stats.requests;
    const preview = await sb.call("POST", `/v1/crm/connections/${id}/preview`, {
      key,
      body: { object: "case", id: kase.body.id },
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      operation: "create",
      crm_id: null,
      write: {
        fields: { FirstName: "Ben", LastName: "Ortiz" },
        status: "Under Review",
        external_id: kase.body.id,
      },
    });
    expect(fake.stats.requests).toBe(before);

    const sent = await sb.call("POST", `/v1/crm/connections/${id}/test-send`, {
      key,
      body: { object: "case", id: kase.body.id },
    });
    expect(sent.status).toBe(200);
    expect(sent.body.action).toBe("created");
    expect(fake.records.get(Number(sent.body.crm_id))?.fields.FirstName).toBe("Ben");
    expect(
      sent.body.exchanges.some((e: { request: { method: string } }) => e.request.method === "POST"),
    ).toBe(true);
    expect(JSON.stringify(sent.body)).not.toContain(fake.credentials.api_key);
    const again = await sb.call("POST", `/v1/crm/connections/${id}/preview`, {
      key,
      body: { object: "case", id: kase.body.id },
    });
    expect(again.body).toMatchObject({ operation: "update", crm_id: sent.body.crm_id });
    const clientOnly = await sb.call("POST", `/v1/crm/connections/${id}/preview`, {
      key,
      body: { object: "client", id: client.body.id },
    });
    expect(clientOnly.status).toBe(422);
  });

  it("fails a push LawRuler refuses at once, with its message", async () => {
    const id = await connect({ direction: "to_crm" });
    await sb.call("PUT", `/v1/crm/connections/${id}/mappings`, { key, body: LAWRULER_MAPPINGS });
    const client = await sb.call("POST", "/v1/clients", { key, body: { first_name: "Nameless" } });
    await sb.call("POST", "/v1/cases", { key, body: { client_id: client.body.id } });
    const failed = await eventually(async () => {
      const list = await sb.call("GET", `/v1/crm/connections/${id}/deliveries?status=failed`, { key });
      return list.body.data[0];
    });
    expect(failed.attempt_count).toBe(1);
    expect(failed.last_error).toContain("FirstName and LastName");
  });

  it("waits out LawRuler's 429 for at least its Retry-After, then delivers", async () => {
    const created = await sb.call("POST", "/v1/crm/connections", {
      key,
      body: {
        provider: "lawruler",
        base_url: fake.url,
        credentials: { ...fake.credentials },
        settings: { direction: "to_crm" },
        retry: { schedule: [1, 1, 1, 1, 1] },
      },
    });
    const id = created.body.id as string;
    await sb.call("PUT", `/v1/crm/connections/${id}/mappings`, { key, body: LAWRULER_MAPPINGS });
    const client = await sb.call("POST", "/v1/clients", {
      key,
      body: { first_name: "Cara", last_name: "Limit" },
    });
    fake.setRateLimit(3);
    // Keep the portal's tokens spent until the push has met a 429, however long the server takes to
    // send it (spending them once beforehand raced the bucket's refill on a loaded machine).
    const spend = () => void fetch(`${fake.url}/api-legalcrmapp.aspx?Operation=GetCaseTypes`).catch(() => {});
    const spender = setInterval(spend, 50);
    try {
      for (let i = 0; i < 6; i++) spend();
      const kase = await sb.call("POST", "/v1/cases", { key, body: { client_id: client.body.id } });
      await eventually(async () => {
        const pending = await sb.call("GET", `/v1/crm/connections/${id}/deliveries`, { key });
        return pending.body.data.some((d: { last_status_code: number | null }) => d.last_status_code === 429);
      });
      clearInterval(spender);
      const link = await eventually(async () => {
        const links = await sb.call("GET", `/v1/crm/connections/${id}/links`, { key });
        return links.body.data.find((l: { platform_id: string }) => l.platform_id === kase.body.id);
      });
      expect(fake.records.get(Number(link.crm_id))?.fields.FirstName).toBe("Cara");
      const deliveries = await sb.call("GET", `/v1/crm/connections/${id}/deliveries?status=succeeded`, {
        key,
      });
      const limited = [];
      for (const d of deliveries.body.data) {
        const detail = await sb.call("GET", `/v1/deliveries/${d.id}`, { key });
        limited.push(
          ...detail.body.attempts.filter(
            (a: { response: { status: number } | null }) => a.response?.status === 429,
          ),
        );
      }
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0].response.headers["retry-after"]).toMatch(/^\d+$/);
      expect(fake.stats.rateLimited).toBeGreaterThan(0);
    } finally {
      clearInterval(spender);
      fake.setRateLimit(null);
    }
  });

  it("answers 404 to notifications for a CRM that sends none, without an API key", async () => {
    const id = await connect();
    const res = await fetch(`${sb.url}/v1/crm/hooks/${id}`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const unknown = await fetch(`${sb.url}/v1/crm/hooks/crm_nothing`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
  });
});
