import type { Kysely, Transaction } from "kysely";
import type { MatchKind } from "../domain/records/merge.js";
import { chunks } from "./chunks.js";
import { clientFromRow, clientToRow, replaceContacts } from "./clients.js";
import type { ClientDuplicate, ClientMergeRepository, ClientMergeWrite, RecordOutbox } from "./index.js";
import { writeEvents } from "./ingest.js";
import type { Database } from "./schema.js";

type Db = Kysely<Database>;

/** Thrown inside the merge transaction to roll it back when a record moved on: the merge answers null. */
class LostRace extends Error {}

export function clientMergeRepository(db: Db): ClientMergeRepository {
  return {
    duplicates: (tenantId, client, limit) => findDuplicates(db, tenantId, client, limit),
    async merge(write, outbox) {
      try {
        return await db.transaction().execute((tx) => writeMerge(tx, write, outbox));
      } catch (error) {
        if (error instanceof LostRace) return null;
        throw error;
      }
    },
  };
}

/**
 * Other clients sharing a number or an address: probes of the (tenant, kind, value) contact index,
 * one per value, so the cost follows the client's handful of contacts, not the tenant's size.
 */
async function findDuplicates(
  db: Db,
  tenantId: string,
  client: { id: string; phones: Array<{ number: string }>; emails: string[] },
  limit: number,
): Promise<ClientDuplicate[]> {
  const phones = client.phones.map((p) => p.number);
  if (phones.length === 0 && client.emails.length === 0) return [];
  const contacts = await db
    .selectFrom("client_contacts")
    .select(["client_id", "kind"])
    .where("tenant_id", "=", tenantId)
    .where("client_id", "!=", client.id)
    .where((eb) => {
      const either = [];
      if (phones.length > 0) either.push(eb.and([eb("kind", "=", "phone"), eb("value", "in", phones)]));
      if (client.emails.length > 0)
        either.push(eb.and([eb("kind", "=", "email"), eb("value", "in", client.emails)]));
      return eb.or(either);
    })
    .execute();
  const matched = new Map<string, Set<MatchKind>>();
  for (const row of contacts) {
    const kinds = matched.get(row.client_id) ?? new Set<MatchKind>();
    kinds.add(row.kind as MatchKind);
    matched.set(row.client_id, kinds);
  }
  if (matched.size === 0) return [];
  const rows = await db
    .selectFrom("clients")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "in", [...matched.keys()])
    .where("deleted_at", "is", null)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => {
    const kinds = matched.get(row.id) ?? new Set<MatchKind>();
    const matched_on = (["phone", "email"] as const).filter((k) => kinds.has(k));
    return { client: clientFromRow(row), matched_on };
  });
}

/**
 * The merge in one transaction: cases moved, sources deleted (with their lookup rows), the target
 * rewritten, the events stored. Any compare-and-swap that misses rolls the whole of it back.
 */
async function writeMerge(
  tx: Transaction<Database>,
  write: ClientMergeWrite,
  outbox: RecordOutbox,
): Promise<Awaited<ReturnType<typeof writeEvents>>> {
  const { target } = write;
  const tenantId = target.tenant_id;
  const now = target.updated_at;
  const sourceIds = write.sources.map((s) => s.id);
  for (const { record, expectedVersion } of write.cases) {
    const result = await tx
      .updateTable("cases")
      .set({ client_id: record.client_id, version: record.version, updated_at: record.updated_at })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", record.id)
      .where("version", "=", expectedVersion)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new LostRace();
  }
  // A case created for a source after the caller listed them would be left pointing at a deleted client.
  for (const chunk of chunks(sourceIds)) {
    const left = await tx
      .selectFrom("cases")
      .select("id")
      .where("tenant_id", "=", tenantId)
      .where("client_id", "in", chunk)
      .where("deleted_at", "is", null)
      .limit(1)
      .executeTakeFirst();
    if (left) throw new LostRace();
  }
  for (const source of write.sources) {
    const result = await tx
      .updateTable("clients")
      .set({ deleted_at: now, updated_at: now, version: source.version + 1 })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", source.id)
      .where("version", "=", source.version)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new LostRace();
  }
  for (const chunk of chunks(sourceIds)) {
    await tx.deleteFrom("client_contacts").where("client_id", "in", chunk).execute();
  }
  const { id, tenant_id, created_at, ...changed } = clientToRow(target);
  const result = await tx
    .updateTable("clients")
    .set(changed)
    .where("tenant_id", "=", tenant_id)
    .where("id", "=", id)
    .where("version", "=", write.expectedVersion)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new LostRace();
  await replaceContacts(tx, target);
  return outbox.events.length === 0 ? [] : writeEvents(tx, tenantId, outbox.events, now, outbox.claimFor);
}
