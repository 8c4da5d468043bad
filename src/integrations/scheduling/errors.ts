import { DomainError } from "../../domain/errors.js";
import { SchedulingError } from "./provider.js";

/**
 * A provider failure in our terms: a refused key is `credentials_refused` and a refused request
 * `provider_refused` (both 422 with Cal.com's own words), an unreachable or failing Cal.com
 * `provider_unavailable`, never a bare 500.
 */
export function asDomainError(error: unknown, doing: string): unknown {
  if (!(error instanceof SchedulingError)) return error;
  const details: Record<string, unknown> = { provider: "calcom" };
  if (error.status !== null) details.vendor_status = error.status;
  if (error.vendorCode !== null) details.vendor_code = error.vendorCode;
  if (error.vendorMessage !== null) details.vendor_message = error.vendorMessage;
  const words = error.vendorMessage ?? error.message;
  switch (error.kind) {
    case "auth":
      return new DomainError(
        "credentials_refused",
        `Cal.com refused the API key while ${doing}: ${words}`,
        details,
      );
    case "validation":
    case "not_found":
      return new DomainError("provider_refused", `Cal.com refused ${doing}: ${words}`, details);
    case "rate_limited":
      return new DomainError("rate_limited", `Cal.com is rate limiting ${doing}; retry shortly`, {
        ...details,
        retry_after_s: Math.ceil((error.retryAfterMs ?? 1000) / 1000),
      });
    case "unavailable":
      return new DomainError(
        "provider_unavailable",
        `Cal.com is unavailable while ${doing}: ${error.message}`,
        details,
      );
  }
}
