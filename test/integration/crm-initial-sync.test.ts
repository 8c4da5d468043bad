import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLawRulerFake } from "../../fakes/lawruler.js";
import { startSmartAdvocateFake } from "../../fakes/smartadvocate.js";
import { LAWRULER_MAPPINGS, SMARTADVOCATE_MAPPINGS } from "../helpers/crm.js";
import { eventually } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

describe.each(storeKinds())("CRM initial sync on %s", (kind) => {
  let sb: TestServer;
  let key: string;

  beforeAll(async () => {
    sb = await startTestServer(kind);
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
  });
  afterAll(async () => {
    await sb?.stop();
  });

  const call = (method: string, path: string, body?: unknown) => sb.call(method, path, { key, body });

  /** Connects, maps, then asks for the initial sync (as the dashboard does); answers the finished run. */
  async function initialSync(
    provider: string,
    fake: { url: string; credentials: Record<string, string> },
    mappings: unknown,
    settings: Record<string, unknown>,
  ) {
    const created = await call("POST", "/v1/crm/connections", {
      provider,
      base_url: fake.url,
      credentials: { ...fake.credentials },
      settings: { frequency: "daily", ...settings, initial_sync: "none" },
    });
    const id = created.body.id as string;
    expect((await call("PUT", `/v1/crm/connections/${id}/mappings`, mappings)).status).toBe(200);
    expect(
      (
        await call("PATCH", `/v1/crm/connections/${id}`, {
          settings: { initial_sync: settings.initial_sync },
        })
      ).status,
    ).toBe(200);
    const run = await eventually(async () => {
      const runs = await call("GET", `/v1/crm/connections/${id}/runs`);
      const initial = runs.body.data.find((r: { mode: string }) => r.mode === "initial");
      return initial && initial.status !== "running" ? initial : undefined;
    });
    return { id, run };
  }

  it("exports the platform's cases to LawRuler, linking a lead that has the client's phone instead of duplicating it", async () => {
    const fake = await startLawRulerFake();
    try {
      const existing = fake.records.seed({
        FirstName: "Maria",
        LastName: "Delgado",
        CellPhone: "+13125550143",
      });
      const maria = await call("POST", "/v1/clients", {
        first_name: "Maria",
        last_name: "Delgado",
        phones: [{ number: "+13125550143" }],
      });
      const mariaCase = await call("POST", "/v1/cases", {
        client_id: maria.body.id,
        case_type: "auto_accident",
      });
      const ben = await call("POST", "/v1/clients", { first_name: "Ben", last_name: "Ortiz" });
      const benCase = await call("POST", "/v1/cases", { client_id: ben.body.id });

      const { id, run } = await initialSync("lawruler", fake, LAWRULER_MAPPINGS, {
        direction: "to_crm",
        initial_sync: "export",
      });
      expect(run).toMatchObject({ status: "succeeded", pushed: 2, errors: [] });
      expect(fake.records.leads.size).toBe(2);
      const links = (await call("GET", `/v1/crm/connections/${id}/links`)).body.data;
      const byCase = Object.fromEntries(
        links.map((l: { platform_id: string; crm_id: string }) => [l.platform_id, l.crm_id]),
      );
      expect(byCase[mariaCase.body.id]).toBe(String(existing.LeadId));
      expect(byCase[benCase.body.id]).toBeDefined();
      expect(fake.records.get(existing.LeadId)).toMatchObject({ CaseType: "Auto Accident" });
      expect(fake.records.get(existing.LeadId)?.fields.ExternalID).toBe(mariaCase.body.id);

      // Asked again (export → none → export): everything is linked, nothing new is created.
      await call("PATCH", `/v1/crm/connections/${id}`, { settings: { initial_sync: "none" } });
      await call("PATCH", `/v1/crm/connections/${id}`, { settings: { initial_sync: "export" } });
      await eventually(async () => {
        const runs = (await call("GET", `/v1/crm/connections/${id}/runs`)).body.data;
        return (
          runs.filter(
            (r: { mode: string; status: string }) => r.mode === "initial" && r.status === "succeeded",
          ).length === 2
        );
      });
      expect(fake.records.leads.size).toBe(2);
    } finally {
      await fake.close();
    }
  });

  it("imports SmartAdvocate's cases, matching a known client by email and creating the rest", async () => {
    const fake = await startSmartAdvocateFake();
    try {
      const known = await call("POST", "/v1/clients", {
        first_name: "Grace",
        last_name: "Hopper",
        emails: ["grace.hopper@example.com"],
      });
      const graceCase = fake.records.seed(
        { "first name": "Grace", "last name": "Hopper", email: "grace.hopper@example.com" },
        { caseType: "Auto Accident" },
      );
      const newCase = fake.records.seed(
        { "first name": "Frank", "last name": "Lee", phone: "+13125550177" },
        { caseType: "Auto Accident" },
      );
      const { id, run } = await initialSync("smartadvocate", fake, SMARTADVOCATE_MAPPINGS, {
        direction: "from_crm",
        initial_sync: "import",
      });
      // Read by the import (or by the scheduled pull that starts with the mappings): linked once either way.
      expect(run).toMatchObject({ status: "succeeded", errors: [] });
      const links = (await call("GET", `/v1/crm/connections/${id}/links`)).body.data;
      expect(links).toHaveLength(2);
      const caseOf = async (crmId: string) => {
        const link = links.find((l: { crm_id: string }) => l.crm_id === crmId);
        return (await call("GET", `/v1/cases/${link.platform_id}`)).body;
      };
      const grace = await caseOf(graceCase.caseNumber);
      expect(grace.client_id).toBe(known.body.id);
      expect(grace.case_type).toBe("auto_accident");
      const frank = await caseOf(newCase.caseNumber);
      const frankClient = await call("GET", `/v1/clients/${frank.client_id}`);
      expect(frankClient.body).toMatchObject({ first_name: "Frank", last_name: "Lee" });
      expect((await call("GET", "/v1/clients?limit=50")).body.data).toHaveLength(2);
    } finally {
      await fake.close();
    }
  });
});
