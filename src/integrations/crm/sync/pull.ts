import {
  casePatchOf,
  clientPatchOf,
  fromCrmRecord,
  type InboundValues,
  toCrmWrite,
} from "../../../domain/crm/apply.js";
import { crmChangeSource, decideInbound, pullSince } from "../../../domain/crm/decide.js";
import { recordHash, writeHash } from "../../../domain/crm/hash.js";
import { sendsToCrm } from "../../../domain/crm/settings.js";
import { EMPTY_CLIENT } from "../../../domain/records/client.js";
import type { CrmLink, CrmRun } from "../../../store/index.js";
import {
  type Connector,
  CrmError,
  type CrmNotified,
  type CrmObject,
  type CrmRecord,
  type CrmSchema,
} from "../connector.js";
import type { LoadedConnection } from "./connections.js";
import { type CrmSync, runError } from "./index.js";
import { platformSide, pushRecord } from "./push.js";
import { describeCrmError } from "./schema.js";

/**
 * Reading the CRM: each changed (or linked) CRM record is applied to the platform through the
 * records writer with `change_source` `crm:<connection>` — which routing never sends back to
 * this connection. A record whose mapped content hashes to what we last saw or wrote is dropped
 * (our own echo, or a re-read in the overlap window); both sides changed is a conflict settled by
 * the connection's policy.
 */

/**
 * How far before the checkpoint a pull reads again: clock skew between us and the CRM, and
 * changes committed late on its side. Re-read records cost one hash comparison each.
 */
export const OVERLAP_MS = 2 * 60_000;

/** A pull as one run: what it read, applied, pushed back, and what failed. */
export interface PullOptions {
  mode: "incremental" | "full";
  /** Just this record, read by id (a change notification named it). */
  only?: CrmNotified;
  signal?: AbortSignal;
}

export async function pullConnection(
  sync: CrmSync,
  loaded: LoadedConnection,
  connector: Connector,
  schema: CrmSchema,
  run: CrmRun,
  options: PullOptions,
): Promise<void> {
  const { store } = sync;
  const connectionId = loaded.connection.id;
  // Nothing is mapped yet: reading now would bring in empty records.
  if (loaded.connection.mappings.fields.length === 0) return;
  if (options.only) {
    // A record the CRM no longer has (deleted) changes nothing here, as in a poll.
    const record = await connector.get(options.only.object, options.only.id);
    if (record) await applyRecord(sync, loaded, connector, schema, run, record);
    return;
  }
  for (const object of loaded.provider.capabilities.objects) {
    if (options.signal?.aborted) return;
    if (loaded.provider.capabilities.listChanges) {
      const checkpoint = options.mode === "full" ? null : await store.crm.getCheckpoint(connectionId, object);
      const since = pullSince(checkpoint?.since ?? null, OVERLAP_MS);
      // The next pull starts where this one started: changes made while it reads are read again.
      const startedAt = new Date().toISOString();
      let cursor = checkpoint?.cursor ?? null;
      for (;;) {
        if (options.signal?.aborted) return;
        const page = await connector.listChanged(object, since, cursor);
        for (const record of page.records) await applyRecord(sync, loaded, connector, schema, run, record);
        cursor = page.nextCursor;
        // Saved per page: a pull that stops here goes on from this page, not from the start.
        await store.crm.saveCheckpoint(
          connectionId,
          object,
          cursor === null ? { since: startedAt, cursor: null } : { since: checkpoint?.since ?? null, cursor },
          Date.now(),
        );
        if (cursor === null) break;
      }
    } else {
      // No feed of changes (LawRuler): read every linked record again.
      let after: string | undefined;
      for (;;) {
        if (options.signal?.aborted) return;
        const links = await store.crm.listLinks(connectionId, { object, limit: 100, cursor: after });
        for (const link of links.data) {
          const record = await connector.get(object, link.crm_id);
          if (record) await applyRecord(sync, loaded, connector, schema, run, record, link);
        }
        if (!links.next_cursor) break;
        after = links.next_cursor;
      }
    }
  }
}

export type ApplyResult = "unchanged" | "applied" | "created" | "kept_platform" | "failed";

/**
 * One CRM record to the platform. Unlinked records are matched to the platform record whose id
 * the CRM keeps as its external id, else created on the platform (client and case).
 */
export async function applyRecord(
  sync: CrmSync,
  loaded: LoadedConnection,
  connector: Connector,
  schema: CrmSchema,
  run: CrmRun,
  record: CrmRecord,
  knownLink?: CrmLink,
): Promise<ApplyResult> {
  const result = await applyOne(sync, loaded, connector, schema, run, record, knownLink);
  sync.connectors.metrics?.pulled(loaded.connection, result);
  return result;
}

