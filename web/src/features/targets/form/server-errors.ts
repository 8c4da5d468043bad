/** A 422 answer of the API shown next to the form field it names (`details.path`). */
import { ApiError } from "../../../api";

/**
 * The form field and message of a server validation error, or null when it is not one (the form
 * then shows the error above the fields). `fieldOfPath` maps the JSON pointer to a form field;
 * "form" means no field fits.
 */
export function serverFieldError(
  error: unknown,
  fieldOfPath: (path: string | null) => string,
): { field: string; message: string } | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const field = fieldOfPath(error.path);
  if (field === "form") return { field, message: error.message };
  // The server prefixes the pointer ("/body/url: must be https"); the field already says where.
  const reason = error.path
    ? error.message.replace(`${error.path}: `, "").replace(`${error.path} `, "")
    : error.message;
  return { field, message: capitalise(reason) };
}

const capitalise = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Moves focus to a field's input (in the frame after its error renders); `inputs` maps fields to ids. */
export function focusField(field: string | undefined, inputs: Record<string, string>): void {
  if (!field) return;
  const target = inputs[field] ?? "form-status";
  requestAnimationFrame(() => {
    const element = document.getElementById(target);
    element?.focus();
    element?.scrollIntoView({ block: "center" });
  });
}

/** The fields both target kinds share, as `fieldOfPath` names them, for a path under /body. */
export function sharedFieldOfPath(first: string | undefined, second: string | undefined): string {
  switch (first) {
    case "description":
    case "enabled":
    case "events":
    case "hold":
    case "timeout_ms":
    case "retry":
    case "max_in_flight":
    case "rate_limit_per_s":
      return first;
    case "campaign_id":
      return "campaign";
    case "filters":
      return second === "campaign_ids" ? "campaign" : second ? `filters.${second}` : "filters.match";
    default:
      return "form";
  }
}

/** The inputs of the shared fields (ids are the webhook form's, which both forms use). */
export const SHARED_FIELD_INPUT: Record<string, string> = {
  description: "wh-description",
  enabled: "wh-enabled",
  events: "wh-events-all",
  campaign: "wh-campaign-id",
  "filters.case_types": "wh-case-types",
  "filters.directions": "wh-dir-inbound",
  "filters.agent_ids": "wh-agent-ids",
  "filters.lead_scores": "wh-lead-scores",
  "filters.match": "wh-match",
  retry: "wh-retry-mode",
};
