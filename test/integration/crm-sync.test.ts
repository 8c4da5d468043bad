import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LawRulerFake, startLawRulerFake } from "../../fakes/lawruler.js";
import { type SmartAdvocateFake, startSmartAdvocateFake } from "../../fakes/smartadvocate.js";
import { LAWRULER_MAPPINGS, SMARTADVOCATE_MAPPINGS } from "../helpers/crm.js";
import { eventually } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

describe.each(storeKinds())("CRM two-way sync on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  let lawruler: LawRulerFake;
  let smartadvocate: SmartAdvocateFake;
  let phone = 5550100;

  beforeAll(async () => {
    sb = await startTestServer(kind);
    lawruler = await startLawRulerFake();
    smartadvocate = await startSmartAdvocateFake();
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
  });
  afterAll(async () => {
    await lawruler?.close();
    await smartadvocate?.close();
    await sb?.stop();
  });

  const call = (method: string, path: string, body?: unknown) => sb.call(method, path, { key, body });

  async function connect(provider: "lawruler" | "smartadvocate", settings: Record<string, unknown>) {
    const fake = provider === "lawruler" ? lawruler : smartadvocate;
    const created = await call("POST", "/v1/crm/connections", {
      provider,
      base_url: fake.url,
      credentials: { ...fake.credentials },
      // Hourly: the scheduled pull runs once at creation; the tests sync by hand.
      settings: { frequency: "hourly", ...settings },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const mappings = provider === "lawruler" ? LAWRULER_MAPPINGS : SMARTADVOCATE_MAPPINGS;
    expect((await call("PUT", `/v1/crm/connections/${id}/mappings`, mappings)).status).toBe(200);
    if (settings.direction !== "to_crm") {
      // The scheduled pull runs once as the connection starts: let it pass before the test edits.
      await eventually(async () => (await call("GET", `/v1/crm/connections/${id}/status`)).body.last_sync_at);
    }
    return id;
  }

  /** A client and case, pushed and linked; answers the case id and the CRM id. */
  async function linkedCase(connection: string, first = "Maria") {
    phone++;
    const client = await call("POST", "/v1/clients", {
      first_name: first,
      last_name: "Delgado",
      phones: [{ number: `+1312${phone}` }],
      emails: [`${first.toLowerCase()}.${phone}@example.com`],
    });
    const kase = await call("POST", "/v1/cases", {
      client_id: client.body.id,
      case_type: "auto_accident",
      custom_fields: { injury: "Neck" },
    });
    const link = await eventually(async () => {
      const links = await call("GET", `/v1/crm/connections/${connection}/links`);
      return links.body.data.find((l: { platform_id: string }) => l.platform_id === kase.body.id);
    });
    return {
      clientId: client.body.id as string,
      caseId: kase.body.id as string,
      crmId: link.crm_id as string,
    };
  }

  /** Syncs by hand and waits for the run to finish. */
  async function sync(connection: string) {
    const started = await call("POST", `/v1/crm/connections/${connection}/sync`, { mode: "incremental" });
    expect(started.status).toBe(202);
    // A sync job waits for a free job slot and for the connection's scheduled pull to end; in a
    // full suite on two busy cores that once took past 15 s.
    return eventually(async () => {
      const runs = await call("GET", `/v1/crm/connections/${connection}/runs`);
      const run = runs.body.data.find((r: { id: string }) => r.id === started.body.id);
      return run?.status !== "running" ? run : undefined;
    }, 45_000);
  }

  const deliveriesOf = async (connection: string) =>
    (await call("GET", `/v1/crm/connections/${connection}/deliveries?limit=200`)).body.data as Array<{
      status: string;
    }>;
  const eventsOf = async (type: string) => (await call("GET", `/v1/events?type=${type}&limit=200`)).body.data;

  it("echo: a platform edit pushed to LawRuler and seen again by polling creates no event and no push", async () => {
    const id = await connect("lawruler", { direction: "both" });
    const { caseId, crmId } = await linkedCase(id);
    await call("PATCH", `/v1/cases/${caseId}`, { description: "rear-ended at a light" });
    await eventually(
      async () => lawruler.records.get(Number(crmId))?.fields.Summary === "rear-ended at a light",
    );
    await eventually(async () => (await deliveriesOf(id)).every((d) => d.status !== "pending"));
    const deliveriesBefore = (await deliveriesOf(id)).length;
    const eventsBefore = (await eventsOf("case.updated")).length + (await eventsOf("client.updated")).length;
    const requestsBefore = lawruler.stats.requests;

    const run = await sync(id);
    expect(run).toMatchObject({ status: "succeeded", pulled: 0, pushed: 0, conflicts: 0, errors: [] });
    // The sync read the lead (a poll), and found our own write: nothing applied, nothing pushed.
    expect(lawruler.stats.requests).toBeGreaterThan(requestsBefore);
    expect((await eventsOf("case.updated")).length + (await eventsOf("client.updated")).length).toBe(
      eventsBefore,
    );
    expect((await deliveriesOf(id)).length).toBe(deliveriesBefore);
    const status = await call("GET", `/v1/crm/connections/${id}/status`);
    expect(status.body).toMatchObject({ state: "idle", records_synced: 1, pending: 0 });
    expect(status.body.last_sync_at).not.toBeNull();
  });

  it("two-way: a SmartAdvocate edit comes to the platform as crm:<connection> and is never pushed back", async () => {
    const id = await connect("smartadvocate", { direction: "both" });
    const { clientId, caseId, crmId } = await linkedCase(id, "Ana");
    await eventually(async () => (await deliveriesOf(id)).every((d) => d.status !== "pending"));
    const deliveriesBefore = (await deliveriesOf(id)).length;
    smartadvocate.records.edit(
      crmId,
      { "last name": "Ruiz", "Injury Type": "Back" },
      { caseStatus: "Signed Up" },
    );

    const run = await sync(id);
    expect(run).toMatchObject({ status: "succeeded", pulled: 1, conflicts: 0 });
    const client = await call("GET", `/v1/clients/${clientId}`);
    expect(client.body.last_name).toBe("Ruiz");
    const kase = await call("GET", `/v1/cases/${caseId}`);
    expect(kase.body).toMatchObject({ status: "signed", custom_fields: { injury: "Back" } });
    const updated = (await eventsOf("case.updated")).find(
      (e: { data: { case_id: string; change_source: string } }) =>
        e.data.case_id === caseId && e.data.change_source === `crm:${id}`,
    );
    expect(updated).toBeDefined();
    expect((await call("GET", `/v1/events/${updated.id}`)).body.deliveries).toEqual([]);
    expect((await deliveriesOf(id)).length).toBe(deliveriesBefore);

    // A second sync finds nothing new (the overlap window re-reads the case; its hash is known).
    expect(await sync(id)).toMatchObject({ status: "succeeded", pulled: 0, pushed: 0 });

    // And a platform edit still goes to SmartAdvocate.
    await call("PATCH", `/v1/clients/${clientId}`, { first_name: "Anabel" });
    await eventually(async () => smartadvocate.records.cases.get(crmId)?.plaintiff.firstName === "Anabel");
  });

  it("brings a case created in SmartAdvocate to the platform, linked", async () => {
    const id = await connect("smartadvocate", { direction: "from_crm" });
    const record = smartadvocate.records.seed(
      { "first name": "Hugo", "last name": "Vance", phone: "+13125559001", email: "hugo.vance@example.com" },
      { caseType: "Auto Accident" },
    );
    // Read by this sync, or by the scheduled pull that started with the connection.
    expect((await sync(id)).status).toBe("succeeded");
    const links = await call("GET", `/v1/crm/connections/${id}/links?limit=200`);
    const link = links.body.data.find((l: { crm_id: string }) => l.crm_id === record.caseNumber);
    expect(link).toBeDefined();
    const kase = await call("GET", `/v1/cases/${link.platform_id}`);
    expect(kase.body).toMatchObject({
      case_type: "auto_accident",
      external_ids: { [id]: record.caseNumber },
    });
    const client = await call("GET", `/v1/clients/${kase.body.client_id}`);
    expect(client.body).toMatchObject({
      first_name: "Hugo",
      last_name: "Vance",
      emails: ["hugo.vance@example.com"],
    });
  });

  describe.each([
    ["platform_wins", "platform"],
    ["crm_wins", "crm"],
    ["newest", "crm"],
  ] as const)("a conflict under %s", (policy, winner) => {
    it(`is settled for the ${winner} and recorded`, { timeout: 120_000 }, async () => {
      const id = await connect("smartadvocate", { direction: "both", conflict: policy });
      const { clientId, crmId } = await linkedCase(id, "Iris");
      await eventually(async () => (await deliveriesOf(id)).every((d) => d.status !== "pending"));
      // The platform changes while pushes are off, so the change is not sent …
      await call("PATCH", `/v1/crm/connections/${id}`, { settings: { direction: "from_crm" } });
      await call("PATCH", `/v1/clients/${clientId}`, { last_name: "Platform" });
      await new Promise((resolve) => setTimeout(resolve, 20));
      // … and SmartAdvocate changes the same field afterwards.
      smartadvocate.records.edit(crmId, { "last name": "Crm" });
      await call("PATCH", `/v1/crm/connections/${id}`, { settings: { direction: "both" } });

      const run = await sync(id);
      expect(run).toMatchObject({ status: "succeeded", conflicts: 1 });
      expect(run.conflict_list[0]).toMatchObject({ object: "case", crm_id: crmId, winner });
      const conflict = (await eventsOf("crm.record_conflict")).find(
        (e: { data: { connection_id: string } }) => e.data.connection_id === id,
      );
      expect(conflict.data).toMatchObject({ policy, winner, crm_id: crmId });
      const client = await call("GET", `/v1/clients/${clientId}`);
      const crmLast = smartadvocate.records.cases.get(crmId)?.plaintiff.lastName;
      if (winner === "platform") {
        expect(client.body.last_name).toBe("Platform");
        expect(crmLast).toBe("Platform");
      } else {
        expect(client.body.last_name).toBe("Crm");
        expect(crmLast).toBe("Crm");
      }
      // Settled: the next sync finds both sides in step.
      expect(await sync(id)).toMatchObject({ conflicts: 0, pulled: 0 });
    });
  });

  it("marks a connection failing and emits crm.sync_failed after three failed reads in a row", async () => {
    const fake = await startSmartAdvocateFake();
    try {
      const created = await call("POST", "/v1/crm/connections", {
        provider: "smartadvocate",
        base_url: fake.url,
        credentials: { ...fake.credentials },
        settings: { frequency: "daily", direction: "from_crm" },
      });
      const id = created.body.id as string;
      await call("PUT", `/v1/crm/connections/${id}/mappings`, SMARTADVOCATE_MAPPINGS);
      await eventually(async () => (await call("GET", `/v1/crm/connections/${id}/status`)).body.last_sync_at);
      fake.changePassword("rotated-by-the-firm");
      for (let i = 0; i < 3; i++) expect((await sync(id)).status).toBe("failed");
      const runs = (await call("GET", `/v1/crm/connections/${id}/runs`)).body.data;
      expect(runs[0].errors[0].message).toMatch(/^auth: /);
      const status = await call("GET", `/v1/crm/connections/${id}/status`);
      expect(status.body).toMatchObject({ state: "failing", consecutive_failures: 3 });
      const failed = (await eventsOf("crm.sync_failed")).filter(
        (e: { data: { connection_id: string } }) => e.data.connection_id === id,
      );
      expect(failed).toHaveLength(1);
      expect(failed[0].data).toMatchObject({ consecutive_failures: 3, provider: "smartadvocate" });
    } finally {
      await fake.close();
    }
  });
});
