import { toCrmWrite } from "../../../domain/crm/apply.js";
import { shouldPush } from "../../../domain/crm/decide.js";
import { recordHashAfterWrite, writeHash } from "../../../domain/crm/hash.js";
import type { CaseRecord, ClientRecord, CrmConnectionRecord, Store } from "../../../store/index.js";
import {
  type Connector,
  CrmError,
  type CrmObject,
  type CrmRecord,
  type CrmSchema,
  type CrmWrite,
} from "../connector.js";

/** What a push did. */
export interface PushOutcome {
  /** created: a new CRM record; updated: the linked (or found) one; skipped: nothing sent. */
  action: "created" | "updated" | "linked_existing" | "skipped";
  crmId: string | null;
  /** Why nothing was sent (skipped). */
  reason: string | null;
  write: CrmWrite | null;
}

/** The platform record a push starts from. */
export interface PushRequest {
  object: CrmObject;
  platformId: string;
  /** Push even when the mapped content did not change since the last sync (a test send, a conflict won). */
  force?: boolean;
  /**
   * Also match an unlinked record by phone / email (the initial sync). Pushes of single changes
   * match by our external id only: a second case of the same person must not overwrite the first.
   */
  matchContacts?: boolean;
  /** Called right before each create or update, so the caller can tell the write among the exchanges. */
  beforeWrite?: () => void;
}

/** The record as the mappings see it: a client, or a case with its client. */
export async function platformSide(
  store: Store,
  tenantId: string,
  object: CrmObject,
  id: string,
): Promise<{ client: ClientRecord | null; case: CaseRecord | null; updatedAt: number } | null> {
  if (object === "client") {
    const client = await store.clients.get(tenantId, id);
    return client ? { client, case: null, updatedAt: client.updated_at } : null;
  }
  const record = await store.cases.get(tenantId, id);
  if (!record) return null;
  const client = await store.clients.get(tenantId, record.client_id);
  return { client, case: record, updatedAt: Math.max(record.updated_at, client?.updated_at ?? 0) };
}

/** The write of a platform record, with our id as the CRM's external id; null when the record is gone. */
export async function platformWrite(
  store: Store,
  connection: CrmConnectionRecord,
  schema: CrmSchema,
  object: CrmObject,
  platformId: string,
): Promise<{
  write: CrmWrite;
  hash: string;
  updatedAt: number;
  phone: string | null;
  email: string | null;
} | null> {
  const side = await platformSide(store, connection.tenant_id, object, platformId);
  if (!side) return null;
  const write = toCrmWrite(object, side, connection.mappings, schema);
  return {
    write: { ...write, externalId: platformId },
    hash: writeHash(write),
    updatedAt: side.updatedAt,
    phone: side.client?.phones[0]?.number ?? null,
    email: side.client?.emails[0] ?? null,
  };
}

/**
 * Create-or-update of one platform record in the CRM, from the link table: a linked record is
 * updated; an unlinked one is first searched for by our external id (so a crash between the
 * CRM's answer and our link never duplicates it), then created. The link is saved with both
 * sides' hashes right after the CRM answered. Throws the connector's CrmError.
 */
export async function pushRecord(
  store: Store,
  connector: Connector,
  connection: CrmConnectionRecord,
  schema: CrmSchema,
  request: PushRequest,
  now: () => number = Date.now,
): Promise<PushOutcome> {
  const { object, platformId } = request;
  const writing = request.beforeWrite ?? (() => {});
  if (!connection.mappings.send_mappings) {
    return { action: "skipped", crmId: null, reason: "send_mappings is off", write: null };
  }
  if (connection.mappings.fields.length === 0) {
    return { action: "skipped", crmId: null, reason: "no field is mapped yet", write: null };
  }
  const current = await platformWrite(store, connection, schema, object, platformId);
  if (!current)
    return { action: "skipped", crmId: null, reason: `the ${object} no longer exists`, write: null };
  const { write, hash } = current;
  const link = await store.crm.getLink(connection.id, object, platformId);
  if (link && !request.force && !shouldPush(link, hash)) {
    return { action: "skipped", crmId: link.crm_id, reason: "no mapped field changed", write };
  }
  let answer: CrmRecord | null = null;
  let action: PushOutcome["action"] = "updated";
  if (link) {
    try {
      writing();
      answer = await connector.update({ ...write, id: link.crm_id });
    } catch (error) {
      // Deleted in the CRM since: create it again below (searching first, like any unlinked record).
      if (!(error instanceof CrmError && error.stage === "not_found")) throw error;
    }
  }
  if (answer === null) {
    const found = await findExisting(
      store,
      connector,
      connection.id,
      object,
      platformId,
      request.matchContacts ? current : null,
    );
    if (found) {
      writing();
      answer = await connector.update({ ...write, id: found.id });
    } else {
      writing();
      const created = await connector.create(write);
      answer = created.record;
      action = created.existing ? "linked_existing" : "created";
      if (created.existing) {
        // The CRM's own dedupe answered with a record it had: bring it up to date.
        writing();
        answer = await connector.update({ ...write, id: created.record.id });
      }
    }
  }
  await store.crm.saveLink({
    connection_id: connection.id,
    object,
    platform_id: platformId,
    crm_id: answer.id,
    platform_hash: hash,
    crm_hash: recordHashAfterWrite(answer, write, connection.mappings, schema),
    synced_at: now(),
  });
  return { action, crmId: answer.id, reason: null, write };
}

/**
 * An unlinked CRM record that is this platform record: one carrying our id as its external id,
 * else (initial sync only) one with the same phone or email that no other record links to.
 */
async function findExisting(
  store: Store,
  connector: Connector,
  connectionId: string,
  object: CrmObject,
  platformId: string,
  contacts: { phone: string | null; email: string | null } | null,
): Promise<CrmRecord | null> {
  const free = async (records: CrmRecord[]): Promise<CrmRecord | null> => {
    for (const record of records) {
      const other = await store.crm.getLinkByCrmId(connectionId, object, record.id);
      if (!other || other.platform_id === platformId) return record;
    }
    return null;
  };
  const byId = await free(await connector.search({ object, externalId: platformId }));
  if (byId || !contacts) return byId;
  if (contacts.phone) {
    const byPhone = await free(await connector.search({ object, phone: contacts.phone }));
    if (byPhone) return byPhone;
  }
  if (contacts.email) return free(await connector.search({ object, email: contacts.email }));
  return null;
}
