/** Client-side checks of the webhook form: the URL, numbers, JSON fields and the body template. */
import { splitList } from "../../../ui/format";
import type { FormState } from "./state";

/** Why the URL is not usable, or null. Checked as the user types. */
export function urlProblem(url: string): string | null {
  const value = url.trim();
  if (value === "") return "Enter the URL Switchboard should deliver to.";
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return "Enter an absolute URL, such as https://hooks.example.com/switchboard.";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return `Use an https:// (or http://) URL, not ${parsed.protocol.replace(/:$/, "")}:.`;
  }
  if (!parsed.hostname) return "The URL needs a host name.";
  return null;
}

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

/** The parsed template of the current state (for the preview); an error text when it does not parse. */
export function parsedTemplate(state: FormState): {
  template: Record<string, unknown> | string | undefined;
  error: string | null;
} {
  if (state.templateMode === "none") return { template: undefined, error: null };
  if (state.templateMode === "text") {
    return state.templateText.trim() === ""
      ? { template: undefined, error: "Write the template text." }
      : { template: state.templateText, error: null };
  }
  const errors: FieldErrors = {};
  const value = jsonObject(errors, "body", "The field mapping", state.templateFields);
  return { template: value, error: errors.body ?? null };
}