async function applyOne(
  sync: CrmSync,
  loaded: LoadedConnection,
  connector: Connector,
  schema: CrmSchema,
  run: CrmRun,
  record: CrmRecord,
  knownLink?: CrmLink,
): Promise<ApplyResult> {
  const { store } = sync;
  const { connection } = loaded;
  const now = Date.now();
  try {
    const crmHash = recordHash(record, connection.mappings, schema);
    let link = knownLink ?? (await store.crm.getLinkByCrmId(connection.id, record.object, record.id));
    if (
      !link &&
      record.externalId &&
      (await platformSide(store, connection.tenant_id, record.object, record.externalId))
    ) {
      // Our own push, whose link was lost (a crash after the CRM answered): link, then compare.
      link = { ...unbaselined(connection.id, record), platform_id: record.externalId };
    }
    if (!link) {
      // Never seen: the same person (and their first unlinked case) when phone or email match.
      const match = await matchByContact(sync, loaded, schema, record);
      if (match.platformId === null) {
        await createOnPlatform(sync, loaded, schema, record, crmHash, match.clientId);
        run.pulled++;
        return "created";
      }
      link = { ...unbaselined(connection.id, record), platform_id: match.platformId };
    }
    const side = await platformSide(store, connection.tenant_id, record.object, link.platform_id);
    if (!side) return "unchanged";
    const platformHash = writeHash(toCrmWrite(record.object, side, connection.mappings, schema));
    const crmTime = record.updatedAt ? Date.parse(record.updatedAt) : Number.NaN;
    const decision = decideInbound({
      link: link.synced_at === 0 ? { ...link, platform_hash: platformHash } : link,
      platformHash,
      crmHash,
      policy: connection.settings.conflict,
      platformUpdatedAt: side.updatedAt,
      crmUpdatedAt: Number.isNaN(crmTime) ? null : crmTime,
    });
    if (decision.action === "unchanged") return "unchanged";
    if (decision.conflict) {
      const winner = decision.action === "apply" ? "crm" : "platform";
      run.conflicts++;
      sync.connectors.metrics?.conflict(connection, winner);
      if (run.conflict_list.length < 200) {
        run.conflict_list.push({
          object: record.object,
          platform_id: link.platform_id,
          crm_id: record.id,
          winner,
          at: now,
        });
      }
      await sync.emit(connection.tenant_id, "crm.record_conflict", {
        connection_id: connection.id,
        provider: connection.provider,
        run_id: run.id,
        object: record.object,
        platform_id: link.platform_id,
        crm_id: record.id,
        policy: connection.settings.conflict,
        winner,
        detected_at: new Date(now).toISOString(),
      });
    }
    if (decision.action === "keep_platform") {
      if (!sendsToCrm(connection.settings)) {
        // The platform's values stay; this connection sends nothing, so the CRM keeps its own.
        await store.crm.saveLink({ ...link, platform_hash: platformHash, crm_hash: crmHash, synced_at: now });
        return "kept_platform";
      }
      await pushRecord(store, connector, connection, schema, {
        object: record.object,
        platformId: link.platform_id,
        force: true,
      });
      run.pushed++;
      return "kept_platform";
    }
    const values = fromCrmRecord(record, connection.mappings, schema);
    await writeToPlatform(sync, loaded, record.object, link.platform_id, values);
    const after = await platformSide(store, connection.tenant_id, record.object, link.platform_id);
    await store.crm.saveLink({
      ...link,
      platform_hash: after
        ? writeHash(toCrmWrite(record.object, after, connection.mappings, schema))
        : platformHash,
      crm_hash: crmHash,
      synced_at: Date.now(),
    });
    run.pulled++;
    return "applied";
  } catch (error) {
    runError(run, {
      object: record.object,
      platform_id: knownLink?.platform_id ?? null,
      crm_id: record.id,
      message: describeCrmError(error),
      vendor_message: error instanceof CrmError ? error.vendorMessage : null,
      at: now,
    });
    return "failed";
  }
}

/** The CRM's values written to the platform record (and, for a case, its client). */
async function writeToPlatform(
  sync: CrmSync,
  loaded: LoadedConnection,
  object: CrmObject,
  platformId: string,
  values: InboundValues,
): Promise<void> {
  const { store, records } = sync;
  const tenantId = loaded.connection.tenant_id;
  const source = crmChangeSource(loaded.connection.id);
  const side = await platformSide(store, tenantId, object, platformId);
  if (!side) return;
  if (side.client) {
    const patch = clientPatchOf(side.client, values.client);
    if (patch) await records.clients.update(tenantId, side.client.id, undefined, patch, source, "/crm");
  }
  if (side.case) {
    const patch = casePatchOf(side.case, values);
    if (patch) await records.cases.update(tenantId, side.case.id, undefined, patch, source, "/crm");
  }
}

