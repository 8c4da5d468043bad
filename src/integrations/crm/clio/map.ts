import type {
  CrmField,
  CrmFieldType,
  CrmObject,
  CrmOption,
  CrmRecord,
  CrmSchema,
  CrmStatus,
  CrmWrite,
} from "../connector.js";

/**
 * Clio's shapes ↔ the connector's vendor-neutral ones. Pure: no I/O. A matter is a `case` (practice
 * area id as its type, status open | pending | closed, matter stage id as its substatus); a Person
 * contact is a `client`. Custom fields are keyed by Clio's custom field id (`"48211"`), standard
 * fields by Clio's own names; a case also carries its client's name, phone and email as
 * `client.first_name`, `client.last_name`, `client.phone`, `client.email` (read from the matter's
 * client, used to create that client when a case is created without a `clientId`).
 */

/** What we ask Clio for with `fields=`: Clio answers only `id` and `etag` unless told. */
export const MATTER_FIELDS =
  "id,etag,display_number,description,status,client_reference,location,open_date,pending_date,close_date," +
  "created_at,updated_at,client{id,first_name,last_name,primary_phone_number,primary_email_address}," +
  "practice_area{id,name},matter_stage{id,name},custom_field_values{id,value,custom_field}";

export const CONTACT_FIELDS =
  "id,etag,type,name,first_name,last_name,title,date_of_birth,created_at,updated_at," +
  "primary_phone_number,primary_email_address,phone_numbers{id,number,primary}," +
  "email_addresses{id,address,primary},addresses{id,name,street,city,province,postal_code,country}," +
  "custom_field_values{id,value,custom_field}";

export const MATTER_STATUSES = ["open", "pending", "closed"] as const;
export type MatterStatus = (typeof MATTER_STATUSES)[number];

/** The client fields a case carries (read-only on the matter: they belong to its contact). */
export const CASE_CLIENT_FIELDS: Record<string, string> = {
  "client.first_name": "first_name",
  "client.last_name": "last_name",
  "client.phone": "primary_phone_number",
  "client.email": "primary_email_address",
};

const MATTER_TEXT = ["description", "location"] as const;
const MATTER_DATES = ["open_date", "pending_date", "close_date"] as const;
const ADDRESS_PARTS = ["street", "city", "province", "postal_code", "country"] as const;

function field(id: string, object: CrmObject, type: CrmFieldType, extra: Partial<CrmField> = {}): CrmField {
  const label = id
    .replace(/^client\./, "client ")
    .replace(/_/g, " ")
    .replace(/^\w/, (c) => c.toUpperCase());
  return { id, label, object, type, custom: false, required: false, readOnly: false, ...extra };
}

export const STANDARD_FIELDS: CrmField[] = [
  field("description", "case", "text", { required: true }),
  field("display_number", "case", "text", { readOnly: true }),
  field("location", "case", "text"),
  ...MATTER_DATES.map((id) => field(id, "case", "date")),
  field("client.first_name", "case", "text"),
  field("client.last_name", "case", "text"),
  field("client.phone", "case", "phone"),
  field("client.email", "case", "email"),
  field("first_name", "client", "text", { required: true }),
  field("last_name", "client", "text", { required: true }),
  field("title", "client", "text"),
  field("date_of_birth", "client", "date"),
  field("phone", "client", "phone"),
  field("email", "client", "email"),
  ...ADDRESS_PARTS.map((id) => field(id, "client", "text")),
];

export function asText(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return typeof value === "string" ? value : String(value);
}

export function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(object) : [];
}

export function object(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** `custom_field_values` → `{"<custom field id>": value}`. */
function customValues(values: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of list(values)) {
    const id = asText(object(entry.custom_field).id);
    if (id && entry.value !== null && entry.value !== undefined && entry.value !== "") out[id] = entry.value;
  }
  return out;
}

