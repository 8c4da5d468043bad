import type {
  CrmField,
  CrmFieldType,
  CrmOption,
  CrmRecord,
  CrmSchema,
  CrmStatus,
  CrmWrite,
} from "../connector.js";

/**
 * Filevine's shapes (v2 OpenAPI definitions Project, Contact, Phase, CustomSection) ↔ the
 * connector's vendor-neutral ones. Pure: no I/O. A project is a `case`: its project type id is the
 * case type and its phase id the status (phases belong to a project type; Filevine has no
 * substatus). Its client's name, phone and email ride on it as `client.*` fields. Custom fields are
 * the project type's (non-collection) section fields, keyed `<SectionSelector>.<FieldSelector>`.
 * Our external id is kept in the project's `Number`, the one project field `GET /Projects` filters on.
 */

type Json = Record<string, unknown>;

/** The project's own fields we read and write, by Filevine's names. */
const PROJECT_FIELDS = ["ProjectName", "Description", "IncidentDate"] as const;
const ADDRESS_PARTS = ["Line1", "Line2", "City", "State", "PostalCode"] as const;

function field(
  id: string,
  object: "case" | "client",
  type: CrmFieldType,
  extra: Partial<CrmField> = {},
): CrmField {
  return { id, label: id, object, type, custom: false, required: false, readOnly: false, ...extra };
}

export const STANDARD_FIELDS: CrmField[] = [
  field("ProjectName", "case", "text"),
  field("Description", "case", "text"),
  field("IncidentDate", "case", "datetime"),
  field("client.first_name", "case", "text"),
  field("client.last_name", "case", "text"),
  field("client.phone", "case", "phone"),
  field("client.email", "case", "email"),
  field("FirstName", "client", "text", { required: true }),
  field("MiddleName", "client", "text"),
  field("LastName", "client", "text", { required: true }),
  field("BirthDate", "client", "date"),
  field("phone", "client", "phone"),
  field("email", "client", "email"),
  ...ADDRESS_PARTS.map((id) => field(id, "client", "text")),
];

export function asText(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return typeof value === "string" ? value : String(value);
}

export function object(value: unknown): Json {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

export function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(object) : [];
}

/** `{Native: 123, Partner: "…"}` → "123". */
export function native(identifier: unknown): string | null {
  return asText(object(identifier).Native);
}

