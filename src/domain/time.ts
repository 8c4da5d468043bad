/** ISO-8601 timestamp from an epoch-ms column (how every time leaves the program). */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
