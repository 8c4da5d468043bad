import { type Kysely, sql } from "kysely";
import { caseFromRow } from "../cases.js";
import { clientFromRow, escapeLike } from "../clients.js";
import type { CaseFilter, CaseRecord, ClientFilter, ClientRecord } from "../index.js";
import type { Database } from "../schema.js";

/** Creation-time bounds an export adds to the list filters: since inclusive, until exclusive (ms). */
export interface CreatedRange {
  createdSince?: number;
  createdUntil?: number;
}

/**
 * One keyset page of an export, oldest id first, after `after`: each page is one indexed range
 * read, so an export of any size holds one page in memory and never re-reads what it sent.
 */
export async function exportClientsPage(
  db: Kysely<Database>,
  tenantId: string,
  filter: ClientFilter & CreatedRange,
  after: string | null,
  limit: number,
): Promise<ClientRecord[]> {
  let q = db
    .selectFrom("clients")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("deleted_at", "is", null);
  if (after !== null) q = q.where("id", ">", after);
  for (const [kind, value] of [
    ["phone", filter.phone],
    ["email", filter.email],
  ] as const) {
    if (value === undefined) continue;
    q = q.where("id", "in", (sub) =>
      sub
        .selectFrom("client_contacts")
        .select("client_id")
        .where("tenant_id", "=", tenantId)
        .where("kind", "=", kind)
        .where("value", "=", value),
    );
  }
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q.toLowerCase())}%`;
    q = q.where(sql<boolean>`name_search like ${pattern} escape '\\'`);
  }
  if (filter.updatedSince !== undefined) q = q.where("updated_at", ">=", filter.updatedSince);
  if (filter.createdSince !== undefined) q = q.where("created_at", ">=", filter.createdSince);
  if (filter.createdUntil !== undefined) q = q.where("created_at", "<", filter.createdUntil);
  const rows = await q.orderBy("id", "asc").limit(limit).execute();
  return rows.map(clientFromRow);
}

export async function exportCasesPage(
  db: Kysely<Database>,
  tenantId: string,
  filter: CaseFilter & CreatedRange,
  after: string | null,
  limit: number,
): Promise<CaseRecord[]> {
  let q = db
    .selectFrom("cases")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("deleted_at", "is", null);
  if (after !== null) q = q.where("id", ">", after);
  if (filter.clientId !== undefined) q = q.where("client_id", "=", filter.clientId);
  if (filter.status !== undefined) q = q.where("status", "=", filter.status);
  if (filter.caseType !== undefined) q = q.where("case_type", "=", filter.caseType);
  if (filter.updatedSince !== undefined) q = q.where("updated_at", ">=", filter.updatedSince);
  if (filter.createdSince !== undefined) q = q.where("created_at", ">=", filter.createdSince);
  if (filter.createdUntil !== undefined) q = q.where("created_at", "<", filter.createdUntil);
  const rows = await q.orderBy("id", "asc").limit(limit).execute();
  return rows.map(caseFromRow);
}
