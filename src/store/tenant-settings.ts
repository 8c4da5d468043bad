import type { Kysely } from "kysely";
import type { TenantSettingsRepository } from "./index.js";
import type { Database } from "./schema.js";

/** Tenant settings documents: read, and compare-and-set on the version. */
export function tenantSettingsRepository(db: Kysely<Database>): TenantSettingsRepository {
  return {
    async get(tenantId) {
      const row = await db
        .selectFrom("tenant_settings")
        .select(["document", "version"])
        .where("tenant_id", "=", tenantId)
        .executeTakeFirst();
      return row
        ? { document: JSON.parse(row.document), version: row.version }
        : { document: null, version: 0 };
    },
    async put(tenantId, document, expectedVersion, now) {
      const text = JSON.stringify(document);
      if (expectedVersion === 0) {
        // The first save: the primary key decides between two first writers.
        const inserted = await db
          .insertInto("tenant_settings")
          .values({ tenant_id: tenantId, document: text, version: 1, updated_at: now })
          .onConflict((oc) => oc.column("tenant_id").doNothing())
          .returning("tenant_id")
          .executeTakeFirst();
        return inserted !== undefined;
      }
      const updated = await db
        .updateTable("tenant_settings")
        .set({ document: text, version: expectedVersion + 1, updated_at: now })
        .where("tenant_id", "=", tenantId)
        .where("version", "=", expectedVersion)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },
  };
}
