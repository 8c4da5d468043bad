import type { TObject } from "@sinclair/typebox";

/** One event type of the platform: what it means, the JSON Schema of its `data` and an example. */
export interface EventTypeDefinition {
  /** `category.action`, e.g. "call.ended". */
  name: string;
  /** The part before the dot, e.g. "call". */
  category: string;
  /** One sentence for a firm admin. */
  description: string;
  /** JSON Schema (TypeBox) of the event's `data`. Extra properties are always allowed. */
  schema: TObject;
  /** A realistic `data` object that validates against `schema`. */
  example: Record<string, unknown>;
}

/** One problem found in an event's `data`. */
export interface DataValidationError {
  /** JSON pointer into `data`, e.g. "/customer/phone"; "" for `data` itself. */
  path: string;
  message: string;
}
