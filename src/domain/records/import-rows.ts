import type { CountryCode } from "libphonenumber-js";
import type { CaseFields, CasePatch } from "./case.js";
import { type ClientFields, type ClientPatch, normaliseEmail } from "./client.js";
import { isCalendarDate } from "./dates.js";
import { toE164 } from "./phone.js";

/**
 * One data row of an import, read into what it says about a client or a case: the keys that find
 * an existing record (id, external ids, phones, emails) and the values it sets. Pure; every
 * problem names the column it came from (`path` is "/<header>"), so a firm can fix its file.
 * A blank cell sets nothing: an import fills and updates, it never erases.
 */

/** One mapped cell: the field it fills, its column and its value (text from CSV, any JSON from JSON Lines). */
export interface ImportCell {
  field: string;
  header: string;
  value: unknown;
}

export interface RowProblem {
  path: string;
  code: string;
  message: string;
}

export type RowReading<T> = { ok: true; row: T } | { ok: false; problems: RowProblem[] };

/** What finds the record a row is about, tried in this order. */
export interface RowKeys {
  id: string | null;
  /** connection → id. */
  externalIds: Record<string, string>;
}

export interface ClientRow {
  keys: RowKeys & { phones: string[]; emails: string[] };
  /** Fields the row sets (absent: left as they are). */
  set: Partial<
    Pick<
      ClientFields,
      "first_name" | "last_name" | "date_of_birth" | "preferred_language" | "opt_out" | "source"
    >
  >;
  /** E.164, the first one the primary. */
  phones: string[];
  emails: string[];
  address: Partial<Record<"street" | "city" | "state" | "postal_code", string>>;
  customFields: Record<string, unknown>;
  externalIds: Record<string, string>;
}

/** How a case row names its client. */
export interface ClientReference {
  id?: string;
  externalId?: [connection: string, id: string];
  phone?: string;
  email?: string;
}

export interface CaseRow {
  keys: RowKeys;
  client: ClientReference | null;
  set: Partial<Omit<CaseFields, "client_id" | "custom_fields" | "external_ids">>;
  customFields: Record<string, unknown>;
  externalIds: Record<string, string>;
}

const LIMITS: Record<string, number> = {
  first_name: 200,
  last_name: 200,
  preferred_language: 35,
  source: 100,
  street: 300,
  city: 120,
  state: 60,
  postal_code: 20,
  case_type: 100,
  status: 100,
  substatus: 100,
  title: 300,
  description: 20_000,
  campaign_id: 100,
  call_id: 100,
  external_id: 200,
};

/** Reads cells one by one, collecting every problem of the row. */
class CellReader {
  readonly problems: RowProblem[] = [];
  private readonly cells = new Map<string, ImportCell>();

  constructor(cells: readonly ImportCell[]) {
    for (const cell of cells) this.cells.set(cell.field, cell);
  }

  fields(): IterableIterator<ImportCell> {
    return this.cells.values();
  }

  /** The cell as trimmed text; undefined when absent or blank. */
  text(field: string): string | undefined {
    const cell = this.cells.get(field);
    if (!cell) return undefined;
    const text = asText(cell.value);
    if (text === null) {
      this.fail(cell, "invalid_value", "must be text, a number or a boolean");
      return undefined;
    }
    if (text === "") return undefined;
    const limit = LIMITS[field];
    if (limit !== undefined && text.length > limit) {
      this.fail(cell, "too_long", `is longer than ${limit} characters`);
      return undefined;
    }
    return text;
  }

  date(field: string): string | undefined {
    const text = this.text(field);
    if (text === undefined) return undefined;
    if (!isCalendarDate(text)) {
      this.fail(this.cell(field), "invalid_date", `"${text}" is not a date written YYYY-MM-DD`);
      return undefined;
    }
    return text;
  }

  boolean(field: string): boolean | undefined {
    const cell = this.cells.get(field);
    if (!cell || cell.value === null || cell.value === undefined) return undefined;
    if (typeof cell.value === "boolean") return cell.value;
    const text = this.text(field);
    if (text === undefined) return undefined;
    const value = BOOLEANS[text.toLowerCase()];
    if (value === undefined) this.fail(cell, "invalid_boolean", `"${text}" is not true/false, yes/no or 1/0`);
    return value;
  }

