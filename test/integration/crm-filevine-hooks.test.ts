import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FilevineFake, startFilevineFake } from "../../fakes/filevine.js";
import { eventually } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/**
 * Filevine's webhooks wired into the engine: a realtime connection reading from Filevine
 * subscribes its projects and contacts at the public URL, the renewal job re-asserts them, a
 * delivery with a token Filevine's identity service signed pulls that one project by id (a
 * repeat changes nothing: id + hash dedupe), and a bad token is 401 with nothing read. And a PAT
 * Filevine refuses turns the connection failing in Filevine's words until a new one is given.
 */

const PUBLIC_URL = "https://sb.example";
const FILEVINE_MAPPINGS = {
  send_mappings: true,
  fields: [
    { platform_field: "client.first_name", crm_field: "client.first_name", direction: "both" },
    { platform_field: "client.last_name", crm_field: "client.last_name", direction: "both" },
    { platform_field: "title", crm_field: "ProjectName", direction: "both" },
  ],
  statuses: [],
  case_types: [{ case_type: "auto_accident", crm_case_type: "31" }],
};

describe.each(storeKinds())("Filevine webhooks through the engine on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  let fake: FilevineFake;

  beforeAll(async () => {
    sb = await startTestServer(kind, {
      SWITCHBOARD_PUBLIC_URL: PUBLIC_URL,
      SWITCHBOARD_CRM_WEBHOOK_RENEWAL_MS: "300",
    });
    fake = await startFilevineFake();
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
  });
  afterAll(async () => {
    await fake?.close();
    await sb?.stop();
  });

  const call = (method: string, path: string, body?: unknown) => sb.call(method, path, { key, body });

  async function connect(): Promise<string> {
    const created = await call("POST", "/v1/crm/connections", {
      provider: "filevine",
      base_url: fake.url,
      credentials: fake.credentials,
      settings: { direction: "from_crm", frequency: "realtime" },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call("PUT", `/v1/crm/connections/${id}/mappings`, FILEVINE_MAPPINGS)).status).toBe(200);
    await eventually(async () => (await call("GET", `/v1/crm/connections/${id}/status`)).body.last_sync_at);
    return id;
  }

  const post = (id: string, delivery: { body: string; headers: Record<string, string> }) =>
    fetch(`${sb.url}/v1/crm/hooks/${id}`, { method: "POST", headers: delivery.headers, body: delivery.body });

  const reads = (projectId: number) =>
    fake.log.filter((e) => e.method === "GET" && e.path === `/fv-app/v2/Projects/${projectId}`).length;

  it("subscribes projects and contacts, and the renewal job re-asserts them", async () => {
    const id = await connect();
    const endpoint = `${PUBLIC_URL}/v1/crm/hooks/${id}`;
    const ours = await eventually(async () => {
      const held = fake.subscriptions.filter((s) => s.Endpoint === endpoint);
      return held.length === 2 ? held : null;
    });
    expect(ours.map((s) => (s.EventIds as string[]).includes("contactupdated")).sort()).toEqual([
      false,
      true,
    ]);
    await eventually(async () =>
      fake.log.some(
        (e) => e.method === "PUT" && e.path === `/fv-app/v2/webhooks/subscription/${ours[0]?.Id}`,
      ),
    );
    // Re-asserted, never duplicated.
    expect(fake.subscriptions.filter((s) => s.Endpoint === endpoint)).toHaveLength(2);
    // Nothing secret comes with a Filevine subscription: the credentials stay as given.
    const got = await call("GET", `/v1/crm/connections/${id}`);
    expect(Object.keys(got.body.credentials).sort()).toEqual(Object.keys(fake.credentials).sort());
  });

  it("a signed delivery pulls that one project; a repeat changes nothing; a bad token is 401", async () => {
    const id = await connect();
    const contact = fake.records.createContact({ FirstName: "Hugo", LastName: "Hook" });
    const project = fake.records.createProject({
      ProjectTypeId: { Native: 31 },
      ClientId: contact.PersonId,
      ProjectName: "Hook v. Poll",
    });
    const projectId = Number((project.ProjectId as { Native: number }).Native);
    const event = { object: "Project", event: "Created", ids: { ProjectId: projectId }, projectId };

    for (const token of [
      fake.webhookToken({}, { foreignKey: true }),
      fake.webhookToken({ aud: "another-api" }),
      fake.webhookToken({ exp: Math.floor(Date.now() / 1000) - 600 }),
    ]) {
      const refused = await post(id, fake.notification(event, token));
      expect(refused.status).toBe(401);
    }
    const unsigned = fake.notification(event);
    const { authorization: _dropped, ...withoutToken } = unsigned.headers;
    expect((await post(id, { ...unsigned, headers: withoutToken })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reads(projectId)).toBe(0);

    const runsBefore = (await call("GET", `/v1/crm/connections/${id}/runs`)).body.data.length;
    const good = await post(id, fake.notification(event));
    expect(good.status).toBe(202);
    expect(await good.json()).toEqual({ accepted: true });
    const link = await eventually(async () => {
      const links = await call("GET", `/v1/crm/connections/${id}/links?object=case`);
      return links.body.data.find((l: { crm_id: string }) => l.crm_id === String(projectId));
    });
    const kase = await call("GET", `/v1/cases/${link.platform_id}`);
    expect(kase.body.title).toBe("Hook v. Poll");
    expect(reads(projectId)).toBeGreaterThanOrEqual(1);
    await eventually(
      async () => (await call("GET", `/v1/crm/connections/${id}/runs`)).body.data.length === runsBefore + 1,
    );

    // The same delivery again: read by id, hashed, found unchanged — no new run, no new record.
    const readsBefore = reads(projectId);
    expect((await post(id, fake.notification(event))).status).toBe(202);
    await eventually(async () => reads(projectId) > readsBefore);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await call("GET", `/v1/crm/connections/${id}/runs`)).body.data).toHaveLength(runsBefore + 1);
    const links = await call("GET", `/v1/crm/connections/${id}/links?object=case`);
    expect(links.body.data.filter((l: { crm_id: string }) => l.crm_id === String(projectId))).toHaveLength(1);

    // An event about something we do not sync is accepted and ignored.
    const note = await post(
      id,
      fake.notification({ object: "Note", event: "Created", ids: { NoteId: 5 }, projectId }),
    );
    expect(note.status).toBe(202);
    expect(await note.json()).toEqual({ accepted: false });
  });

  it("a PAT Filevine refuses turns the connection failing in Filevine's words; a new PAT clears it", async () => {
    const id = await connect();
    fake.revokePat();
    const started = await call("POST", `/v1/crm/connections/${id}/sync`, { mode: "incremental" });
    expect(started.status).toBe(202);
    const status = await eventually(async () => {
      const now = await call("GET", `/v1/crm/connections/${id}/status`);
      return now.body.state === "failing" ? now.body : undefined;
    });
    expect(status.message).toContain("Filevine refused the personal access token");
    expect(status.message).toContain("The personal access token is invalid");
    const patched = await call("PATCH", `/v1/crm/connections/${id}`, {
      credentials: { pat: fake.currentPat() },
    });
    expect(patched.status).toBe(200);
    const after = await call("GET", `/v1/crm/connections/${id}/status`);
    expect(after.body.message).toBeNull();
    const again = await call("POST", `/v1/crm/connections/${id}/sync`, { mode: "incremental" });
    await eventually(async () => {
      const runs = await call("GET", `/v1/crm/connections/${id}/runs`);
      return runs.body.data.find((r: { id: string }) => r.id === again.body.id)?.status === "succeeded";
    });
    expect((await call("GET", `/v1/crm/connections/${id}/status`)).body.state).not.toBe("failing");
  });
});
