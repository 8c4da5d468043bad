import type { TObject, TSchema } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler, type ValueError, ValueErrorType } from "@sinclair/typebox/compiler";
import { requireEventType } from "./errors.js";
import type { DataValidationError } from "./types.js";

/** At most this many errors are reported for one payload (a huge wrong array stays readable). */
export const MAX_VALIDATION_ERRORS = 50;

const compiled = new Map<string, TypeCheck<TObject>>();

function checkerFor(type: string): TypeCheck<TObject> {
  let checker = compiled.get(type);
  if (checker === undefined) {
    checker = TypeCompiler.Compile(requireEventType(type).schema);
    compiled.set(type, checker);
  }
  return checker;
}

/** A readable message for a union the value matched no variant of. */
function unionMessage(schema: TSchema, fallback: string): string {
  const variants: unknown = schema.anyOf;
  if (!Array.isArray(variants) || variants.length === 0) return fallback;
  const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";
  if (variants.every((v) => isRecord(v) && "const" in v)) {
    return `Expected one of ${variants.map((v) => JSON.stringify(v.const)).join(", ")}`;
  }
  const kinds = variants.map((v) => (isRecord(v) && typeof v.type === "string" ? v.type : undefined));
  if (kinds.every((kind) => kind !== undefined)) return `Expected ${[...new Set(kinds)].join(" or ")}`;
  return fallback;
}

/**
 * Flatten TypeBox errors. A union ("string or list of turns") reports the errors of the one
 * variant the value looks like — the only variant that does not reject the value's kind at the
 * union's own path — so "/transcript/2/text" is reported instead of just "/transcript".
 */
function* flatten(errors: Iterable<ValueError>): Generator<ValueError | DataValidationError> {
  for (const error of errors) {
    if (error.type !== ValueErrorType.Union) {
      yield error;
      continue;
    }
    const plausible = error.errors
      .map((variant) => [...variant])
      .filter((variantErrors) => !variantErrors.some((e) => e.path === error.path));
    const [only] = plausible;
    if (plausible.length === 1 && only !== undefined && only.length > 0) {
      yield* flatten(only);
      continue;
    }
    yield { path: error.path, message: unionMessage(error.schema, error.message) };
  }
}

/**
 * Validate an event's `data` against its type's schema. Returns [] when valid, otherwise the
 * problems with JSON-pointer paths into `data` (at most MAX_VALIDATION_ERRORS).
 * Throws UnknownEventTypeError for a type that is not in the catalog.
 */
export function validateEventData(type: string, data: unknown): DataValidationError[] {
  const checker = checkerFor(type);
  if (checker.Check(data)) return [];
  const result: DataValidationError[] = [];
  const seen = new Set<string>();
  // A missing property is reported once, not again as "Expected string".
  const missing = new Set<string>();
  for (const error of flatten(checker.Errors(data))) {
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key) || missing.has(error.path)) continue;
    seen.add(key);
    if ("type" in error && error.type === ValueErrorType.ObjectRequiredProperty) missing.add(error.path);
    result.push({ path: error.path, message: error.message });
    if (result.length >= MAX_VALIDATION_ERRORS) break;
  }
  return result;
}