/** A CRM record nobody linked yet: a new client (and case) on the platform, linked to it. */
export async function createOnPlatform(
  sync: CrmSync,
  loaded: LoadedConnection,
  schema: CrmSchema,
  record: CrmRecord,
  crmHash: string,
  /** The client a new case belongs to, when one matched already (an initial import). */
  existingClientId: string | null = null,
): Promise<void> {
  const { store, records } = sync;
  const { connection } = loaded;
  const tenantId = connection.tenant_id;
  const source = crmChangeSource(connection.id);
  const values = fromCrmRecord(record, connection.mappings, schema);
  const clientFields = clientPatchOf(EMPTY_CLIENT, values.client) ?? {};
  const externalIds = { [connection.id]: record.id };
  let platformId: string;
  if (record.object === "client") {
    const client = await records.clients.create(
      tenantId,
      { ...clientFields, external_ids: externalIds },
      source,
      "/crm",
      {
        enforceRequired: false,
      },
    );
    platformId = client.id;
  } else {
    const client =
      existingClientId !== null
        ? { id: existingClientId }
        : await records.clients.create(tenantId, clientFields, source, "/crm", { enforceRequired: false });
    const empty = {
      client_id: client.id,
      case_type: null,
      status: "",
      substatus: null,
      title: null,
      description: null,
      incident_date: null,
      campaign_id: null,
      call_id: null,
      custom_fields: {},
      external_ids: {},
      source: null,
    };
    const patch = casePatchOf(empty, values) ?? {};
    const created = await records.cases.create(
      tenantId,
      { ...patch, status: patch.status || undefined, client_id: client.id, external_ids: externalIds },
      source,
      "/crm",
      { enforceRequired: false },
    );
    platformId = created.id;
  }
  const side = await platformSide(store, tenantId, record.object, platformId);
  await store.crm.saveLink({
    connection_id: connection.id,
    object: record.object,
    platform_id: platformId,
    crm_id: record.id,
    platform_hash: side ? writeHash(toCrmWrite(record.object, side, connection.mappings, schema)) : null,
    crm_hash: crmHash,
    synced_at: Date.now(),
  });
}

/** A link not synced yet (its first apply takes the CRM's values). */
function unbaselined(connectionId: string, record: CrmRecord): CrmLink {
  return {
    connection_id: connectionId,
    object: record.object,
    platform_id: "",
    crm_id: record.id,
    platform_hash: null,
    crm_hash: null,
    synced_at: 0,
  };
}

/**
 * A platform client with the CRM record's phone (then email), and that client's first case not
 * linked to this connection yet: an initial import or a CRM's new record links to the person we
 * know instead of creating them twice. `platformId` null with a `clientId`: a new case of theirs.
 */
async function matchByContact(
  sync: CrmSync,
  loaded: LoadedConnection,
  schema: CrmSchema,
  record: CrmRecord,
): Promise<{ platformId: string | null; clientId: string | null }> {
  const { store } = sync;
  const { connection } = loaded;
  const tenantId = connection.tenant_id;
  const contact = contactOf(record, connection.mappings, schema);
  let clientId: string | null = null;
  for (const filter of [
    contact.phone ? { phone: contact.phone } : null,
    contact.email ? { email: contact.email.toLowerCase() } : null,
  ]) {
    if (!filter || clientId) continue;
    const found = await store.clients.list(tenantId, { limit: 1, ...filter });
    clientId = found.data[0]?.id ?? null;
  }
  if (!clientId) return { platformId: null, clientId: null };
  if (record.object === "client") {
    const taken = await store.crm.getLink(connection.id, "client", clientId);
    return taken ? { platformId: null, clientId: null } : { platformId: clientId, clientId };
  }
  const cases = await store.cases.list(tenantId, { clientId, limit: 50 });
  for (const c of cases.data) {
    if (!(await store.crm.getLink(connection.id, "case", c.id))) return { platformId: c.id, clientId };
  }
  return { platformId: null, clientId };
}

/** The CRM record's phone and email, read through the mappings of `phone` and `email`. */
function contactOf(
  record: CrmRecord,
  mappings: LoadedConnection["connection"]["mappings"],
  schema: CrmSchema,
): { phone: string | null; email: string | null } {
  const find = (path: string): string | null => {
    for (const m of mappings.fields) {
      if (m.platform_field !== path && m.platform_field !== `client.${path}`) continue;
      const field = schema.fields.find((f) => f.id === m.crm_field && f.object === record.object);
      const value = field ? record.fields[field.id] : undefined;
      if (typeof value === "string" && value !== "") return value;
    }
    return null;
  };
  return { phone: find("phone"), email: find("email") };
}
