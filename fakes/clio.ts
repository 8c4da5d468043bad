import { randomBytes } from "node:crypto";
import { CLIO_CUSTOM_FIELDS, CLIO_MATTER_STAGES, CLIO_PRACTICE_AREAS, ClioRecords } from "./clio-records.js";
import {
  type FakeAnswer,
  type FakeOptions,
  type FakeRequest,
  json,
  type RunningFake,
  serveFake,
} from "./shared.js";

/**
 * A local Clio Manage account speaking API v4 as Clio's OpenAPI document describes it: `/api/v4/…json`
 * paths, `fields=` selection (only `id` and `etag` unless asked), `{data, meta: {paging: {next}}}`
 * lists with `page_token`, `IF-MATCH` etags (412 when stale), errors as `{error: {type, message}}`,
 * the `X-RateLimit-*` headers on every answer and 429 + `Retry-After`. Its OAuth side issues and
 * refreshes tokens at `/oauth/token` and can revoke them. Every request and answer is logged, so
 * tests can hold both to the OpenAPI document.
 */

type Json = Record<string, unknown>;

/** Requests kept in `log` (trimmed back to this many once it holds twice as many). */
const LOG_LIMIT = 10_000;

export interface ClioExchange {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
  status: number;
  response: string;
}

export interface ClioFake extends RunningFake<ClioRecords> {
  /** Every request with its answer, oldest first (the recent ones: see LOG_LIMIT). */
  log: ClioExchange[];
  /** How many access tokens `/oauth/token` issued from a refresh token. */
  refreshes: number;
  /** Makes every access token expire (a 401 on the next call) without touching refresh tokens. */
  expireAccessTokens(): void;
  /** Revokes every token, refresh tokens included (the firm disconnected the app). */
  revokeTokens(): void;
  /** An authorization code for the Connect flow, usable once. */
  issueCode(redirectUri: string): string;
  /** The webhooks created, with their shared secrets. */
  webhooks: Json[];
  /** When set, a new webhook expires this soon whatever it asked (to test renewals). */
  webhookLifetimeMs: number | null;
}

const API = "/api/v4";
const RATE_WINDOW_S = 60;
export const CLIO_CLIENT = { client_id: "fake-clio-app", client_secret: "fake-clio-app-secret" };

/** `a,b{c,d{e}},f` → a tree; a name without braces selects the nested object's `id` and `etag`. */
export function parseFields(text: string): Map<string, Map<string, unknown> | null> {
  const root = new Map<string, Map<string, unknown> | null>();
  const stack = [root];
  let name = "";
  const flush = () => {
    if (name.trim()) stack[stack.length - 1]?.set(name.trim(), null);
    name = "";
  };
  for (const char of text) {
    if (char === ",") flush();
    else if (char === "{") {
      const child = new Map<string, Map<string, unknown> | null>();
      stack[stack.length - 1]?.set(name.trim(), child);
      stack.push(child);
      name = "";
    } else if (char === "}") {
      flush();
      stack.pop();
    } else name += char;
  }
  flush();
  return root;
}

function project(value: unknown, fields: Map<string, unknown> | null): unknown {
  if (Array.isArray(value)) return value.map((item) => project(item, fields));
  if (!value || typeof value !== "object") return value;
  const record = value as Json;
  const selected =
    fields ??
    new Map([
      ["id", null],
      ["etag", null],
    ]);
  const out: Json = {};
  for (const [name, nested] of selected) {
    // The document types these fields without `nullable`: an empty one is left out, not null.
    if (name in record && record[name] !== null && record[name] !== undefined)
      out[name] = project(record[name], nested as Map<string, unknown> | null);
  }
  return out;
}

function error(status: number, type: string, message: string, headers?: Record<string, string>): FakeAnswer {
  return json(status, { error: { type, message } }, headers);
}

