/**
 * Success conditions: whether a receiver's response counts as a successful delivery, with a
 * reason for the attempt log when it does not; and the optional `{"append": "…"}` answer.
 */
import type { SuccessConditions } from "./webhook.js";

export interface SuccessVerdict {
  success: boolean;
  /** Why the response is not a success (set whenever success is false). */
  reason?: string;
}

const MAX_SHOWN_VALUE = 80;

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE - 1)}…` : text;
}

function describeStatusFailure(status: number, accepted: number[] | undefined): string {
  if (accepted !== undefined)
    return `status ${status} is not one of the accepted codes ${accepted.join(", ")}`;
  if (status >= 300 && status < 400) return `status ${status} is not 2xx (redirects are not followed)`;
  return `status ${status} is not 2xx`;
}

type PathLookup = { found: true; value: unknown } | { found: false; at: string };

/** Follows a dot path (`result.ok`, `items.0.id`) through objects and arrays. */
export function lookupPath(root: unknown, path: string): PathLookup {
  let current = root;
  const segments = path.split(".");
  for (const [i, segment] of segments.entries()) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return { found: false, at: segments.slice(0, i + 1).join(".") };
      const index = Number(segment);
      if (index >= current.length) return { found: false, at: segments.slice(0, i + 1).join(".") };
      current = current[index];
    } else if (typeof current === "object" && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return { found: false, at: segments.slice(0, i + 1).join(".") };
    }
  }
  return { found: true, value: current };
}

/** Structural equality of JSON values (object key order does not matter). */
export function jsonDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonDeepEqual(item, b[i]));
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = Object.keys(aRecord);
  if (aKeys.length !== Object.keys(bRecord).length) return false;
  return aKeys.every((key) => Object.hasOwn(bRecord, key) && jsonDeepEqual(aRecord[key], bRecord[key]));
}

type JsonParse = { ok: true; value: unknown } | { ok: false };

function parseJson(body: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Whether a response is a successful delivery. Default: any 2xx. `status_codes` replaces that with
 * an exact list (the only way a 3xx can count). `response_key` additionally requires the JSON body's
 * value at that dot path to deep-equal `expected_value`, or — without `expected_value` — to exist
 * and be truthy.
 */
export function isSuccessfulResponse(
  conditions: SuccessConditions,
  status: number,
  body: string | undefined,
  contentType?: string,
): SuccessVerdict {
  const accepted =
    conditions.status_codes !== undefined && conditions.status_codes.length > 0
      ? conditions.status_codes
      : undefined;
  const statusOk = accepted !== undefined ? accepted.includes(status) : status >= 200 && status < 300;
  if (!statusOk) return { success: false, reason: describeStatusFailure(status, accepted) };

  const key = conditions.response_key;
  if (key === undefined || key === "") return { success: true };

  if (body === undefined || body.trim() === "") {
    return { success: false, reason: `response body is empty; expected JSON with response key ${key}` };
  }
  const parsed = parseJson(body);
  if (!parsed.ok) {
    const type = contentType ? ` (content-type ${contentType})` : "";
    return {
      success: false,
      reason: `response body is not JSON${type}; expected JSON with response key ${key}`,
    };
  }
  const lookup = lookupPath(parsed.value, key);
  if (!lookup.found) {
    const where = lookup.at === key ? "" : ` (nothing at ${lookup.at})`;
    return { success: false, reason: `response key ${key} is missing${where}` };
  }
  const expected = conditions.expected_value;
  if (expected === undefined) {
    if (lookup.value) return { success: true };
    return {
      success: false,
      reason: `response key ${key} was ${show(lookup.value)}, expected a truthy value`,
    };
  }
  if (jsonDeepEqual(lookup.value, expected)) return { success: true };
  return {
    success: false,
    reason: `response key ${key} was ${show(lookup.value)}, expected ${show(expected)}`,
  };
}

export const MAX_APPEND_LENGTH = 40;

/**
 * The `append` value of a JSON response `{"append": "…"}` (numbers and booleans become strings),
 * at most 40 characters (longer values are cut and flagged). Undefined when absent or empty.
 */
export function extractAppend(body: string | undefined): { value: string; truncated: boolean } | undefined {
  if (body === undefined || !body.includes('"append"')) return undefined;
  const parsed = parseJson(body);
  if (!parsed.ok) return undefined;
  const root = parsed.value;
  if (typeof root !== "object" || root === null || Array.isArray(root) || !Object.hasOwn(root, "append")) {
    return undefined;
  }
  const raw = (root as Record<string, unknown>).append;
  let value: string;
  if (typeof raw === "string") value = raw;
  else if ((typeof raw === "number" && Number.isFinite(raw)) || typeof raw === "boolean") value = String(raw);
  else return undefined;
  if (value === "") return undefined;
  const chars = Array.from(value);
  if (chars.length <= MAX_APPEND_LENGTH) return { value, truncated: false };
  return { value: chars.slice(0, MAX_APPEND_LENGTH).join(""), truncated: true };
}
