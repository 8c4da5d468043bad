/** Where one benchmark server keeps its data: a fresh temp dir (SQLite) or a fresh PostgreSQL schema. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type StoreKind = "sqlite" | "postgres";

export interface Storage {
  kind: StoreKind;
  dataDir: string;
  /** The server's SWITCHBOARD_DATABASE_URL (with `?schema=`), or null for SQLite. */
  databaseUrl: string | null;
  /** The PostgreSQL schema, or null. */
  schema: string | null;
  /** The SQLite file, or null. */
  sqliteFile: string | null;
  cleanup(): Promise<void>;
}

export function postgresBaseUrl(): string | null {
  return process.env.SWITCHBOARD_TEST_DATABASE_URL?.trim() || null;
}

export function createStorage(kind: StoreKind): Storage {
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
  if (kind === "sqlite") {
    return {
      kind,
      dataDir,
      databaseUrl: null,
      schema: null,
      sqliteFile: join(dataDir, "switchboard.db"),
      async cleanup() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const base = postgresBaseUrl();
  if (!base) throw new Error("--store postgres needs SWITCHBOARD_TEST_DATABASE_URL (postgres://…)");
  const schema = `bench_${randomBytes(5).toString("hex")}`;
  const url = new URL(base);
  url.searchParams.set("schema", schema);
  return {
    kind,
    dataDir,
    databaseUrl: url.toString(),
    schema,
    sqliteFile: null,
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
