/**
 * Which record field each column of an import file fills. Pure: the file's headers and the
 * caller's column map in, the mapping (or what is wrong with it) out.
 */

export type ImportObject = "clients" | "cases";

/** The most data rows one import takes: past this the file is refused before anything is written. */
export const MAX_IMPORT_ROWS = 100_000;

/** How many extra phones and emails a row can carry in numbered columns (phone_2 … phone_5). */
const EXTRA_CONTACTS = 5;
const numbered = (base: string) => Array.from({ length: EXTRA_CONTACTS - 1 }, (_, i) => `${base}_${i + 2}`);

/** A column's field: the record's names, plus the contact and lookup columns of a flat file. */
export const CLIENT_IMPORT_FIELDS: readonly string[] = [
  "id",
  "first_name",
  "last_name",
  "phone",
  ...numbered("phone"),
  "phones",
  "email",
  ...numbered("email"),
  "emails",
  "street",
  "city",
  "state",
  "postal_code",
  "date_of_birth",
  "preferred_language",
  "opt_out",
  "source",
  "external_id",
];

export const CASE_IMPORT_FIELDS: readonly string[] = [
  "id",
  "client_id",
  "client_external_id",
  "client_phone",
  "client_email",
  "case_type",
  "status",
  "substatus",
  "title",
  "description",
  "incident_date",
  "campaign_id",
  "call_id",
  "source",
  "external_id",
];

/** Fields named with a key: `custom_fields.<key>`, `external_ids.<connection>`. */
const KEYED_PREFIXES = ["custom_fields.", "external_ids."] as const;
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$/;

/** At least one of these columns must be mapped, or no row could name what it is about. */
const REQUIRED_ONE_OF: Record<ImportObject, readonly string[]> = {
  clients: ["id", "first_name", "last_name", "phone", "phones", "email", "emails", "external_id"],
  cases: ["id", "external_id", "client_id", "client_external_id", "client_phone", "client_email"],
};

export function importFields(object: ImportObject): readonly string[] {
  return object === "clients" ? CLIENT_IMPORT_FIELDS : CASE_IMPORT_FIELDS;
}

export function isImportField(object: ImportObject, field: string): boolean {
  if (importFields(object).includes(field)) return true;
  const prefix = KEYED_PREFIXES.find((p) => field.startsWith(p));
  return prefix !== undefined && KEY.test(field.slice(prefix.length));
}

/** One file column that fills a field; columns mapped to nothing are ignored. */
export interface MappedColumn {
  /** Position in the file's header row (CSV) — for JSON Lines the key is the header. */
  index: number;
  header: string;
  field: string;
}

/** A problem with the file's columns as a whole; answered 422 before any row is read. */
export interface ColumnProblem {
  path: string;
  message: string;
}

export type ColumnMapping = { ok: true; columns: MappedColumn[] } | { ok: false; problem: ColumnProblem };

/**
 * The headers of a CSV file as written, cleaned: surrounding blanks trimmed (a UTF-8 byte-order
 * mark is removed by the parser). A repeated header would make a column map ambiguous, so it is
 * a problem; a blank one names a column nobody can map and is kept (and ignored) as "".
 */
export function cleanHeaders(raw: readonly string[]): { headers: string[]; problem: ColumnProblem | null } {
  const headers = raw.map((h) => h.trim());
  const seen = new Set<string>();
  for (const header of headers) {
    if (header === "") continue;
    if (seen.has(header)) {
      return { headers, problem: { path: "/data", message: `the header "${header}" appears twice` } };
    }
    seen.add(header);
  }
  return { headers, problem: null };
}

/**
 * Maps the file's headers to fields. With a column map, every header it names must be in the
 * file and every field it names must exist; without one, a header that is a field's name fills
 * that field. Two columns filling one field, or none of the identifying columns, is a problem.
 */
export function mapColumns(
  object: ImportObject,
  headers: readonly string[],
  columns: Readonly<Record<string, string>> | undefined,
): ColumnMapping {
  const mapped: MappedColumn[] = [];
  if (columns) {
    for (const [header, field] of Object.entries(columns)) {
      if (!isImportField(object, field)) {
        return problem(`/columns/${pointer(header)}`, `unknown field "${field}" for ${object}`);
      }
      const index = headers.indexOf(header);
      if (index < 0) {
        return problem(`/columns/${pointer(header)}`, `the file has no column "${header}"`);
      }
      mapped.push({ index, header, field });
    }
  } else {
    headers.forEach((header, index) => {
      if (isImportField(object, header)) mapped.push({ index, header, field: header });
    });
  }
  const byField = new Map<string, string>();
  for (const column of mapped) {
    const other = byField.get(column.field);
    if (other !== undefined) {
      return problem("/columns", `the columns "${other}" and "${column.header}" both fill ${column.field}`);
    }
    byField.set(column.field, column.header);
  }
  const required = REQUIRED_ONE_OF[object];
  if (!required.some((field) => byField.has(field))) {
    return problem(
      columns ? "/columns" : "/data",
      `a required column is missing: map at least one of ${required.join(", ")}`,
    );
  }
  return { ok: true, columns: mapped };
}

/** Common ways people title a column, → the field (compared after {@link headerWords}). */
const ALIASES: Record<string, string> = {
  first: "first_name",
  firstname: "first_name",
  given_name: "first_name",
  last: "last_name",
  lastname: "last_name",
  surname: "last_name",
  family_name: "last_name",
  phone_number: "phone",
  telephone: "phone",
  mobile: "phone",
  cell: "phone",
  cell_phone: "phone",
  mobile_phone: "phone",
  e_mail: "email",
  email_address: "email",
  address: "street",
  street_address: "street",
  address_1: "street",
  zip: "postal_code",
  zip_code: "postal_code",
  zipcode: "postal_code",
  postcode: "postal_code",
  dob: "date_of_birth",
  birth_date: "date_of_birth",
  birthdate: "date_of_birth",
  language: "preferred_language",
  do_not_contact: "opt_out",
  type: "case_type",
  practice_area: "case_type",
  stage: "substatus",
  date_of_incident: "incident_date",
  incident: "incident_date",
  accident_date: "incident_date",
};

/** "First Name " → "first_name": lower case, runs of anything else → one underscore. */
export function headerWords(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** For the dashboard's column-mapping step: each header's likely field, or null for none. */
export function suggestColumns(
  object: ImportObject,
  headers: readonly string[],
): Record<string, string | null> {
  const taken = new Set<string>();
  const suggested: Record<string, string | null> = {};
  for (const header of headers) {
    if (header === "") continue;
    const words = headerWords(header);
    const candidate = isImportField(object, header)
      ? header
      : isImportField(object, words)
        ? words
        : (ALIASES[words] ?? null);
    const field =
      candidate !== null && isImportField(object, candidate) && !taken.has(candidate) ? candidate : null;
    if (field !== null) taken.add(field);
    suggested[header] = field;
  }
  return suggested;
}

function problem(path: string, message: string): ColumnMapping {
  return { ok: false, problem: { path, message } };
}

/** A header as a JSON-pointer segment. */
function pointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
