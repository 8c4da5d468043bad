/** The webhook form's state, its conversion to the API's body, and client-side checks. */
import type { AuthSettings, EventType, Webhook } from "../api";
import { CAMPAIGN_CATEGORIES, categoryOf } from "../catalog";
import { splitList } from "../format";

export type RetryMode = "standard" | "every_30m_for_7d" | "exponential" | "custom";
export type TemplateMode = "none" | "fields" | "text";
export type AuthType = AuthSettings["type"];

export interface HeaderRow {
  id: number;
  name: string;
  value: string;
}

export interface FormState {
  url: string;
  description: string;
  enabled: boolean;
  allEvents: boolean;
  events: string[];
  campaignId: string;
  campaignIds: string;
  caseTypes: string;
  inbound: boolean;
  outbound: boolean;
  agentIds: string;
  leadScores: string;
  match: string;
  method: "POST" | "GET" | "PUT" | "DELETE";
  headers: HeaderRow[];
  authType: AuthType;
  /** Edit mode: stored credentials are masked; they are sent only once the user changes them. */
  authChanged: boolean;
  authMasked: string;
  authHeader: string;
  authValue: string;
  authUsername: string;
  authPassword: string;
  authToken: string;
  appKey: string;
  /** "keep": leave the stored (masked) app key; "set": send `appKey`; "clear": send null. */
  appKeyMode: "keep" | "set" | "clear";
  appKeyMasked: string | null;
  signatureHeader: string;
  format: "json" | "form";
  templateMode: TemplateMode;
  templateFields: string;
  templateText: string;
  hold: boolean;
  holdEvent: string;
  holdWait: string;
  timeoutMs: string;
  retryMode: RetryMode;
  schedule: string;
  maxAttempts: string;
  totalTimeout: string;
  baseS: string;
  capS: string;
  successCodes: string;
  responseKey: string;
  expectedValue: string;
  maxInFlight: string;
  rateLimit: string;
}

let rowId = 0;
export const newHeaderRow = (name = "", value = ""): HeaderRow => ({ id: ++rowId, name, value });

export function emptyForm(): FormState {
  return {
    url: "",
    description: "",
    enabled: true,
    allEvents: true,
    events: [],
    campaignId: "",
    campaignIds: "",
    caseTypes: "",
    inbound: false,
    outbound: false,
    agentIds: "",
    leadScores: "",
    match: "",
    method: "POST",
    headers: [],
    authType: "none",
    authChanged: true,
    authMasked: "",
    authHeader: "X-Api-Key",
    authValue: "",
    authUsername: "",
    authPassword: "",
    authToken: "",
    appKey: "",
    appKeyMode: "set",
    appKeyMasked: null,
    signatureHeader: "",
    format: "json",
    templateMode: "none",
    templateFields:
      '{\n  "call": "{{ data.call_id }}",\n  "caller": "{from_nr}",\n  "seconds": "{duration}"\n}',
    templateText: "",
    hold: false,
    holdEvent: "",
    holdWait: "600",
    timeoutMs: "15000",
    retryMode: "standard",
    schedule: "",
    maxAttempts: "",
    totalTimeout: "",
    baseS: "",
    capS: "",
    successCodes: "",
    responseKey: "",
    expectedValue: "",
    maxInFlight: "",
    rateLimit: "",
  };
}

const str = (value: number | undefined | null): string =>
  value === undefined || value === null ? "" : String(value);

