import { findEventType } from "./registry.js";
import { suggestEventTypes } from "./suggest.js";
import type { EventTypeDefinition } from "./types.js";

/** Thrown for an event type name that is not in the catalog; carries "did you mean" suggestions. */
export class UnknownEventTypeError extends Error {
  readonly type: string;
  readonly suggestions: string[];

  constructor(type: string) {
    const suggestions = suggestEventTypes(type);
    const hint =
      suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : "";
    super(`Unknown event type "${type}".${hint}`);
    this.name = "UnknownEventTypeError";
    this.type = type;
    this.suggestions = suggestions;
  }
}

export function requireEventType(type: string): EventTypeDefinition {
  const definition = findEventType(type);
  if (definition === undefined) throw new UnknownEventTypeError(type);
  return definition;
}
