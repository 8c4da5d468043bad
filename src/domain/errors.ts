/**
 * What went wrong, in the product's terms. Code anywhere in the program throws a DomainError;
 * only the HTTP layer (src/api/errors.ts) decides which status each code answers with.
 */
export type ErrorCode =
  /** The request did not say who is asking, or the key is unknown or revoked. */
  | "unauthorized"
  /** The key is valid but may not do this. */
  | "forbidden"
  /** An admin key acting on a tenant-scoped route without naming the tenant. */
  | "tenant_required"
  /** The record does not exist, or belongs to another tenant (the same answer, on purpose). */
  | "not_found"
  /** The input breaks a rule; `details.path` names the field. */
  | "validation_failed"
  /** An event type outside the catalog; `details.suggestions` lists near names. */
  | "unknown_event_type"
  /** The record's state does not allow the operation (a succeeded delivery cannot be retried). */
  | "not_retryable"
  /** The record changed since the caller read it, or the operation collides with another. */
  | "conflict"
  /** The change would take away something records still use; `details` counts them. */
  | "in_use"
  /** The caller's If-Match names a version the record has moved past; `details.version` is the current one. */
  | "precondition_failed"
  /** Too many requests for this key; `details.retry_after_s` says when to try again. */
  | "rate_limited"
  /** An OAuth callback's `state` is missing, forged, altered or expired: nothing was connected. */
  | "invalid_oauth_state"
  /** An OAuth callback's code was refused by the CRM (used already, expired): nothing was connected. */
  | "invalid_oauth_code"
  /** A CRM refused what we asked of it (credentials, a record); `details` carry its stage and message. */
  | "crm_refused"
  /** A vendor (Cal.com, …) refused the credentials; `details.vendor_message` is its reason. */
  | "credentials_refused"
  /** A vendor refused the request (an unknown event type, …); `details.vendor_message` is its reason. */
  | "provider_refused"
  /** A vendor could not be reached or failed (timeout, 5xx); worth retrying. */
  | "provider_unavailable"
  /** The tenant has not connected the integration the route needs. */
  | "not_connected"
  /** Booking is turned off for the agent, or the agent has no event type. */
  | "booking_disabled"
  /** The time asked for is not open; `details.nearest` lists the nearest open slots. */
  | "slot_unavailable";

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string, details?: Record<string, unknown>): DomainError =>
  new DomainError("not_found", `${what} not found`, details);

/** A rule broken at `path` (a JSON pointer into the request, e.g. `/body/url`). */
export const invalid = (path: string, message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError("validation_failed", `${path ? `${path}: ` : ""}${message}`, { path, ...details });
