import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { KyselyStore } from "../kysely-store.js";
import type { Database as Schema } from "../schema.js";
import { withStatementCache } from "./statement-cache.js";

/** The embedded store: one SQLite file in the data directory, in WAL mode. */
export function openSqliteStore(dataDir: string): KyselyStore {
  mkdirSync(dataDir, { recursive: true });
  const database = new Database(join(dataDir, "switchboard.db"));
  database.pragma("journal_mode = WAL");
  // NORMAL in WAL keeps every commit atomic and durable across a process crash (kill -9); only
  // an OS crash or power loss can drop the last transactions. FULL costs an fsync per commit.
  database.pragma("synchronous = NORMAL");
  database.pragma("busy_timeout = 5000");
  database.pragma("foreign_keys = ON");
  // 16 MiB of page cache: the hot pages are the due indexes' heads and the newest rows; more
  // cache bought no throughput in the benchmark and cost resident memory.
  database.pragma("cache_size = -16384");
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return new KyselyStore(db, "sqlite");
}
