import type { CaseFields } from "./case.js";
import type { ClientFields } from "./client.js";

/**
 * Records as export rows whose columns are the import's field names, so an exported file imports
 * again as it is (matching each row to its record by `id`). Pure.
 *
 * A client's first phone and email are `phone` and `email`; the others go in `phones` / `emails`
 * ("; "-separated in CSV, arrays in JSON Lines). Only the primary address is exported. In JSON
 * Lines, custom fields and external ids stay objects with their JSON types; in CSV each key is a
 * column (`custom_fields.<key>`, `external_ids.<connection>`), so the CSV header needs the keys
 * of every exported record first.
 */

type Stamped = { id: string; created_at: number; updated_at: number };

const CLIENT_COLUMNS = [
  "id",
  "first_name",
  "last_name",
  "phone",
  "phones",
  "email",
  "emails",
  "street",
  "city",
  "state",
  "postal_code",
  "date_of_birth",
  "preferred_language",
  "opt_out",
  "source",
] as const;

const CASE_COLUMNS = [
  "id",
  "client_id",
  "case_type",
  "status",
  "substatus",
  "title",
  "description",
  "incident_date",
  "campaign_id",
  "call_id",
  "source",
] as const;

/** Not import fields: an import ignores them. */
const TIMES = ["created_at", "updated_at"] as const;

/** The keys of custom fields and external ids seen in the exported records, for the CSV header. */
export interface KeyedColumns {
  customFields: Set<string>;
  externalIds: Set<string>;
}

export function collectKeys(
  keys: KeyedColumns,
  record: { custom_fields: object; external_ids: object },
): void {
  for (const key of Object.keys(record.custom_fields)) keys.customFields.add(key);
  for (const key of Object.keys(record.external_ids)) keys.externalIds.add(key);
}

export function exportColumns(object: "clients" | "cases", keys: KeyedColumns): string[] {
  return [
    ...(object === "clients" ? CLIENT_COLUMNS : CASE_COLUMNS),
    ...[...keys.externalIds].sort().map((k) => `external_ids.${k}`),
    ...[...keys.customFields].sort().map((k) => `custom_fields.${k}`),
    ...TIMES,
  ];
}

/** A client as one export row (JSON Lines shape: lists as arrays, keyed fields as objects). */
export function clientExportRow(client: ClientFields & Stamped): Record<string, unknown> {
  const [phone, ...phones] = client.phones.map((p) => p.number);
  const [email, ...emails] = client.emails;
  const address = client.addresses[0] ?? {};
  return {
    id: client.id,
    first_name: client.first_name,
    last_name: client.last_name,
    phone: phone ?? null,
    phones,
    email: email ?? null,
    emails,
    street: address.street ?? null,
    city: address.city ?? null,
    state: address.state ?? null,
    postal_code: address.postal_code ?? null,
    date_of_birth: client.date_of_birth,
    preferred_language: client.preferred_language,
    opt_out: client.opt_out,
    source: client.source,
    external_ids: client.external_ids,
    custom_fields: client.custom_fields,
    created_at: new Date(client.created_at).toISOString(),
    updated_at: new Date(client.updated_at).toISOString(),
  };
}

export function caseExportRow(record: CaseFields & Stamped): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const column of CASE_COLUMNS) row[column] = record[column];
  return {
    ...row,
    external_ids: record.external_ids,
    custom_fields: record.custom_fields,
    created_at: new Date(record.created_at).toISOString(),
    updated_at: new Date(record.updated_at).toISOString(),
  };
}

/** One CSV line (RFC 4180, CRLF-terminated) of an export row under `columns`. */
export function csvLine(columns: readonly string[], row: Record<string, unknown>): string {
  return `${columns.map((column) => csvField(cellOf(row, column))).join(",")}\r\n`;
}

/** The header line. */
export function csvHeader(columns: readonly string[]): string {
  return `${columns.map(csvField).join(",")}\r\n`;
}

/** The cell's text: `phones` / `emails` lists "; "-joined, other non-text values (custom fields) as JSON. */
function cellOf(row: Record<string, unknown>, column: string): string {
  const dot = column.indexOf(".");
  const keyed = dot > 0 && (column.startsWith("custom_fields.") || column.startsWith("external_ids."));
  const value = keyed
    ? (row[column.slice(0, dot)] as Record<string, unknown> | undefined)?.[column.slice(dot + 1)]
    : row[column];
  if (value === null || value === undefined) return "";
  if (Array.isArray(value) && !keyed) return value.join("; ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Quoted when it holds a comma, a quote, a line break or surrounding blanks; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