/** A stored webhook → form state (credentials stay masked until changed). */
export function formFromWebhook(w: Webhook): FormState {
  const base = emptyForm();
  const template = w.body.template;
  const auth = w.auth;
  const masked =
    auth.type === "api_key"
      ? `${auth.header}: ${auth.value}`
      : auth.type === "basic"
        ? `${auth.username} / ${auth.password}`
        : auth.type === "bearer"
          ? auth.token
          : "";
  const retry = w.retry;
  const retryMode: RetryMode =
    retry.schedule && retry.schedule.length > 0 ? "custom" : (retry.preset ?? "standard");
  return {
    ...base,
    url: w.url,
    description: w.description,
    enabled: w.enabled,
    allEvents: w.events.length === 0 || w.events.includes("*"),
    events: w.events.filter((e) => e !== "*"),
    campaignId: w.campaign_id ?? "",
    campaignIds: (w.filters.campaign_ids ?? []).join(", "),
    caseTypes: (w.filters.case_types ?? []).join(", "),
    inbound: w.filters.directions?.includes("inbound") ?? false,
    outbound: w.filters.directions?.includes("outbound") ?? false,
    agentIds: (w.filters.agent_ids ?? []).join(", "),
    leadScores: (w.filters.lead_scores ?? []).join(", "),
    match: w.filters.match ? JSON.stringify(w.filters.match, null, 2) : "",
    method: w.method,
    headers: Object.entries(w.headers).map(([name, value]) => newHeaderRow(name, value)),
    authType: auth.type,
    authChanged: false,
    authMasked: masked,
    authHeader: auth.type === "api_key" ? auth.header : base.authHeader,
    authUsername: auth.type === "basic" ? auth.username : "",
    appKeyMode: w.app_key === null ? "set" : "keep",
    appKeyMasked: w.app_key,
    signatureHeader: w.signature_header ?? "",
    format: w.body.format,
    templateMode: template === undefined ? "none" : typeof template === "string" ? "text" : "fields",
    templateFields:
      template !== undefined && typeof template !== "string"
        ? JSON.stringify(template, null, 2)
        : base.templateFields,
    templateText: typeof template === "string" ? template : "",
    hold: w.hold !== null && w.hold !== undefined,
    holdEvent: w.hold?.until_event ?? "",
    holdWait: w.hold ? String(w.hold.max_wait_s) : base.holdWait,
    timeoutMs: String(w.timeout_ms),
    retryMode,
    schedule: (retry.schedule ?? []).join(", "),
    maxAttempts: str(retry.max_attempts),
    totalTimeout: str(retry.total_timeout_s),
    baseS: str(retry.base_s),
    capS: str(retry.cap_s),
    successCodes: (w.success.status_codes ?? []).join(", "),
    responseKey: w.success.response_key ?? "",
    expectedValue:
      w.success.expected_value === undefined
        ? ""
        : typeof w.success.expected_value === "string"
          ? w.success.expected_value
          : JSON.stringify(w.success.expected_value),
    maxInFlight: str(w.max_in_flight),
    rateLimit: str(w.rate_limit_per_s),
  };
}

/** Why the URL is not usable, or null. Checked as the user types. */
export function urlProblem(url: string): string | null {
  const value = url.trim();
  if (value === "") return "Enter the URL Switchboard should deliver to.";
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return "Enter an absolute URL, such as https://hooks.example.com/switchboard.";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return `Use an https:// (or http://) URL, not ${parsed.protocol.replace(/:$/, "")}:.`;
  }
  if (!parsed.hostname) return "The URL needs a host name.";
  return null;
}

/** Campaign scope applies only when every picked event is a call, transcript or transfer event. */
export function campaignScopeAllowed(state: Pick<FormState, "allEvents" | "events">): boolean {
  return (
    !state.allEvents &&
    state.events.length > 0 &&
    state.events.every((selector) => CAMPAIGN_CATEGORIES.includes(categoryOf(selector)))
  );
}

/** The concrete types the picked selectors stand for (all types when every event is picked). */
export function concreteTypes(state: Pick<FormState, "allEvents" | "events">, types: EventType[]): string[] {
  if (state.allEvents) return types.map((t) => t.name);
  return types
    .filter((t) =>
      state.events.some((s) => s === t.name || (s.endsWith(".*") && t.category === s.slice(0, -2))),
    )
    .map((t) => t.name);
}

export type FieldErrors = Record<string, string>;

function integer(
  errors: FieldErrors,
  field: string,
  label: string,
  text: string,
  min: number,
  max: number,
): number | undefined {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    errors[field] ??= `${label} must be a whole number from ${min} to ${max}.`;
    return undefined;
  }
  return value;
}

function integerList(
  errors: FieldErrors,
  field: string,
  label: string,
  text: string,
  min: number,
  max: number,
): number[] {
  const out: number[] = [];
  for (const item of splitList(text)) {
    const value = Number(item);
    if (!Number.isInteger(value) || value < min || value > max) {
      errors[field] ??= `${label}: "${item}" is not a whole number from ${min} to ${max}.`;
    } else out.push(value);
  }
  return out;
}

function jsonObject(errors: FieldErrors, field: string, label: string, text: string) {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      errors[field] ??= `${label} must be a JSON object ({ … }).`;
      return undefined;
    }
    return value as Record<string, unknown>;
  } catch (error) {
    errors[field] ??= `${label} is not valid JSON: ${(error as Error).message}`;
    return undefined;
  }
}

