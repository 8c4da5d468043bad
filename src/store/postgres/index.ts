import { Kysely } from "kysely";
import pg from "pg";
import { KyselyStore } from "../kysely-store.js";
import type { Database as Schema } from "../schema.js";
import { PostgresDueSignal } from "./due-signal.js";
import { OwnSchemaPostgresDialect } from "./introspector.js";

// bigint columns hold millisecond timestamps, well inside Number's exact range.
const INT8_OID = 20;

export interface PostgresTarget {
  /** The connection URL without Switchboard's own `schema` parameter. */
  connectionString: string;
  schema: string | null;
}

/** `?schema=name` on the URL puts every table in that schema (created if missing). */
export function parsePostgresUrl(url: string): PostgresTarget {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid schema name "${schema}" in the database URL`);
  }
  return { connectionString: parsed.toString(), schema };
}

export function postgresPoolConfig(target: PostgresTarget, max: number): pg.PoolConfig {
  return {
    connectionString: target.connectionString,
    max,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  };
}

export async function openPostgresStore(url: string, poolSize: number): Promise<KyselyStore> {
  const target = parsePostgresUrl(url);
  if (target.schema) {
    const client = new pg.Client({ connectionString: target.connectionString });
    await client.connect();
    try {
      await client.query(`create schema if not exists "${target.schema}"`);
    } finally {
      await client.end();
    }
  }
  const poolConfig = postgresPoolConfig(target, poolSize);
  const pool = new pg.Pool(poolConfig);
  // An idle connection the server ends (restart, failover, a dropped database) is discarded by the
  // pool; unheard, its 'error' event would crash the process. The next query reconnects or fails
  // on its own, and /readyz reports the store as unreachable meanwhile.
  pool.on("error", () => {});
  const db = new Kysely<Schema>({ dialect: new OwnSchemaPostgresDialect({ pool }) });
  const signal = new PostgresDueSignal(pool, poolConfig, target.schema);
  return new KyselyStore(db, "postgres", target.schema, signal);
}
