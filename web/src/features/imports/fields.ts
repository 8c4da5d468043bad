/** The record fields an import column can fill, by object (custom fields are added from the settings). */
import type { CustomField, ImportObject } from "../records/types";

const CLIENT_FIELDS = [
  "first_name",
  "last_name",
  "phone",
  "email",
  "date_of_birth",
  "preferred_language",
  "opt_out",
  "street",
  "city",
  "state",
  "postal_code",
  "source",
  "external_id",
];

const CASE_FIELDS = [
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
  "external_id",
];

/**
 * Every field a column may map to: the object's own, its custom fields, and whatever the server
 * suggested (so a field this list does not know still shows as picked).
 */
export function mappableFields(
  object: ImportObject,
  custom: readonly CustomField[],
  suggested: Record<string, string | null>,
): string[] {
  const all = [
    ...(object === "clients" ? CLIENT_FIELDS : CASE_FIELDS),
    ...custom.map((f) => `custom_fields.${f.key}`),
    ...Object.values(suggested).filter((v): v is string => typeof v === "string" && v !== ""),
  ];
  return [...new Set(all)];
}

/** The format a file's name says, if it says one. */
export function formatOfName(name: string): "csv" | "jsonl" | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  return null;
}

/** A preview row's cell, whether the server sent rows as objects by header or as arrays. */
export function cellOf(row: unknown, header: string, index: number): string {
  const value = Array.isArray(row) ? row[index] : (row as Record<string, unknown> | null)?.[header];
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}
