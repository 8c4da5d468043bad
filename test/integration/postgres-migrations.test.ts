import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/index.js";

const PG_URL = process.env.SWITCHBOARD_TEST_DATABASE_URL;
if (!PG_URL)
  console.warn("PostgreSQL migration tests skipped: set SWITCHBOARD_TEST_DATABASE_URL to run them");

describe.skipIf(!PG_URL)("migrations beside other schemas on PostgreSQL", () => {
  const url = PG_URL as string;
  const schemas: string[] = [];
  const name = (prefix: string): string => {
    const schema = `${prefix}_${randomBytes(5).toString("hex")}`;
    schemas.push(schema);
    return schema;
  };
  const storeUrl = (schema: string): string => {
    const u = new URL(url);
    u.searchParams.set("schema", schema);
    return u.toString();
  };

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
    } finally {
      await admin.end();
    }
  });

  it("sees only its own schema's tables, not another deployment's migration tables", async () => {
    const other = name("t_other");
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema "${other}"`);
      await admin.query(`create table "${other}".kysely_migration (name text primary key)`);
      await admin.query(`create table "${other}".deliveries (id serial primary key)`);
    } finally {
      await admin.end();
    }
    const own = name("t_own");
    const store = await openPostgresStore(storeUrl(own), 2);
    try {
      await store.migrate();
      await store.migrate();
      await sql`create table probe (n serial, m int)`.execute(store.db);
      const tables = await store.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([own]));
      const names = tables.map((t) => t.name);
      expect(names).toContain("kysely_migration");
      expect(names).toContain("deliveries");
      expect((await store.db.introspection.getTables()).map((t) => t.name)).not.toContain("kysely_migration");
      expect(await store.db.introspection.getSchemas()).toEqual([{ name: own }]);
      const deliveries = tables.find((t) => t.name === "deliveries");
      // Indexed, but not backed by a sequence.
      expect(deliveries?.columns.find((c) => c.name === "id")).toMatchObject({
        isNullable: false,
        isAutoIncrementing: false,
      });
      expect(deliveries?.columns.find((c) => c.name === "next_attempt_at")).toMatchObject({
        isAutoIncrementing: false,
      });
      const probe = tables.find((t) => t.name === "probe");
      expect(probe?.columns.map((c) => [c.name, c.isAutoIncrementing])).toEqual([
        ["n", true],
        ["m", false],
      ]);
    } finally {
      await store.close();
    }
  });

  it("migrates while other schemas are created and dropped beside it", async () => {
    // Kysely's own introspector resolved every schema by name and failed 19 of 40 of these.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    let churning = true;
    let churned = 0;
    const churn = (async () => {
      while (churning) {
        const schema = `t_churn_${randomBytes(5).toString("hex")}`;
        await admin.query(`create schema "${schema}"; create table "${schema}".t (id serial primary key)`);
        await admin.query(`drop schema "${schema}" cascade`);
        churned++;
      }
    })();
    const failures: string[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const store = await openPostgresStore(storeUrl(name("t_mig")), 2);
        try {
          await store.migrate();
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        } finally {
          await store.close();
        }
      }
    } finally {
      churning = false;
      await churn;
      await admin.end();
    }
    expect(churned).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });
});