/** The parsed template of the current state (for the preview); an error text when it does not parse. */
export function parsedTemplate(state: FormState): {
  template: Record<string, unknown> | string | undefined;
  error: string | null;
} {
  if (state.templateMode === "none") return { template: undefined, error: null };
  if (state.templateMode === "text") {
    return state.templateText.trim() === ""
      ? { template: undefined, error: "Write the template text." }
      : { template: state.templateText, error: null };
  }
  const errors: FieldErrors = {};
  const value = jsonObject(errors, "body", "The field mapping", state.templateFields);
  return { template: value, error: errors.body ?? null };
}

/**
 * The request body for POST (create) or PATCH (edit), with client-side errors by field. Only
 * credentials are left out when editing and unchanged (the API shows them masked).
 */
export function toPayload(
  state: FormState,
  editing: boolean,
): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const body: Record<string, unknown> = {};

  const url = urlProblem(state.url);
  if (url) errors.url = url;
  body.url = state.url.trim();
  body.description = state.description.trim();
  body.enabled = state.enabled;

  if (!state.allEvents && state.events.length === 0) {
    errors.events = "Pick at least one event, or choose “All events”.";
  }
  body.events = state.allEvents ? [] : state.events;

  const filters: Record<string, unknown> = {};
  if (campaignScopeAllowed(state)) {
    body.campaign_id = state.campaignId.trim() === "" ? null : state.campaignId.trim();
    const campaignIds = splitList(state.campaignIds);
    if (campaignIds.length > 0) filters.campaign_ids = campaignIds;
  } else {
    body.campaign_id = null;
  }
  const caseTypes = splitList(state.caseTypes);
  if (caseTypes.length > 0) filters.case_types = caseTypes;
  const directions = [...(state.inbound ? ["inbound"] : []), ...(state.outbound ? ["outbound"] : [])];
  if (directions.length > 0) filters.directions = directions;
  const agentIds = splitList(state.agentIds);
  if (agentIds.length > 0) filters.agent_ids = agentIds;
  const leadScores = splitList(state.leadScores);
  if (leadScores.length > 0) filters.lead_scores = leadScores;
  if (state.match.trim() !== "") {
    const match = jsonObject(errors, "filters.match", "The match query", state.match);
    if (match) filters.match = match;
  }
  body.filters = filters;

  body.method = state.method;
  const headers: Record<string, string> = {};
  for (const row of state.headers) {
    const name = row.name.trim();
    if (name === "" && row.value === "") continue;
    if (name === "") errors.headers ??= "Every header needs a name.";
    else if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      errors.headers ??= `“${name}” is not a valid header name.`;
    else if (Object.keys(headers).some((n) => n.toLowerCase() === name.toLowerCase()))
      errors.headers ??= `The header “${name}” is listed twice.`;
    else headers[name] = row.value;
  }
  body.headers = headers;

  if (!editing || state.authChanged) {
    switch (state.authType) {
      case "none":
        body.auth = { type: "none" };
        break;
      case "api_key":
        if (state.authHeader.trim() === "") errors.auth ??= "Name the header that carries the API key.";
        if (state.authValue === "") errors.auth ??= "Enter the API key value.";
        body.auth = { type: "api_key", header: state.authHeader.trim(), value: state.authValue };
        break;
      case "basic":
        if (state.authUsername === "") errors.auth ??= "Enter the user name.";
        body.auth = { type: "basic", username: state.authUsername, password: state.authPassword };
        break;
      case "bearer":
        if (state.authToken === "") errors.auth ??= "Enter the bearer token.";
        body.auth = { type: "bearer", token: state.authToken };
        break;
    }
  }

  if (state.appKeyMode === "clear") body.app_key = null;
  else if (state.appKeyMode === "set") {
    if (state.appKey.trim() !== "") body.app_key = state.appKey.trim();
    else if (editing) body.app_key = null;
  }

  body.signature_header = state.signatureHeader.trim() === "" ? null : state.signatureHeader.trim();

  const template = parsedTemplate(state);
  if (template.error) errors.body = template.error;
  body.body =
    template.template === undefined
      ? { format: state.format }
      : { format: state.format, template: template.template };

  if (state.hold) {
    if (state.holdEvent === "") errors.hold ??= "Pick the event that releases held deliveries.";
    const wait = integer(errors, "hold", "The longest wait", state.holdWait, 1, 86_400);
    if (state.holdWait.trim() === "") errors.hold ??= "Enter the longest wait in seconds.";
    body.hold = { until_event: state.holdEvent, max_wait_s: wait ?? 0 };
  } else {
    body.hold = null;
  }

  const timeout = integer(errors, "timeout_ms", "The timeout", state.timeoutMs, 100, 60_000);
  if (state.timeoutMs.trim() === "") errors.timeout_ms = "Enter a timeout in milliseconds (100–60000).";
  if (timeout !== undefined) body.timeout_ms = timeout;

  const retry: Record<string, unknown> = {};
  if (state.retryMode === "custom") {
    const schedule = integerList(errors, "retry", "Schedule", state.schedule, 1, 604_800);
    if (schedule.length === 0)
      errors.retry ??= "List the seconds to wait before each retry, e.g. 10, 60, 600.";
    retry.schedule = schedule;
  } else {
    retry.preset = state.retryMode;
  }
  if (state.retryMode === "exponential") {
    const base = integer(errors, "retry", "The base delay", state.baseS, 1, 86_400);
    const cap = integer(errors, "retry", "The longest delay", state.capS, 1, 604_800);
    if (base !== undefined) retry.base_s = base;
    if (cap !== undefined) retry.cap_s = cap;
  }
  const maxAttempts = integer(errors, "retry", "Max attempts", state.maxAttempts, 1, 500);
  if (maxAttempts !== undefined) retry.max_attempts = maxAttempts;
  const total = integer(errors, "retry", "The total time limit", state.totalTimeout, 1, 2_592_000);
  if (total !== undefined) retry.total_timeout_s = total;
  body.retry = retry;

  const success: Record<string, unknown> = {};
  const codes = integerList(errors, "success", "Status codes", state.successCodes, 100, 599);
  if (codes.length > 0) success.status_codes = codes;
  if (state.responseKey.trim() !== "") success.response_key = state.responseKey.trim();
  if (state.expectedValue.trim() !== "") {
    if (state.responseKey.trim() === "") errors.success ??= "Name the response key whose value to compare.";
    try {
      success.expected_value = JSON.parse(state.expectedValue);
    } catch {
      success.expected_value = state.expectedValue;
    }
  }
  body.success = success;

  const inFlight = integer(errors, "max_in_flight", "Concurrent requests", state.maxInFlight, 1, 100);
  body.max_in_flight = inFlight ?? null;
  const rate = integer(errors, "rate_limit_per_s", "The rate limit", state.rateLimit, 1, 10_000);
  body.rate_limit_per_s = rate ?? null;

  return { body, errors };
}

