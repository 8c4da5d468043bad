import { sameValue } from "./changes.js";
import type { ClientFields } from "./client.js";
import { clientData, type RecordEvent } from "./events.js";

/**
 * Merging duplicate clients into one (the target, which survives): the pure decision of what the
 * surviving record holds. The caller moves cases, deletes the sources and stores the events.
 */

/** A client being merged into the target: its fields, id and when it last changed. */
export interface MergeSource {
  id: string;
  fields: ClientFields;
  updated_at: number;
}

/** Two records name different ids in the same connected system: which ids, on which connection. */
export interface ExternalIdConflict {
  connection: string;
  /** Each record's id there, keyed by client id (the target first). */
  ids: Record<string, string>;
}

export type MergeDecision =
  | { ok: true; fields: ClientFields }
  | { ok: false; conflicts: ExternalIdConflict[] };

/** Scalar fields where the target's value wins and a missing one is filled from the sources. */
const FILLED_FIELDS = ["first_name", "last_name", "date_of_birth", "preferred_language", "source"] as const;

/**
 * The target's fields after merging `sources` into it:
 * - phones, emails and addresses are the union, the target's first (so its primary stays primary),
 *   then the sources' newest first, each value once;
 * - a field the target has keeps its value; one it lacks (null) takes the newest source's value;
 *   custom fields follow the same rule key by key;
 * - external ids are the union; two records with different ids on the same connection cannot be
 *   merged (which CRM record would the survivor be?), so that answers the conflicts instead;
 * - `opt_out` is true if any of them opted out: a merge never makes someone contactable again.
 */
export function mergeClients(
  target: { id: string; fields: ClientFields },
  sources: MergeSource[],
): MergeDecision {
  const newestFirst = [...sources].sort((a, b) => b.updated_at - a.updated_at || compareIds(b.id, a.id));
  const all = [target, ...newestFirst];

  const conflicts = externalIdConflicts(all);
  if (conflicts.length > 0) return { ok: false, conflicts };

  const fields: ClientFields = { ...target.fields };
  for (const field of FILLED_FIELDS) {
    if (fields[field] !== null) continue;
    fields[field] = newestFirst.find((s) => s.fields[field] !== null)?.fields[field] ?? null;
  }
  fields.phones = unionBy(
    all.flatMap((c) => c.fields.phones),
    (p) => p.number,
  );
  fields.emails = unionBy(
    all.flatMap((c) => c.fields.emails),
    (e) => e,
  );
  fields.addresses = [];
  for (const address of all.flatMap((c) => c.fields.addresses)) {
    if (!fields.addresses.some((kept) => sameValue(kept, address))) fields.addresses.push(address);
  }
  fields.custom_fields = fillMissing(all.map((c) => c.fields.custom_fields));
  fields.external_ids = fillMissing(all.map((c) => c.fields.external_ids));
  fields.opt_out = all.some((c) => c.fields.opt_out);
  return { ok: true, fields };
}

/** Connections on which the records name more than one distinct id. */
function externalIdConflicts(all: Array<{ id: string; fields: ClientFields }>): ExternalIdConflict[] {
  const byConnection = new Map<string, Record<string, string>>();
  for (const client of all) {
    for (const [connection, externalId] of Object.entries(client.fields.external_ids)) {
      const ids = byConnection.get(connection) ?? {};
      ids[client.id] = externalId;
      byConnection.set(connection, ids);
    }
  }
  const conflicts: ExternalIdConflict[] = [];
  for (const [connection, ids] of byConnection) {
    if (new Set(Object.values(ids)).size > 1) conflicts.push({ connection, ids });
  }
  return conflicts;
}

/** Keys in order of first appearance; each key's first value that is not null wins. */
function fillMissing<V>(maps: Array<Record<string, V>>): Record<string, V> {
  const merged: Record<string, V> = {};
  for (const map of maps) {
    for (const [key, value] of Object.entries(map)) {
      if (value === null || value === undefined) {
        if (!(key in merged)) merged[key] = value;
        continue;
      }
      if (merged[key] === null || merged[key] === undefined) merged[key] = value;
    }
  }
  return merged;
}

function unionBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Ids sort by creation time: the later-created source comes first on equal update times. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How a client was found to be a possible duplicate of another: the kinds of contact they share. */
export type MatchKind = "phone" | "email";

/**
 * What `candidate` shares with `other`: "phone" when a number of one is a number of the other,
 * "email" likewise (both already normalised: E.164, lower-cased). Empty when nothing.
 */
export function duplicateMatch(
  candidate: Pick<ClientFields, "phones" | "emails">,
  other: Pick<ClientFields, "phones" | "emails">,
): MatchKind[] {
  const matched: MatchKind[] = [];
  const numbers = new Set(candidate.phones.map((p) => p.number));
  if (other.phones.some((p) => numbers.has(p.number))) matched.push("phone");
  const emails = new Set(candidate.emails);
  if (other.emails.some((e) => emails.has(e))) matched.push("email");
  return matched;
}

/** `client.merged`: the survivor as it now is and the ids that are gone. */
export function clientMergedEvent(merge: {
  targetId: string;
  mergedIds: string[];
  fields: ClientFields;
  version: number;
  at: number;
  changeSource: string;
}): RecordEvent {
  return {
    type: "client.merged",
    data: {
      surviving_client_id: merge.targetId,
      merged_client_ids: merge.mergedIds,
      client: clientData(merge.targetId, merge.fields, merge.version),
      change_source: merge.changeSource,
      merged_at: new Date(merge.at).toISOString(),
    },
  };
}
