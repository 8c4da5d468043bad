/**
 * Rules every JSON value a client sends must keep, whatever the route: checked once when the body
 * is parsed, so routes added later inherit them. Iterative, so no input can exhaust the stack.
 */

export interface InputProblem {
  /** JSON pointer of the offending value or key, from the body's root. */
  path: string;
  message: string;
}

/**
 * How deep containers may nest: far beyond any real event, and far below the depth at which
 * recursive code (serialising, copying, matching) runs out of stack.
 */
export const MAX_INPUT_DEPTH = 64;

/** Keys that would change an object's prototype if the value were ever assigned key by key. */
const PROTOTYPE_KEYS = new Set(["__proto__"]);

const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Why a piece of client text cannot be stored, or null. NUL is refused because PostgreSQL cannot
 * store it in text (a 500) while SQLite would, so the same request would mean different things; a
 * lone surrogate (`"\udfff"` in JSON) has no UTF-8 form and would be stored garbled.
 */
export function textProblem(text: string): string | null {
  if (text.includes("\0")) return "may not contain the NUL character (U+0000)";
  // In a `u` regex a well-formed pair is one astral code point; only a lone half matches.
  if (LONE_SURROGATE.test(text))
    return "contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text";
  return null;
}

function escapeSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The first value in `root` that breaks an input rule, or null. */
export function findInputProblem(root: unknown): InputProblem | null {
  // `depth` counts the containers from the root down to and including this value.
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: "", depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value === "string") {
      const message = textProblem(value);
      if (message) return { path, message };
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth > MAX_INPUT_DEPTH) {
      return { path, message: `nests deeper than ${MAX_INPUT_DEPTH} levels of objects and arrays` };
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i], path: `${path}/${i}`, depth: depth + 1 });
      }
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      const at = `${path}/${escapeSegment(key)}`;
      if (PROTOTYPE_KEYS.has(key)) return { path: at, message: `the key "${key}" is not allowed` };
      const keyMessage = textProblem(key);
      if (keyMessage) return { path: at, message: `the key ${keyMessage}` };
      stack.push({ value: child, path: at, depth: depth + 1 });
    }
  }
  return null;
}
