import { type Kysely, sql, type Transaction } from "kysely";
import type { ClientFields } from "../domain/records/client.js";
import type { ClientRecord, ClientRepository, RecordOutbox } from "./index.js";
import { writeEvents } from "./ingest.js";
import { page } from "./rows.js";
import type { ClientContactTable, ClientTable, Database } from "./schema.js";

/** Client rows and their phone/email lookup rows: one function per operation. */
type Db = Kysely<Database>;

export function clientRepository(db: Db): ClientRepository {
  return {
    create: (client, outbox) =>
      db.transaction().execute(async (tx) => {
        await tx.insertInto("clients").values(clientToRow(client)).execute();
        await replaceContacts(tx, client);
        return writeOutbox(tx, client.tenant_id, client.updated_at, outbox);
      }),
    async get(tenantId, id) {
      const row = await db
        .selectFrom("clients")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("id", "=", id)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      return row ? clientFromRow(row) : null;
    },
    async list(tenantId, options) {
      let q = db
        .selectFrom("clients")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("deleted_at", "is", null);
      if (options.cursor) q = q.where("id", "<", options.cursor);
      for (const [kind, value] of [
        ["phone", options.phone],
        ["email", options.email],
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
      if (options.q) {
        const pattern = `%${escapeLike(options.q.toLowerCase())}%`;
        // ESCAPE spelled out: SQLite has no default escape character for LIKE.
        q = q.where(sql<boolean>`name_search like ${pattern} escape '\\'`);
      }
      if (options.updatedSince !== undefined) q = q.where("updated_at", ">=", options.updatedSince);
      const rows = await q
        .orderBy("id", "desc")
        .limit(options.limit + 1)
        .execute();
      return page(rows.map(clientFromRow), options.limit);
    },
    update: (client, expectedVersion, outbox) =>
      db.transaction().execute(async (tx) => {
        const { id, tenant_id, created_at, ...changed } = clientToRow(client);
        const result = await tx
          .updateTable("clients")
          .set(changed)
          .where("tenant_id", "=", tenant_id)
          .where("id", "=", id)
          .where("version", "=", expectedVersion)
          .where("deleted_at", "is", null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return null;
        await replaceContacts(tx, client);
        return writeOutbox(tx, tenant_id, client.updated_at, outbox);
      }),
    delete: (tenantId, id, expectedVersion, now, outbox) =>
      db.transaction().execute(async (tx) => {
        const result = await tx
          .updateTable("clients")
          .set({ deleted_at: now, updated_at: now, version: expectedVersion + 1 })
          .where("tenant_id", "=", tenantId)
          .where("id", "=", id)
          .where("version", "=", expectedVersion)
          .where("deleted_at", "is", null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return null;
        // A deleted client is no longer found by its number or address.
        await tx.deleteFrom("client_contacts").where("client_id", "=", id).execute();
        return writeOutbox(tx, tenantId, now, outbox);
      }),
  };
}

function writeOutbox(tx: Transaction<Database>, tenantId: string, now: number, outbox: RecordOutbox) {
  return outbox.events.length === 0
    ? Promise.resolve([])
    : writeEvents(tx, tenantId, outbox.events, now, outbox.claimFor);
}

/** The lookup rows follow the record: rewritten whole on every write (a client has a handful). */
export async function replaceContacts(tx: Transaction<Database>, client: ClientRecord): Promise<void> {
  await tx.deleteFrom("client_contacts").where("client_id", "=", client.id).execute();
  const rows: ClientContactTable[] = [
    ...client.phones.map((p) => ({
      tenant_id: client.tenant_id,
      client_id: client.id,
      kind: "phone" as const,
      value: p.number,
    })),
    ...client.emails.map((e) => ({
      tenant_id: client.tenant_id,
      client_id: client.id,
      kind: "email" as const,
      value: e,
    })),
  ];
  if (rows.length > 0) await tx.insertInto("client_contacts").values(rows).execute();
}

/** `%` and `_` in a search are meant literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function clientToRow(client: ClientRecord): Omit<ClientTable, "deleted_at"> {
  const name = [client.first_name, client.last_name].filter((part) => part !== null).join(" ");
  return {
    id: client.id,
    tenant_id: client.tenant_id,
    first_name: client.first_name,
    last_name: client.last_name,
    name_search: name.toLowerCase(),
    phones: JSON.stringify(client.phones),
    emails: JSON.stringify(client.emails),
    addresses: JSON.stringify(client.addresses),
    date_of_birth: client.date_of_birth,
    preferred_language: client.preferred_language,
    opt_out: client.opt_out ? 1 : 0,
    custom_fields: JSON.stringify(client.custom_fields),
    external_ids: JSON.stringify(client.external_ids),
    source: client.source,
    version: client.version,
    created_at: client.created_at,
    updated_at: client.updated_at,
  };
}

export function clientFromRow(row: ClientTable): ClientRecord {
  const fields: ClientFields = {
    first_name: row.first_name,
    last_name: row.last_name,
    phones: JSON.parse(row.phones),
    emails: JSON.parse(row.emails),
    addresses: JSON.parse(row.addresses),
    date_of_birth: row.date_of_birth,
    preferred_language: row.preferred_language,
    opt_out: row.opt_out === 1,
    custom_fields: JSON.parse(row.custom_fields),
    external_ids: JSON.parse(row.external_ids),
    source: row.source,
  };
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    ...fields,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
