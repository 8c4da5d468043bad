/** The webhook form's state: its shape, its defaults, a stored webhook read into it, and derived rules. */
import type { AuthSettings, EventType, Webhook } from "../../../api";
import { CAMPAIGN_CATEGORIES, categoryOf } from "../../catalog/catalog";

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
