/**
 * Payload templates (`body.template`): Liquid (liquidjs, no `eval`, no file system) over the
 * delivery envelope `{id, event, timestamp, data}`.
 *
 * - A mapping (output field → template, nested objects and arrays allowed) renders to fields. A
 *   value that is exactly one `{{ expression }}` keeps its JSON type (numbers, booleans, objects,
 *   arrays); anything else renders to a string. Numbers, booleans and null are kept as they are.
 * - A string renders to the whole body (or query string). In URL-encoded mode every output is
 *   form-encoded (`| raw` opts out), so `start={start}&from_nr={from_nr}` is a valid form body.
 * - Single-brace macros (`{from_nr}`, `{duration}`, `{customer.name}`) are shorthand for the call's
 *   fields: the call-tracking names in {@link CALL_MACROS}, any other name means `data.<name>`.
 *   `{{ … }}` and `{% … %}` are left alone.
 *
 * Compile once (at save time to validate, at send time cached per webhook version); rendering is
 * synchronous. Pure apart from the template engine.
 */
import { Context, type FS, Liquid, Output, type Template, toValueSync, Value } from "liquidjs";
import { KAISA_SCOPE, kaisaValues } from "./kaisa.js";
import { expandMacros, type MacroSet, sourcePosition } from "./template-macros.js";

export { CALL_MACROS, expandMacros, type MacroSet, macrosFor } from "./template-macros.js";

/** What a template sees: the delivery envelope (and, with Kaisa macros, their values as `kaisa`). */
export interface TemplateScope {
  id: string;
  event: string;
  timestamp: string;
  data: Record<string, unknown>;
  kaisa?: Record<string, string | number | null>;
}

export type TemplateSource = string | Record<string, unknown>;

/** `plain`: outputs as text (JSON bodies); `form`: outputs URL-encoded (form or query string text). */
export type TemplateEncoding = "plain" | "form";

/** A syntax error found while compiling, with where it is. */
export interface TemplateSyntaxError {
  /** Field path inside the template mapping ([] for a string template). */
  path: string[];
  message: string;
  /** 1-based line and column inside that field's template. */
  line: number;
  column: number;
}

/** A template that compiled but failed to render (at send time). */
export class TemplateRenderError extends Error {
  constructor(
    readonly path: string[],
    message: string,
  ) {
    super(message);
    this.name = "TemplateRenderError";
  }
}

// ---------------------------------------------------------------------------------------------
// Engine

/** Text of an output: nothing for null/undefined, JSON for objects and arrays. */
export function outputText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value) ?? "";
  return String(value);
}

/** `application/x-www-form-urlencoded` encoding of one value (space as `+`). */
export function formEncode(value: unknown): string {
  return encodeURIComponent(outputText(value)).replace(/%20/g, "+");
}

/** No templates are ever read from anywhere: includes, renders and layouts are refused. */
const NO_FS: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => {
    throw new Error("templates cannot include files");
  },
  readFileSync: () => {
    throw new Error("templates cannot include files");
  },
  resolve: (_dir, file) => file,
};

const REFUSED_TAGS = ["include", "render", "layout", "block"];

/**
 * Limits so one template cannot stall the dispatcher: source size and nesting at compile time;
 * per render at most 100 ms and about a million allocated items (ranges, joins, appends).
 */
const MAX_SOURCE_CHARS = 100_000;
const MAX_DEPTH = 8;
const MAX_NODES = 1_000;
const RENDER_OPTIONS = { templateLimit: 50_000, renderLimit: 100, memoryLimit: 1_000_000 };

function createEngine(encodeOutput: (value: unknown) => string): Liquid {
  const engine = new Liquid({
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    fs: NO_FS,
    relativeReference: false,
    dynamicPartials: false,
    timezoneOffset: 0,
    outputEscape: encodeOutput,
    parseLimit: MAX_SOURCE_CHARS,
    ...RENDER_OPTIONS,
  });
  for (const tag of REFUSED_TAGS) Reflect.deleteProperty(engine.tags, tag);
  return engine;
}

/** The two shared engines: one per output encoding (Liquid applies the escape at parse time). */
const engines: Record<TemplateEncoding, Liquid> = {
  plain: createEngine(outputText),
  form: createEngine(formEncode),
};

// ---------------------------------------------------------------------------------------------
// Compiling

type Node =
  | { kind: "text"; templates: Template[] }
  | { kind: "typed"; value: Value }
  | { kind: "literal"; value: unknown }
  | { kind: "object"; entries: Array<[string, Node]> }
  | { kind: "array"; items: Node[] };

/** A compiled `body.template`: fields (from a mapping) or text (from a string). */
export type CompiledTemplate =
  | { kind: "fields"; entries: Array<[string, Node]>; engine: Liquid }
  | { kind: "text"; templates: Template[]; engine: Liquid };

export type CompileResult =
  | { ok: true; template: CompiledTemplate }
  | { ok: false; error: TemplateSyntaxError };

class CompileFailure extends Error {
  constructor(readonly detail: TemplateSyntaxError) {
    super(detail.message);
  }
}

/** Liquid appends the position to its messages; we report it separately. */
const LIQUID_POSITION = /, line:\d+, col:\d+$/;

interface LiquidErrorLike {
  message: string;
  token?: { getPosition?: () => [number, number] };
}

function syntaxError(path: string[], source: string, error: unknown, macros: MacroSet): CompileFailure {
  const like = (
    typeof error === "object" && error !== null ? error : { message: String(error) }
  ) as LiquidErrorLike;
  const { text, edits } = expandMacros(source, macros);
  const [line, column] = like.token?.getPosition?.() ?? [1, 1];
  const position = sourcePosition(source, text, edits, line, column);
  const message = String(like.message ?? error).replace(LIQUID_POSITION, "");
  return new CompileFailure({ path, message, ...position });
}

