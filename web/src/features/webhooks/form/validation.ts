/** Client-side checks of the webhook form: the URL and the body template. */
import { type FieldErrors, jsonObject } from "../../targets/form/numbers";
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
