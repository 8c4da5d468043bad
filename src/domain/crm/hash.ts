import { createHash } from "node:crypto";
import type { CrmRecord, CrmSchema, CrmWrite } from "../../integrations/crm/connector.js";
import { type CrmMappings, crmFieldOf } from "./mappings.js";

/**
 * Content hashes of the mapped fields, one per side of a link: what we last wrote (platform
 * side, the write in CRM terms) and what we last saw or wrote in the CRM (CRM side, the record
 * projected onto the mapped fields). A side whose hash did not move did not change anything a
 * mapping cares about — the basis of "no echo" and of conflict detection.
 */

/** JSON with object keys sorted, so equal content hashes equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

const sha = (value: unknown): string =>
  createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 32);

/** Empty values compare equal however a CRM spells them (absent, null, ""). */
function normalised(value: unknown): unknown {
  if (value === undefined || value === "") return null;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return value;
}

/** The platform side's hash: the write the mappings make of the record. */
export function writeHash(write: CrmWrite): string {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(write.fields)) fields[k] = normalised(v);
  return sha({
    fields,
    caseType: write.caseType ?? null,
    status: write.status ?? null,
    substatus: write.substatus ?? null,
  });
}

/**
 * The CRM side's hash: the record's mapped fields (any direction) and, when mappings name any,
 * its case type and status. A field the CRM did not return counts as empty.
 */
export function recordHash(record: CrmRecord, mappings: CrmMappings, schema: CrmSchema): string {
  const fields: Record<string, unknown> = {};
  for (const mapping of mappings.fields) {
    const field = crmFieldOf(schema, mapping.crm_field);
    if (!field || field.object !== record.object) continue;
    fields[field.id] = normalised(record.fields[field.id]);
  }
  const isCase = record.object === "case";
  return sha({
    fields,
    caseType: isCase && mappings.case_types.length > 0 ? (record.caseType ?? null) : null,
    status: isCase && mappings.statuses.length > 0 ? (record.status ?? null) : null,
    substatus: isCase && mappings.statuses.length > 0 ? (record.substatus ?? null) : null,
  });
}

/**
 * The CRM side's hash right after we wrote `write`, when the CRM's answer may leave fields out:
 * the answer's fields with what we wrote laid over them (the CRM now holds those).
 */
export function recordHashAfterWrite(
  answer: CrmRecord,
  write: CrmWrite,
  mappings: CrmMappings,
  schema: CrmSchema,
): string {
  const merged: CrmRecord = {
    ...answer,
    fields: { ...answer.fields, ...write.fields },
    ...(write.caseType !== undefined ? { caseType: write.caseType } : {}),
    ...(write.status !== undefined ? { status: write.status } : {}),
    ...(write.substatus !== undefined ? { substatus: write.substatus } : {}),
  };
  return recordHash(merged, mappings, schema);
}
