import type { Kysely } from "kysely";
import { page } from "../rows.js";
import type { Database } from "../schema.js";
import type { ListOptions, Page } from "../store.js";
import type { JobRecord } from "./repository.js";
import { jobFromRow } from "./rows.js";

export async function getJob(
  db: Kysely<Database>,
  tenantId: string | null,
  id: string,
): Promise<JobRecord | null> {
  let query = db.selectFrom("jobs").selectAll().where("id", "=", id);
  if (tenantId !== null) query = query.where("tenant_id", "=", tenantId);
  const row = await query.executeTakeFirst();
  return row ? jobFromRow(row) : null;
}

/** A tenant's jobs, newest first, `limit` per page after the `cursor` id. */
export async function listJobs(
  db: Kysely<Database>,
  tenantId: string,
  options: ListOptions,
): Promise<Page<JobRecord>> {
  let query = db.selectFrom("jobs").selectAll().where("tenant_id", "=", tenantId);
  if (options.cursor) query = query.where("id", "<", options.cursor);
  const rows = await query
    .orderBy("id", "desc")
    .limit(options.limit + 1)
    .execute();
  return page(rows.map(jobFromRow), options.limit);
}