function iso(value: unknown): string | null {
  const time = Date.parse(asText(value) ?? "");
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** One matter (as {@link MATTER_FIELDS} selects it) → a `case` record. */
export function matterToRecord(matter: Record<string, unknown>, externalIdField?: string): CrmRecord {
  const fields: Record<string, unknown> = {};
  for (const name of ["display_number", ...MATTER_TEXT, ...MATTER_DATES]) {
    const value = asText(matter[name]);
    if (value !== null) fields[name] = value;
  }
  const client = object(matter.client);
  for (const [name, key] of Object.entries(CASE_CLIENT_FIELDS)) {
    const value = asText(client[key]);
    if (value !== null) fields[name] = value;
  }
  Object.assign(fields, customValues(matter.custom_field_values));
  const status = asText(matter.status)?.toLowerCase() ?? null;
  const reference = asText(matter.client_reference);
  return {
    object: "case",
    id: asText(matter.id) ?? "",
    fields,
    caseType: asText(object(matter.practice_area).id),
    status,
    substatus: asText(object(matter.matter_stage).id),
    clientId: asText(client.id),
    updatedAt: iso(matter.updated_at),
    externalId: reference ?? (externalIdField ? asText(fields[externalIdField]) : null),
    version: asText(matter.etag),
  };
}

function primary(entries: Record<string, unknown>[]): Record<string, unknown> | undefined {
  return entries.find((e) => e.primary === true) ?? entries[0];
}

/** One contact (as {@link CONTACT_FIELDS} selects it) → a `client` record. */
export function contactToRecord(contact: Record<string, unknown>, externalIdField?: string): CrmRecord {
  const fields: Record<string, unknown> = {};
  for (const name of ["first_name", "last_name", "title", "date_of_birth"]) {
    const value = asText(contact[name]);
    if (value !== null) fields[name] = value;
  }
  const phone = asText(contact.primary_phone_number) ?? asText(primary(list(contact.phone_numbers))?.number);
  const email =
    asText(contact.primary_email_address) ?? asText(primary(list(contact.email_addresses))?.address);
  if (phone) fields.phone = phone;
  if (email) fields.email = email;
  const address = primary(list(contact.addresses));
  for (const part of ADDRESS_PARTS) {
    const value = asText(address?.[part]);
    if (value !== null) fields[part] = value;
  }
  Object.assign(fields, customValues(contact.custom_field_values));
  return {
    object: "client",
    id: asText(contact.id) ?? "",
    fields,
    updatedAt: iso(contact.updated_at),
    externalId: externalIdField ? asText(fields[externalIdField]) : null,
    version: asText(contact.etag),
  };
}

/** Custom field ids are numbers: every other key is one of Clio's own names. */
export function isCustomFieldId(name: string): boolean {
  return /^\d+$/.test(name);
}

function text(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * The custom values of a write as Clio's `custom_field_values`: a value Clio already holds is
 * changed by its value id (a second value for the same field would be refused), an emptied one is
 * destroyed, a new one names its custom field.
 */
export function customFieldValues(
  fields: Record<string, unknown>,
  existing: unknown,
  externalId?: { field: string | undefined; value: string | null | undefined },
): Record<string, unknown>[] {
  const held = new Map<string, string>();
  for (const entry of list(existing)) {
    const fieldId = asText(object(entry.custom_field).id);
    // Clio reads a value's id as "text_line-1234" but takes the number back (int64 in the spec).
    const valueId = asText(entry.id)?.match(/(\d+)$/)?.[1];
    if (fieldId && valueId) held.set(fieldId, valueId);
  }
  const wanted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (isCustomFieldId(name)) wanted[name] = value;
  if (externalId?.field && externalId.value) wanted[externalId.field] = externalId.value;
  const out: Record<string, unknown>[] = [];
  for (const [fieldId, value] of Object.entries(wanted)) {
    const valueId = held.get(fieldId);
    const written = text(value);
    if (written === null) {
      if (valueId) out.push({ id: Number(valueId), _destroy: true });
      continue;
    }
    out.push(
      valueId
        ? { id: Number(valueId), value: written }
        : { custom_field: { id: Number(fieldId) }, value: written },
    );
  }
  return out;
}

function idRef(value: string | null | undefined): { id: number } | undefined {
  return value && /^\d+$/.test(value) ? { id: Number(value) } : undefined;
}

/** A case write → the `data` of `POST /matters.json` or `PATCH /matters/{id}.json`. */
export function writeToMatter(
  write: CrmWrite,
  options: { clientId?: string | null; existingCustom?: unknown; externalIdField?: string; create: boolean },
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const name of [...MATTER_TEXT, ...MATTER_DATES]) {
    if (!(name in write.fields)) continue;
    const value = text(write.fields[name]);
    if (value !== null) data[name] = value;
    else if (!options.create && name !== "description") data[name] = null;
  }
  const client = idRef(options.clientId ?? write.clientId);
  if (client) data.client = client;
  if (write.externalId) data.client_reference = write.externalId;
  if (write.status) data.status = write.status.toLowerCase();
  const practiceArea = idRef(write.caseType);
  if (practiceArea) data.practice_area = practiceArea;
  else if (write.caseType) data.practice_area = { id: write.caseType };
  const stage = idRef(write.substatus);
  if (stage) data.matter_stage = stage;
  const custom = customFieldValues(write.fields, options.existingCustom, {
    field: options.externalIdField,
    value: write.externalId,
  });
  if (custom.length > 0) data.custom_field_values = custom;
  return data;
}

/** The primary entry's id among `phone_numbers` / `email_addresses` / `addresses`, to change it in place. */
function primaryId(entries: unknown): number | undefined {
  const found = primary(list(entries));
  const id = asText(found?.id);
  return id ? Number(id) : undefined;
}

/** A client write → the `data` of `POST /contacts.json` or `PATCH /contacts/{id}.json` (a Person). */
export function writeToContact(
  write: CrmWrite,
  options: { existing?: Record<string, unknown>; externalIdField?: string; create: boolean },
): Record<string, unknown> {
  const f = write.fields;
  const data: Record<string, unknown> = {};
  for (const name of ["first_name", "last_name", "title", "date_of_birth"]) {
    if (name in f) data[name] = text(f[name]);
  }
  if (options.create) {
    data.type = "Person";
    data.name = [text(f.first_name), text(f.last_name)].filter(Boolean).join(" ") || "Unnamed";
    for (const [key, value] of Object.entries(data)) if (value === null) delete data[key];
  }
  const existing = options.existing ?? {};
  const phone = text(f.phone);
  if (phone) {
    const id = primaryId(existing.phone_numbers);
    data.phone_numbers = [
      id ? { id, number: phone } : { name: "Mobile", number: phone, default_number: true },
    ];
  }
  const email = text(f.email);
  if (email) {
    const id = primaryId(existing.email_addresses);
    data.email_addresses = [
      id ? { id, address: email } : { name: "Home", address: email, default_email: true },
    ];
  }
  const address: Record<string, unknown> = {};
  for (const part of ADDRESS_PARTS) if (text(f[part]) !== null) address[part] = text(f[part]);
  if (Object.keys(address).length > 0) {
    const id = primaryId(existing.addresses);
    data.addresses = [id ? { id, ...address } : { name: "Home", ...address }];
  }
  const custom = customFieldValues(f, existing.custom_field_values, {
    field: options.externalIdField,
    value: write.externalId,
  });
  if (custom.length > 0) data.custom_field_values = custom;
  return data;
}

/** A case's client fields → a client write, for a case created without a `clientId`. */
export function caseClientWrite(write: CrmWrite): CrmWrite | null {
  const fields: Record<string, unknown> = {};
  const names: Record<string, string> = {
    "client.first_name": "first_name",
    "client.last_name": "last_name",
    "client.phone": "phone",
    "client.email": "email",
  };
  for (const [from, to] of Object.entries(names))
    if (text(write.fields[from]) !== null) fields[to] = write.fields[from];
  if (fields.first_name === undefined && fields.last_name === undefined) return null;
  return { object: "client", fields };
}

const FIELD_TYPES: Record<string, CrmFieldType> = {
  checkbox: "boolean",
  currency: "number",
  numeric: "number",
  date: "date",
  email: "email",
  picklist: "select",
  text_area: "text",
  text_line: "text",
  url: "text",
  time: "text",
  contact: "text",
  matter: "text",
};

/** `custom_fields`, `practice_areas` and `matter_stages` lists → the schema. */
export function toSchema(customFields: unknown, practiceAreas: unknown, stages: unknown): CrmSchema {
  const custom: CrmField[] = list(customFields).flatMap((entry) => {
    const id = asText(entry.id);
    if (!id || entry.deleted === true) return [];
    const options: CrmOption[] = list(entry.picklist_options).flatMap((o) => {
      const optionId = asText(o.id);
      return optionId ? [{ id: optionId, label: asText(o.option) ?? optionId }] : [];
    });
    return [
      {
        id,
        label: asText(entry.name) ?? id,
        object: entry.parent_type === "Contact" ? ("client" as const) : ("case" as const),
        type: FIELD_TYPES[asText(entry.field_type) ?? ""] ?? "text",
        custom: true,
        required: entry.required === true,
        readOnly: false,
        ...(options.length > 0 ? { options } : {}),
      },
    ];
  });
  const caseTypes: CrmOption[] = list(practiceAreas).flatMap((entry) => {
    const id = asText(entry.id);
    return id ? [{ id, label: asText(entry.name) ?? id }] : [];
  });
  const areaNames = new Map(caseTypes.map((t) => [t.id, t.label]));
  // Stages belong to a practice area; the label says which, as two areas may both have "Intake".
  const substatuses: CrmOption[] = list(stages).flatMap((entry) => {
    const id = asText(entry.id);
    if (!id) return [];
    const name = asText(entry.name) ?? id;
    const area = areaNames.get(asText(entry.practice_area_id) ?? "");
    return [{ id, label: area ? `${name} (${area})` : name }];
  });
  const statuses: CrmStatus[] = MATTER_STATUSES.map((status) => ({
    id: status,
    label: status.charAt(0).toUpperCase() + status.slice(1),
    substatuses,
  }));
  return { fields: [...STANDARD_FIELDS, ...custom], caseTypes, statuses };
}
