import { createHash } from "node:crypto";
import type { LookupInput } from "./types.js";

/** How long a provider's answer is reused by default: 30 days. */
export const DEFAULT_CACHE_DAYS = 30;

const squash = (value: string | undefined): string =>
  (value ?? "").normalize("NFKC").trim().toLowerCase().replace(/\s+/g, " ");

/**
 * The inputs as the cache compares them: case, spacing and Unicode forms do not make a new
 * lookup, and fields are in a fixed order. Phones are E.164 already (the client's own).
 */
export function normalisedInput(input: LookupInput): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: string, value: string | undefined) => {
    const v = squash(value);
    if (v !== "") out[key] = v;
  };
  put("phone", input.phone?.replace(/[^\d+]/g, ""));
  put("email", input.email);
  put("first_name", input.first_name);
  put("last_name", input.last_name);
  put("street", input.address?.street);
  put("city", input.address?.city);
  put("state", input.address?.state);
  put("postal_code", input.address?.postal_code?.replace(/\s+/g, ""));
  return out;
}

/**
 * "The same lookup": the same provider and the same normalised inputs. A hash, so the cache
 * table never holds the inputs (personal data) in its key.
 */
export function cacheKey(provider: string, input: LookupInput): string {
  const canonical = JSON.stringify([provider, normalisedInput(input)]);
  return createHash("sha256").update(canonical).digest("hex");
}
