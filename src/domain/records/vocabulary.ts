import { type Static, Type } from "@sinclair/typebox";
import { type CountryCode, isSupportedCountry } from "libphonenumber-js";
import { invalid } from "../errors.js";
import type { CaseFields, CasePatch } from "./case.js";
import { type CustomFieldDefinition, readDefinitions } from "./custom-fields.js";
import { DEFAULT_PHONE_REGION } from "./phone.js";

/**
 * A tenant's vocabularies: the case types it handles, each with its statuses and their
 * substatuses, and its records settings. Values are stored by `key`; labels are for people only,
 * so renaming a label never touches a stored case. Pure: the schemas of the settings routes and
 * the rules a case must follow.
 */

/** Keys are what records store and CRM mappings name: short, lower-case, stable. */
export const VOCABULARY_KEY_PATTERN = "^[a-z][a-z0-9_]{0,62}$";
const Key = Type.String({ pattern: VOCABULARY_KEY_PATTERN, description: "Stored value; never changes." });
const Label = Type.String({ minLength: 1, maxLength: 200, description: "What people see; free to rename." });

export const SubstatusSchema = Type.Object({ key: Key, label: Label }, { additionalProperties: false });

export const StatusSchema = Type.Object(
  {
    key: Key,
    label: Label,
    substatuses: Type.Array(SubstatusSchema, { maxItems: 100 }),
  },
  { additionalProperties: false },
);

export const CaseTypeSchema = Type.Object(
  {
    key: Key,
    label: Label,
    statuses: Type.Array(StatusSchema, {
      minItems: 1,
      maxItems: 100,
      description: "In order; the first is a new case's status.",
    }),
  },
  { additionalProperties: false },
);
export type CaseTypeDefinition = Static<typeof CaseTypeSchema>;

export const CaseTypesSchema = Type.Object(
  { case_types: Type.Array(CaseTypeSchema, { maxItems: 200 }) },
  { additionalProperties: false, title: "CaseTypeSettings" },
);
export type CaseTypes = Static<typeof CaseTypesSchema>;

export const RecordsSettingsSchema = Type.Object(
  {
    intake_from_calls: Type.Boolean({
      description: "An inbound call.ended from an unknown number creates a lead client and a case.",
    }),
    default_region: Type.String({
      pattern: "^[A-Z]{2}$",
      description: "ISO 3166 alpha-2 country where phone numbers without a country code are read.",
    }),
  },
  { additionalProperties: false, title: "RecordSettings" },
);
export type RecordsSettings = Static<typeof RecordsSettingsSchema>;

export const RecordsSettingsPatchSchema = Type.Partial(RecordsSettingsSchema, {
  additionalProperties: false,
});
export type RecordsSettingsPatch = Static<typeof RecordsSettingsPatchSchema>;

/** Everything a tenant sets about its records, stored as one document. */
export interface TenantSettingsDocument {
  case_types: CaseTypeDefinition[];
  custom_fields: {
    clients: CustomFieldDefinition[];
    cases: CustomFieldDefinition[];
  };
  records: RecordsSettings;
}

/** A tenant that never saved settings: nothing enforced, intake off, numbers read as US. */
export const DEFAULT_TENANT_SETTINGS: TenantSettingsDocument = {
  case_types: [],
  custom_fields: { clients: [], cases: [] },
  records: { intake_from_calls: false, default_region: DEFAULT_PHONE_REGION },
};

/**
 * The document as stored (null when none), with defaults for whatever it lacks: sections added
 * by later versions read as their defaults from documents saved before them.
 */
export function readTenantSettings(stored: unknown): TenantSettingsDocument {
  const doc = isObject(stored) ? stored : {};
  const custom = isObject(doc.custom_fields) ? doc.custom_fields : {};
  const records = isObject(doc.records) ? doc.records : {};
  return {
    case_types: Array.isArray(doc.case_types) ? (doc.case_types as CaseTypeDefinition[]) : [],
    custom_fields: { clients: readDefinitions(custom.clients), cases: readDefinitions(custom.cases) },
    records: {
      intake_from_calls:
        typeof records.intake_from_calls === "boolean"
          ? records.intake_from_calls
          : DEFAULT_TENANT_SETTINGS.records.intake_from_calls,
      default_region:
        typeof records.default_region === "string" && isSupportedCountry(records.default_region)
          ? records.default_region
          : DEFAULT_TENANT_SETTINGS.records.default_region,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The rules the schema cannot say: keys unique at every level. Throws with the path of the first repeat. */
export function validateCaseTypes(caseTypes: CaseTypeDefinition[], path: string): void {
  uniqueKeys(caseTypes, path);
  caseTypes.forEach((type, t) => {
    uniqueKeys(type.statuses, `${path}/${t}/statuses`);
    type.statuses.forEach((status, s) => {
      uniqueKeys(status.substatuses, `${path}/${t}/statuses/${s}/substatuses`);
    });
  });
}

function uniqueKeys(items: Array<{ key: string }>, path: string): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.key)) throw invalid(`${path}/${i}/key`, `"${item.key}" is listed twice`);
    seen.add(item.key);
  });
}

