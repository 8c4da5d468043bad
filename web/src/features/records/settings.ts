/**
 * The tenant's records settings (case-type vocabulary, custom fields, intake). Servers without
 * these routes answer 404; the pages then work without them (free-text status, no custom
 * field definitions) instead of failing.
 */
import { ApiError } from "../../api";
import { type Resource, useApi, useResource, useSession } from "../../ui/hooks";
import type { CaseType, CustomFieldSettings, RecordsSettings } from "./types";

/** `null` when the server has no such route (404). */
export type Optional<T> = T | null;

export const isMissingRoute = (error: unknown): boolean => error instanceof ApiError && error.status === 404;

function useOptional<T>(key: string, path: string): [Resource<Optional<T>>, () => void] {
  const call = useApi();
  const { session } = useSession();
  const [resource, reload] = useResource<Optional<T>>(`${key}:${session.tenantId}`, async (signal) => {
    try {
      return await call<T>("GET", path, undefined, signal);
    } catch (error) {
      if (isMissingRoute(error)) return null;
      throw error;
    }
  });
  return [resource, reload];
}

export const useCaseTypes = () =>
  useOptional<{ case_types: CaseType[] }>("case-types", "/v1/settings/case-types");

export const useCustomFields = () =>
  useOptional<CustomFieldSettings>("custom-fields", "/v1/settings/custom-fields");

export const useRecordsSettings = () =>
  useOptional<RecordsSettings>("records-settings", "/v1/settings/records");