function iso(value: unknown): string | null {
  const time = Date.parse(asText(value) ?? "");
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

export function contactPhone(contact: Json): string | null {
  return asText(list(contact.Phones)[0]?.Number);
}

export function contactEmail(contact: Json): string | null {
  return asText(contact.PrimaryEmail) ?? asText(list(contact.Emails)[0]?.Address);
}

/**
 * One project, its client contact (null when not read) and its section forms → a `case` record.
 * `forms` maps a section selector to the form Filevine answered (field selector → value).
 */
export function projectToRecord(project: Json, contact: Json | null, forms: Record<string, Json>): CrmRecord {
  const fields: Json = {};
  for (const name of PROJECT_FIELDS) {
    const value = asText(project[name]);
    if (value !== null) fields[name] = value;
  }
  const client: Record<string, unknown> = {
    // The contact, when read, is the truth: the project's copy of the name may lag behind it.
    "client.first_name": contact?.FirstName ?? project.ClientFirstName,
    "client.last_name": contact?.LastName ?? project.ClientLastName,
    "client.phone": contact ? contactPhone(contact) : null,
    "client.email": contact ? contactEmail(contact) : null,
  };
  for (const [name, value] of Object.entries(client)) if (asText(value) !== null) fields[name] = value;
  for (const [section, form] of Object.entries(forms)) {
    for (const [name, value] of Object.entries(form)) {
      if (name === "OrgId" || name === "Links" || value === null || value === undefined || value === "")
        continue;
      fields[`${section}.${name}`] = value;
    }
  }
  return {
    object: "case",
    id: native(project.ProjectId) ?? "",
    fields,
    caseType: native(project.ProjectTypeId),
    status: native(project.PhaseId),
    substatus: null,
    clientId: native(project.ClientId),
    updatedAt: iso(project.LastActivity) ?? iso(project.CreatedDate),
    externalId: asText(project.Number),
    // Filevine's v2 projects carry no etag or version.
    version: null,
  };
}

export function contactToRecord(contact: Json): CrmRecord {
  const fields: Json = {};
  for (const name of ["FirstName", "MiddleName", "LastName", "BirthDate"]) {
    const value = asText(contact[name]);
    if (value !== null) fields[name] = value;
  }
  const phone = contactPhone(contact);
  const email = contactEmail(contact);
  if (phone) fields.phone = phone;
  if (email) fields.email = email;
  const address = list(contact.Addresses)[0];
  for (const part of ADDRESS_PARTS) {
    const value = asText(address?.[part]);
    if (value !== null) fields[part] = value;
  }
  return {
    object: "client",
    id: native(contact.PersonId) ?? "",
    fields,
    updatedAt: iso(contact.ModifiedDate),
    externalId: null,
    version: null,
  };
}

function text(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function identifier(id: string | null | undefined): { Native: number } | undefined {
  return id && /^\d+$/.test(id) ? { Native: Number(id) } : undefined;
}

/** A case write → `UpdateableProject` (create) or `PatchProjectRequest` (update). */
export function writeToProject(
  write: CrmWrite,
  options: { create: boolean; clientId?: string | null },
): Json {
  const body: Json = {};
  for (const name of PROJECT_FIELDS) {
    if (!(name in write.fields)) continue;
    const value = text(write.fields[name]);
    if (value !== null) body[name] = value;
    else if (!options.create) body[name] = null;
  }
  if (write.externalId) body.Number = write.externalId;
  const phase = identifier(write.status);
  if (phase) body.PhaseId = phase;
  if (options.create) {
    const type = identifier(write.caseType);
    body.ProjectTypeId = type ?? { Native: -1 };
    const client = identifier(options.clientId ?? write.clientId);
    if (client) body.ClientId = client;
    if (!body.ProjectName) {
      const name = [write.fields["client.first_name"], write.fields["client.last_name"]]
        .filter(Boolean)
        .join(" ");
      body.ProjectName = name || write.externalId || "New project";
    }
  }
  return body;
}

/** The custom values of a write, grouped by section: `{section: {field: value}}` for `PATCH …/Forms/{section}`. */
export function writeToForms(write: CrmWrite): Record<string, Json> {
  const forms: Record<string, Json> = {};
  for (const [name, value] of Object.entries(write.fields)) {
    const dot = name.indexOf(".");
    if (dot <= 0 || name.startsWith("client.")) continue;
    const section = name.slice(0, dot);
    forms[section] ??= {};
    (forms[section] as Json)[name.slice(dot + 1)] = value === undefined || value === "" ? null : value;
  }
  return forms;
}

/** A client write (or a case's `client.*` fields) → a `Contact` body. */
export function writeToContact(fields: Json, options: { create: boolean }): Json {
  const body: Json = {};
  for (const name of ["FirstName", "MiddleName", "LastName", "BirthDate"])
    if (name in fields) body[name] = text(fields[name]);
  const phone = text(fields.phone);
  if (phone) body.Phones = [{ Number: phone, Label: "Mobile", IsSmsable: true, IsFaxable: false }];
  const email = text(fields.email);
  if (email) body.Emails = [{ Address: email, Label: "Personal" }];
  const address: Json = {};
  for (const part of ADDRESS_PARTS) if (text(fields[part]) !== null) address[part] = text(fields[part]);
  if (Object.keys(address).length > 0) body.Addresses = [{ Label: "Home", ...address }];
  if (options.create) {
    body.PersonTypes = ["Client"];
    for (const [key, value] of Object.entries(body)) if (value === null) delete body[key];
  }
  return body;
}

/** A case's `client.*` fields → the fields of the contact to create for it; null when it names nobody. */
export function caseClientFields(write: CrmWrite): Json | null {
  const f = write.fields;
  const out: Json = {
    FirstName: f["client.first_name"],
    LastName: f["client.last_name"],
    phone: f["client.phone"],
    email: f["client.email"],
  };
  for (const [key, value] of Object.entries(out)) if (text(value) === null) delete out[key];
  return out.FirstName === undefined && out.LastName === undefined ? null : out;
}

const FIELD_TYPES: Record<string, CrmFieldType> = {
  String: "text",
  Text: "text",
  MultilineText: "text",
  Integer: "number",
  Decimal: "number",
  Currency: "number",
  Percent: "number",
  Date: "date",
  DateTime: "datetime",
  Boolean: "boolean",
  YesNo: "boolean",
  Dropdown: "select",
  PhoneNumber: "phone",
  Email: "email",
};

export interface ProjectTypeSchema {
  type: Json;
  phases: Json[];
  sections: Json[];
}

/** Each project type with its phases and sections → the schema. */
export function toSchema(types: ProjectTypeSchema[]): CrmSchema {
  const caseTypes: CrmOption[] = [];
  const statuses: CrmStatus[] = [];
  const custom = new Map<string, CrmField>();
  for (const { type, phases, sections } of types) {
    const typeId = native(type.ProjectTypeId);
    if (!typeId) continue;
    caseTypes.push({ id: typeId, label: asText(type.Name) ?? typeId });
    for (const phase of phases) {
      const id = native(phase.PhaseId);
      if (id) statuses.push({ id, label: asText(phase.Name) ?? id, substatuses: [], caseTypes: [typeId] });
    }
    for (const section of sections) {
      const selector = asText(section.SectionSelector);
      // A collection section holds many rows per project: not one value a mapping can name.
      if (!selector || section.IsCollection === true) continue;
      for (const entry of list(section.CustomFields)) {
        const fieldSelector = asText(entry.FieldSelector);
        if (!fieldSelector) continue;
        const id = `${selector}.${fieldSelector}`;
        const items: unknown[] = Array.isArray(entry.DropdownItems) ? entry.DropdownItems : [];
        const options = items.flatMap((o) => (typeof o === "string" ? [{ id: o, label: o }] : []));
        custom.set(id, {
          id,
          label: `${asText(section.Name) ?? selector}: ${asText(entry.Name) ?? fieldSelector}`,
          object: "case",
          type: FIELD_TYPES[asText(entry.CustomFieldType) ?? ""] ?? "text",
          custom: true,
          required: entry.IsRequired === true,
          readOnly: entry.IsLocked === true,
          ...(options.length > 0 ? { options } : {}),
        });
      }
    }
  }
  return { fields: [...STANDARD_FIELDS, ...custom.values()], caseTypes, statuses };
}
