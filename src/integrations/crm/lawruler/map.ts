import type {
  CrmField,
  CrmFieldType,
  CrmOption,
  CrmRecord,
  CrmSchema,
  CrmStatus,
  CrmWrite,
} from "../connector.js";
import { ANSWER_FIELDS, EXTERNAL_ID_FIELD, STANDARD_FIELDS } from "./guesses.js";

/** LawRuler's shapes ↔ the connector's vendor-neutral ones. Pure: no I/O. */

/** Answer keys that are the lead's bookkeeping, not its fields. */
const BOOKKEEPING = new Set<string>([
  ANSWER_FIELDS.leadId,
  ANSWER_FIELDS.caseType,
  ANSWER_FIELDS.status,
  ANSWER_FIELDS.subStatus,
  ANSWER_FIELDS.statusTime,
  ANSWER_FIELDS.modifiedTime,
  "Success",
  "Message",
]);

/** Form fields our writes must never set through `fields` (they would change what the post does). */
const RESERVED = new Set([
  "key",
  "operation",
  "leadid",
  "overridelead",
  "returnjson",
  "returnxml",
  "dupcheck",
]);

function asText(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return typeof value === "string" ? value : String(value);
}

/** A lead as LawRuler answers it → a `case` record whose fields are keyed by API names. */
export function leadToRecord(lead: Record<string, unknown>): CrmRecord {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(lead)) {
    if (!BOOKKEEPING.has(name) && value !== null && value !== undefined && value !== "") fields[name] = value;
  }
  const modified = asText(lead[ANSWER_FIELDS.modifiedTime]) ?? asText(lead[ANSWER_FIELDS.statusTime]);
  return {
    object: "case",
    id: asText(lead[ANSWER_FIELDS.leadId]) ?? "",
    fields,
    caseType: asText(lead[ANSWER_FIELDS.caseType]),
    status: asText(lead[ANSWER_FIELDS.status]),
    substatus: asText(lead[ANSWER_FIELDS.subStatus]),
    clientId: null,
    updatedAt: modified ? toIso(modified) : null,
    version: null,
    externalId: asText(lead[EXTERNAL_ID_FIELD]),
  };
}

function toIso(value: string): string | null {
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/**
 * A write → the form fields LawRuler takes: each field by its API name as text (LawRuler's form
 * has no types), empty values left out on create and sent empty on update (to clear them).
 */
export function writeToForm(write: CrmWrite, mode: "create" | "update"): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(write.fields)) {
    if (RESERVED.has(name.toLowerCase())) continue;
    const text = formValue(value);
    if (text === "" && mode === "create") continue;
    form[name] = text;
  }
  if (write.caseType) form[ANSWER_FIELDS.caseType] = write.caseType;
  if (write.status) form[ANSWER_FIELDS.status] = write.status;
  if (write.substatus) form[ANSWER_FIELDS.subStatus] = write.substatus;
  if (write.externalId) form[EXTERNAL_ID_FIELD] = write.externalId;
  return form;
}

function formValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export interface LawRulerCustomField {
  ApiName?: unknown;
  Label?: unknown;
  Type?: unknown;
  Required?: unknown;
  Options?: unknown;
}

const TYPES: Record<string, CrmFieldType> = {
  text: "text",
  number: "number",
  date: "date",
  datetime: "datetime",
  checkbox: "boolean",
  yesno: "boolean",
  dropdown: "select",
  select: "select",
  phone: "phone",
  email: "email",
};

/** The three schema answers → the connector's schema (standard fields first, then custom ones). */
export function toSchema(caseTypes: unknown, statuses: unknown, customFields: unknown): CrmSchema {
  const custom: CrmField[] = list(customFields).flatMap((raw) => {
    const field = raw as LawRulerCustomField;
    const id = asText(field.ApiName);
    if (!id) return [];
    const options = list(field.Options)
      .map(asText)
      .filter((o): o is string => o !== null)
      .map((o) => ({ id: o, label: o }));
    return [
      {
        id,
        label: asText(field.Label) ?? id,
        object: "case" as const,
        type: TYPES[(asText(field.Type) ?? "text").toLowerCase()] ?? "text",
        custom: true,
        required: field.Required === true,
        readOnly: false,
        ...(options.length > 0 ? { options } : {}),
      },
    ];
  });
  const types: CrmOption[] = list(caseTypes).flatMap((raw) => {
    const name = asText((raw as { CaseType?: unknown }).CaseType);
    return name ? [{ id: name, label: name }] : [];
  });
  const statusList: CrmStatus[] = list(statuses).flatMap((raw) => {
    const entry = raw as { Status?: unknown; SubStatuses?: unknown; CaseTypes?: unknown };
    const name = asText(entry.Status);
    if (!name) return [];
    const caseTypesOf = list(entry.CaseTypes)
      .map(asText)
      .filter((t): t is string => t !== null);
    return [
      {
        id: name,
        label: name,
        substatuses: list(entry.SubStatuses)
          .map(asText)
          .filter((s): s is string => s !== null)
          .map((s) => ({ id: s, label: s })),
        ...(caseTypesOf.length > 0 ? { caseTypes: caseTypesOf } : {}),
      },
    ];
  });
  return { fields: [...STANDARD_FIELDS, ...custom], caseTypes: types, statuses: statusList };
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