export async function startClioFake(options: FakeOptions = {}): Promise<ClioFake> {
  const records = new ClioRecords();
  if (options.seed) records.seed(options.seed);
  const access = new Map<string, number>();
  const refresh = new Set<string>();
  const codes = new Map<string, string>();
  const log: ClioExchange[] = [];
  const webhooks: Json[] = [];
  let window = { start: Date.now(), used: 0 };
  const token = () => randomBytes(16).toString("hex");
  const grant = () => {
    const accessToken = token();
    access.set(accessToken, Date.now() + 30 * 86_400_000);
    return accessToken;
  };
  const first = grant();
  const firstRefresh = token();
  refresh.add(firstRefresh);

  /** The rate-limit headers Clio puts on every answer (a 60 s window, 50 requests by default). */
  const rateHeaders = (): Record<string, string> => {
    const now = Date.now();
    if (now - window.start >= RATE_WINDOW_S * 1000) window = { start: now, used: 0 };
    window.used += 1;
    return {
      "x-ratelimit-limit": "50",
      "x-ratelimit-remaining": String(Math.max(0, 50 - window.used)),
      "x-ratelimit-reset": String(Math.ceil((window.start + RATE_WINDOW_S * 1000) / 1000)),
    };
  };

  const tokenEndpoint = (request: FakeRequest): FakeAnswer => {
    const form = new URLSearchParams(request.body);
    if (
      form.get("client_id") !== CLIO_CLIENT.client_id ||
      form.get("client_secret") !== CLIO_CLIENT.client_secret
    )
      return json(401, { error: "invalid_client", error_description: "Client authentication failed" });
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") {
      const code = form.get("code") ?? "";
      const redirect = codes.get(code);
      codes.delete(code);
      if (!redirect || redirect !== form.get("redirect_uri"))
        return json(400, {
          error: "invalid_grant",
          error_description: "The authorization code is invalid or was used",
        });
      const refreshToken = token();
      refresh.add(refreshToken);
      return json(200, {
        token_type: "bearer",
        access_token: grant(),
        expires_in: 2_592_000,
        refresh_token: refreshToken,
      });
    }
    if (grantType === "refresh_token") {
      if (!refresh.has(form.get("refresh_token") ?? ""))
        return json(400, {
          error: "invalid_grant",
          error_description: "The refresh token is invalid or was revoked",
        });
      fake.refreshes += 1;
      return json(200, { token_type: "bearer", access_token: grant(), expires_in: 2_592_000 });
    }
    return json(400, { error: "unsupported_grant_type", error_description: `grant_type ${grantType}` });
  };

  /**
   * The authorize page, as if the person signed in and clicked Allow: back to `redirect_uri` with a
   * one-time code and the `state` untouched (an unknown app is refused on the page, as Clio does).
   */
  const authorize = (request: FakeRequest): FakeAnswer => {
    const q = request.url.searchParams;
    const redirectUri = q.get("redirect_uri") ?? "";
    if (q.get("response_type") !== "code" || q.get("client_id") !== CLIO_CLIENT.client_id || !redirectUri)
      return json(400, { error: "invalid_request", error_description: "Unknown app or redirect_uri" });
    const code = token();
    codes.set(code, redirectUri);
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", q.get("state") ?? "");
    return json(302, {}, { location: back.toString() });
  };

  const list = (request: FakeRequest, all: Json[], view: (r: Json) => Json = (r) => r): FakeAnswer => {
    const q = request.url.searchParams;
    let rows = all;
    const since = q.get("updated_since");
    if (since) rows = rows.filter((r) => Date.parse(String(r.updated_at)) >= Date.parse(since));
    const clientId = q.get("client_id");
    if (clientId) rows = rows.filter((r) => String(r.client_id) === clientId);
    const status = q.get("status");
    if (status) rows = rows.filter((r) => status.split(",").includes(String(r.status).toLowerCase()));
    const type = q.get("type");
    if (type) rows = rows.filter((r) => r.type === type);
    for (const [name, value] of q) {
      const field = name.match(/^custom_field_values\[(\d+)\]$/)?.[1];
      if (!field) continue;
      const wanted = value.replace(/^=/, "");
      rows = rows.filter((r) =>
        ((r.custom_field_values as Json[] | undefined) ?? []).some(
          (v) => String((v.custom_field as Json).id) === field && String(v.value) === wanted,
        ),
      );
    }
    rows = [...rows].sort((a, b) => Number(a.id) - Number(b.id));
    if (q.get("order") === "id(desc)") rows.reverse();
    const limit = Math.min(200, Math.max(1, Number(q.get("limit") ?? 200) || 200));
    const offset = Number(Buffer.from(q.get("page_token") ?? "", "base64url").toString() || 0);
    const page = rows.slice(offset, offset + limit);
    const meta: Json = { records: rows.length, paging: {} };
    if (offset + limit < rows.length) {
      const next = new URL(request.url.pathname, fakeUrl);
      for (const [name, value] of q) if (name !== "page_token") next.searchParams.append(name, value);
      next.searchParams.set("page_token", Buffer.from(String(offset + limit)).toString("base64url"));
      (meta.paging as Json).next = next.toString();
    }
    const fields = parseFields(q.get("fields") ?? "id,etag");
    return json(200, { data: page.map((r) => project(view(r), fields)), meta });
  };

  const body = (request: FakeRequest): Json | null => {
    try {
      const parsed = JSON.parse(request.body) as { data?: unknown };
      return parsed.data && typeof parsed.data === "object" ? (parsed.data as Json) : null;
    } catch {
      return null;
    }
  };

  const one = (request: FakeRequest, record: Json, status = 200): FakeAnswer =>
    json(status, { data: project(record, parseFields(request.url.searchParams.get("fields") ?? "id,etag")) });

  const api = (request: FakeRequest, path: string): FakeAnswer => {
    const bearer = String(request.headers.authorization ?? "").replace(/^Bearer /i, "");
    const expiry = access.get(bearer);
    if (!expiry || expiry < Date.now())
      return error(401, "Unauthorized", "The access token is invalid or has expired");
    const { method } = request;
    const matterId = path.match(/^\/matters\/(\d+)\.json$/)?.[1];
    const contactId = path.match(/^\/contacts\/(\d+)\.json$/)?.[1];
    if (method === "GET" && path === "/users/who_am_i.json")
      return one(request, { id: 7, etag: '"7"', name: "Fake Clio User", email: "user@example.com" });
    if (method === "GET" && path === "/custom_fields.json")
      return list(request, CLIO_CUSTOM_FIELDS as unknown as Json[]);
    if (method === "GET" && path === "/practice_areas.json") return list(request, CLIO_PRACTICE_AREAS);
    if (method === "GET" && path === "/matter_stages.json")
      return list(
        request,
        CLIO_MATTER_STAGES.map((s) => ({ ...s, practice_area_id: String(s.practice_area_id) })),
      );
    if (method === "GET" && path === "/matters.json")
      return list(request, [...records.matters.values()], (m) => records.view(m));
    if (method === "GET" && path === "/contacts.json") {
      const term = request.url.searchParams.get("query");
      return list(request, term ? records.searchContacts(term) : [...records.contacts.values()]);
    }
    if (method === "POST" && (path === "/matters.json" || path === "/contacts.json")) {
      const data = body(request);
      if (!data) return error(400, "BadRequest", "The body must be {data: {...}}");
      if (path === "/contacts.json") {
        if (!data.name || !data.type) return error(422, "UnprocessableEntity", "Name can't be blank");
        const invalid = records.checkCustomValues(data.custom_field_values, "Contact");
        if (invalid) return error(422, "UnprocessableEntity", invalid);
        return one(request, records.createContact(data), 201);
      }
      const invalid = records.checkMatter(data, true);
      if (invalid) return error(422, "UnprocessableEntity", invalid);
      return one(request, records.view(records.createMatter(data)), 201);
    }
    if ((matterId || contactId) && (method === "GET" || method === "PATCH")) {
      const record = matterId
        ? records.matters.get(Number(matterId))
        : records.contacts.get(Number(contactId));
      if (!record) return error(404, "NotFound", "The requested resource was not found");
      if (method === "GET") return one(request, matterId ? records.view(record) : record);
      const ifMatch = request.headers["if-match"];
      if (ifMatch && ifMatch !== record.etag)
        return error(412, "PreconditionFailed", "The resource has been modified since the given ETag");
      const data = body(request);
      if (!data) return error(400, "BadRequest", "The body must be {data: {...}}");
      if (matterId) {
        const invalid = records.checkMatter(data, false);
        if (invalid) return error(422, "UnprocessableEntity", invalid);
        records.updateMatter(record, data);
        return one(request, records.view(record));
      }
      records.updateContact(record, data);
      return one(request, record);
    }
    if (method === "POST" && path === "/webhooks.json") {
      const data = body(request);
      if (!data?.url || !data.model || !data.fields)
        return error(422, "UnprocessableEntity", "Url, model and fields are required");
      if (!String(data.url).startsWith("https://"))
        return error(422, "UnprocessableEntity", "Url must use https");
      const expires = Date.parse(String(data.expires_at ?? ""));
      if (!Number.isNaN(expires) && expires > Date.now() + 31 * 86_400_000)
        return error(422, "UnprocessableEntity", "Expires at must be within 31 days");
      const webhook = {
        id: webhooks.length + 1,
        etag: `"w${webhooks.length + 1}"`,
        url: data.url,
        model: data.model,
        fields: data.fields,
        events: data.events ?? ["created", "updated", "deleted"],
        expires_at: new Date(
          fake.webhookLifetimeMs !== null
            ? Date.now() + fake.webhookLifetimeMs
            : Number.isNaN(expires)
              ? Date.now() + 3 * 86_400_000
              : expires,
        ).toISOString(),
        status: "pending",
        shared_secret: randomBytes(20).toString("hex"),
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      };
      webhooks.push(webhook);
      return one(request, webhook, 201);
    }
    const webhookId = path.match(/^\/webhooks\/(\d+)\.json$/)?.[1];
    const webhook = webhooks.find((w) => String(w.id) === webhookId);
    if (method === "PATCH" && webhookId) {
      if (!webhook) return error(404, "NotFound", "The requested resource was not found");
      const data = body(request);
      const expires = Date.parse(String(data?.expires_at ?? ""));
      if (Number.isNaN(expires)) return error(422, "UnprocessableEntity", "Expires at is invalid");
      if (expires > Date.now() + 31 * 86_400_000)
        return error(422, "UnprocessableEntity", "Expires at must be within 31 days");
      webhook.expires_at = new Date(expires).toISOString();
      webhook.updated_at = new Date().toISOString();
      webhook.etag = `"w${webhook.id}-${Date.now()}"`;
      return one(request, webhook);
    }
    return error(404, "NotFound", `No route ${method} ${path}`);
  };

  let fakeUrl = "http://127.0.0.1";
  const server = await serveFake(
    options,
    (request) => {
      const path = request.url.pathname;
      let answer: FakeAnswer;
      if (request.method === "POST" && path === "/oauth/token") answer = tokenEndpoint(request);
      else if (request.method === "GET" && path === "/oauth/authorize") answer = authorize(request);
      else if (path.startsWith(`${API}/`)) {
        answer = api(request, path.slice(API.length));
        answer.headers = { ...rateHeaders(), ...(answer.headers ?? {}) };
      } else answer = error(404, "NotFound", `No route ${request.method} ${path}`);
      log.push({
        method: request.method,
        path,
        query: request.url.searchParams,
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)]),
        ),
        body: request.body,
        status: answer.status,
        response: answer.body,
      });
      // A sandbox runs for hours: keep the recent requests, not all of them.
      if (log.length > 2 * LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
      return answer;
    },
    (retryAfterS) =>
      error(429, "RateLimited", "Too Many Requests", {
        "retry-after": String(retryAfterS),
        "x-ratelimit-limit": "50",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + retryAfterS),
      }),
  );
  fakeUrl = server.url;

  const fake: ClioFake = {
    url: server.url,
    credentials: {
      access_token: first,
      refresh_token: firstRefresh,
      ...CLIO_CLIENT,
      webhook_secret: "fake-clio-webhook-secret",
      matter_external_id_field: "5004",
      contact_external_id_field: "6001",
    },
    records,
    stats: server.stats,
    log,
    refreshes: 0,
    webhooks,
    webhookLifetimeMs: null,
    setRateLimit: server.setRateLimit,
    close: server.close,
    expireAccessTokens() {
      for (const key of access.keys()) access.set(key, 0);
    },
    revokeTokens() {
      access.clear();
      refresh.clear();
    },
    issueCode(redirectUri) {
      const code = token();
      codes.set(code, redirectUri);
      return code;
    },
  };
  return fake;
}
