import { Agent, type Dispatcher, request } from "undici";
import { SchedulingError, type SchedulingErrorKind } from "../provider.js";

/**
 * Cal.com API v2 over HTTP: the bearer key, the `cal-api-version` each endpoint family is pinned
 * to, the `{status: "success", data}` envelope and the `{status: "error", error: {code, message}}`
 * one. Nothing here knows our shapes (map.ts does).
 */

export const CALCOM_DEFAULT_BASE_URL = "https://api.cal.com";

/**
 * Each endpoint family answers in the shape of the version it is asked for; without the header
 * Cal.com falls back to an older shape, so every call names its version.
 */
export const CALCOM_VERSIONS = {
  slots: "2024-09-04",
  bookings: "2024-08-13",
  eventTypes: "2024-06-14",
} as const;

export interface CalcomClientOptions {
  apiKey: string;
  /** The host root without `/v2` (self-hosted Cal.com); default {@link CALCOM_DEFAULT_BASE_URL}. */
  baseUrl?: string;
  /** Per request, connect to last byte; a caller is on the line, so this stays short. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

type Query = Record<string, string | number | undefined>;

/** Kept alive between calls: a TLS handshake per availability check would cost more than the check. */
const sharedAgent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

export class CalcomClient {
  readonly #apiKey: string;
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;

  constructor(options: CalcomClientOptions) {
    this.#apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? CALCOM_DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.dispatcher = options.dispatcher ?? sharedAgent;
  }

  /** Never the key: a client that ends up in a log line shows where it points and nothing else. */
  toJSON(): Record<string, string> {
    return { baseUrl: this.baseUrl, apiKey: "[redacted]" };
  }

  async call<T>(
    method: "GET" | "POST" | "DELETE" | "PATCH",
    path: string,
    options: { version?: string; query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#apiKey}`,
      accept: "application/json",
    };
    if (options.version) headers["cal-api-version"] = options.version;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        dispatcher: this.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SchedulingError("unavailable", `Cal.com could not be reached (${method} ${path}): ${reason}`);
    }
    const text = await response.body.text();
    const parsed = parseJson(text);
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (isObject(parsed) && parsed.status === "success" && "data" in parsed) return parsed.data as T;
      throw new SchedulingError(
        "unavailable",
        `Cal.com answered ${method} ${path} with ${response.statusCode} but no success envelope`,
        response.statusCode,
      );
    }
    throw errorFrom(method, path, response.statusCode, response.headers, parsed);
  }
}

/** Cal.com's error envelope (or whatever came instead) → a SchedulingError with its words. */
export function errorFrom(
  method: string,
  path: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: unknown,
): SchedulingError {
  let code: string | null = null;
  let message: string | null = null;
  if (isObject(body) && isObject(body.error)) {
    code = typeof body.error.code === "string" ? body.error.code : null;
    message = typeof body.error.message === "string" ? body.error.message : null;
  } else if (isObject(body) && typeof body.message === "string") {
    message = body.message;
  }
  const kind: SchedulingErrorKind =
    status === 401 || status === 403
      ? "auth"
      : status === 404
        ? "not_found"
        : status === 429
          ? "rate_limited"
          : status >= 500
            ? "unavailable"
            : "validation";
  const retryAfter = Number(headers["retry-after"]);
  const words = message ?? `HTTP ${status}`;
  return new SchedulingError(
    kind,
    `Cal.com refused ${method} ${path} (${status}${code ? ` ${code}` : ""}): ${words}`,
    status,
    code,
    message,
    Number.isFinite(retryAfter) ? retryAfter * 1000 : null,
  );
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
