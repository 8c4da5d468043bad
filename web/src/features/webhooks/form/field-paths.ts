/** Where an error shows in the webhook form: the field of a server error path, and the element to focus. */
import { SHARED_FIELD_INPUT, sharedFieldOfPath } from "../../targets/form/server-errors";

/** The form field a server error path (`/body/url`, `/body/filters/match/…`) belongs to. */
export function fieldOfPath(path: string | null): string {
  if (!path) return "form";
  const [first, second] = path.replace(/^\/body\/?/, "").split("/");
  switch (first) {
    case "url":
    case "method":
    case "headers":
    case "auth":
    case "app_key":
    case "signature_header":
    case "body":
    case "success":
      return first;
    default:
      return sharedFieldOfPath(first, second);
  }
}

/** The element to focus for a field's error. */
export const FIELD_INPUT: Record<string, string> = {
  ...SHARED_FIELD_INPUT,
  url: "wh-url",
  method: "wh-method",
  headers: "wh-headers-add",
  auth: "wh-auth-type",
  app_key: "wh-app-key",
  signature_header: "wh-signature-header",
  body: "wh-format",
  hold: "wh-hold",
  timeout_ms: "wh-timeout",
  success: "wh-success-codes",
  max_in_flight: "wh-max-in-flight",
  rate_limit_per_s: "wh-rate-limit",
};
