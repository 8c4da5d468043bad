import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findEventType } from "../../src/domain/catalog/index.js";
import type { KyselyStore } from "../../src/store/kysely-store.js";
import { LATEST_MIGRATION } from "../../src/store/migrations/index.js";
import { type ChildServer, freePort, spawnServer } from "../helpers/child.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

const PROMTOOL = "/usr/bin/promtool";
const PG_URL = process.env.SWITCHBOARD_TEST_DATABASE_URL;

/** The catalog's example data for a type, without the fields that scope routing. */
function sample(type: string, callId: string): Record<string, unknown> {
  const data = structuredClone(findEventType(type)?.example) as Record<string, unknown>;
  delete data.campaign_id;
  delete data.case_type;
  return { ...data, call_id: callId };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function scrape(base: string): Promise<string> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** A sample's value by its full series name (`name` or `name{labels}`), or undefined. */
function value(metrics: string, series: string): number | undefined {
  for (const line of metrics.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/**
 * The exposition must pass `promtool check metrics` (Debian's prometheus package); where promtool
 * is missing, the naming rules it enforces are checked here directly.
 */
async function expectValidExposition(metrics: string): Promise<void> {
  const types = new Map<string, string>();
  for (const match of metrics.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1] ?? "", match[2] ?? "");
  for (const [name, type] of types) {
    expect(name, "metric names follow [a-zA-Z_:][a-zA-Z0-9_:]*").toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    if (type === "counter") expect(name, `counter ${name}`).toMatch(/_total$/);
    else expect(name, `${type} ${name} must not end in _total`).not.toMatch(/_total$/);
  }
  expect([...types.keys()].filter((name) => /process_process|switchboard_process_/.test(name))).toEqual([]);
  if (existsSync(PROMTOOL)) {
    const child = execFile(PROMTOOL, ["check", "metrics"]);
    const output = new Promise<{ code: number | null; text: string }>((resolve) => {
      let text = "";
      child.stdout?.on("data", (chunk) => (text += chunk));
      child.stderr?.on("data", (chunk) => (text += chunk));
      child.on("close", (code) => resolve({ code, text }));
    });
    child.stdin?.end(metrics);
    const { code, text } = await output;
    expect(text.trim(), "promtool check metrics").toBe("");
    expect(code).toBe(0);
  } else {
    console.warn("promtool not installed (apt-get install prometheus): checked the naming rules only");
  }
}

describe.each(storeKinds())("health and metrics on %s", (kind) => {
  describe("a server with the API and the worker", () => {
    let sb: TestServer;
    let key: string;
    beforeAll(async () => {
      sb = await startTestServer(kind);
      key = (await sb.tenant()).key;
    });
    afterAll(async () => {
      await sb?.stop();
    });

    it("answers liveness without the store and readiness with every check", async () => {
      const live = await sb.call("GET", "/healthz");
      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({ status: "ok" });
      const ready = await sb.call("GET", "/readyz");
      expect(ready.status, JSON.stringify(ready.body)).toBe(200);
      expect(ready.body).toMatchObject({
        status: "ok",
        checks: {
          store: { status: "ok" },
          migrations: { status: "ok", applied: LATEST_MIGRATION },
          worker: { status: "ok" },
        },
      });
    });

    it("serves metrics that pass promtool, with process metrics under their standard names", async () => {
      const metrics = await scrape(sb.url);
      await expectValidExposition(metrics);
      expect(metrics).toMatch(/^process_cpu_seconds_total /m);
      expect(metrics).toMatch(/^nodejs_active_handles_all_types /m);
      expect(metrics).not.toMatch(/^nodejs_active_handles_total/m);
      for (const name of [
        "switchboard_events_accepted_total",
        "switchboard_deliveries_due",
        "switchboard_deliveries_held_by_circuit",
        "switchboard_oldest_due_delivery_age_seconds",
      ])
        expect(metrics).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    });

    it("counts every accepted event: single, batch, record writes; not idempotent repeats", async () => {
      const accepted = async () => value(await scrape(sb.url), "switchboard_events_accepted_total") ?? 0;
      const before = await accepted();
      const single = { type: "call.started", data: sample("call.started", "c1"), idempotency_key: "once" };
      expect((await sb.call("POST", "/v1/events", { key, body: single })).status).toBe(202);
      expect((await sb.call("POST", "/v1/events", { key, body: single })).status).toBeLessThan(300);
      expect(await accepted()).toBe(before + 1);
      const batch = await sb.call("POST", "/v1/events/batch", {
        key,
        body: {
          events: [2, 3, 4].map((i) => ({ type: "call.started", data: sample("call.started", `c${i}`) })),
        },
      });
      expect(batch.status).toBe(202);
      expect(await accepted()).toBe(before + 4);
      const client = await sb.call("POST", "/v1/clients", { key, body: { first_name: "Maria" } });
      expect(client.status, JSON.stringify(client.body)).toBe(201);
      const events = await sb.call("GET", "/v1/events?type=client.created&limit=10", { key });
      expect(events.body.data.length).toBeGreaterThan(0);
      expect(await accepted()).toBe(before + 4 + events.body.data.length);
    });

    it("answers 503 naming the migration check when the store is behind the code", async () => {
      const db = (sb.server.store as KyselyStore).db;
      const { rows } = await sql<{
        name: string;
        timestamp: string;
      }>`select name, timestamp from kysely_migration where name = ${LATEST_MIGRATION}`.execute(db);
      const row = rows[0];
      expect(row).toBeDefined();
      await sql`delete from kysely_migration where name = ${LATEST_MIGRATION}`.execute(db);
      try {
        const ready = await sb.call("GET", "/readyz");
        expect(ready.status).toBe(503);
        expect(ready.body.status).toBe("unavailable");
        expect(ready.body.checks.store.status).toBe("ok");
        expect(ready.body.checks.migrations).toMatchObject({ status: "fail", expected: LATEST_MIGRATION });
        expect(ready.body.checks.migrations.message).toMatch(/switchboard migrate/);
      } finally {
        await sql`insert into kysely_migration (name, timestamp) values (${row?.name}, ${row?.timestamp})`.execute(
          db,
        );
      }
      expect((await sb.call("GET", "/readyz")).status).toBe(200);
    });
  });

  describe("deliveries held by an open circuit", () => {
    let sb: TestServer;
    afterEach(async () => {
      await sb?.stop();
    });

    it("are reported apart from due ones and do not age the oldest due delivery", async () => {
      // The API alone: nothing is sent, so the deliveries stay due for the metrics to see.
      sb = await startTestServer(kind, {}, "api");
      const { key } = await sb.tenant();
      const dead = await sb.call("POST", "/v1/webhooks", {
        key,
        body: { url: "http://127.0.0.1:9/dead", events: ["call.started"] },
      });
      expect(dead.status, JSON.stringify(dead.body)).toBe(201);
      const alive = await sb.call("POST", "/v1/webhooks", {
        key,
        body: { url: "http://127.0.0.1:9/alive", events: ["call.ended"] },
      });
      expect(alive.status).toBe(201);
      // More held deliveries than the head of a lane that is read first: the oldest due one not
      // held is found further down.
      const held = 80;
      await sb.call("POST", "/v1/events/batch", {
        key,
        body: {
          events: Array.from({ length: held }, (_, i) => ({
            type: "call.started",
            data: sample("call.started", `h${i}`),
          })),
        },
      });
      const now = Date.now();
      await sb.server.store.targets.saveHealth({
        webhook_id: dead.body.id,
        circuit_state: "open",
        consecutive_failures: 10,
        retry_at: now + 600_000,
        failing_since: now,
        failing_notified_at: null,
        last_success_at: null,
        last_failure_at: now,
        updated_at: now,
      });
      await sleep(1_500);
      for (let i = 0; i < 3; i++)
        await sb.call("POST", "/v1/events", {
          key,
          body: { type: "call.ended", data: sample("call.ended", `d${i}`) },
        });

      const metrics = await scrape(sb.url);
      await expectValidExposition(metrics);
      expect(value(metrics, "switchboard_deliveries_due")).toBe(3);
      expect(value(metrics, "switchboard_deliveries_held_by_circuit")).toBe(held);
      const age = value(metrics, "switchboard_oldest_due_delivery_age_seconds") ?? -1;
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(1.5);

      // Counts stop at the cap they are asked with.
      const capped = await sb.server.store.queue.dueStats(Date.now(), 2);
      expect(capped).toMatchObject({ due: 2, held: 2 });

      // Once the circuit's wait is over they are due again, and the oldest is theirs.
      await sb.server.store.targets.saveHealth({
        webhook_id: dead.body.id,
        circuit_state: "open",
        consecutive_failures: 10,
        retry_at: Date.now() - 1,
        failing_since: now,
        failing_notified_at: null,
        last_success_at: null,
        last_failure_at: now,
        updated_at: Date.now(),
      });
      const after = await scrape(sb.url);
      expect(value(after, "switchboard_deliveries_due")).toBe(held + 3);
      expect(value(after, "switchboard_deliveries_held_by_circuit")).toBe(0);
      expect(value(after, "switchboard_oldest_due_delivery_age_seconds")).toBeGreaterThanOrEqual(1.5);
    });
  });

  describe("readiness when the store is gone", () => {
    let sb: TestServer | undefined;
    let database: string | null = null;
    afterEach(async () => {
      await sb?.stop().catch(() => {});
      sb = undefined;
      if (database && PG_URL) {
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`drop database if exists "${database}" with (force)`);
        await admin.end();
      }
      database = null;
    });

    it("answers 503 with the failing store check while liveness stays ok", async () => {
      if (kind === "sqlite") {
        sb = await startTestServer(kind);
        // The embedded store's connection closed under the running server.
        await sb.server.store.close();
      } else {
        // A database of its own, dropped under the running server.
        database = `sb_ready_${randomBytes(4).toString("hex")}`;
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`create database "${database}"`);
        const url = new URL(PG_URL as string);
        url.pathname = `/${database}`;
        sb = await startTestServer(kind, { SWITCHBOARD_DATABASE_URL: url.toString() }, "api");
        await admin.query(`drop database "${database}" with (force)`);
        await admin.end();
      }
      const ready = await sb.call("GET", "/readyz");
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe("unavailable");
      expect(ready.body.checks.store.status).toBe("fail");
      expect(ready.body.checks.store.message).toEqual(expect.any(String));
      expect(ready.body.checks.migrations.status).toBe("fail");
      expect((await sb.call("GET", "/healthz")).status).toBe(200);
    });
  });

  describe("a worker-only process", () => {
    let storage: TestStorage;
    let child: ChildServer | undefined;
    beforeAll(() => {
      storage = createStorage(kind);
    });
    afterAll(async () => {
      await child?.kill("SIGTERM");
      await storage?.cleanup();
    });

    it("serves /healthz, /readyz and /metrics on its port, and no API", async () => {
      child = await spawnServer(
        {
          SWITCHBOARD_DATA_DIR: storage.dataDir,
          ...(storage.databaseUrl ? { SWITCHBOARD_DATABASE_URL: storage.databaseUrl } : {}),
          SWITCHBOARD_PORT: String(await freePort()),
          SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
          SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
          SWITCHBOARD_POLL_INTERVAL_MS: "100",
        },
        // Starting the CLI through tsx takes 20-30 s on a busy 2-core machine.
        { args: ["--role", "worker"], startTimeoutMs: 90_000 },
      );
      const live = await fetch(`${child.url}/healthz`);
      expect(live.status).toBe(200);
      const ready = await fetch(`${child.url}/readyz`);
      const body = (await ready.json()) as { checks: Record<string, unknown> };
      expect(ready.status, JSON.stringify(body)).toBe(200);
      expect(body.checks).toMatchObject({
        store: { status: "ok" },
        migrations: { status: "ok" },
        worker: { status: "ok" },
      });
      await expectValidExposition(await scrape(child.url));
      const api = await fetch(`${child.url}/v1/tenants`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(api.status).toBe(404);
      expect(await api.json()).toMatchObject({ error: { code: "not_found" } });
    }, 120_000);
  });
});
