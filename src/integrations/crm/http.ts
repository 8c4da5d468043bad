import { request } from "undici";
import { type ConnectorContext, CrmError, type CrmExchange } from "./connector.js";

/**
 * The one HTTP helper every CRM connector sends with: undici over the context's dispatcher (the
 * destination guard and keep-alive pool), the context's timeout, every exchange reported with
 * credentials redacted, and every failure turned into a {@link CrmError} of the right stage.
 * The pure parts (Retry-After parsing, redaction, classification) are exported for unit tests.
 */

export type CrmMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Names whose values never leave the connector: replaced before the exchange is reported. */
export interface Secrets {
  /** Header names (case-insensitive); `authorization` is always redacted. */
  headers?: string[];
  /** Query parameter names (a security key in the URL). */
  query?: string[];
  /** Form fields of an urlencoded body (a key or a password). */
  form?: string[];
  /** Keys anywhere in a JSON body, request or response (a password, a token). */
  json?: string[];
}

export interface CrmHttpRequest {
  method: CrmMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string | null;
  secrets?: Secrets;
}

export interface CrmHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface SendOptions {
  /** Reads the vendor's own words out of an error answer; {@link defaultVendorMessage} otherwise. */
  vendorMessage?: (response: CrmHttpResponse) => string | null;
}

export const REDACTED = "[redacted]";

/** Kept of a response body in the reported exchange: enough for the attempt log, bounded. */
const EXCHANGE_BODY_LIMIT = 65_536;
/** Kept of a vendor's message: a sentence, not a page of HTML. */
const VENDOR_MESSAGE_LIMIT = 500;

/**
 * Milliseconds to wait before trying again, from `Retry-After` (delta seconds or an HTTP date) or
 * the rate-limit headers vendors send instead (`RateLimit-Reset` / `X-RateLimit-Reset` as delta
 * seconds, or as a Unix time when the number is larger than a day's worth of seconds). Null when
 * the answer says nothing usable.
 */
export function parseRetryAfter(headers: Record<string, string>, now: number): number | null {
  const lower = lowerKeys(headers);
  const retryAfter = lower["retry-after"]?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  for (const name of ["ratelimit-reset", "x-ratelimit-reset", "x-rate-limit-reset"]) {
    const value = lower[name]?.trim();
    if (!value || !/^\d+(\.\d+)?$/.test(value)) continue;
    const number = Number(value);
    // A value past one day cannot be a delay: it is a Unix time in seconds.
    if (number > 86_400) return Math.max(0, Math.ceil(number * 1000 - now));
    return Math.ceil(number * 1000);
  }
  return null;
}

/** The vendor's message from an error body: a JSON message/error field, else the text itself. */
export function defaultVendorMessage(response: CrmHttpResponse): string | null {
  const text = response.body.trim();
  if (text === "") return null;
  try {
    const parsed: unknown = JSON.parse(text);
    const found = findMessage(parsed);
    if (found) return clip(found);
  } catch {
    // Not JSON: a plain-text answer is the vendor's message as it stands, unless it is a page.
  }
  if (text.startsWith("<")) return null;
  return clip(text);
}

function findMessage(value: unknown): string | null {
  if (typeof value === "string") return value.trim() || null;
  if (Array.isArray(value)) {
    const parts = value.map(findMessage).filter((part): part is string => part !== null);
    return parts.length > 0 ? parts.join("; ") : null;
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of [
      "message",
      "Message",
      "error_description",
      "error",
      "Error",
      "errors",
      "detail",
      "title",
    ]) {
      const found = findMessage(record[key]);
      if (found) return found;
    }
  }
  return null;
}

function clip(text: string): string {
  return text.length > VENDOR_MESSAGE_LIMIT ? `${text.slice(0, VENDOR_MESSAGE_LIMIT)}…` : text;
}

/** The stage an HTTP status means for the sync engine; null for a success. */
export function classifyResponse(
  response: CrmHttpResponse,
  now: number,
  vendorMessage: (response: CrmHttpResponse) => string | null = defaultVendorMessage,
): CrmError | null {
  const { status } = response;
  if (status >= 200 && status < 300) return null;
  const message = vendorMessage(response);
  const options = { status, vendorMessage: message };
  const said = message ? `: ${message}` : "";
  if (status === 401 || status === 403)
    return new CrmError("auth", `the CRM refused the credentials (${status})${said}`, options);
  if (status === 404) return new CrmError("not_found", `the CRM has no such record (404)${said}`, options);
  if (status === 400 || status === 422)
    return new CrmError("validation", `the CRM rejected the data (${status})${said}`, options);
  if (status === 409 || status === 412)
    return new CrmError("conflict", `the record changed in the CRM (${status})${said}`, options);
  if (status === 429) {
    return new CrmError("rate_limited", `the CRM is rate limiting (429)${said}`, {
      ...options,
      retryAfterMs: parseRetryAfter(response.headers, now),
    });
  }
  if (status >= 500) {
    return new CrmError("transient", `the CRM failed (${status})${said}`, {
      ...options,
      // A 503 may say when to come back too.
      retryAfterMs: parseRetryAfter(response.headers, now),
    });
  }
  // Redirects are not followed and other statuses mean nothing we can act on: the request is wrong.
  return new CrmError("validation", `the CRM answered ${status}${said}`, options);
}

