import type { EventCatalog, EventTypeDetail } from "../../api";
import { type Call, type Resource, useApi, useResource, useSession } from "../../ui/hooks";

/** The catalog changes only with a new server version: fetched once per sign-in. */
let catalog: { key: string; promise: Promise<EventCatalog> } | null = null;
const details = new Map<string, Promise<EventTypeDetail>>();

function loadCatalog(call: Call, key: string): Promise<EventCatalog> {
  if (catalog?.key !== key) {
    const promise = call<EventCatalog>("GET", "/v1/event-types");
    catalog = { key, promise };
    promise.catch(() => {
      if (catalog?.promise === promise) catalog = null;
    });
  }
  return catalog.promise;
}

export function useCatalog(): [Resource<EventCatalog>, () => void] {
  const call = useApi();
  const { session } = useSession();
  const [resource, reload] = useResource(`catalog:${session.key}`, () => loadCatalog(call, session.key));
  return [resource, reload];
}

/** One type with its template variables (GET /v1/event-types/{type}). */
export function loadEventType(call: Call, type: string): Promise<EventTypeDetail> {
  let promise = details.get(type);
  if (!promise) {
    promise = call<EventTypeDetail>("GET", `/v1/event-types/${encodeURIComponent(type)}`);
    details.set(type, promise);
    promise.catch(() => details.delete(type));
  }
  return promise;
}

/** Categories whose events carry a campaign (routing applies campaign scope to these only). */
export const CAMPAIGN_CATEGORIES: readonly string[] = ["call", "transcript", "transfer"];

export const categoryOf = (selector: string): string => selector.split(".")[0] ?? selector;
