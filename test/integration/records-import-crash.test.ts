import { randomBytes } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { apiCall } from "../helpers/api.js";
import { type ChildServer, freePort, spawnServer } from "../helpers/child.js";
import { createStorage, type TestStorage } from "../helpers/stores.js";

const ROWS = 6_000;
const ADMIN = "sk_admin_import_crash_0123456789";

interface ImportRow {
  status: string;
  done: number;
  created: number;
  finished_at: number | null;
}

async function waitFor(check: () => boolean, timeoutMs: number, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * An import killed with `kill -9` mid-file resumes after its last committed chunk on restart:
 * every row becomes exactly one client, and what was committed before the kill is exactly what
 * the import's progress said (records and progress share each chunk's transaction) — and so is
 * the enrichment each created client asked for, whose job is stored in the same transaction.
 */
describe("import crash safety on sqlite", () => {
  let storage: TestStorage;
  const children: ChildServer[] = [];

  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill("SIGKILL")));
    await storage?.cleanup();
  });

  it("resumes an import killed with kill -9 without duplicating a client", { timeout: 300_000 }, async () => {
    storage = createStorage("sqlite");
    const env = {
      SWITCHBOARD_DATA_DIR: storage.dataDir,
      SWITCHBOARD_PORT: String(await freePort()),
      SWITCHBOARD_HOST: "127.0.0.1",
      SWITCHBOARD_ADMIN_KEY: ADMIN,
      SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
      SWITCHBOARD_POLL_INTERVAL_MS: "50",
    };
    const first = await spawnServer(env, { startTimeoutMs: 90_000 });
    children.push(first);
    const tenant = await apiCall(first.url, "POST", "/v1/tenants", {
      key: ADMIN,
      body: { name: "Crash Firm" },
    });
    const key = (await apiCall(first.url, "POST", `/v1/tenants/${tenant.body.id}/keys`, { key: ADMIN })).body
      .key;
    const settings = await apiCall(first.url, "PUT", "/v1/enrichment/settings", {
      key,
      body: { triggers: { call: false, sms: false, import: true, manual: true } },
    });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    const rows = Array.from({ length: ROWS }, (_, i) => `Client ${i},client${i}@example.com`);
    const started = await apiCall(first.url, "POST", "/v1/imports", {
      key,
      body: {
        object: "clients",
        format: "csv",
        data: `first_name,email\n${rows.join("\n")}`,
        enrich: true,
      },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.id as string;

    const db = new Database(join(storage.dataDir, "switchboard.db"));
    const progress = () =>
      db.prepare("select status, done, created, finished_at from imports where id = ?").get(id) as ImportRow;
    const clients = () => (db.prepare("select count(*) as n from clients").get() as { n: number }).n;
    const events = () =>
      (db.prepare("select count(*) as n from events where type = 'client.created'").get() as { n: number }).n;

    const enrichments = () =>
      (
        db
          .prepare(
            "select count(distinct json_extract(payload, '$.client_id')) as n from jobs where kind = 'enrichment'",
          )
          .get() as { n: number }
      ).n;

    await waitFor(() => progress().done >= 1_000, 60_000, 2);
    await first.kill("SIGKILL");
    const killed = progress();
    expect(killed.status).toBe("running");
    expect(killed.done).toBeLessThan(ROWS);
    // Nothing committed past the checkpoint, nothing before it lost.
    expect(clients()).toBe(killed.done);
    expect(events()).toBe(killed.done);
    expect(enrichments()).toBe(killed.done);

    const second = await spawnServer(env, { startTimeoutMs: 90_000 });
    children.push(second);
    await waitFor(() => progress().finished_at !== null, 90_000, 50);
    const finished = progress();
    expect(finished).toMatchObject({ status: "completed", done: ROWS, created: ROWS });
    expect(clients()).toBe(ROWS);
    expect(events()).toBe(ROWS);
    expect(enrichments()).toBe(ROWS);
    const distinct = db
      .prepare("select count(distinct value) as n from client_contacts where kind = 'email'")
      .get() as {
      n: number;
    };
    expect(distinct.n).toBe(ROWS);
    expect(second.output()).toContain('"msg":"import resumed"');
    const answer = await apiCall(second.url, "GET", `/v1/imports/${id}`, { key });
    expect(answer.body).toMatchObject({
      status: "completed",
      total: ROWS,
      done: ROWS,
      created: ROWS,
      failed: 0,
    });
    db.close();
  });
});
