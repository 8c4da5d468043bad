import { KindGuard, type TObject } from "@sinclair/typebox";
import { requireEventType } from "./errors.js";

/** The envelope fields every delivery has, besides `data` (`type` is `event` under its Standard Webhooks name). */
export const ENVELOPE_VARIABLES: readonly string[] = Object.freeze(["id", "event", "timestamp", "type"]);

function collect(schema: TObject, prefix: string, out: string[]): void {
  for (const [key, property] of Object.entries(schema.properties)) {
    const path = `${prefix}.${key}`;
    if (KindGuard.IsObject(property) && Object.keys(property.properties).length > 0) {
      collect(property, path, out);
    } else {
      // Leaves, arrays, unions and free-form maps are offered as a whole.
      out.push(path);
    }
  }
}

const cache = new Map<string, readonly string[]>();

/**
 * Template variables of a type: the envelope (`id`, `event`, `timestamp`) followed by the dot
 * paths of `data` from the schema (`data.call_id`, `data.customer.name`, …), in schema order.
 * Nested objects are walked; arrays and maps appear as one variable. Throws for an unknown type.
 */
export function eventTypeVariables(type: string): string[] {
  let variables = cache.get(type);
  if (variables === undefined) {
    const out = [...ENVELOPE_VARIABLES];
    collect(requireEventType(type).schema, "data", out);
    variables = Object.freeze(out);
    cache.set(type, variables);
  }
  return [...variables];
}
