import { resolveEventSelector, resolveEventType } from "../domain/catalog/index.js";
import { checkDestinationUrl } from "../domain/destination.js";
import { invalid } from "../domain/errors.js";
import { validateMatchQuery } from "../domain/filters.js";
import { validateRetryPolicy } from "../domain/retry.js";
import { compileTemplate } from "../domain/template.js";
import type { WebhookPatchInput } from "../domain/webhook.js";

/** Header names a user may not set: the transport's own and the signature headers. */
const RESERVED_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection", "upgrade"]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Checks what the JSON schema cannot: the destination, event selectors, retry policy and header
 * safety. Throws a 422 naming the failing field.
 */
export function validateWebhookInput(input: WebhookPatchInput, allowPrivateTargets: boolean): void {
  if (input.url !== undefined) {
    const verdict = checkDestinationUrl(input.url, { allowPrivate: allowPrivateTargets });
    if (!verdict.ok) throw invalid("/body/url", verdict.reason, { reason: "destination_refused" });
  }
  validateRouting(input);
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    const path = `/body/headers/${name}`;
    if (!HEADER_NAME.test(name)) throw invalid(path, "is not a valid header name");
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower) || lower.startsWith("webhook-")) {
      throw invalid(path, `"${name}" is set by Switchboard and cannot be overridden`);
    }
    if (/[\r\n\0]/.test(value)) throw invalid(path, "header values may not contain CR, LF or NUL");
  }
  if (input.auth?.type === "api_key") {
    const lower = input.auth.header.toLowerCase();
    if (!HEADER_NAME.test(input.auth.header) || RESERVED_HEADERS.has(lower) || lower.startsWith("webhook-")) {
      throw invalid("/body/auth/header", `"${input.auth.header}" cannot carry an API key`);
    }
    if (/[\r\n\0]/.test(input.auth.value)) throw invalid("/body/auth/value", "may not contain CR, LF or NUL");
  }
  validatePayloadShaping(input);
}

/** The routing and delivery-policy fields every target kind shares. */
type RoutingInput = Pick<WebhookPatchInput, "events" | "retry" | "filters" | "hold">;

/**
 * Checks what the JSON schema cannot in the fields every target kind shares: event selectors,
 * the retry policy, `filters.match` and the hold. Throws a 422 naming the failing field.
 */
export function validateRouting(input: RoutingInput): void {
  input.events?.forEach((selector, i) => {
    if (resolveEventSelector(selector) === undefined) {
      throw invalid(
        `/body/events/${i}`,
        `"${selector}" is not a catalog event type or wildcard (see GET /v1/event-types)`,
      );
    }
  });
  if (input.retry !== undefined) {
    const problem = validateRetryPolicy(input.retry);
    if (problem) throw invalid("/body/retry", problem);
  }
  if (input.filters?.match !== undefined) {
    const problem = validateMatchQuery(input.filters.match);
    if (problem) throw invalid(`/body/filters/match${problem.path}`, problem.message);
  }
  if (input.hold) {
    const type = resolveEventType(input.hold.until_event);
    if (!type) {
      throw invalid("/body/hold/until_event", `"${input.hold.until_event}" is not a catalog event type`);
    }
    if (!Object.hasOwn(type.schema.properties, "call_id")) {
      throw invalid(
        "/body/hold/until_event",
        `"${type.name}" events carry no call_id, so they cannot release a held delivery`,
      );
    }
  }
}

/**
 * The input with every event name in its canonical form: `events` entries and `hold.until_event`
 * given as a platform alias (`call_ended`, `sms.*`) are stored and shown as the catalog names
 * (`call.ended`, `message.*`). Names that mean nothing are left for validation to refuse; the
 * same selector named twice (an alias and its type) is kept once.
 */
export function canonicalRouting<T extends RoutingInput>(input: T): T {
  const result = { ...input };
  if (input.events !== undefined) {
    result.events = [...new Set(input.events.map((selector) => resolveEventSelector(selector) ?? selector))];
  }
  if (input.hold) {
    const type = resolveEventType(input.hold.until_event);
    if (type !== undefined) result.hold = { ...input.hold, until_event: type.name };
  }
  return result;
}

/** Headers Switchboard sets itself, which a signature header may not replace either. */
const SIGNATURE_HEADER_TAKEN = new Set(["content-type", "user-agent", "authorization", "x-public-api-key"]);

const pointer = (segments: string[]): string =>
  segments.map((s) => `/${s.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");

/** Templates compile and the signature header makes sense. */
function validatePayloadShaping(input: WebhookPatchInput): void {
  const template = input.body?.template;
  if (template !== undefined) {
    const compiled = compileTemplate(template, "plain", input.body?.macros ?? "standard");
    if (!compiled.ok) {
      const { path, message, line, column } = compiled.error;
      throw invalid(`/body/body/template${pointer(path)}`, `${message} (line ${line}, column ${column})`, {
        reason: "template_syntax",
        line,
        column,
      });
    }
  }
  const signatureHeader = input.signature_header;
  if (typeof signatureHeader === "string") {
    const lower = signatureHeader.toLowerCase();
    if (!HEADER_NAME.test(signatureHeader))
      throw invalid("/body/signature_header", "is not a valid header name");
    if (RESERVED_HEADERS.has(lower) || lower.startsWith("webhook-") || SIGNATURE_HEADER_TAKEN.has(lower)) {
      throw invalid(
        "/body/signature_header",
        `"${signatureHeader}" is set by Switchboard and cannot carry a signature`,
      );
    }
  }
}
