/** Client-side parsing of a form's numeric and JSON fields, recording an error per field. */
import { splitList } from "../../../ui/format";

/** Error messages by form field ("url", "retry", "email.to", …). */
export type FieldErrors = Record<string, string>;

/** A whole number from `min` to `max`, or undefined (empty or invalid; invalid records an error). */
export function integer(
  errors: FieldErrors,
  field: string,
  label: string,
  text: string,
  min: number,
  max: number,
): number | undefined {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    errors[field] ??= `${label} must be a whole number from ${min} to ${max}.`;
    return undefined;
  }
  return value;
}

/** Whole numbers from a comma-separated list; invalid entries record an error and are left out. */
export function integerList(
  errors: FieldErrors,
  field: string,
  label: string,
  text: string,
  min: number,
  max: number,
): number[] {
  const out: number[] = [];
  for (const item of splitList(text)) {
    const value = Number(item);
    if (!Number.isInteger(value) || value < min || value > max) {
      errors[field] ??= `${label}: "${item}" is not a whole number from ${min} to ${max}.`;
    } else out.push(value);
  }
  return out;
}

/** A JSON object from text, or undefined (an error is recorded when it does not parse or is not an object). */
export function jsonObject(errors: FieldErrors, field: string, label: string, text: string) {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      errors[field] ??= `${label} must be a JSON object ({ … }).`;
      return undefined;
    }
    return value as Record<string, unknown>;
  } catch (error) {
    errors[field] ??= `${label} is not valid JSON: ${(error as Error).message}`;
    return undefined;
  }
}
