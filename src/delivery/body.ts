/**
 * What a delivery carries: the JSON envelope, form fields or a query string, shaped by the
 * webhook's `body.template` when it has one. Templates are compiled once per webhook version.
 */
import {
  type CompileResult,
  compileTemplate,
  renderFields,
  renderText,
  scopeWithMacros,
  type TemplateEncoding,
  TemplateRenderError,
  type TemplateScope,
} from "../domain/template.js";
import type { HttpMethod, WebhookBody } from "../domain/webhook.js";
import { DATA_JSON, type EventRecord } from "../store/index.js";

/**
 * The envelope of DESIGN.md's wire format. `type` is the Standard Webhooks name of the event type
 * (`{type, timestamp, data}`) and `event` the name receivers written for Switchboard read: both
 * carry the same value, so either kind of receiver works unchanged.
 */
export function envelopeOf(event: EventRecord): {
  id: string;
  type: string;
  event: string;
  timestamp: string;
  data: Record<string, unknown> | null;
  test?: true;
} {
  return {
    id: event.id,
    type: event.type,
    event: event.type,
    timestamp: new Date(event.occurred_at).toISOString(),
    data: event.data,
    ...(event.test ? { test: true as const } : {}),
  };
}

const jsonBodies = new WeakMap<EventRecord, string>();

/** The default JSON body, serialised once per event however many endpoints it goes to. */
export function envelopeJson(event: EventRecord): string {
  let body = jsonBodies.get(event);
  if (body === undefined) {
    // An event read from the store carries its data's JSON text (written by JSON.stringify):
    // the same bytes JSON.stringify(envelopeOf(event)) gives, without parsing and serialising it.
    const stored = (event as EventRecord & { [DATA_JSON]?: string })[DATA_JSON];
    const type = JSON.stringify(event.type);
    body =
      stored === undefined
        ? JSON.stringify(envelopeOf(event))
        : `{"id":${JSON.stringify(event.id)},"type":${type},"event":${type},"timestamp":"${new Date(event.occurred_at).toISOString()}","data":${stored}${event.test ? ',"test":true' : ""}}`;
    jsonBodies.set(event, body);
  }
  return body;
}

/** Flat form fields: scalars as they are, objects and arrays as JSON text. */
export function formFields(values: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) params.append(key, "");
    else if (typeof value === "object") params.append(key, JSON.stringify(value));
    else params.append(key, String(value));
  }
  return params;
}

/** What a webhook's body settings need to know about it. */
export interface BodySettings {
  id: string;
  updated_at: number;
  method: HttpMethod;
  body: WebhookBody;
}

const MAX_CACHED = 1_000;
const compiled = new Map<string, { version: string; result: CompileResult }>();

/** The webhook's template, compiled once per version and encoding (least recently used evicted). */
function templateOf(webhook: BodySettings, encoding: TemplateEncoding): CompileResult | null {
  const source = webhook.body.template;
  if (source === undefined) return null;
  const version = `${webhook.updated_at}:${encoding}`;
  const hit = compiled.get(webhook.id);
  if (hit && hit.version === version) {
    compiled.delete(webhook.id);
    compiled.set(webhook.id, hit);
    return hit.result;
  }
  const result = compileTemplate(source, encoding, webhook.body.macros ?? "standard");
  if (compiled.size >= MAX_CACHED) {
    const oldest = compiled.keys().next();
    if (oldest.done !== true) compiled.delete(oldest.value);
  }
  compiled.set(webhook.id, { version, result });
  return result;
}

export interface RenderedBody {
  /** The request body (null for GET). */
  body: string | null;
  contentType: string | null;
  /** Query string to add to the URL (GET), without the `?`. */
  query: string | null;
}

function scopeOf(event: EventRecord): TemplateScope {
  const envelope = envelopeOf(event);
  return { ...envelope, data: envelope.data ?? {} };
}

/**
 * Fields or text of the template, or null without one. A template that no longer compiles (it
 * was stored before a rule existed) fails like a render error.
 */
function renderTemplate(
  event: EventRecord,
  webhook: BodySettings,
  encoding: TemplateEncoding,
): Record<string, unknown> | string | null {
  const result = templateOf(webhook, encoding);
  if (result === null) return null;
  if (!result.ok) {
    const { path, message, line, column } = result.error;
    throw new TemplateRenderError(
      path,
      `template${path.length ? ` field "${path.join(".")}"` : ""} does not compile: ${message} (line ${line}, column ${column})`,
    );
  }
  const scope = scopeWithMacros(scopeOf(event), webhook.body.macros ?? "standard");
  return result.template.kind === "fields"
    ? renderFields(result.template, scope)
    : renderText(result.template, scope);
}

/** The default flat fields of form bodies and query strings: envelope fields, then data fields. */
function defaultFields(event: EventRecord): Record<string, unknown> {
  const envelope = envelopeOf(event);
  return { id: envelope.id, event: envelope.event, timestamp: envelope.timestamp, ...envelope.data };
}

/** Form or query text: a string template as rendered (leading `?` dropped), fields encoded. */
function formText(event: EventRecord, webhook: BodySettings): string {
  const rendered = renderTemplate(event, webhook, "form");
  if (typeof rendered === "string") return rendered.replace(/^\?/, "");
  return formFields(rendered ?? defaultFields(event)).toString();
}

/**
 * The body (or, for GET, the query string) of one delivery. Throws {@link TemplateRenderError}
 * when the template fails to render.
 */
export function renderBody(event: EventRecord, webhook: BodySettings): RenderedBody {
  if (webhook.method === "GET") return { body: null, contentType: null, query: formText(event, webhook) };
  if (webhook.body.format === "form") {
    return { body: formText(event, webhook), contentType: "application/x-www-form-urlencoded", query: null };
  }
  const rendered = renderTemplate(event, webhook, "plain");
  if (rendered === null) return { body: envelopeJson(event), contentType: "application/json", query: null };
  if (typeof rendered !== "string") {
    return { body: JSON.stringify(rendered), contentType: "application/json", query: null };
  }
  try {
    JSON.parse(rendered);
  } catch (error) {
    throw new TemplateRenderError(
      [],
      `the rendered template is not valid JSON (${(error as Error).message}); use the json filter for string values, e.g. {{ data.summary | json }}`,
    );
  }
  return { body: rendered, contentType: "application/json", query: null };
}

/**
 * A held delivery's event with its follow-up's data merged in: the follow-up fills the fields the
 * held event lacks (e.g. `recording_url`, `recording_id`); fields it already has keep their values.
 */
export function withFollowUp(event: EventRecord, followUp: EventRecord | undefined): EventRecord {
  if (!followUp?.data) return event;
  const data: Record<string, unknown> = { ...event.data };
  for (const [key, value] of Object.entries(followUp.data)) {
    if (data[key] === undefined || data[key] === null) data[key] = value;
  }
  return { ...event, data };
}
