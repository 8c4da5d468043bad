import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { type LawRulerFake, startLawRulerFake } from "../../fakes/lawruler.js";
import { apiCall, type Json } from "../helpers/api.js";
import { type ChildServer, freePort, spawnServer } from "../helpers/child.js";
import { LAWRULER_MAPPINGS } from "../helpers/crm.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

const RECORDS = Number(process.env.CRM_CRASH_RECORDS ?? 5_000);
const ADMIN = "sk_admin_crm_crash_0123456789";

async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * An initial export killed with `kill -9` half-way resumes on restart (from the checkpoint of its
 * last page) and finishes without a duplicate lead in the CRM: a lead created just before the kill,
 * whose link was never saved, is found again by our external id and linked.
 */
describe.each(storeKinds())("CRM initial sync crash safety on %s", (kind) => {
  let storage: TestStorage;
  let fake: LawRulerFake;
  const children: ChildServer[] = [];

  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill("SIGKILL")));
    await fake?.close();
    await storage?.cleanup();
  });

  it(`exports ${RECORDS} cases, killed with kill -9 mid-way, with every case linked to exactly one lead`, {
    timeout: 600_000,
  }, async () => {
    storage = createStorage(kind);
    fake = await startLawRulerFake();
    const env: Record<string, string> = {
      SWITCHBOARD_DATA_DIR: storage.dataDir,
      SWITCHBOARD_PORT: String(await freePort()),
      SWITCHBOARD_HOST: "127.0.0.1",
      SWITCHBOARD_ADMIN_KEY: ADMIN,
      SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
      SWITCHBOARD_POLL_INTERVAL_MS: "50",
      SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "true",
      // On PostgreSQL the killed node's claim is taken over once its lease runs out.
      SWITCHBOARD_LEASE_MS: "2000",
      ...(storage.databaseUrl ? { SWITCHBOARD_DATABASE_URL: storage.databaseUrl } : {}),
    };
    const first = await spawnServer(env, { startTimeoutMs: 240_000 });
    children.push(first);
    const tenant = await apiCall(first.url, "POST", "/v1/tenants", {
      key: ADMIN,
      body: { name: "Crash Firm" },
    });
    const key = (await apiCall(first.url, "POST", `/v1/tenants/${tenant.body.id}/keys`, { key: ADMIN })).body
      .key as string;
    const call = (base: string, method: string, path: string, body?: unknown) =>
      apiCall(base, method, path, { key, body });

    // The platform's records, by import: a client and a case each.
    const importRows = async (object: string, data: string) => {
      const started = await call(first.url, "POST", "/v1/imports", { object, format: "csv", data });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      await waitFor(async () => {
        const imp = (await call(first.url, "GET", `/v1/imports/${started.body.id}`)).body;
        return imp.status === "completed" ? imp : undefined;
      }, 120_000);
    };
    const ids = Array.from({ length: RECORDS }, (_, i) => i);
    await importRows(
      "clients",
      `external_id,first_name,last_name,phone,email\n${ids
        .map((i) => `c${i},Client,Number${i},+1312${String(5_000_000 + i)},client${i}@example.com`)
        .join("\n")}`,
    );
    await importRows(
      "cases",
      `client_external_id,description\n${ids.map((i) => `c${i},Case of client ${i}`).join("\n")}`,
    );

    const created = await call(first.url, "POST", "/v1/crm/connections", {
      provider: "lawruler",
      base_url: fake.url,
      credentials: { ...fake.credentials },
      settings: { direction: "to_crm", frequency: "daily", initial_sync: "export" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    // The mappings start the initial sync.
    expect(
      (await call(first.url, "PUT", `/v1/crm/connections/${id}/mappings`, LAWRULER_MAPPINGS)).status,
    ).toBe(200);
    const initialRun = async (base: string) =>
      ((await call(base, "GET", `/v1/crm/connections/${id}/runs`)).body.data as Json[]).find(
        (r) => r.mode === "initial",
      );

    await waitFor(async () => (fake.records.leads.size >= RECORDS / 5 ? true : undefined), 300_000, 20);
    await first.kill("SIGKILL");
    const atKill = fake.records.leads.size;
    expect(atKill).toBeLessThan(RECORDS);
    expect((await initialRun(first.url).catch(() => undefined))?.status).not.toBe("succeeded");

    const second = await spawnServer(env, { startTimeoutMs: 240_000 });
    children.push(second);
    const run = await waitFor(
      async () => {
        const r = await initialRun(second.url);
        return r && r.status !== "running" ? r : undefined;
      },
      400_000,
      500,
    ).catch((error: unknown) => {
      throw new Error(`${error}; ${fake.records.leads.size} leads; output:\n${second.output().slice(-6000)}`);
    });
    expect(run.status, JSON.stringify(run.errors)).toBe("succeeded");
    // Only whole attempts may have failed (a CRM timeout on this loaded machine, retried from the
    // checkpoint); no record was refused.
    for (const error of run.errors as Json[]) expect(error.platform_id, JSON.stringify(error)).toBeNull();

    // No duplicate lead: one per case, each carrying a distinct platform id.
    expect(fake.records.leads.size).toBe(RECORDS);
    const externalIds = new Set([...fake.records.leads.values()].map((lead) => lead.fields.ExternalID));
    expect(externalIds.size).toBe(RECORDS);

    // Every case linked, to the lead that carries its id.
    const links: Json[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await call(second.url, "GET", `/v1/crm/connections/${id}/links?${query}`);
      links.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(links).toHaveLength(RECORDS);
    for (const link of links) {
      expect(fake.records.get(Number(link.crm_id))?.fields.ExternalID).toBe(link.platform_id);
    }
    expect(new Set(links.map((l) => l.crm_id)).size).toBe(RECORDS);
  });
});
