/**
 * The platform's event catalog: every event type with its description, the JSON Schema of its
 * `data` and a realistic example; plus lookup, validation, selector matching, "did you mean"
 * suggestions and template variables. Pure code, no I/O.
 */
export {
  categoryAliases,
  eventAliasTable,
  eventTypeAliases,
  resolveEventSelector,
  resolveEventType,
} from "./aliases.js";
export { UnknownEventTypeError } from "./errors.js";
export { isDateTime, isEmail, isUri } from "./formats.js";
export { eventCatalog, eventCategories, findEventType } from "./registry.js";
export { eventSelectorMatches, isCampaignScoped, isValidEventSelector } from "./selectors.js";
export { editDistance, suggestEventTypes } from "./suggest.js";
export type { DataValidationError, EventTypeDefinition } from "./types.js";
export { MAX_VALIDATION_ERRORS, validateEventData } from "./validate.js";
export { ENVELOPE_VARIABLES, eventTypeVariables } from "./variables.js";