  phone(field: string, region: CountryCode): string | undefined {
    const text = this.text(field);
    if (text === undefined) return undefined;
    const number = toE164(text, region);
    if (number === null)
      this.fail(this.cell(field), "invalid_phone", `"${text}" is not a valid phone number`);
    return number ?? undefined;
  }

  email(field: string): string | undefined {
    const text = this.text(field);
    if (text === undefined) return undefined;
    const email = normaliseEmail(text);
    if (email === null)
      this.fail(this.cell(field), "invalid_email", `"${text}" is not a valid email address`);
    return email ?? undefined;
  }

  /** A list cell ("a; b" or a JSON array), each item read by `one`. */
  list(field: string, one: (text: string) => string | null, what: string): string[] {
    const cell = this.cells.get(field);
    if (!cell) return [];
    const items = Array.isArray(cell.value)
      ? cell.value.map(asText)
      : (asText(cell.value) ?? "").split(/[;|]/);
    const out: string[] = [];
    for (const item of items) {
      const text = item?.trim() ?? "";
      if (text === "") continue;
      const value = one(text);
      if (value === null) this.fail(cell, "invalid_value", `"${text}" is not a valid ${what}`);
      else out.push(value);
    }
    return out;
  }

  /** `custom_fields.<key>` cells (values kept as written) and `external_ids.<connection>` ones. */
  keyed(prefix: "custom_fields." | "external_ids."): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const cell of this.cells.values()) {
      if (!cell.field.startsWith(prefix)) continue;
      const key = cell.field.slice(prefix.length);
      if (cell.value === null || cell.value === undefined) continue;
      if (typeof cell.value === "string") {
        const text = cell.value.trim();
        if (text !== "") out[key] = text;
      } else if (prefix === "custom_fields.") {
        out[key] = cell.value;
      } else {
        const text = asText(cell.value);
        if (text === null) this.fail(cell, "invalid_value", "must be text");
        else out[key] = text;
      }
    }
    return out;
  }

  private cell(field: string): ImportCell {
    return this.cells.get(field) as ImportCell;
  }

  fail(cell: ImportCell, code: string, message: string): void {
    this.problems.push({ path: `/${cell.header}`, code, message: `${cell.header}: ${message}` });
  }
}

const BOOLEANS: Record<string, boolean> = {
  true: true,
  yes: true,
  y: true,
  "1": true,
  false: false,
  no: false,
  n: false,
  "0": false,
};

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function externalIds(reader: CellReader, connection: string): Record<string, string> {
  const ids = reader.keyed("external_ids.") as Record<string, string>;
  const single = reader.text("external_id");
  if (single !== undefined) ids[connection] = single;
  return ids;
}

/** A client row: `connection` names the system its `external_id` column comes from. */
export function readClientRow(
  cells: readonly ImportCell[],
  region: CountryCode,
  connection: string,
): RowReading<ClientRow> {
  const r = new CellReader(cells);
  const phones: string[] = [];
  for (const field of ["phone", "phone_2", "phone_3", "phone_4", "phone_5"]) {
    const number = r.phone(field, region);
    if (number !== undefined) phones.push(number);
  }
  phones.push(...r.list("phones", (t) => toE164(t, region), "phone number"));
  const emails: string[] = [];
  for (const field of ["email", "email_2", "email_3", "email_4", "email_5"]) {
    const email = r.email(field);
    if (email !== undefined) emails.push(email);
  }
  emails.push(...r.list("emails", normaliseEmail, "email address"));
  const set: ClientRow["set"] = {};
  for (const field of ["first_name", "last_name", "preferred_language", "source"] as const) {
    const text = r.text(field);
    if (text !== undefined) set[field] = text;
  }
  const dateOfBirth = r.date("date_of_birth");
  if (dateOfBirth !== undefined) set.date_of_birth = dateOfBirth;
  const optOut = r.boolean("opt_out");
  if (optOut !== undefined) set.opt_out = optOut;
  const address: ClientRow["address"] = {};
  for (const field of ["street", "city", "state", "postal_code"] as const) {
    const text = r.text(field);
    if (text !== undefined) address[field] = text;
  }
  const ids = externalIds(r, connection);
  const row: ClientRow = {
    keys: { id: r.text("id") ?? null, externalIds: ids, phones: unique(phones), emails: unique(emails) },
    set,
    phones: unique(phones),
    emails: unique(emails),
    address,
    customFields: r.keyed("custom_fields."),
    externalIds: ids,
  };
  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  if (isEmptyClientRow(row)) {
    return { ok: false, problems: [{ path: "", code: "empty_row", message: "the row sets no field" }] };
  }
  return { ok: true, row };
}