/** The form field a server error path (`/body/url`, `/body/filters/match/…`) belongs to. */
export function fieldOfPath(path: string | null): string {
  if (!path) return "form";
  const [first, second] = path.replace(/^\/body\/?/, "").split("/");
  switch (first) {
    case "url":
    case "description":
    case "enabled":
    case "events":
    case "method":
    case "headers":
    case "auth":
    case "app_key":
    case "signature_header":
    case "body":
    case "hold":
    case "timeout_ms":
    case "retry":
    case "success":
    case "max_in_flight":
    case "rate_limit_per_s":
      return first;
    case "campaign_id":
      return "campaign";
    case "filters":
      return second === "campaign_ids" ? "campaign" : second ? `filters.${second}` : "filters.match";
    default:
      return "form";
  }
}

/** The element to focus for a field's error. */
export const FIELD_INPUT: Record<string, string> = {
  url: "wh-url",
  description: "wh-description",
  enabled: "wh-enabled",
  events: "wh-events-all",
  campaign: "wh-campaign-id",
  "filters.case_types": "wh-case-types",
  "filters.directions": "wh-dir-inbound",
  "filters.agent_ids": "wh-agent-ids",
  "filters.lead_scores": "wh-lead-scores",
  "filters.match": "wh-match",
  method: "wh-method",
  headers: "wh-headers-add",
  auth: "wh-auth-type",
  app_key: "wh-app-key",
  signature_header: "wh-signature-header",
  body: "wh-format",
  hold: "wh-hold",
  timeout_ms: "wh-timeout",
  retry: "wh-retry-mode",
  success: "wh-success-codes",
  max_in_flight: "wh-max-in-flight",
  rate_limit_per_s: "wh-rate-limit",
};
