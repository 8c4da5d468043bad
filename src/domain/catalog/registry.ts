import { callEvents } from "./calls.js";
import { campaignEvents } from "./campaigns.js";
import { caseEvents } from "./cases.js";
import { conversationEvents } from "./conversations.js";
import { crmEvents } from "./crm.js";
import { enrichmentEvents } from "./enrichment.js";
import { messageEvents } from "./messaging.js";
import { platformEvents } from "./platform.js";
import type { EventTypeDefinition } from "./types.js";
import { workflowEvents } from "./workflow.js";

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const definitions = [
  ...caseEvents,
  ...enrichmentEvents,
  ...callEvents,
  ...conversationEvents,
  ...messageEvents,
  ...workflowEvents,
  ...campaignEvents,
  ...platformEvents,
  ...crmEvents,
].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

for (const definition of definitions) {
  // Examples are shared with every caller: freeze them so nobody edits the catalog by accident.
  deepFreeze(definition.example);
  Object.freeze(definition);
}

/** Every event type of the platform, sorted by name. */
export const eventCatalog: readonly EventTypeDefinition[] = Object.freeze(definitions);

const byName = new Map(eventCatalog.map((definition) => [definition.name, definition]));
if (byName.size !== eventCatalog.length) throw new Error("event catalog: duplicate event type names");

const categories = [...new Set(eventCatalog.map((definition) => definition.category))].sort();
const categorySet = new Set(categories);

export function findEventType(name: string): EventTypeDefinition | undefined {
  return byName.get(name);
}

/** The catalog's categories, sorted and unique. */
export function eventCategories(): string[] {
  return [...categories];
}

export function isCatalogCategory(category: string): boolean {
  return categorySet.has(category);
}

/** The category part of an event type name: "call.ended" → "call". */
export function categoryOf(type: string): string {
  const dot = type.indexOf(".");
  return dot === -1 ? type : type.slice(0, dot);
}