function isEmptyClientRow(row: ClientRow): boolean {
  return (
    row.keys.id === null &&
    Object.keys(row.set).length === 0 &&
    row.phones.length === 0 &&
    row.emails.length === 0 &&
    Object.keys(row.address).length === 0 &&
    Object.keys(row.customFields).length === 0 &&
    Object.keys(row.externalIds).length === 0
  );
}

/**
 * The patch that applies a row to a client (EMPTY_CLIENT for a new one): the row's phones and
 * emails come first (its first phone becomes the primary) and the client's others stay after
 * them; address parts fill the primary address; custom fields and external ids are merged.
 */
export function clientPatchFor(current: ClientFields, row: ClientRow): ClientPatch {
  const patch: ClientPatch = { ...row.set };
  if (row.phones.length > 0) {
    const given = new Set(row.phones);
    const kept = current.phones.filter((p) => !given.has(p.number));
    patch.phones = [
      ...row.phones.map((number) => ({
        number,
        type: current.phones.find((p) => p.number === number)?.type ?? "other",
      })),
      ...kept,
    ];
  }
  if (row.emails.length > 0) {
    const given = new Set(row.emails);
    patch.emails = [...row.emails, ...current.emails.filter((e) => !given.has(e))];
  }
  if (Object.keys(row.address).length > 0) {
    const [primary, ...others] = current.addresses;
    patch.addresses = [{ ...primary, ...row.address }, ...others];
  }
  if (Object.keys(row.customFields).length > 0) {
    patch.custom_fields = { ...current.custom_fields, ...row.customFields };
  }
  if (Object.keys(row.externalIds).length > 0) {
    patch.external_ids = { ...current.external_ids, ...row.externalIds };
  }
  return patch;
}

const CASE_TEXT = [
  "case_type",
  "status",
  "substatus",
  "title",
  "description",
  "campaign_id",
  "call_id",
  "source",
] as const;

/** A case row; its client is named by id, the connection's external id, a phone or an email. */
export function readCaseRow(
  cells: readonly ImportCell[],
  region: CountryCode,
  connection: string,
): RowReading<CaseRow> {
  const r = new CellReader(cells);
  const set: CaseRow["set"] = {};
  for (const field of CASE_TEXT) {
    const text = r.text(field);
    if (text !== undefined) set[field] = text;
  }
  const incident = r.date("incident_date");
  if (incident !== undefined) set.incident_date = incident;
  const client: ClientReference = {};
  const clientId = r.text("client_id");
  if (clientId !== undefined) client.id = clientId;
  const clientExternal = r.text("client_external_id");
  if (clientExternal !== undefined) client.externalId = [connection, clientExternal];
  const clientPhone = r.phone("client_phone", region);
  if (clientPhone !== undefined) client.phone = clientPhone;
  const clientEmail = r.email("client_email");
  if (clientEmail !== undefined) client.email = clientEmail;
  const ids = externalIds(r, connection);
  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  const row: CaseRow = {
    keys: { id: r.text("id") ?? null, externalIds: ids },
    client: Object.keys(client).length > 0 ? client : null,
    set,
    customFields: r.keyed("custom_fields."),
    externalIds: ids,
  };
  return { ok: true, row };
}

/** The patch that applies a case row to a case: fields it sets, custom fields and external ids merged. */
export function casePatchFor(current: CaseFields, row: CaseRow): CasePatch {
  const patch: CasePatch = { ...row.set };
  if (Object.keys(row.customFields).length > 0) {
    patch.custom_fields = { ...current.custom_fields, ...row.customFields };
  }
  if (Object.keys(row.externalIds).length > 0) {
    patch.external_ids = { ...current.external_ids, ...row.externalIds };
  }
  return patch;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
