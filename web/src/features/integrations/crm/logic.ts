/**
 * Pure decisions of the CRM pages (no React, no fetch), unit-tested in
 * test/unit/dashboard-crm.test.ts.
 */
import type { CrmField, CrmProvider, CrmStatusAnswer, StaleMapping } from "./types.js";

export interface Option {
  value: string;
  label: string;
}

/**
 * The platform fields a mapping may name (src/domain/crm/mappings.ts CLIENT_MAPPABLE and
 * CASE_MAPPABLE). Copied rather than imported: that module builds TypeBox schemas at load, which
 * would add TypeBox to the dashboard's bundle; test/unit/dashboard-crm.test.ts keeps them equal.
 */
export const CLIENT_FIELDS = [
  "first_name",
  "last_name",
  "name",
  "phone",
  "email",
  "address.street",
  "address.city",
  "address.state",
  "address.postal_code",
  "date_of_birth",
  "preferred_language",
  "opt_out",
  "source",
] as const;
export const CASE_FIELDS = [
  "title",
  "description",
  "incident_date",
  "campaign_id",
  "call_id",
  "source",
] as const;

interface CustomFieldKeys {
  clients: ReadonlyArray<{ key: string; label: string }>;
  cases: ReadonlyArray<{ key: string; label: string }>;
}

/**
 * The platform fields a mapping row may name, for the record kinds the CRM keeps. A CRM whose
 * cases carry their contact (objects `["case"]`) takes the client's fields as `client.<field>`.
 */
export function platformFieldOptions(objects: readonly string[], custom: CustomFieldKeys | null): Option[] {
  const options: Option[] = [];
  const clientPrefix = objects.includes("client") ? "" : "client.";
  if (objects.includes("client") || objects.includes("case")) {
    for (const name of CLIENT_FIELDS)
      options.push({ value: `${clientPrefix}${name}`, label: `Client: ${name}` });
    for (const field of custom?.clients ?? []) {
      options.push({ value: `${clientPrefix}custom_fields.${field.key}`, label: `Client: ${field.label}` });
    }
  }
  if (objects.includes("case")) {
    for (const name of CASE_FIELDS) options.push({ value: name, label: `Case: ${name}` });
    for (const field of custom?.cases ?? []) {
      options.push({ value: `custom_fields.${field.key}`, label: `Case: ${field.label}` });
    }
  }
  return options;
}

/** The CRM fields a row may pick, labelled with their record kind and flags. */
export function crmFieldOptions(fields: readonly CrmField[], objects: readonly string[]): Option[] {
  return fields
    .filter((f) => objects.includes(f.object))
    .map((f) => ({
      value: f.id,
      label: `${f.label} (${f.object}${f.custom ? ", custom" : ""}${f.readOnly ? ", read-only" : ""})`,
    }));
}

export type MappingTable = "fields" | "statuses" | "case_types";

/**
 * Stale entries by table and row, from the paths a refresh (`/fields/2`) or a 422 on save
 * (`/body/fields/2`) names, so each reason is shown at its row.
 */
export function staleByRow(stale: readonly StaleMapping[]): Record<MappingTable, Map<number, string>> {
  const rows: Record<MappingTable, Map<number, string>> = {
    fields: new Map(),
    statuses: new Map(),
    case_types: new Map(),
  };
  for (const entry of stale) {
    const match = /^(?:\/body)?\/(fields|statuses|case_types)\/(\d+)(?:\/.*)?$/.exec(entry.path);
    if (!match?.[1] || match[2] === undefined) continue;
    const table = rows[match[1] as MappingTable];
    const index = Number(match[2]);
    // Several reasons for one row are shown together.
    table.set(index, table.has(index) ? `${table.get(index)}; ${entry.reason}` : entry.reason);
  }
  return rows;
}

/**
 * The entries a 422 answer to `PUT …/mappings` refused: `details.stale`, else the one input the
 * validation named (`/body/fields/0/crm_field`), so either shows at its row.
 */
export function staleOfDetails(
  details: Record<string, unknown> | undefined,
  message: string,
): StaleMapping[] {
  const stale = details?.stale;
  if (!Array.isArray(stale))
    return typeof details?.path === "string" ? [{ path: details.path, reason: message }] : [];
  return stale.filter(
    (s): s is StaleMapping =>
      typeof s === "object" && s !== null && typeof s.path === "string" && typeof s.reason === "string",
  );
}

/**
 * The credentials a save sends: what was typed. A secret left empty is kept by the server (a
 * PATCH leaves it out), so empty inputs are never sent; on create every required one is needed.
 */
export function credentialsToSend(
  provider: Pick<CrmProvider, "credentials">,
  typed: Readonly<Record<string, string>>,
  creating: boolean,
): { credentials: Record<string, string>; missing: string[] } {
  const credentials: Record<string, string> = {};
  const missing: string[] = [];
  for (const field of provider.credentials) {
    const value = (typed[field.name] ?? "").trim();
    if (value !== "") credentials[field.name] = value;
    else if (creating && field.required) missing.push(field.name);
  }
  return { credentials, missing };
}

/** The app's own credentials an OAuth CRM's Connect button needs (its tokens come from the flow). */
const OAUTH_APP_FIELDS = ["client_id", "client_secret"];

/**
 * The provider as the Connect-button form shows it: only the app's key and secret, both required
 * (the access and refresh tokens come back from the CRM's authorize page).
 */
export function oauthAppProvider<P extends Pick<CrmProvider, "credentials">>(provider: P): P {
  return {
    ...provider,
    credentials: provider.credentials
      .filter((f) => OAUTH_APP_FIELDS.includes(f.name))
      .map((f) => ({ ...f, required: true })),
  };
}

/** "Connect with Clio": the button is named after the company (the first word of the product's label). */
export function connectWithLabel(label: string): string {
  return `Connect with ${label.split(" ")[0] ?? label}`;
}

export type CardState = "none" | CrmStatusAnswer["state"];

/** The words and badge class of a connection's state on its card and status panel. */
export function stateBadge(state: CardState): { label: string; className: string } {
  switch (state) {
    case "none":
      return { label: "Not connected", className: "badge badge-muted" };
    case "idle":
      return { label: "Connected · idle", className: "badge badge-succeeded" };
    case "syncing":
      return { label: "Syncing", className: "badge badge-pending" };
    case "failing":
      return { label: "Failing", className: "badge badge-failed" };
    case "paused":
      return { label: "Paused", className: "badge badge-muted" };
    default:
      return { label: state, className: "badge badge-muted" };
  }
}