/** Records settings after a patch; an unknown region throws. */
export function applyRecordsSettings(
  current: RecordsSettings,
  patch: RecordsSettingsPatch,
  path: string,
): RecordsSettings {
  if (patch.default_region !== undefined && regionOf(patch.default_region) === null) {
    throw invalid(`${path}/default_region`, `"${patch.default_region}" is not a country code we know`);
  }
  return { ...current, ...patch };
}

/** A supported ISO 3166 alpha-2 code as libphonenumber-js names it, else null. */
export function regionOf(code: string): CountryCode | null {
  return isSupportedCountry(code) ? code : null;
}

/** What `vocabularyOf` needs to know about a write: a new case, or which fields a patch names. */
export interface CaseWrite {
  creating: boolean;
  input: CasePatch;
}

/**
 * A case's type, status and substatus checked against the tenant's case types; answers the fields
 * with the default status filled in (a new case without a status gets its type's first). With no
 * case types, nothing is enforced (the tenant has not set a vocabulary). A patch that names none
 * of the three is not checked, so cases saved before the vocabulary existed stay editable. When
 * case types exist a case must have one (null is refused): its statuses depend on it.
 */
export function applyCaseVocabulary(
  caseTypes: CaseTypeDefinition[],
  fields: CaseFields,
  write: CaseWrite,
  path: string,
): CaseFields {
  if (caseTypes.length === 0) return fields;
  const { input, creating } = write;
  const named = input.case_type !== undefined || input.status !== undefined || input.substatus !== undefined;
  if (!creating && !named) return fields;
  const typeKeys = caseTypes.map((t) => t.key);
  const type = caseTypes.find((t) => t.key === fields.case_type);
  if (!type) {
    const what = fields.case_type === null ? "is required" : `"${fields.case_type}" is not a case type`;
    throw invalid(`${path}/case_type`, `${what}; valid: ${typeKeys.join(", ")}`, { valid: typeKeys });
  }
  const statusKeys = type.statuses.map((s) => s.key);
  const next = { ...fields };
  if (creating && input.status === undefined) next.status = statusKeys[0] ?? next.status;
  const status = type.statuses.find((s) => s.key === next.status);
  if (!status) {
    throw invalid(
      `${path}/status`,
      `"${next.status}" is not a status of case type "${type.key}"; valid: ${statusKeys.join(", ")}`,
      { case_type: type.key, valid: statusKeys },
    );
  }
  const substatusKeys = status.substatuses.map((s) => s.key);
  if (next.substatus !== null && !substatusKeys.includes(next.substatus)) {
    const valid = substatusKeys.length > 0 ? substatusKeys.join(", ") : "none (leave it null)";
    throw invalid(
      `${path}/substatus`,
      `"${next.substatus}" is not a substatus of status "${status.key}"; valid: ${valid}`,
      { case_type: type.key, status: status.key, valid: substatusKeys },
    );
  }
  return next;
}

/** The case type and status a case made without a caller's choice (intake) starts in. */
export function firstCaseState(
  caseTypes: CaseTypeDefinition[],
  fallbackStatus: string,
): { case_type: string | null; status: string } {
  const type = caseTypes[0];
  return { case_type: type?.key ?? null, status: type?.statuses[0]?.key ?? fallbackStatus };
}

/** Cases still using a (case type, status) that a new vocabulary drops. */
export interface StrandedCases {
  case_type: string;
  status: string;
  cases: number;
}

/**
 * The (case type, status) pairs `before` allows and `after` does not, with how many cases use
 * each; empty when the change strands no case. Going from no vocabulary to one strands nothing:
 * nothing was enforced before, so nothing is taken away (cases with other values stay as they are
 * and are checked when a write names their type or status).
 */
export function strandedCases(
  before: CaseTypeDefinition[],
  after: CaseTypeDefinition[],
  usage: Array<{ case_type: string | null; status: string; count: number }>,
): StrandedCases[] {
  const kept = new Set(after.flatMap((t) => t.statuses.map((s) => pairKey(t.key, s.key))));
  const dropped = new Set(
    before.flatMap((t) => t.statuses.map((s) => pairKey(t.key, s.key))).filter((k) => !kept.has(k)),
  );
  const stranded: StrandedCases[] = [];
  for (const row of usage) {
    if (row.case_type === null || row.count <= 0) continue;
    if (dropped.has(pairKey(row.case_type, row.status))) {
      stranded.push({ case_type: row.case_type, status: row.status, cases: row.count });
    }
  }
  return stranded.sort((a, b) => a.case_type.localeCompare(b.case_type) || a.status.localeCompare(b.status));
}

function pairKey(caseType: string, status: string): string {
  return JSON.stringify([caseType, status]);
}
