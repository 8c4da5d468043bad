/**
 * A client-side preview of a webhook body rendered from a catalog example. It substitutes
 * `{{ path }}` outputs and `{name}` macros only (Liquid filters and `{% tags %}` are not evaluated);
 * the server's Liquid renderer is what deliveries use.
 */

// The macro table is the server's own (pure, no Node imports), so preview and delivery agree.
import { isKaisaMacro, KAISA_SCOPE, kaisaValues } from "../../../../../src/domain/kaisa.js";
import { CALL_MACROS } from "../../../../../src/domain/template-macros.js";

export { CALL_MACROS };

export interface Envelope {
  id: string;
  event: string;
  timestamp: string;
  data: Record<string, unknown>;
  /** With Kaisa macros: their computed values (see withMacros). */
  kaisa?: Record<string, unknown>;
}

export function lookup(scope: Envelope, path: string): unknown {
  let value: unknown = scope;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A scope that carries Kaisa's values renders Kaisa's names from them, as the server does. */
const macroPath = (name: string, scope: Envelope): string =>
  scope.kaisa !== undefined && isKaisaMacro(name)
    ? `${KAISA_SCOPE}.${name}`
    : (CALL_MACROS[name] ?? `data.${name}`);

/** The scope a template with these macros sees: Kaisa's values added for `macros: "kaisa"`. */
export function withMacros(scope: Envelope, macros: "standard" | "kaisa"): Envelope {
  return macros === "kaisa" ? { ...scope, kaisa: kaisaValues(scope) } : scope;
}

const TOKEN =
  /\{\{-?\s*([^}]*?)\s*-?\}\}|\{%[\s\S]*?%\}|\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}/g;
const WHOLE_OUTPUT =
  /^\s*\{\{-?\s*([^}|]*?)\s*-?\}\}\s*$|^\s*\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}\s*$/;

function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Substitutes outputs and macros in one template string. */
export function renderString(template: string, scope: Envelope, encode: (s: string) => string): string {
  return template.replace(TOKEN, (match, expression: string | undefined, macro: string | undefined) => {
    if (macro !== undefined) return encode(text(lookup(scope, macroPath(macro, scope))));
    if (expression === undefined) return match; // {% tag %}: not evaluated in the preview
    const path = expression.split("|")[0]?.trim() ?? "";
    return encode(text(lookup(scope, path)));
  });
}

/** A mapping: a value that is exactly one output keeps its JSON type, other strings render to text. */
function renderValue(value: unknown, scope: Envelope): unknown {
  if (typeof value === "string") {
    const whole = WHOLE_OUTPUT.exec(value);
    if (whole) {
      const path = whole[1] !== undefined ? whole[1].trim() : macroPath(whole[2] ?? "", scope);
      const found = lookup(scope, path);
      return found === undefined ? null : found;
    }
    return renderString(value, scope, (s) => s);
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, scope));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, scope)]));
  }
  return value;
}

function formFields(values: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) params.append(key, text(value));
  return params.toString();
}

export interface PreviewInput {
  method: string;
  format: "json" | "form";
  /** Parsed template: a mapping, a string, or undefined for the default body. */
  template: Record<string, unknown> | string | undefined;
}

export interface Preview {
  /** What the preview shows: the body, or for GET the query string. */
  kind: "json" | "form" | "query";
  contentType: string | null;
  text: string;
}

export function renderPreview(input: PreviewInput, scope: Envelope): Preview {
  const encodeForm = (s: string) => encodeURIComponent(s);
  const formOrQuery = (): string => {
    if (typeof input.template === "string") {
      return renderString(input.template, scope, encodeForm).replace(/^\?/, "");
    }
    const fields =
      input.template === undefined
        ? { id: scope.id, event: scope.event, timestamp: scope.timestamp, ...scope.data }
        : (renderValue(input.template, scope) as Record<string, unknown>);
    return formFields(fields);
  };
  if (input.method === "GET") return { kind: "query", contentType: null, text: `?${formOrQuery()}` };
  if (input.format === "form") {
    return { kind: "form", contentType: "application/x-www-form-urlencoded", text: formOrQuery() };
  }
  if (input.template === undefined) {
    return { kind: "json", contentType: "application/json", text: JSON.stringify(scope, null, 2) };
  }
  if (typeof input.template === "string") {
    const rendered = renderString(input.template, scope, (s) => s);
    return { kind: "json", contentType: "application/json", text: rendered };
  }
  return {
    kind: "json",
    contentType: "application/json",
    text: JSON.stringify(renderValue(input.template, scope), null, 2),
  };
}
