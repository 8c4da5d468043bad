import { eventCatalog } from "./registry.js";

/**
 * Edit distance with adjacent transpositions (optimal string alignment / restricted
 * Damerau–Levenshtein): "call.edned" is one edit from "call.ended".
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: i-2, i-1 and i.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] ?? 0) + 1, // deletion
        (current[j - 1] ?? 0) + 1, // insertion
        (previous[j - 1] ?? 0) + cost, // substitution
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (before[j - 2] ?? 0) + 1); // transposition
      }
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] ?? 0;
}

/** Lower case, trimmed, with common separators mapped: "Call:Ended" → "call.ended", "pre-connect" → "pre_connect". */
function normalize(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[:/]+/g, ".")
    .replace(/[\s-]+/g, "_");
}

function split(name: string): [string, string | undefined] {
  const dot = name.indexOf(".");
  return dot === -1 ? [name, undefined] : [name.slice(0, dot), name.slice(dot + 1)];
}

/**
 * How far `input` is from the catalog name `candidate` — the smallest of: the distance between
 * the whole names; category and action compared separately ("calls.ended" → "call.ended");
 * for input without a dot, the distance to the action or to the category alone ("ended").
 * A typed action that is a prefix of the real one ("call.end") counts as one edit.
 */
function score(input: string, candidate: string): number {
  const [category, action] = split(candidate);
  let best = editDistance(input, candidate);
  const [inputCategory, inputAction] = split(input);
  if (inputAction === undefined) {
    best = Math.min(best, editDistance(input, action ?? ""), editDistance(input, category));
  } else if (action !== undefined) {
    const actionDistance =
      inputAction.length >= 3 && action.startsWith(inputAction) ? 1 : editDistance(inputAction, action);
    best = Math.min(best, editDistance(inputCategory, category) + actionDistance);
  }
  return best;
}

/** The largest score that still counts as "close" for an input of this length. */
function tolerance(input: string): number {
  return Math.max(2, Math.ceil(input.length * 0.4));
}

/**
 * Up to 3 catalog names closest to `name`, best first; [] when nothing is reasonably close.
 * For "call.end" → ["call.ended", …]; "calls.ended" → ["call.ended", …].
 */
export function suggestEventTypes(name: string): string[] {
  const input = normalize(name);
  if (input.length === 0) return [];
  const limit = tolerance(input);
  return eventCatalog
    .map((definition) => ({
      name: definition.name,
      score: score(input, definition.name),
      full: editDistance(input, definition.name),
    }))
    .filter((candidate) => candidate.score <= limit)
    .sort((a, b) => a.score - b.score || a.full - b.full || (a.name < b.name ? -1 : 1))
    .slice(0, 3)
    .map((candidate) => candidate.name);
}
