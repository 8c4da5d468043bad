/** The webhook form's state: its shape, its defaults, a stored webhook read into it, and derived rules. */
import type { AuthSettings, Webhook, WebhookPreset } from "../../../api";
import { emptyRetry, type RetryState, retryFromSettings } from "../../targets/form/retry";
import { emptyRouting, type RoutingState, routingFromTarget } from "../../targets/form/routing";

export type TemplateMode = "none" | "fields" | "text";
export type AuthType = AuthSettings["type"];

export interface HeaderRow {
  id: number;
  name: string;
  value: string;
}

export interface FormState extends RoutingState, RetryState {
  url: string;
  description: string;
  enabled: boolean;
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
  /** What single-brace macros mean: Switchboard's or Kaisa's (`body.macros`). */
  macros: "standard" | "kaisa";
  /** Kaisa's signature option (`body.sign`): payload as `data`, HMAC as `sign`. */
  sign: boolean;
  /** The preset the new webhook started from (gallery), for its URL hint and setup note. */
  preset: WebhookPreset | null;
  templateMode: TemplateMode;
  templateFields: string;
  templateText: string;
  hold: boolean;
  holdEvent: string;
  holdWait: string;
  timeoutMs: string;
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
    ...emptyRouting(),
    ...emptyRetry(),
    url: "",
    description: "",
    enabled: true,
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
    macros: "standard",
    sign: false,
    preset: null,
    templateMode: "none",
    templateFields:
      '{\n  "call": "{{ data.call_id }}",\n  "caller": "{from_nr}",\n  "seconds": "{duration}"\n}',
    templateText: "",
    hold: false,
    holdEvent: "",
    holdWait: "600",
    timeoutMs: "15000",
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
  return {
    ...base,
    ...routingFromTarget(w),
    ...retryFromSettings(w.retry),
    url: w.url,
    description: w.description,
    enabled: w.enabled,
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
    macros: w.body.macros ?? "standard",
    sign: w.body.sign === true,
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

/**
 * A preset from the gallery → a fresh form: its events, method, headers, body, success rule and
 * retry; the URL when the service fixes it (HubSpot's API), and bearer auth when it needs a token.
 */
export function formFromPreset(preset: WebhookPreset): FormState {
  const base = emptyForm();
  const template = preset.body.template;
  return {
    ...base,
    ...(preset.events.length > 0 ? { allEvents: false, events: [...preset.events] } : {}),
    ...(preset.retry ? retryFromSettings(preset.retry) : {}),
    preset,
    url: preset.fixed_url ? preset.url_hint : "",
    description: preset.title,
    method: preset.method,
    headers: Object.entries(preset.headers).map(([name, value]) => newHeaderRow(name, value)),
    authType: preset.auth ?? "none",
    format: preset.body.format,
    macros: preset.body.macros ?? "standard",
    sign: preset.body.sign === true,
    templateMode: template === undefined ? "none" : typeof template === "string" ? "text" : "fields",
    templateFields:
      template !== undefined && typeof template !== "string"
        ? JSON.stringify(template, null, 2)
        : base.templateFields,
    templateText: typeof template === "string" ? template : "",
    successCodes: (preset.success.status_codes ?? []).join(", "),
    responseKey: preset.success.response_key ?? "",
    expectedValue:
      preset.success.expected_value === undefined
        ? ""
        : typeof preset.success.expected_value === "string"
          ? preset.success.expected_value
          : JSON.stringify(preset.success.expected_value),
  };
}
