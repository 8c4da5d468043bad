import { type Static, Type } from "@sinclair/typebox";
import type { CountryCode } from "libphonenumber-js";
import { invalid } from "../errors.js";
import { normaliseEmail } from "./client.js";
import { isCalendarDate } from "./dates.js";
import { toE164 } from "./phone.js";

/**
 * Custom fields: the firm's own fields on clients and cases. A definition names the stored key,
 * the label people see, a type and whether it is required; records store values by key, so a
 * renamed label keeps every stored value. Pure: the definitions' schema and rules, and the check
 * (with normalisation) of a record's values against them.
 */

export const CUSTOM_FIELD_KEY_PATTERN = "^[a-z][a-z0-9_]{0,62}$";

export const CustomFieldTypeSchema = Type.Union(
  [
    Type.Literal("text"),
    Type.Literal("number"),
    Type.Literal("date"),
    Type.Literal("boolean"),
    Type.Literal("select"),
    Type.Literal("phone"),
    Type.Literal("email"),
  ],
  {
    description:
      "text; number; date (YYYY-MM-DD); boolean; select (one of `options`); phone (stored E.164); email (stored lower-cased).",
  },
);
export type CustomFieldType = Static<typeof CustomFieldTypeSchema>;

export const CustomFieldDefinitionSchema = Type.Object(
  {
    key: Type.String({ pattern: CUSTOM_FIELD_KEY_PATTERN, description: "Where values are stored." }),
    label: Type.String({ minLength: 1, maxLength: 200 }),
    type: CustomFieldTypeSchema,
    options: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 500,
        description: "The allowed values of a select (at least one); only for select.",
      }),
    ),
    required: Type.Boolean({ description: "Every write that sets custom fields must give a value." }),
    help_text: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type CustomFieldDefinition = Static<typeof CustomFieldDefinitionSchema>;

const Definitions = Type.Array(CustomFieldDefinitionSchema, { maxItems: 200 });

export const CustomFieldDefinitionsSchema = Type.Object(
  { clients: Definitions, cases: Definitions },
  { additionalProperties: false, title: "CustomFieldSettings" },
);
export type CustomFieldDefinitions = Static<typeof CustomFieldDefinitionsSchema>;

/** The longest text value kept in a text field. */
const MAX_TEXT = 10_000;

/** Stored definitions (trusted: they were validated when saved); anything else reads as none. */
export function readDefinitions(stored: unknown): CustomFieldDefinition[] {
  return Array.isArray(stored) ? (stored as CustomFieldDefinition[]) : [];
}

/** The rules the schema cannot say: unique keys per object, options exactly for selects. */
export function validateDefinitions(definitions: CustomFieldDefinition[], path: string): void {
  const seen = new Set<string>();
  definitions.forEach((def, i) => {
    if (seen.has(def.key)) throw invalid(`${path}/${i}/key`, `"${def.key}" is defined twice`);
    seen.add(def.key);
    if (def.type === "select") {
      if (!def.options || def.options.length === 0) {
        throw invalid(`${path}/${i}/options`, "a select needs at least one option");
      }
      const options = new Set<string>();
      def.options.forEach((option, o) => {
        if (options.has(option)) throw invalid(`${path}/${i}/options/${o}`, `"${option}" is listed twice`);
        options.add(option);
      });
    } else if (def.options !== undefined) {
      throw invalid(`${path}/${i}/options`, `only a select has options, not a ${def.type}`);
    }
  });
}

export interface CustomFieldCheck {
  /** Where phone values written without a country code are read. */
  region: CountryCode;
  /**
   * Whether missing required fields are refused. Off only for records made without a person
   * (intake from a call), which cannot know the firm's fields; their first edit fills them.
   */
  enforceRequired: boolean;
}

/**
 * A record's custom fields checked against the definitions and normalised (phones E.164, emails
 * lower-cased, blank text and null dropped). With no definitions any object is kept as it is.
 * Unknown keys, wrong types and missing required fields throw with `<path>/<key>`.
 */
export function applyCustomFields(
  definitions: CustomFieldDefinition[],
  values: Record<string, unknown>,
  check: CustomFieldCheck,
  path: string,
): Record<string, unknown> {
  if (definitions.length === 0) return values;
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(values)) {
    const def = byKey.get(key);
    if (!def) {
      throw invalid(`${path}/${key}`, `unknown custom field; defined: ${[...byKey.keys()].join(", ")}`, {
        valid: [...byKey.keys()],
      });
    }
    const value = raw === null ? null : fieldValue(def, raw, check.region, `${path}/${key}`);
    if (value !== null) out[key] = value;
  }
  if (check.enforceRequired) {
    for (const def of definitions) {
      if (def.required && !(def.key in out))
        throw invalid(`${path}/${def.key}`, `"${def.label}" is required`);
    }
  }
  return out;
}

/**
 * Custom field values read from a file, where a CSV cell is always text: a number or boolean field's
 * value written as text (`7`, `-2.5`; `true`/`false`, `yes`/`no`, `1`/`0`, any case) becomes its type,
 * so {@link applyCustomFields} checks it as if it had come as JSON. Anything else stays as written
 * and gets that check's own error.
 */
export function customFieldsFromText(
  definitions: CustomFieldDefinition[],
  values: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const def of definitions) {
    const raw = values[def.key];
    if (typeof raw !== "string") continue;
    const text = raw.trim();
    if (def.type === "number" && /^-?\d+(\.\d+)?$/.test(text)) out[def.key] = Number(text);
    if (def.type === "boolean") {
      const word = text.toLowerCase();
      if (["true", "yes", "1"].includes(word)) out[def.key] = true;
      if (["false", "no", "0"].includes(word)) out[def.key] = false;
    }
  }
  return out;
}

/** One value checked and normalised for its field's type; null when it is blank text. */
function fieldValue(def: CustomFieldDefinition, raw: unknown, region: CountryCode, path: string): unknown {
  switch (def.type) {
    case "text": {
      if (typeof raw !== "string") throw invalid(path, "must be text");
      if (raw.length > MAX_TEXT) throw invalid(path, `must be at most ${MAX_TEXT} characters`);
      const text = raw.trim();
      return text === "" ? null : text;
    }
    case "number":
      if (typeof raw !== "number" || !Number.isFinite(raw)) throw invalid(path, "must be a number");
      return raw;
    case "boolean":
      if (typeof raw !== "boolean") throw invalid(path, "must be true or false");
      return raw;
    case "date":
      if (typeof raw !== "string" || !isCalendarDate(raw))
        throw invalid(path, "must be a date written YYYY-MM-DD");
      return raw;
    case "select": {
      const options = def.options ?? [];
      if (typeof raw !== "string" || !options.includes(raw)) {
        throw invalid(path, `must be one of: ${options.join(", ")}`, { valid: options });
      }
      return raw;
    }
    case "phone": {
      const number = typeof raw === "string" ? toE164(raw, region) : null;
      if (number === null) throw invalid(path, `${JSON.stringify(raw)} is not a valid phone number`);
      return number;
    }
    case "email": {
      const email = typeof raw === "string" ? normaliseEmail(raw) : null;
      if (email === null) throw invalid(path, `${JSON.stringify(raw)} is not a valid email address`);
      return email;
    }
  }
}
