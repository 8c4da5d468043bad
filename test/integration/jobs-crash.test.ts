import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { generateId } from "../../src/domain/ids.js";
import { type ChildServer, freePort, spawnServer } from "../helpers/child.js";
import { createStorage, type TestStorage } from "../helpers/stores.js";

const run = promisify(execFile);
const EVENTS = 40_000;
const DAY_MS = 24 * 60 * 60 * 1000;

interface RetentionRow {
  state: string;
  attempts: number;
  progress_done: number;
  checkpoint: string | null;
  finished_at: number | null;
}

/** Checks a condition every `intervalMs` (reading the SQLite file directly, a cheap query). */
async function waitFor(check: () => boolean, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A durable job killed with `kill -9` mid-way resumes from its last checkpoint on restart: the
 * retention job purging events stored 60 days ago (SWITCHBOARD_RETENTION_DAYS is 30).
 */
describe("job crash safety on sqlite", () => {
  let storage: TestStorage;
  const children: ChildServer[] = [];

  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill("SIGKILL")));
    await storage?.cleanup();
  });

  it("resumes a job killed with kill -9 from its last checkpoint and purges every event once", {
    timeout: 90_000,
  }, async () => {
    storage = createStorage("sqlite");
    const env = {
      SWITCHBOARD_DATA_DIR: storage.dataDir,
      SWITCHBOARD_PORT: String(await freePort()),
      SWITCHBOARD_HOST: "127.0.0.1",
      SWITCHBOARD_ADMIN_KEY: "sk_admin_jobs_crash_0123456789",
      SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
      SWITCHBOARD_POLL_INTERVAL_MS: "50",
      SWITCHBOARD_RETENTION_DAYS: "30",
    };
    // The schema first (no job is scheduled by `migrate`), then events stored 60 days ago.
    await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "migrate"], {
      env: { ...process.env, ...env },
    });
    const db = new Database(join(storage.dataDir, "switchboard.db"));
    const old = Date.now() - 60 * DAY_MS;
    const tenantId = generateId("ten_");
    db.prepare("insert into tenants (id, name, timezone, created_at) values (?, ?, ?, ?)").run(
      tenantId,
      "Crash Firm",
      "UTC",
      old,
    );
    const insert = db.prepare(
      `insert into events (id, tenant_id, type, data, occurred_at, created_at) values (?, ?, 'call.ended', ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < EVENTS; i++) {
        const data = JSON.stringify({
          call_id: `call_${i}`,
          transcript: "I was rear-ended on I-90. ".repeat(8),
        });
        insert.run(generateId("evt_"), tenantId, data, old, old);
      }
    })();
    const retention = () =>
      db
        .prepare(
          "select state, attempts, progress_done, checkpoint, finished_at from jobs where unique_key = 'retention'",
        )
        .get() as RetentionRow | undefined;
    const unpurged = () =>
      (db.prepare("select count(*) as n from events where data != 'null'").get() as { n: number }).n;

    // Killed once the purge has saved a checkpoint a few batches in.
    const first = await spawnServer(env);
    children.push(first);
    await waitFor(() => (retention()?.progress_done ?? 0) >= 2_000, 30_000, 2);
    await first.kill("SIGKILL");
    const killed = retention();
    expect(killed?.state).toBe("running");
    expect(killed?.attempts).toBe(1);
    const saved = JSON.parse(killed?.checkpoint ?? "null") as { after_id: string; purged: number };
    expect(saved.purged).toBe(killed?.progress_done);
    const left = unpurged();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(EVENTS);
    // Everything up to the watermark is purged.
    expect(
      (
        db
          .prepare("select count(*) as n from events where id <= ? and data != 'null'")
          .get(saved.after_id) as {
          n: number;
        }
      ).n,
    ).toBe(0);

    // The restarted server takes the job up at once (no waiting out the dead run's lease).
    const second = await spawnServer(env);
    children.push(second);
    await waitFor(() => {
      const row = retention();
      return row?.state === "queued" && row.finished_at !== null;
    }, 30_000);
    const finished = retention() as RetentionRow;
    expect(unpurged()).toBe(0);
    // One run in two attempts: its count went on from the checkpoint instead of restarting at 0.
    expect(finished.progress_done).toBe(saved.purged + left);
    expect(second.output()).toContain('"msg":"retention resumed from checkpoint"');
    expect(second.output()).toContain(`"after_id":"${saved.after_id}"`);
    expect(second.output()).toMatch(/"kind":"retention","attempt":2,"msg":"job started"/);
    db.close();
  });
});
