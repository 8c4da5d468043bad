/**
 * Times the chart aggregates (`stats.deliveryActivity`, `stats.webhookVolumes`) on `--attempts`
 * attempts (default 1 000 000) spread over the last 24 hours of one webhook, plus the same number
 * on a second webhook of the tenant, in a fresh store:
 *
 *   node --import tsx bench/activity-probe.ts [--attempts 1000000] [--store sqlite|postgres]
 *
 * PostgreSQL needs SWITCHBOARD_TEST_DATABASE_URL. Prints the raw grouping once, then each chart
 * query's median of 5 runs (the first run of each rolls the closed minutes up; later ones read it).
 */
import { parseArgs } from "node:util";
import { sql } from "kysely";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { activityWindow } from "../src/domain/delivery-activity.js";
import { startServer } from "../src/server.js";
import type { KyselyStore } from "../src/store/kysely-store.js";
import { rawMinutes } from "../src/store/stats/raw-minutes.js";
import { createStorage, postgresBaseUrl, type StoreKind } from "./lib/storage.js";

const ADMIN_KEY = "sk_admin_bench_0123456789abcdef";
const RUNS = 5;
const DAY_MS = 86_400_000;

const { values } = parseArgs({ options: { attempts: { type: "string" }, store: { type: "string" } } });
const attempts = Number(values.attempts ?? 1_000_000);
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

async function time(label: string, action: () => Promise<unknown[]>): Promise<void> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    rows = (await action()).length;
    times.push(performance.now() - started);
  }
  const [first = 0, ...rest] = times;
  rest.sort((a, b) => a - b);
  console.log(
    `  ${label}: first ${first.toFixed(1)} ms, then median ${(rest[Math.floor(rest.length / 2)] ?? 0).toFixed(1)} ms, ${rows} rows`,
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
    const busy = (await call(base, "/v1/webhooks", { url: "https://example.com/busy" }, key)).id as string;
    const other = (await call(base, "/v1/webhooks", { url: "https://example.com/other" }, key)).id as string;
    const db = (server.store as KyselyStore).db;
    const now = Date.now();
    const numbers =
      kind === "postgres"
        ? sql`select n from generate_series(1, ${attempts}) n`
        : sql`select n from (with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${attempts}) select n from seq)`;
    const seeded = performance.now();
    // One attempt in ten fails with a 500, one in fifty times out; latency 20–400 ms. Ids are
    // generated here, safe to inline.
    for (const webhook of [busy, other]) {
      await sql`insert into attempts
          (id, tenant_id, delivery_id, webhook_id, event_id, attempt_number, succeeded, request_method,
           request_url, request_headers, response_status, duration_ms, created_at)
        select 'att_' || ${sql.lit(webhook)} || n, ${sql.lit(tenant.id as string)}, 'dlv_x', ${sql.lit(webhook)}, 'evt_x', 1,
          case when n % 10 = 0 or n % 50 = 1 then 0 else 1 end, 'POST', 'https://example.com', '{}',
          case when n % 50 = 1 then null when n % 10 = 0 then 500 else 200 end,
          20 + (n * 37) % 380, ${sql.lit(now - DAY_MS)} + (cast(n as bigint) * ${sql.lit(DAY_MS)}) / ${sql.lit(attempts)}
        from (${numbers}) numbers`.execute(db);
    }
    await sql.raw(kind === "postgres" ? "vacuum analyze attempts" : "analyze").execute(db);
    console.log(
      `${kind}: ${attempts} attempts × 2 webhooks seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );
    const byMinute = activityWindow(Date.now(), DAY_MS, 60_000);
    const raw = performance.now();
    await rawMinutes(db, busy, byMinute.from, byMinute.until);
    console.log(`  raw grouping of the day, no roll-up: ${(performance.now() - raw).toFixed(1)} ms`);
    await time("deliveryActivity, 24 h by minute (first run rolls up)", () =>
      server.store.stats.deliveryActivity(busy, byMinute),
    );
    await time("webhookVolumes, 24 h by hour (2 webhooks, first run rolls up the second)", () =>
      server.store.stats.webhookVolumes(tenant.id as string, activityWindow(Date.now(), DAY_MS, 3_600_000)),
    );
  } finally {
    await server.stop();
    await storage.cleanup();
  }
}
