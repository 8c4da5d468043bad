import { invalid } from "../errors.js";

/** Availability decisions: which window to ask for, whether a start is open, which slots are nearest. */

export interface Slot {
  /** Epoch ms. */
  start: number;
  end: number;
}

/** Without an end, availability looks this far ahead. */
export const DEFAULT_WINDOW_MS = 7 * 86_400_000;
/** Longer windows are refused: a live caller never needs a month of slots, and Cal.com is slow at it. */
export const MAX_WINDOW_MS = 31 * 86_400_000;
/** Slots named when a start is not open. */
export const NEAREST_COUNT = 3;

/** The window availability asks for: from `start` (or now) to `end` (or a week on), checked. */
export function availabilityWindow(
  start: number | undefined,
  end: number | undefined,
  now: number,
): { start: number; end: number } {
  const from = start ?? now;
  const to = end ?? from + DEFAULT_WINDOW_MS;
  if (to <= from) throw invalid("/querystring/end", "end must be after start");
  if (to - from > MAX_WINDOW_MS) throw invalid("/querystring/end", "the window may span at most 31 days");
  return { start: from, end: to };
}

/** The open slot starting exactly at `start`, if any. */
export function slotAt(slots: readonly Slot[], start: number): Slot | null {
  return slots.find((s) => s.start === start) ?? null;
}

/**
 * The `count` open slots whose starts are nearest to `wanted` (ties: the earlier first), in time
 * order: what a 409 names so the agent can offer the caller another time at once.
 */
export function nearestSlots(slots: readonly Slot[], wanted: number, count = NEAREST_COUNT): Slot[] {
  return [...slots]
    .sort((a, b) => Math.abs(a.start - wanted) - Math.abs(b.start - wanted) || a.start - b.start)
    .slice(0, count)
    .sort((a, b) => a.start - b.start);
}

/** The search window for a start we want to book: the same day on either side, so the 409 has neighbours. */
export function neighbourhood(start: number): { start: number; end: number } {
  return { start: start - 86_400_000, end: start + 2 * 86_400_000 };
}