/** The request and response with every secret replaced by {@link REDACTED}. */
export function redactExchange(exchange: CrmExchange, secrets: Secrets = {}): CrmExchange {
  const headerNames = new Set(
    ["authorization", "cookie", "set-cookie", ...(secrets.headers ?? [])].map((h) => h.toLowerCase()),
  );
  const jsonKeys = new Set(secrets.json ?? []);
  const redactHeaders = (headers: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        headerNames.has(name.toLowerCase()) ? REDACTED : value,
      ]),
    );
  return {
    ...exchange,
    request: {
      method: exchange.request.method,
      url: redactUrl(exchange.request.url, secrets.query ?? []),
      headers: redactHeaders(exchange.request.headers),
      body:
        exchange.request.body === null
          ? null
          : redactBody(exchange.request.body, exchange.request.headers, secrets.form ?? [], jsonKeys),
    },
    response: exchange.response
      ? {
          status: exchange.response.status,
          headers: redactHeaders(exchange.response.headers),
          body: redactBody(exchange.response.body, exchange.response.headers, [], jsonKeys),
        }
      : null,
  };
}

function redactUrl(url: string, names: string[]): string {
  if (names.length === 0) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const lower = new Set(names.map((n) => n.toLowerCase()));
  let changed = false;
  for (const name of [...parsed.searchParams.keys()]) {
    if (lower.has(name.toLowerCase())) {
      parsed.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  return changed ? parsed.toString() : url;
}

function redactBody(
  body: string,
  headers: Record<string, string>,
  formFields: string[],
  jsonKeys: Set<string>,
): string {
  const type = lowerKeys(headers)["content-type"] ?? "";
  if (type.includes("application/x-www-form-urlencoded") && formFields.length > 0) {
    const lower = new Set(formFields.map((f) => f.toLowerCase()));
    const params = new URLSearchParams(body);
    const out = new URLSearchParams();
    for (const [name, value] of params) out.append(name, lower.has(name.toLowerCase()) ? REDACTED : value);
    return out.toString();
  }
  if (jsonKeys.size > 0 && (type.includes("json") || /^\s*[[{]/.test(body))) {
    try {
      return JSON.stringify(redactJson(JSON.parse(body), jsonKeys));
    } catch {
      return body;
    }
  }
  return body;
}

function redactJson(value: unknown, keys: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => redactJson(item, keys));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        keys.has(key) ? REDACTED : redactJson(item, keys),
      ]),
    );
  }
  return value;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/**
 * Sends one request to the CRM and returns its 2xx answer; anything else throws a {@link CrmError}.
 * The exchange (redacted) is reported through `context.onExchange` whatever the outcome.
 */
export async function send(
  context: ConnectorContext,
  outgoing: CrmHttpRequest,
  options: SendOptions = {},
): Promise<CrmHttpResponse> {
  const headers = { accept: "application/json", ...(outgoing.headers ?? {}) };
  const body = outgoing.body ?? null;
  await context.pacer?.acquire();
  const started = performance.now();
  let response: CrmHttpResponse | null = null;
  let failure: string | null = null;
  try {
    const answer = await request(outgoing.url, {
      method: outgoing.method,
      headers,
      body: body ?? undefined,
      dispatcher: context.dispatcher,
      headersTimeout: context.timeoutMs,
      bodyTimeout: context.timeoutMs,
      signal: AbortSignal.timeout(context.timeoutMs),
    });
    const text = await answer.body.text();
    response = { status: answer.statusCode, headers: flatHeaders(answer.headers), body: text };
  } catch (error) {
    failure = (error as Error).message || String(error);
  }
  const durationMs = Math.round(performance.now() - started);
  if (response && context.pacer) {
    if (response.status === 429) context.pacer.limited(parseRetryAfter(response.headers, Date.now()));
    else context.pacer.answered();
  }
  if (context.onExchange) {
    context.onExchange(
      redactExchange(
        {
          request: { method: outgoing.method, url: outgoing.url, headers, body },
          response: response
            ? {
                status: response.status,
                headers: response.headers,
                body:
                  response.body.length > EXCHANGE_BODY_LIMIT
                    ? response.body.slice(0, EXCHANGE_BODY_LIMIT)
                    : response.body,
              }
            : null,
          error: failure,
          durationMs,
        },
        outgoing.secrets,
      ),
    );
  }
  if (!response) {
    throw new CrmError("transient", `the CRM could not be reached: ${failure ?? "unknown error"}`);
  }
  const error = classifyResponse(response, Date.now(), options.vendorMessage);
  if (error) throw error;
  return response;
}

/** Parses a JSON answer, or fails as `transient` (a half-written or HTML answer is the CRM's fault). */
export function parseJson(response: CrmHttpResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch {
    throw new CrmError("transient", `the CRM answered ${response.status} with a body that is not JSON`, {
      status: response.status,
    });
  }
}

/** The host root without a trailing slash, so paths join cleanly. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${path}`;
}
