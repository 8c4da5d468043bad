import { eventCatalog, eventSelectorMatches, resolveEventSelector } from "../domain/catalog/index.js";
import { invalid } from "../domain/errors.js";

/**
 * The stored type names a `type` filter means: events are stored under the catalog's name, so an
 * alias filters by its type; `call.*` is every type of the category and `*` every type (no filter).
 */
export function eventTypesOf(selector: string | undefined, path: string): string[] | undefined {
  if (selector === undefined) return undefined;
  const resolved = resolveEventSelector(selector);
  if (resolved === "*") return undefined;
  if (resolved?.endsWith(".*"))
    return eventCatalog.filter((t) => eventSelectorMatches(resolved, t.name)).map((t) => t.name);
  if (resolved === undefined && /[._]\*$/.test(selector))
    throw invalid(path, `no event category "${selector}"`);
  // An unknown name lists nothing rather than failing: types may be added to the catalog later.
  return [resolved ?? selector];
}
