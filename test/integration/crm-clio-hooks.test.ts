import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ClioFake, startClioFake } from "../../fakes/clio.js";
import { signNotification } from "../../src/integrations/crm/clio/webhooks.js";
import { eventually } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/**
 * Clio's webhooks wired into the engine: a realtime connection reading from Clio subscribes its
 * matters and contacts at the public URL, the hook route answers the activation handshake, a
 * signed notification pulls that one record by id (a repeat changes nothing), a bad signature is
 * 401, and the renewal job extends a webhook before it expires.
 */

const PUBLIC_URL = "https://sb.example";
const CLIO_MAPPINGS = {
  send_mappings: true,
  fields: [
    { platform_field: "client.first_name", crm_field: "client.first_name", direction: "both" },
    { platform_field: "client.last_name", crm_field: "client.last_name", direction: "both" },
    { platform_field: "description", crm_field: "description", direction: "both" },
  ],
  statuses: [],
  case_types: [{ case_type: "auto_accident", crm_case_type: "11" }],
};

describe.each(storeKinds())("Clio webhooks through the engine on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  let fake: ClioFake;

  beforeAll(async () => {
    sb = await startTestServer(kind, {
      SWITCHBOARD_PUBLIC_URL: PUBLIC_URL,
      SWITCHBOARD_CRM_WEBHOOK_RENEWAL_MS: "300",
    });
    fake = await startClioFake();
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
    fake.webhookLifetimeMs = null;
  });
  afterAll(async () => {
    await fake?.close();
    await sb?.stop();
  });

  const call = (method: string, path: string, body?: unknown) => sb.call(method, path, { key, body });

  async function connect(): Promise<string> {
    const { webhook_secret: _given, ...withoutSecret } = fake.credentials as Record<string, string>;
    const created = await call("POST", "/v1/crm/connections", {
      provider: "clio",
      base_url: fake.url,
      credentials: withoutSecret,
      settings: { direction: "from_crm", frequency: "realtime" },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call("PUT", `/v1/crm/connections/${id}/mappings`, CLIO_MAPPINGS)).status).toBe(200);
    // The pull that runs as the connection starts: let it pass, the next is 30 s away.
    await eventually(async () => (await call("GET", `/v1/crm/connections/${id}/status`)).body.last_sync_at);
    return id;
  }

  const hookOf = (id: string, model: string) =>
    fake.webhooks.find((w) => w.url === `${PUBLIC_URL}/v1/crm/hooks/${id}` && w.model === model);

  const post = (id: string, body: string, headers: Record<string, string>) =>
    fetch(`${sb.url}/v1/crm/hooks/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });

  it("subscribes matters and contacts, answers the handshake, pulls a signed notification's record", async () => {
    const id = await connect();
    const matterHook = hookOf(id, "matter");
    expect(matterHook).toBeDefined();
    expect(hookOf(id, "contact")).toBeDefined();
    // Subscribed once, though the create and the renewal job both look.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(fake.webhooks.filter((w) => w.url === matterHook?.url)).toHaveLength(2);
    expect(matterHook?.fields).toContain("display_number");
    const got = await call("GET", `/v1/crm/connections/${id}`);
    // The webhook's shared secret is kept, encrypted, and shown masked.
    expect(got.body.credentials.webhook_secret).toMatch(/^••••/);
    expect(JSON.stringify(got.body)).not.toContain(String(matterHook?.shared_secret));

    const handshake = await post(id, "", { "x-hook-secret": "hs-0123456789" });
    expect(handshake.status).toBe(200);
    expect(handshake.headers.get("x-hook-secret")).toBe("hs-0123456789");

    const client = fake.records.createContact({
      type: "Person",
      name: "Hana Hook",
      first_name: "Hana",
      last_name: "Hook",
    });
    const matter = fake.records.createMatter({
      description: "Hook v. Poll",
      client: { id: client.id },
      practice_area: { id: 11 },
    });
    const body = JSON.stringify({ data: { id: matter.id, display_number: matter.display_number } });
    const bad = await post(id, body, { "x-hook-signature": signNotification("wrong-secret", body) });
    expect(bad.status).toBe(401);
    const good = await post(id, body, {
      "x-hook-signature": signNotification(String(matterHook?.shared_secret), body),
    });
    expect(good.status).toBe(202);
    expect(await good.json()).toEqual({ accepted: true });
    await eventually(async () => {
      const links = await call("GET", `/v1/crm/connections/${id}/links?object=case`);
      return links.body.data.some((l: { crm_id: string }) => l.crm_id === String(matter.id));
    });
    // That one matter was read by id, not by waiting for the next poll's list.
    const reads = () =>
      fake.log.filter((e) => e.method === "GET" && e.path === `/api/v4/matters/${matter.id}.json`).length;
    expect(reads()).toBeGreaterThanOrEqual(1);
    // The same notification again: read, hashed, unchanged — no new run, still one link.
    const runs = async () => (await call("GET", `/v1/crm/connections/${id}/runs`)).body.data.length;
    const runsBefore = await runs();
    const readsBefore = reads();
    const again = await post(id, body, {
      "x-hook-signature": signNotification(String(matterHook?.shared_secret), body),
    });
    expect(again.status).toBe(202);
    await eventually(async () => reads() > readsBefore);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await runs()).toBe(runsBefore);
    const links = await call("GET", `/v1/crm/connections/${id}/links?object=case`);
    expect(links.body.data.filter((l: { crm_id: string }) => l.crm_id === String(matter.id))).toHaveLength(1);
  });

  it("the renewal job extends a webhook before it expires, keeping its secret", async () => {
    fake.webhookLifetimeMs = 60_000;
    const id = await connect();
    const hook = hookOf(id, "matter");
    const secret = hook?.shared_secret;
    await eventually(async () => Date.parse(String(hook?.expires_at)) > Date.now() + 30 * 86_400_000);
    expect(fake.log.some((e) => e.method === "PATCH" && e.path === `/api/v4/webhooks/${hook?.id}.json`)).toBe(
      true,
    );
    expect(hook?.shared_secret).toBe(secret);
    expect(fake.webhooks.filter((w) => w.url === hook?.url && w.model === "matter")).toHaveLength(1);
  });
});
