/**
 * Single-brace macros of payload templates: `{from_nr}`, `{duration}`, `{customer.name}` are
 * shorthand for the call's fields (the call-tracking names in {@link CALL_MACROS}; any other name
 * means `data.<name>`). Liquid's own `{{ … }}`, `{% … %}` and raw blocks are left alone. Pure.
 */

import { isKaisaMacro, KAISA_SCOPE } from "./kaisa.js";

/** Which names single-brace macros give: Switchboard's own, or Kaisa's (see kaisa.ts). */
export type MacroSet = "standard" | "kaisa";

/**
 * Call-tracking names users expect → the envelope path they stand for. Any other `{name}` means
 * `data.name` (dots allowed: `{customer.name}`).
 */
export const CALL_MACROS: Readonly<Record<string, string>> = Object.freeze({
  start: "data.started_at",
  end: "data.ended_at",
  duration: "data.duration",
  from_nr: "data.from_number",
  to_nr: "data.to_number",
  answered: "data.answered",
  call_id: "data.call_id",
  direction: "data.direction",
  agent_id: "data.agent_id",
  campaign_id: "data.campaign_id",
  recording_url: "data.recording_url",
  lead_score: "data.lead_score",
  summary: "data.summary",
  customer_name: "data.customer.name",
  customer_phone: "data.customer.phone",
  customer_email: "data.customer.email",
  event_id: "id",
  event_type: "event",
  id: "id",
  event: "event",
  timestamp: "timestamp",
});

/** The macros that stand for one of these variables (e.g. a type's `eventTypeVariables`). */
export function macrosFor(variables: readonly string[]): Array<{ macro: string; variable: string }> {
  const offered = new Set(variables);
  return Object.entries(CALL_MACROS)
    .filter(([name, path]) => offered.has(path) && path !== name)
    .map(([name, path]) => ({ macro: `{${name}}`, variable: path }));
}

const MACRO = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}/y;
const RAW_TAG = /^\{%-?\s*raw\s*-?%\}$/;
const END_RAW = /\{%-?\s*endraw\s*-?%\}/;

/** One macro replacement: where it was in the source and where its expansion is. */
export interface Edit {
  from: number;
  to: number;
  outFrom: number;
  outTo: number;
}

function macroTarget(name: string, macros: MacroSet): string {
  if (macros === "kaisa" && isKaisaMacro(name)) return `${KAISA_SCOPE}.${name}`;
  const alias = CALL_MACROS[name];
  if (alias !== undefined) return alias;
  return name.startsWith("data.") ? name : `data.${name}`;
}

/**
 * Replaces `{name}` macros with `{{ path }}` outside Liquid tags and outputs. With the Kaisa set,
 * Kaisa's names mean their computed values (`{start}` → `{{ kaisa.start }}`).
 */
export function expandMacros(source: string, macros: MacroSet = "standard"): { text: string; edits: Edit[] } {
  const edits: Edit[] = [];
  let text = "";
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf("{", i);
    if (open < 0) {
      text += source.slice(i);
      break;
    }
    text += source.slice(i, open);
    const next = source[open + 1];
    if (next === "{" || next === "%") {
      const close = source.indexOf(next === "{" ? "}}" : "%}", open + 2);
      if (close < 0) {
        // Unclosed: left for Liquid to report with its position.
        text += source.slice(open);
        break;
      }
      let end = close + 2;
      if (next === "%" && RAW_TAG.test(source.slice(open, end))) {
        const endRaw = source.slice(end).search(END_RAW);
        end = endRaw < 0 ? source.length : end + endRaw;
      }
      text += source.slice(open, end);
      i = end;
      continue;
    }
    MACRO.lastIndex = open;
    const match = MACRO.exec(source);
    if (match?.[1] !== undefined) {
      const expansion = `{{ ${macroTarget(match[1], macros)} }}`;
      edits.push({
        from: open,
        to: open + match[0].length,
        outFrom: text.length,
        outTo: text.length + expansion.length,
      });
      text += expansion;
      i = open + match[0].length;
    } else {
      text += "{";
      i = open + 1;
    }
  }
  return { text, edits };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Maps a (line, column) in the expanded text back to the source the user wrote. */
export function sourcePosition(
  source: string,
  expanded: string,
  edits: Edit[],
  line: number,
  column: number,
): { line: number; column: number } {
  if (edits.length === 0) return { line, column };
  const offset = (lineStarts(expanded)[line - 1] ?? 0) + column - 1;
  let shift = 0;
  let original = offset;
  for (const edit of edits) {
    if (offset < edit.outFrom) break;
    if (offset < edit.outTo) {
      original = edit.from;
      shift = Number.NaN;
      break;
    }
    shift += edit.outTo - edit.outFrom - (edit.to - edit.from);
  }
  if (!Number.isNaN(shift)) original = offset - shift;
  const starts = lineStarts(source);
  let index = 0;
  while (index + 1 < starts.length && (starts[index + 1] as number) <= original) index++;
  return { line: index + 1, column: original - (starts[index] as number) + 1 };
}