interface Budget {
  chars: number;
  nodes: number;
  macros: MacroSet;
}

function compileString(source: string, path: string[], engine: Liquid, budget: Budget): Node {
  budget.chars -= source.length;
  if (budget.chars < 0) {
    throw new CompileFailure({
      path,
      message: `template is too long (at most ${MAX_SOURCE_CHARS} characters in all)`,
      line: 1,
      column: 1,
    });
  }
  const { text } = expandMacros(source, budget.macros);
  let templates: Template[];
  try {
    templates = engine.parse(text);
  } catch (error) {
    throw syntaxError(path, source, error, budget.macros);
  }
  const only = templates.length === 1 ? templates[0] : undefined;
  if (only instanceof Output) {
    // Evaluated without the output escape, so the value keeps its JSON type.
    return { kind: "typed", value: new Value(only.token.content, engine) };
  }
  return { kind: "text", templates };
}

function compileNode(value: unknown, path: string[], engine: Liquid, budget: Budget): Node {
  if (--budget.nodes < 0) {
    throw new CompileFailure({
      path,
      message: `template has more than ${MAX_NODES} values`,
      line: 1,
      column: 1,
    });
  }
  if (path.length > MAX_DEPTH) {
    throw new CompileFailure({
      path,
      message: `template nests deeper than ${MAX_DEPTH} levels`,
      line: 1,
      column: 1,
    });
  }
  if (typeof value === "string") return compileString(value, path, engine, budget);
  if (Array.isArray(value)) {
    return {
      kind: "array",
      items: value.map((item, i) => compileNode(item, [...path, String(i)], engine, budget)),
    };
  }
  if (typeof value === "object" && value !== null) {
    return {
      kind: "object",
      entries: Object.entries(value).map(([key, item]) => [
        key,
        compileNode(item, [...path, key], engine, budget),
      ]),
    };
  }
  if (value === null || typeof value === "number" || typeof value === "boolean")
    return { kind: "literal", value };
  throw new CompileFailure({
    path,
    message: "must be a string, number, boolean, null, object or array",
    line: 1,
    column: 1,
  });
}

/**
 * Compiles a `body.template`. `encoding` matters for string templates only: `form` URL-encodes
 * every output (form bodies and query strings), `plain` leaves outputs as they are. `macros`
 * chooses what single-brace names mean (Kaisa's: render with {@link scopeWithMacros}).
 */
export function compileTemplate(
  source: TemplateSource,
  encoding: TemplateEncoding = "plain",
  macros: MacroSet = "standard",
): CompileResult {
  const budget: Budget = { chars: MAX_SOURCE_CHARS, nodes: MAX_NODES, macros };
  try {
    if (typeof source === "string") {
      const engine = engines[encoding];
      const node = compileString(source, [], engine, budget);
      const templates =
        node.kind === "text" ? node.templates : engine.parse(expandMacros(source, macros).text);
      return { ok: true, template: { kind: "text", templates, engine } };
    }
    const engine = engines.plain;
    const root = compileNode(source, [], engine, budget);
    if (root.kind !== "object") throw new Error("unreachable: a mapping compiles to an object");
    return { ok: true, template: { kind: "fields", entries: root.entries, engine } };
  } catch (error) {
    if (error instanceof CompileFailure) return { ok: false, error: error.detail };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** The scope a template compiled with `macros` renders against: Kaisa's values added when used. */
export function scopeWithMacros(scope: TemplateScope, macros: MacroSet): TemplateScope {
  return macros === "kaisa" ? { ...scope, [KAISA_SCOPE]: kaisaValues(scope) } : scope;
}

function fieldName(path: string[]): string {
  return path.length === 0 ? "template" : `template field "${path.join(".")}"`;
}

function renderFailure(path: string[], error: unknown): TemplateRenderError {
  const message = (error instanceof Error ? error.message : String(error)).replace(LIQUID_POSITION, "");
  return new TemplateRenderError(path, `${fieldName(path)} failed to render: ${message}`);
}

function renderNode(node: Node, scope: TemplateScope, engine: Liquid, path: string[]): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "text":
      try {
        return engine.renderSync(node.templates, scope, RENDER_OPTIONS) as string;
      } catch (error) {
        throw renderFailure(path, error);
      }
    case "typed":
      try {
        const context = new Context(scope, engine.options, RENDER_OPTIONS);
        const value: unknown = toValueSync(node.value.value(context, false));
        return value === undefined ? null : value;
      } catch (error) {
        throw renderFailure(path, error);
      }
    case "array":
      return node.items.map((item, i) => renderNode(item, scope, engine, [...path, String(i)]));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [key, item] of node.entries) out[key] = renderNode(item, scope, engine, [...path, key]);
      return out;
    }
  }
}

/** Renders a mapping template to its fields. Throws {@link TemplateRenderError}. */
export function renderFields(
  template: Extract<CompiledTemplate, { kind: "fields" }>,
  scope: TemplateScope,
): Record<string, unknown> {
  return renderNode({ kind: "object", entries: template.entries }, scope, template.engine, []) as Record<
    string,
    unknown
  >;
}

/** Renders a string template to text. Throws {@link TemplateRenderError}. */
export function renderText(
  template: Extract<CompiledTemplate, { kind: "text" }>,
  scope: TemplateScope,
): string {
  return renderNode({ kind: "text", templates: template.templates }, scope, template.engine, []) as string;
}
