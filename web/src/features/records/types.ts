/** Shapes of the records API (clients, cases, their settings, timeline and imports) the dashboard reads. */
import type { CaseView } from "../../../../src/domain/records/case.js";
import type { ClientView } from "../../../../src/domain/records/client.js";

// The record shapes are the schemas the server's routes answer with, never re-declared here.
export type Client = ClientView;
export type Case = CaseView;
export type Phone = Client["phones"][number];
export type Address = Client["addresses"][number];

/** One entry of `possible_duplicates` in the answer to creating a client. */
export interface PossibleDuplicate {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  matched_on: Array<"phone" | "email">;
}

export type CreatedClient = Client & { possible_duplicates?: PossibleDuplicate[] };

export interface Duplicate {
  client: Client;
  matched_on: Array<"phone" | "email">;
}

export interface Substatus {
  key: string;
  label: string;
}
export interface Status {
  key: string;
  label: string;
  substatuses: Substatus[];
}
export interface CaseType {
  key: string;
  label: string;
  statuses: Status[];
}

export const CUSTOM_FIELD_TYPES = ["text", "number", "date", "boolean", "select", "phone", "email"] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface CustomField {
  key: string;
  label: string;
  type: CustomFieldType;
  options?: string[];
  required: boolean;
  help_text?: string;
}

export interface CustomFieldSettings {
  clients: CustomField[];
  cases: CustomField[];
}

export interface RecordsSettings {
  intake_from_calls: boolean;
  default_region: string;
}

export interface TimelineEntry {
  at: string;
  kind: "change" | "event";
  event: { id: string; type: string; occurred_at: string; data: Record<string, unknown> };
  change_source?: string;
  changes?: Record<string, { old: unknown; new: unknown }>;
  deliveries: Array<{ id: string; webhook_id: string; status: string; attempts: number }>;
}

export type ImportObject = "clients" | "cases";
export type ImportFormat = "csv" | "jsonl";

export interface ImportPreview {
  headers: string[];
  rows: Array<Record<string, unknown>> | unknown[][];
  suggested_columns: Record<string, string | null>;
  total_rows: number;
}

export interface ImportRowError {
  row: number;
  path: string;
  code: string;
  message: string;
}

export interface ImportRun {
  id: string;
  object: ImportObject;
  status: "queued" | "running" | "completed" | "failed";
  dry_run: boolean;
  total: number;
  done: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  errors: ImportRowError[];
}

/** "Ana Ruiz", else the first email or phone, else the id: what a person recognises a client by. */
export function clientName(
  client: Pick<Client, "id" | "first_name" | "last_name" | "emails" | "phones">,
): string {
  const name = [client.first_name, client.last_name].filter(Boolean).join(" ");
  return name || client.emails[0] || client.phones[0]?.number || client.id;
}
