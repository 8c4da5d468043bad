import { categoryOf, findEventType, isCatalogCategory } from "./registry.js";

/**
 * Categories whose events always belong to a campaign when there is one: the call and what happens
 * in it, and the campaign's own events. Such an event without a campaign belongs to no campaign,
 * so a campaign-scoped webhook does not get it; other events without one are tenant-wide and do.
 */
const CAMPAIGN_SCOPED_CATEGORIES: ReadonlySet<string> = new Set([
  "call",
  "transcript",
  "transfer",
  "conversation",
  "campaign",
]);

/** True for call, transcript, transfer, conversation and campaign events (also types added later). */
export function isCampaignScoped(type: string): boolean {
  return CAMPAIGN_SCOPED_CATEGORIES.has(categoryOf(type));
}

/**
 * Is a webhook `events` entry acceptable? "*" (everything), "category.*" for a category in
 * the catalog, or the exact name of a catalog type.
 */
export function isValidEventSelector(selector: string): boolean {
  if (selector === "*") return true;
  if (selector.endsWith(".*")) return isCatalogCategory(selector.slice(0, -2));
  return findEventType(selector) !== undefined;
}

/** Does the selector match this event type? Exact name, "category.*" wildcard, or "*". */
export function eventSelectorMatches(selector: string, type: string): boolean {
  if (selector === "*" || selector === type) return true;
  if (selector.endsWith(".*")) {
    const category = selector.slice(0, -2);
    return category.length > 0 && categoryOf(type) === category && type.length > category.length + 1;
  }
  return false;
}
