/**
 * Times the dispatcher's claim queries directly against a store's file or schema, using the
 * store's own functions inside a transaction that is rolled back, so the backlog is left as it
 * was. Also captures the SQL they ran and its plan (EXPLAIN QUERY PLAN on SQLite,
 * EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, also rolled back).
 */
import Database from "better-sqlite3";
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { claimDueDeliveries } from "../../src/store/queue/claim-due.js";
import { claimWebhookDue } from "../../src/store/queue/claim-for-targets.js";
import { listDueWebhooks } from "../../src/store/queue/list-due-targets.js";
import type { Database as Schema } from "../../src/store/schema.js";
import { percentile, round } from "./context.js";
import { postgresBaseUrl, type Storage } from "./storage.js";

class Rollback extends Error {}

/**
 * Which of the dispatcher's claims to time:
 * - `due-order`: the next `batch` in due order across webhooks (its lanes have room);
 * - `targeted`: each listed webhook's own due deliveries, `batch` per webhook (what it sends while
 *   lanes are busy: it never reads past a full lane's backlog);
 * - `look-up`: which webhooks have due work (once per poll interval while lanes are busy).
 */
export type ClaimKind =
  | { kind: "due-order" }
  | { kind: "targeted"; webhookIds: string[] }
  | { kind: "look-up" };

export interface ClaimProbe {
  kind: ClaimKind["kind"];
  pending: number;
  batch: number;
  webhooks: number;
  runs: number;
  claimed: number;
  median_ms: number;
  p90_ms: number;
  min_ms: number;
  max_ms: number;
  /** Each distinct statement the claim ran, with its plan. */
  statements: Array<{ sql: string; plan: string[] }>;
}

export async function probeClaim(
  storage: Storage,
  batch: number,
  runs: number,
  claim: ClaimKind = { kind: "due-order" },
): Promise<ClaimProbe> {
  // The store may claim with more than one statement (e.g. one per partial index): keep each.
  const captured = new Map<string, unknown[]>();
  const log = (event: LogEvent) => {
    if (event.level === "query" && /^\s*(update deliveries|with recursive)/i.test(event.query.sql)) {
      captured.set(event.query.sql, [...event.query.parameters]);
    }
  };
  let db: Kysely<Schema>;
  let explain: (text: string, parameters: unknown[]) => Promise<string[]>;
  let close: () => Promise<void>;
  if (storage.kind === "sqlite") {
    const raw = new Database(storage.sqliteFile as string);
    raw.pragma("busy_timeout = 5000");
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }), log });
    explain = async (text, parameters) =>
      (raw.prepare(`explain query plan ${text}`).all(...parameters) as Array<{ detail: string }>).map(
        (row) => row.detail,
      );
    close = () => db.destroy();
  } else {
    const pool = new pg.Pool({
      connectionString: postgresBaseUrl() as string,
      max: 2,
      options: `-c search_path=${storage.schema}`,
    });
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), log });
    explain = async (text, parameters) => {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const result = await client.query<{ "QUERY PLAN": string }>(
          `explain (analyze, buffers) ${text}`,
          parameters,
        );
        return result.rows.map((row) => row["QUERY PLAN"]);
      } finally {
        await client.query("rollback");
        client.release();
      }
    };
    close = () => db.destroy();
  }
  try {
    const count = await sql<{
      n: number | string;
    }>`select count(*) as n from deliveries where status = 'pending'`.execute(db);
    const pending = Number(count.rows[0]?.n ?? 0);
    const times: number[] = [];
    let claimed = 0;
    for (let run = 0; run < runs; run++) {
      try {
        await db.transaction().execute(async (tx) => {
          const now = Date.now();
          const started = performance.now();
          claimed = await runClaim(tx, storage.kind, claim, now, batch);
          times.push(performance.now() - started);
          throw new Rollback();
        });
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
      }
    }
    if (captured.size === 0) throw new Error("the claim query was not captured");
    const statements: ClaimProbe["statements"] = [];
    for (const [text, parameters] of captured) {
      statements.push({ sql: text.replace(/\s+/g, " ").trim(), plan: await explain(text, parameters) });
    }
    return {
      kind: claim.kind,
      pending,
      batch,
      webhooks: claim.kind === "targeted" ? claim.webhookIds.length : 0,
      runs,
      claimed,
      median_ms: round(percentile(times, 0.5), 3),
      p90_ms: round(percentile(times, 0.9), 3),
      min_ms: round(Math.min(...times), 3),
      max_ms: round(Math.max(...times), 3),
      statements,
    };
  } finally {
    await close();
  }
}

/** Runs one claim of the given kind; returns the rows claimed (webhooks found, for a look-up). */
async function runClaim(
  tx: Kysely<Schema>,
  dialect: "sqlite" | "postgres",
  claim: ClaimKind,
  now: number,
  batch: number,
): Promise<number> {
  switch (claim.kind) {
    case "due-order":
      // The uncapped claim: the capped one (PostgreSQL, many workers) takes its own transaction
      // and advisory lock and cannot run inside this rolled-back one.
      return (await claimDueDeliveries(tx, dialect, "bench-probe", now, now + 90_000, batch, [], null))
        .length;
    case "targeted": {
      let claimed = 0;
      for (const webhookId of claim.webhookIds) {
        const want = { webhookId, limit: batch };
        claimed += (await claimWebhookDue(tx, dialect, "bench-probe", now, now + 90_000, want)).length;
      }
      return claimed;
    }
    case "look-up":
      return (await listDueWebhooks(tx, now, null, 1_000)).webhookIds.length;
  }
}
