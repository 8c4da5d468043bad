/** Conversion of the webhook form's state to the API's request body. */
import { type FieldErrors, integer, integerList } from "../../targets/form/numbers";
import { retryPayload } from "../../targets/form/retry";
import { routingPayload } from "../../targets/form/routing";
import type { FormState } from "./state";
import { parsedTemplate, urlProblem } from "./validation";

/**
 * The request body for POST (create) or PATCH (edit), with client-side errors by field. Only
 * credentials are left out when editing and unchanged (the API shows them masked).
 */
export function toPayload(
  state: FormState,
  editing: boolean,
): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const body: Record<string, unknown> = {};

  const url = urlProblem(state.url);
  if (url) errors.url = url;
  body.url = state.url.trim();
  body.description = state.description.trim();
  body.enabled = state.enabled;

  routingPayload(state, body, errors);

  body.method = state.method;
  const headers: Record<string, string> = {};
  for (const row of state.headers) {
    const name = row.name.trim();
    if (name === "" && row.value === "") continue;
    if (name === "") errors.headers ??= "Every header needs a name.";
    else if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      errors.headers ??= `“${name}” is not a valid header name.`;
    else if (Object.keys(headers).some((n) => n.toLowerCase() === name.toLowerCase()))
      errors.headers ??= `The header “${name}” is listed twice.`;
    else headers[name] = row.value;
  }
  body.headers = headers;

  if (!editing || state.authChanged) {
    switch (state.authType) {
      case "none":
        body.auth = { type: "none" };
        break;
      case "api_key":
        if (state.authHeader.trim() === "") errors.auth ??= "Name the header that carries the API key.";
        if (state.authValue === "") errors.auth ??= "Enter the API key value.";
        body.auth = { type: "api_key", header: state.authHeader.trim(), value: state.authValue };
        break;
      case "basic":
        if (state.authUsername === "") errors.auth ??= "Enter the user name.";
        body.auth = { type: "basic", username: state.authUsername, password: state.authPassword };
        break;
      case "bearer":
        if (state.authToken === "") errors.auth ??= "Enter the bearer token.";
        body.auth = { type: "bearer", token: state.authToken };
        break;
    }
  }

  if (state.appKeyMode === "clear") body.app_key = null;
  else if (state.appKeyMode === "set") {
    if (state.appKey.trim() !== "") body.app_key = state.appKey.trim();
    else if (editing) body.app_key = null;
  }

  body.signature_header = state.signatureHeader.trim() === "" ? null : state.signatureHeader.trim();

  const template = parsedTemplate(state);
  if (template.error) errors.body = template.error;
  const shaped: Record<string, unknown> = { format: state.format };
  if (template.template !== undefined) shaped.template = template.template;
  if (state.macros === "kaisa") shaped.macros = "kaisa";
  if (state.sign) shaped.sign = true;
  body.body = shaped;

  if (state.hold) {
    if (state.holdEvent === "") errors.hold ??= "Pick the event that releases held deliveries.";
    const wait = integer(errors, "hold", "The longest wait", state.holdWait, 1, 86_400);
    if (state.holdWait.trim() === "") errors.hold ??= "Enter the longest wait in seconds.";
    body.hold = { until_event: state.holdEvent, max_wait_s: wait ?? 0 };
  } else {
    body.hold = null;
  }

  const timeout = integer(errors, "timeout_ms", "The timeout", state.timeoutMs, 100, 60_000);
  if (state.timeoutMs.trim() === "") errors.timeout_ms = "Enter a timeout in milliseconds (100–60000).";
  if (timeout !== undefined) body.timeout_ms = timeout;

  body.retry = retryPayload(state, errors);

  const success: Record<string, unknown> = {};
  const codes = integerList(errors, "success", "Status codes", state.successCodes, 100, 599);
  if (codes.length > 0) success.status_codes = codes;
  if (state.responseKey.trim() !== "") success.response_key = state.responseKey.trim();
  if (state.expectedValue.trim() !== "") {
    if (state.responseKey.trim() === "") errors.success ??= "Name the response key whose value to compare.";
    try {
      success.expected_value = JSON.parse(state.expectedValue);
    } catch {
      success.expected_value = state.expectedValue;
    }
  }
  body.success = success;

  const inFlight = integer(errors, "max_in_flight", "Concurrent requests", state.maxInFlight, 1, 100);
  body.max_in_flight = inFlight ?? null;
  const rate = integer(errors, "rate_limit_per_s", "The rate limit", state.rateLimit, 1, 10_000);
  body.rate_limit_per_s = rate ?? null;

  return { body, errors };
}
