import type { CaseFields } from "./case.js";
import type { ClientFields } from "./client.js";
import type { ClientReference, RowKeys } from "./import-rows.js";

/**
 * Finding the record an import row is about, by its keys in priority order: the record's id,
 * an external id of the row's connection, then (clients) a phone, then an email. Pure: the index
 * is filled with the records read from the store for a chunk of rows, and with every record the
 * chunk plans to create or change, so a later row in the same file finds what an earlier one made.
 * An id that names no record of the tenant's (a file exported elsewhere) is no match: the other
 * keys are tried, and without a match the row creates a record with a new id.
 */

type Keyed = { id: string; external_ids: Record<string, string> };

export class RecordIndex<R extends Keyed> {
  private readonly byKey = new Map<string, R>();

  constructor(
    /** A record's phone and email keys (none for cases). */
    private readonly contactKeys: (record: R) => string[] = () => [],
  ) {}

  /** Adds or replaces the record under all its keys. */
  put(record: R): void {
    this.byKey.set(`id:${record.id}`, record);
    for (const [connection, value] of Object.entries(record.external_ids)) {
      this.byKey.set(externalKey(connection, value), record);
    }
    for (const key of this.contactKeys(record)) this.byKey.set(key, record);
  }

  /** The record the keys name, trying id, external ids, phones, then emails. */
  find(keys: RowKeys & { phones?: string[]; emails?: string[] }): R | null {
    const candidates = [
      ...(keys.id !== null ? [`id:${keys.id}`] : []),
      ...Object.entries(keys.externalIds).map(([c, v]) => externalKey(c, v)),
      ...(keys.phones ?? []).map((p) => `phone:${p}`),
      ...(keys.emails ?? []).map((e) => `email:${e}`),
    ];
    for (const key of candidates) {
      const record = this.byKey.get(key);
      if (record) return record;
    }
    return null;
  }

  /** The client a case row names (id, external id, phone, email — in that order). */
  findReference(reference: ClientReference): R | null {
    return this.find({
      id: reference.id ?? null,
      externalIds: reference.externalId ? { [reference.externalId[0]]: reference.externalId[1] } : {},
      phones: reference.phone ? [reference.phone] : [],
      emails: reference.email ? [reference.email] : [],
    });
  }
}

function externalKey(connection: string, value: string): string {
  return `ext:${connection}\u0000${value}`;
}

/** The phone and email keys of a client. */
export function clientContactKeys(client: Pick<ClientFields, "phones" | "emails">): string[] {
  return [...client.phones.map((p) => `phone:${p.number}`), ...client.emails.map((e) => `email:${e}`)];
}

export function clientIndex<R extends Keyed & Pick<ClientFields, "phones" | "emails">>(): RecordIndex<R> {
  return new RecordIndex<R>(clientContactKeys);
}

export function caseIndex<R extends Keyed & Pick<CaseFields, "client_id">>(): RecordIndex<R> {
  return new RecordIndex<R>();
}
