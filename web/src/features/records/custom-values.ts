/** Custom field values between the API (typed JSON) and a form (text and checkboxes). */
import type { CustomField } from "./types.js";

/** What a form edits: text for every type but boolean, a checkbox for boolean. */
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

/** Stored values → form values; keys without a definition stay as text so they can be edited too. */
export function toFormValues(stored: Record<string, unknown>, fields: readonly CustomField[]): FormValues {
  const values: FormValues = {};
  for (const [key, value] of Object.entries(stored)) {
    values[key] =
      typeof value === "boolean" ? value : value === null || value === undefined ? "" : textOf(value);
  }
  for (const field of fields) {
    if (!(field.key in values)) values[field.key] = field.type === "boolean" ? false : "";
    else if (field.type === "boolean" && typeof values[field.key] !== "boolean")
      values[field.key] = values[field.key] === "true";
  }
  return values;
}

const textOf = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * Form values → the `custom_fields` object to send, or the errors by field key. Empty values are
 * left out (so clearing a field removes it); numbers are sent as numbers; keys the tenant never
 * defined keep their original type when the text still reads as it.
 */
export function toStoredValues(
  values: FormValues,
  fields: readonly CustomField[],
  original: Record<string, unknown>,
): { custom_fields: Record<string, unknown>; errors: Record<string, string> } {
  const custom_fields: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const defined = new Map(fields.map((field) => [field.key, field]));
  for (const [key, value] of Object.entries(values)) {
    const field = defined.get(key);
    if (typeof value === "boolean") {
      // An unticked optional checkbox that was never set stays unset rather than becoming false.
      if (value || key in original || field?.required) custom_fields[key] = value;
      continue;
    }
    const text = value.trim();
    if (text === "") {
      if (field?.required) errors[key] = `${field.label} is required.`;
      continue;
    }
    if (field?.type === "number" || (!field && typeof original[key] === "number")) {
      const number = Number(text);
      if (Number.isFinite(number)) custom_fields[key] = number;
      else if (field) errors[key] = "Enter a number.";
      else custom_fields[key] = text;
      continue;
    }
    if (field?.type === "select" && field.options && !field.options.includes(text)) {
      errors[key] = `Pick one of: ${field.options.join(", ")}.`;
      continue;
    }
    custom_fields[key] = text;
  }
  return { custom_fields, errors };
}

/** A stored value as a person reads it. */
export function displayValue(value: unknown, field: CustomField | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean" || field?.type === "boolean")
    return value === true || value === "true" ? "Yes" : "No";
  return typeof value === "string" ? value : JSON.stringify(value);
}
