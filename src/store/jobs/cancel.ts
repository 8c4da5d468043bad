import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import type { JobRecord } from "./repository.js";
import { jobFromRow } from "./rows.js";

/**
 * Cancels an unfinished job (a tenant's, or any with `tenantId` null). A running job's worker
 * finds out at its next progress save or lease renewal, which then fail, and stops.
 */
export async function cancelJob(
  db: Kysely<Database>,
  tenantId: string | null,
  id: string,
  now: number,
): Promise<JobRecord | null> {
  let query = db
    .updateTable("jobs")
    .set({ state: "cancelled", lease_owner: null, lease_until: null, finished_at: now, updated_at: now })
    .where("id", "=", id)
    .where("state", "in", ["queued", "running"]);
  if (tenantId !== null) query = query.where("tenant_id", "=", tenantId);
  const row = await query.returningAll().executeTakeFirst();
  return row ? jobFromRow(row) : null;
}
