import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.js";
import type { JobRecord } from "./repository.js";
import { jobFromRow } from "./rows.js";

/**
 * The running job `owner` holds, read inside a transaction so the decision made from it (next run,
 * backoff) and the write that follows see the same row: locked on PostgreSQL; on SQLite the
 * transaction is the only writer.
 */
export async function heldJob(
  tx: Transaction<Database> | Kysely<Database>,
  dialect: "sqlite" | "postgres",
  id: string,
  owner: string,
): Promise<JobRecord | null> {
  let query = tx
    .selectFrom("jobs")
    .selectAll()
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .where("state", "=", "running");
  if (dialect === "postgres") query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? jobFromRow(row) : null;
}
