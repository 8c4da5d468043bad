import { eventCatalog, findEventType, isCatalogCategory } from "./registry.js";
import type { EventTypeDefinition } from "./types.js";

/**
 * Other names for the catalog's event types: the names the phone platforms firms move from give
 * the same events, so receivers and scripts written for them keep working. An alias is accepted
 * wherever a type is named (ingest, webhook and destination `events`, hold, send-test) and is
 * replaced by the canonical name at once: events are stored, routed and shown under the
 * canonical name only.
 */

/** The platforms' dotted names, by canonical type. Their underscore forms are added below. */
const PLATFORM_ALIASES: Readonly<Record<string, readonly string[]>> = {
  "call.ended": ["call.completed", "call.hangup"],
  "call.recording_ready": ["recording.ready", "recording.completed"],
  "call.voicemail_detected": ["voicemail.detected"],
  "message.received": ["sms.received", "sms.inbound"],
  "message.sent": ["sms.sent"],
  "message.delivered": ["sms.delivered"],
  "message.failed": ["sms.failed"],
  "transcript.updated": ["conversation.transcript", "transcript.ready"],
  "transfer.started": ["transfer.initiated"],
};

/** Other platforms' names for a whole category, for wildcards: `sms.*` means `message.*`. */
const CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  sms: "message",
};

/** `call.ended` → `call_ended`: the underscore style (Retell-like `call_started`, `form_submitted`). */
const underscored = (name: string): string => name.replace(/\./g, "_");

function buildAliases(catalog: readonly EventTypeDefinition[]): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const definition of catalog) {
    const dotted = PLATFORM_ALIASES[definition.name] ?? [];
    const names = [underscored(definition.name), ...dotted, ...dotted.map(underscored)];
    byType.set(definition.name, [...new Set(names)]);
  }
  for (const name of Object.keys(PLATFORM_ALIASES)) {
    if (!byType.has(name)) throw new Error(`event aliases: "${name}" is not a catalog event type`);
  }
  return byType;
}

const aliasesByType = buildAliases(eventCatalog);

const canonicalByAlias = new Map<string, string>();
for (const [type, aliases] of aliasesByType) {
  for (const alias of aliases) {
    // An alias that named a real type, or two types at once, would make a name mean two things.
    if (findEventType(alias) !== undefined) throw new Error(`event aliases: "${alias}" is a catalog type`);
    const taken = canonicalByAlias.get(alias);
    if (taken !== undefined && taken !== type) {
      throw new Error(`event aliases: "${alias}" names both "${taken}" and "${type}"`);
    }
    canonicalByAlias.set(alias, type);
  }
}
for (const [alias, category] of Object.entries(CATEGORY_ALIASES)) {
  if (isCatalogCategory(alias)) throw new Error(`event aliases: category "${alias}" is a catalog category`);
  if (!isCatalogCategory(category)) throw new Error(`event aliases: "${category}" is not a catalog category`);
}

/** The other names of a catalog type (underscore style first), [] for a name not in the catalog. */
export function eventTypeAliases(type: string): string[] {
  return [...(aliasesByType.get(type) ?? [])];
}

/** Other platforms' category names and the catalog category each stands for. */
export function categoryAliases(): Record<string, string> {
  return { ...CATEGORY_ALIASES };
}

/** The catalog type a name means: itself when it is one, the type an alias stands for, else undefined. */
export function resolveEventType(name: string): EventTypeDefinition | undefined {
  const canonical = canonicalByAlias.get(name) ?? name;
  return findEventType(canonical);
}

/**
 * The canonical form of a webhook `events` entry, or undefined when it means nothing: `*`; a
 * type or its alias (`call_ended` → `call.ended`); a category wildcard, also under a category
 * alias or in underscore style (`sms.*` → `message.*`, `call_*` → `call.*`).
 */
export function resolveEventSelector(selector: string): string | undefined {
  if (selector === "*") return selector;
  for (const suffix of [".*", "_*"]) {
    if (!selector.endsWith(suffix)) continue;
    const named = selector.slice(0, -suffix.length);
    const category = Object.hasOwn(CATEGORY_ALIASES, named) ? (CATEGORY_ALIASES[named] as string) : named;
    return isCatalogCategory(category) ? `${category}.*` : undefined;
  }
  return resolveEventType(selector)?.name;
}

/** Every alias with the canonical type it stands for, sorted by canonical name then alias. */
export function eventAliasTable(): Array<{ alias: string; type: string }> {
  return [...canonicalByAlias]
    .map(([alias, type]) => ({ alias, type }))
    .sort((a, b) => (a.type === b.type ? (a.alias < b.alias ? -1 : 1) : a.type < b.type ? -1 : 1));
}
