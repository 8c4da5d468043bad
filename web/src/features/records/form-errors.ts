/** Where a records write's 422 belongs on the form, and the 412 "changed meanwhile" answer. */
import { ApiError } from "../../api";

/**
 * `/body/custom_fields/plan` → `custom_fields.plan`, `/body/phones/1/number` → `phones.1`,
 * `/body/first_name` → `first_name`; anything else (or no path) → `form`.
 */
export function fieldOfRecordPath(path: string | null): string {
  const parts = path?.split("/").slice(1) ?? [];
  if (parts[0] !== "body" || !parts[1]) return "form";
  const [, field, second] = parts;
  if (["custom_fields", "phones", "emails", "addresses"].includes(field) && second !== undefined)
    return `${field}.${second}`;
  return field;
}

/** True for the answer to a PATCH with a stale If-Match. */
export const isStale = (error: unknown): boolean => error instanceof ApiError && error.status === 412;

export const STALE_MESSAGE =
  "This record was changed by someone else since you opened it — reload to see their changes.";
