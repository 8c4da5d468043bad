import { CASE_FIELDS, type CaseFields } from "./case.js";
import { type Changes, changesBetween } from "./changes.js";
import { CLIENT_FIELDS, type ClientFields } from "./client.js";

/**
 * The catalog events a record change emits, with the record as it now is, `changes` and
 * `change_source` (who made the change: `api`, `import`, `crm:<connection id>`, `enrichment`).
 * Pure: the caller stores them with the change, in its transaction.
 */

export interface RecordEvent {
  type: string;
  data: Record<string, unknown>;
}

/** One write to a record: before is null for a create, after null for a delete. */
export interface RecordChange<T> {
  id: string;
  before: T | null;
  after: T | null;
  /** The version after the write. */
  version: number;
  at: number;
  changeSource: string;
}

export function clientEvents(change: RecordChange<ClientFields>): RecordEvent[] {
  const { before, after } = change;
  const common = { change_source: change.changeSource };
  const at = new Date(change.at).toISOString();
  if (after === null) {
    return before === null
      ? []
      : [{ type: "client.deleted", data: { client_id: change.id, ...common, deleted_at: at } }];
  }
  const record = clientData(change.id, after, change.version);
  if (before === null) return [{ type: "client.created", data: { ...record, ...common, created_at: at } }];
  const changes = changesBetween(before, after, CLIENT_FIELDS);
  if (Object.keys(changes).length === 0) return [];
  const events: RecordEvent[] = [
    { type: "client.updated", data: { ...record, changes, ...common, updated_at: at } },
  ];
  if (changes.opt_out) {
    events.push({
      type: "client.opt_out_changed",
      data: withoutNulls({
        client_id: change.id,
        opted_out: after.opt_out,
        channel: "all",
        phone: after.phones[0]?.number ?? null,
        email: after.emails[0] ?? null,
        ...common,
        changed_at: at,
      }),
    });
  }
  return events;
}

export function caseEvents(change: RecordChange<CaseFields>): RecordEvent[] {
  const { before, after } = change;
  const common = { change_source: change.changeSource };
  const at = new Date(change.at).toISOString();
  if (after === null) {
    if (before === null) return [];
    return [
      {
        type: "case.deleted",
        data: withoutNulls({
          case_id: change.id,
          client_id: before.client_id,
          case_type: before.case_type,
          ...common,
          deleted_at: at,
        }),
      },
    ];
  }
  const record = caseData(change.id, after, change.version);
  if (before === null) return [{ type: "case.created", data: { ...record, ...common, created_at: at } }];
  const changes = changesBetween(before, after, CASE_FIELDS);
  if (Object.keys(changes).length === 0) return [];
  const events: RecordEvent[] = [
    { type: "case.updated", data: { ...record, changes, ...common, updated_at: at } },
  ];
  if (changes.status || changes.substatus) {
    events.push({
      type: "case.status_changed",
      data: withoutNulls({
        ...record,
        old_status: before.status,
        new_status: after.status,
        old_substatus: before.substatus,
        new_substatus: after.substatus,
        changes: pick(changes, ["status", "substatus"]),
        ...common,
        changed_at: at,
      }),
    });
  }
  return events;
}

/** A client as the catalog's `client.*` data shows it: the full lists plus the primary of each. */
export function clientData(id: string, client: ClientFields, version: number): Record<string, unknown> {
  const name = [client.first_name, client.last_name].filter((part) => part !== null).join(" ");
  return withoutNulls({
    client_id: id,
    name: name === "" ? null : name,
    ...onlyFields(client, CLIENT_FIELDS),
    phone: client.phones[0]?.number ?? null,
    email: client.emails[0] ?? null,
    address: client.addresses[0] ?? null,
    version,
  });
}

function caseData(id: string, record: CaseFields, version: number): Record<string, unknown> {
  return withoutNulls({ case_id: id, ...onlyFields(record, CASE_FIELDS), version });
}

/**
 * The record's own fields only: a stored record passed in also carries its tenant and times,
 * which are not the event's to tell.
 */
function onlyFields<T extends object>(
  record: T,
  fields: ReadonlyArray<keyof T & string>,
): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, record[field]]));
}

/** The catalog leaves unknown fields out rather than null. */
function withoutNulls(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).filter(([, value]) => value !== null && value !== undefined),
  );
}

function pick(changes: Changes, fields: string[]): Changes {
  return Object.fromEntries(Object.entries(changes).filter(([field]) => fields.includes(field)));
}
