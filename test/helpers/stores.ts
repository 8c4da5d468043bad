import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type StoreKind = "sqlite" | "postgres";

const PG_URL = process.env.SWITCHBOARD_TEST_DATABASE_URL;

/** The stores an integration suite runs against: SQLite always, PostgreSQL when configured. */
export function storeKinds(): StoreKind[] {
  if (!PG_URL) {
    console.warn("PostgreSQL tests skipped: set SWITCHBOARD_TEST_DATABASE_URL to run them");
    return ["sqlite"];
  }
  return ["sqlite", "postgres"];
}

/** A fresh, isolated place for one server's data: a temp dir, plus its own schema on PostgreSQL. */
export interface TestStorage {
  dataDir: string;
  databaseUrl: string | null;
  cleanup(): Promise<void>;
}

export function createStorage(kind: StoreKind): TestStorage {
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-test-"));
  let databaseUrl: string | null = null;
  let schema: string | null = null;
  if (kind === "postgres") {
    if (!PG_URL) throw new Error("SWITCHBOARD_TEST_DATABASE_URL is not set");
    schema = `t_${randomBytes(6).toString("hex")}`;
    const url = new URL(PG_URL);
    url.searchParams.set("schema", schema);
    databaseUrl = url.toString();
  }
  return {
    dataDir,
    databaseUrl,
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      if (schema && PG_URL) {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        try {
          await client.query(`drop schema if exists "${schema}" cascade`);
        } finally {
          await client.end();
        }
      }
    },
  };
}
