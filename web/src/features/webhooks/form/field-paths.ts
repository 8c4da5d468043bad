/** Where an error shows in the webhook form: the field of a server error path, and the element to focus. */

/** The form field a server error path (`/body/url`, `/body/filters/match/…`) belongs to. */
export function fieldOfPath(path: string | null): string {
  if (!path) return "form";
  const [first, second] = path.replace(/^\/body\/?/, "").split("/");
  switch (first) {
    case "url":
    case "description":
    case "enabled":
    case "events":
    case "method":
    case "headers":
    case "auth":
    case "app_key":
    case "signature_header":
    case "body":
    case "hold":
    case "timeout_ms":
    case "retry":
    case "success":
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

/** The element to focus for a field's error. */
export const FIELD_INPUT: Record<string, string> = {
  url: "wh-url",
  description: "wh-description",
  enabled: "wh-enabled",
  events: "wh-events-all",
  campaign: "wh-campaign-id",
  "filters.case_types": "wh-case-types",
  "filters.directions": "wh-dir-inbound",
  "filters.agent_ids": "wh-agent-ids",
  "filters.lead_scores": "wh-lead-scores",
  "filters.match": "wh-match",
  method: "wh-method",
  headers: "wh-headers-add",
  auth: "wh-auth-type",
  app_key: "wh-app-key",
  signature_header: "wh-signature-header",
  body: "wh-format",
  hold: "wh-hold",
  timeout_ms: "wh-timeout",
  retry: "wh-retry-mode",
  success: "wh-success-codes",
  max_in_flight: "wh-max-in-flight",
  rate_limit_per_s: "wh-rate-limit",
};
