import type {
  CrmField,
  CrmFieldType,
  CrmOption,
  CrmRecord,
  CrmSchema,
  CrmStatus,
  CrmWrite,
} from "../connector.js";
import {
  CASE_TYPE_FIELD,
  EXTERNAL_ID_FIELD,
  PLAINTIFF_FIELDS,
  SECOND_STATUS_FIELD,
  STANDARD_FIELDS,
  STATUS_FIELD,
} from "./guesses.js";

/** SmartAdvocate's shapes ↔ the connector's vendor-neutral ones. Pure: no I/O. */

function asText(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return typeof value === "string" ? value : String(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function object(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** "Tim, Berton" → first "Berton", last "Tim": CaseInfo writes names last name first. */
export function splitName(name: string): { first: string | null; last: string | null } {
  const [last, ...rest] = name.split(",");
  const first = rest.join(",").trim();
  return { first: first || null, last: last?.trim() || null };
}

/** The second status in force: the one with the latest `fromDate`. */
function currentSecondStatus(statuses: unknown): string | null {
  let best: { at: number; name: string } | null = null;
  for (const raw of list(statuses)) {
    const entry = object(raw);
    const name = asText(entry.statusName);
    if (!name) continue;
    const at = Date.parse(asText(entry.fromDate) ?? "") || 0;
    if (!best || at >= best.at) best = { at, name };
  }
  return best?.name ?? null;
}

/** One CaseInfo entry → a `case` record keyed by the intake's field names and UDF names. */
export function caseToRecord(info: Record<string, unknown>): CrmRecord {
  const fields: Record<string, unknown> = {};
  const plaintiffs = list(info.plaintiffs).map(object);
  const primary = plaintiffs.find((p) => p.primary === true) ?? plaintiffs[0] ?? {};
  for (const [field, key] of Object.entries(PLAINTIFF_FIELDS)) {
    const value = asText(primary[key]);
    if (value !== null) fields[field] = value;
  }
  const name = asText(primary.name);
  if (name && fields["first name"] === undefined && fields["last name"] === undefined) {
    const { first, last } = splitName(name);
    if (first) fields["first name"] = first;
    if (last) fields["last name"] = last;
  }
  for (const raw of list(info.userDefinedFields)) {
    const udf = object(raw);
    const udfName = asText(udf.udfName);
    const value = udf.value;
    if (udfName && value !== null && value !== undefined && value !== "") fields[udfName] = value;
  }
  const modified = asText(info.modifiedDate);
  return {
    object: "case",
    id: asText(info.caseNumber) ?? "",
    fields,
    caseType: asText(info.caseType),
    status: asText(info.caseStatus),
    substatus: currentSecondStatus(info.secondStatuses),
    clientId: null,
    updatedAt: modified ? iso(modified) : null,
    version: null,
    externalId: asText(info.intakeId),
  };
}

function iso(value: string): string | null {
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** When SmartAdvocate created the case (CaseInfo's `createdDate`), in ms; null when it does not say. */
export function createdAt(info: Record<string, unknown>): number | null {
  const time = Date.parse(asText(info.createdDate) ?? "");
  return Number.isNaN(time) ? null : time;
}

/** A write → the intake's JSON body: fields by their exact names (UDFs by name), as text. */
export function writeToIntake(write: CrmWrite): Record<string, string> {
  const body: Record<string, string> = {};
  for (const [name, value] of Object.entries(write.fields)) {
    if (value === null || value === undefined || value === "") continue;
    body[name] = typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  if (write.caseType) body[CASE_TYPE_FIELD] = write.caseType;
  if (write.externalId) body[EXTERNAL_ID_FIELD] = write.externalId;
  return body;
}

/** A write → the (guessed) update body: the same names, empty values clear, plus the statuses. */
export function writeToUpdate(write: CrmWrite): Record<string, string | null> {
  const body: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(write.fields)) {
    body[name] =
      value === null || value === undefined || value === ""
        ? null
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  }
  if (write.caseType) body[CASE_TYPE_FIELD] = write.caseType;
  if (write.status) body[STATUS_FIELD] = write.status;
  if (write.substatus) body[SECOND_STATUS_FIELD] = write.substatus;
  if (write.externalId) body[EXTERNAL_ID_FIELD] = write.externalId;
  return body;
}

const UDF_TYPES: Record<string, CrmFieldType> = {
  text: "text",
  memo: "text",
  number: "number",
  currency: "number",
  date: "date",
  datetime: "datetime",
  checkbox: "boolean",
  yesno: "boolean",
  combo: "select",
  dropdown: "select",
  phone: "phone",
  email: "email",
};

/** The three (guessed) schema answers → the connector's schema. */
export function toSchema(caseTypes: unknown, statuses: unknown, udfs: unknown): CrmSchema {
  const custom: CrmField[] = list(udfs).flatMap((raw) => {
    const udf = object(raw);
    const id = asText(udf.udfName);
    if (!id) return [];
    const options: CrmOption[] = list(udf.options)
      .map(asText)
      .filter((o): o is string => o !== null)
      .map((o) => ({ id: o, label: o }));
    return [
      {
        id,
        label: id,
        object: "case" as const,
        type: UDF_TYPES[(asText(udf.udfType) ?? "text").toLowerCase()] ?? "text",
        custom: true,
        required: false,
        readOnly: false,
        ...(options.length > 0 ? { options } : {}),
      },
    ];
  });
  const types: CrmOption[] = list(caseTypes).flatMap((raw) => {
    const name = asText(object(raw).caseType);
    return name ? [{ id: name, label: name }] : [];
  });
  const statusList: CrmStatus[] = list(statuses).flatMap((raw) => {
    const entry = object(raw);
    const name = asText(entry.caseStatus);
    if (!name) return [];
    return [
      {
        id: name,
        label: name,
        substatuses: list(entry.secondStatuses).flatMap((s) => {
          const second = asText(object(s).statusName);
          return second ? [{ id: second, label: second }] : [];
        }),
      },
    ];
  });
  return { fields: [...STANDARD_FIELDS, ...custom], caseTypes: types, statuses: statusList };
}
