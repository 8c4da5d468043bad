/**
 * Times the backlog metrics' store query (`dueStats`) against a full count, on a backlog of
 * `--pending` due deliveries (default 1 000 000) across 20 webhooks, in a fresh store:
 *
 *   node --import tsx bench/due-stats.ts [--pending 1000000] [--store sqlite|postgres]
 *
 * Scenarios: no circuit open; and one webhook holding the oldest half of the backlog with its
 * circuit open (a dead endpoint's backlog at the head of the due indexes). PostgreSQL needs
 * SWITCHBOARD_TEST_DATABASE_URL.
 */
import { parseArgs } from "node:util";
import { type Kysely, sql } from "kysely";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { BACKLOG_COUNT_CAP } from "../src/delivery/metrics.js";
import { startServer } from "../src/server.js";
import type { KyselyStore } from "../src/store/kysely-store.js";
import type { Database } from "../src/store/schema.js";
import { createStorage, postgresBaseUrl, type StoreKind } from "./lib/storage.js";

const ADMIN_KEY = "sk_admin_bench_0123456789abcdef";
const WEBHOOKS = 20;
const RUNS = 20;

const { values } = parseArgs({ options: { pending: { type: "string" }, store: { type: "string" } } });
const pending = Number(values.pending ?? 1_000_000);
const kinds: StoreKind[] = values.store
  ? [values.store as StoreKind]
  : postgresBaseUrl()
    ? ["sqlite", "postgres"]
    : ["sqlite"];

async function call(base: string, path: string, body: unknown, key = ADMIN_KEY) {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, string>;
}

/** The full count the metrics ran on every scrape before the cap. */
async function fullCount(db: Kysely<Database>, now: number): Promise<number> {
  let due = 0;
  for (const attempts of [sql`attempts = 0`, sql`attempts > 0`]) {
    const { rows } = await sql<{ due: number | string }>`
      select count(*) as due, min(next_attempt_at) as oldest from deliveries
      where status = 'pending' and ${attempts} and next_attempt_at <= ${now}`.execute(db);
    due += Number(rows[0]?.due ?? 0);
  }
  return due;
}

async function time(label: string, action: () => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  let result: unknown;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    result = await action();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  console.log(
    `  ${label}: median ${median.toFixed(2)} ms (min ${times[0]?.toFixed(2)}) → ${JSON.stringify(result)}`,
  );
}

for (const kind of kinds) {
  const storage = createStorage(kind);
  const config = loadConfig({
    SWITCHBOARD_DATA_DIR: storage.dataDir,
    ...(storage.databaseUrl ? { SWITCHBOARD_DATABASE_URL: storage.databaseUrl } : {}),
    SWITCHBOARD_PORT: "0",
    SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHBOARD_LOG_LEVEL: "silent",
  });
  const server = await startServer(config, "api", pino({ level: "silent" }));
  const base = server.url as string;
  try {
    const tenant = await call(base, "/v1/tenants", { name: "Bench" });
    const { key } = await call(base, `/v1/tenants/${tenant.id}/keys`, {});
    const webhooks: string[] = [];
    for (let i = 0; i < WEBHOOKS; i++)
      webhooks.push(
        (await call(base, "/v1/webhooks", { url: `https://example.com/${i}` }, key)).id as string,
      );
    const event = await call(
      base,
      "/v1/events",
      { type: "call.started", data: { call_id: "c1", direction: "inbound" } },
      key,
    );
    const db = (server.store as KyselyStore).db;
    const start = Date.now() - 3_600_000;
    // The oldest half belongs to webhook 0 (the one whose circuit opens below); the rest is spread
    // over the others; one delivery in five is a retry. Ids are generated here, safe to inline.
    const half = Math.floor(pending / 2);
    const others = webhooks
      .slice(1)
      .map((id, i) => `when ${i} then '${id}'`)
      .join(" ");
    const webhookOf = sql.raw(
      `case when n <= ${half} then '${webhooks[0]}' else case (n % ${WEBHOOKS - 1}) ${others} end end`,
    );
    const numbers =
      kind === "postgres"
        ? sql`select n from generate_series(1, ${pending}) n`
        : sql`select n from (with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${pending}) select n from seq)`;
    const seeded = performance.now();
    await sql`insert into deliveries
        (id, tenant_id, event_id, webhook_id, status, attempts, next_attempt_at, created_at, updated_at)
      select 'dlv_bench_' || n, ${tenant.id as string}, ${event.id as string}, ${webhookOf}, 'pending',
        case when n % 5 = 0 then 1 else 0 end, ${sql.raw(String(start))} + n, ${sql.raw(String(start))}, ${sql.raw(String(start))}
      from (${numbers}) numbers`.execute(db);
    await sql.raw(kind === "postgres" ? "analyze deliveries" : "analyze").execute(db);
    console.log(
      `${kind}: ${pending} due deliveries seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );
    const now = () => Date.now();
    await time("full count (before)", () => fullCount(db, now()));
    await time(`dueStats, cap ${BACKLOG_COUNT_CAP}, no circuit open`, () =>
      server.store.queue.dueStats(now(), BACKLOG_COUNT_CAP),
    );
    await time("dueStats, cap 100000, no circuit open", () => server.store.queue.dueStats(now(), 100_000));
    await server.store.targets.saveHealth({
      webhook_id: webhooks[0] as string,
      circuit_state: "open",
      consecutive_failures: 10,
      retry_at: Date.now() + 3_600_000,
      failing_since: start,
      failing_notified_at: null,
      last_success_at: null,
      last_failure_at: start,
      updated_at: Date.now(),
    });
    await time(`dueStats, cap ${BACKLOG_COUNT_CAP}, oldest half held`, () =>
      server.store.queue.dueStats(now(), BACKLOG_COUNT_CAP),
    );
    await time("dueStats, cap 100000, oldest half held", () => server.store.queue.dueStats(now(), 100_000));
  } finally {
    await server.stop();
    await storage.cleanup();
  }
}
