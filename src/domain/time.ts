/** ISO-8601 timestamp from an epoch-ms column (how every time leaves the program). */
export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** `2025-06-10`, `2025-06-10T14:09`, `…:03`, `…:03.5`, each with an optional `Z` or `±hh:mm`. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Epoch ms of an ISO-8601 timestamp, or NaN for anything else: `Date.parse` alone also takes
 * `"-1"` (2001-01-01) and other legacy forms a client never means.
 */
export function parseIsoTimestamp(text: string): number {
  return ISO_8601.test(text) ? Date.parse(text) : Number.NaN;
}
