import type { Kysely } from "kysely";
import { page } from "./rows.js";
import type { Database } from "./schema.js";
import type { ApiKey, TenantRepository } from "./store.js";

const KEY_COLUMNS = [
  "id",
  "tenant_id",
  "prefix",
  "created_at",
  "revoked_at",
  "scopes",
  "expires_at",
] as const;

type KeyRow = Omit<ApiKey, "scopes"> & { scopes: string | null };

const keyOf = (row: KeyRow): ApiKey => ({
  ...row,
  scopes: row.scopes === null ? null : (JSON.parse(row.scopes) as string[]),
});

export function tenantRepository(db: Kysely<Database>): TenantRepository {
  return {
    async create(tenant) {
      await db.insertInto("tenants").values(tenant).execute();
    },
    async get(id) {
      return (await db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
    },
    async list(options) {
      let q = db.selectFrom("tenants").selectAll();
      if (options.cursor) q = q.where("id", "<", options.cursor);
      return page(
        await q
          .orderBy("id", "desc")
          .limit(options.limit + 1)
          .execute(),
        options.limit,
      );
    },
    async createKey(key, keyHash) {
      await db
        .insertInto("api_keys")
        .values({
          ...key,
          key_hash: keyHash,
          scopes: key.scopes === null ? null : JSON.stringify(key.scopes),
        })
        .execute();
    },
    async listKeys(tenantId) {
      const rows = await db
        .selectFrom("api_keys")
        .select(KEY_COLUMNS)
        .where("tenant_id", "=", tenantId)
        .orderBy("id", "desc")
        .execute();
      return rows.map(keyOf);
    },
    async revokeKey(tenantId, keyId, now) {
      const result = await db
        .updateTable("api_keys")
        .set({ revoked_at: now })
        .where("tenant_id", "=", tenantId)
        .where("id", "=", keyId)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async findKeyByHash(keyHash) {
      const row = await db
        .selectFrom("api_keys")
        .select(KEY_COLUMNS)
        .where("key_hash", "=", keyHash)
        .executeTakeFirst();
      return row ? keyOf(row) : null;
    },
  };
}
