import type { StoredRecord } from "../store/index.js";

/** A stored record as the API answers: times as ISO-8601, the tenant left out. */
export function presentRecord<F extends object>(
  record: StoredRecord<F>,
): Omit<StoredRecord<F>, "tenant_id" | "created_at" | "updated_at"> & {
  created_at: string;
  updated_at: string;
} {
  const { tenant_id, created_at, updated_at, ...rest } = record;
  return {
    ...rest,
    created_at: new Date(created_at).toISOString(),
    updated_at: new Date(updated_at).toISOString(),
  };
}

/** `If-Match: 3` or `If-Match: "3"` → 3; absent → undefined. */
export function versionOf(ifMatch: string | undefined): number | undefined {
  return ifMatch === undefined ? undefined : Number(ifMatch.replaceAll('"', ""));
}
