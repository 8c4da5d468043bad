import { Agent, type Dispatcher, request } from "undici";
import { checkDestinationUrl } from "../../domain/destination.js";
import { redactHeaders } from "../../domain/redact.js";
import type { ExchangeLog, FailureKind, LookupFailure } from "./provider.js";

/** One keep-alive pool for every provider request of this process. */
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });

/** Bodies past this are not a person record: refused as malformed rather than read into memory. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface VendorRequest {
  method: "GET" | "POST";
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Header names holding credentials beyond those redactHeaders recognises by name. */
  secretHeaders?: string[];
  network?: { dispatcher: Dispatcher; allowPrivate: boolean };
}

export interface VendorReply {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or undefined when the body was not JSON. */
  json: unknown;
}

/**
 * Sends one request and reads a JSON answer. Transport failures come back as a `transient`
 * failure; the caller classifies HTTP statuses with {@link failureOfStatus}.
 */
export async function vendorCall(
  req: VendorRequest,
): Promise<{ reply: VendorReply | null; failure: LookupFailure | null; exchange: ExchangeLog }> {
  const started = performance.now();
  const exchange: ExchangeLog = {
    method: req.method,
    // The path and host only: query strings carry the person's phone or email.
    url: `${req.url.origin}${req.url.pathname}`,
    headers: redactHeaders(req.headers, req.secretHeaders),
    status: null,
    duration_ms: 0,
    error: null,
  };
  const done = () => {
    exchange.duration_ms = Math.round(performance.now() - started);
  };
  if (req.network) {
    // Names are checked by the pool's guarded lookup; a literal address or scheme only here.
    const destination = checkDestinationUrl(req.url.toString(), { allowPrivate: req.network.allowPrivate });
    if (!destination.ok) {
      done();
      exchange.error = destination.reason;
      return {
        reply: null,
        failure: failure("invalid_input", `destination blocked: ${destination.reason}`, null),
        exchange,
      };
    }
  }
  try {
    const response = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: req.network?.dispatcher ?? agent,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    exchange.status = response.statusCode;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (typeof value === "string") headers[name] = value;
      else if (Array.isArray(value)) headers[name] = value.join(", ");
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        response.body.destroy();
        done();
        exchange.error = "answer too large";
        return {
          reply: null,
          failure: failure("malformed", "the answer is over 1 MiB", response.statusCode),
          exchange,
        };
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    done();
    return { reply: { status: response.statusCode, headers, json }, failure: null, exchange };
  } catch (error) {
    done();
    const message = error instanceof Error ? error.message : String(error);
    exchange.error = message;
    return { reply: null, failure: failure("transient", message, null), exchange };
  }
}

export function failure(
  kind: FailureKind,
  message: string,
  status: number | null,
  retryAfterS: number | null = null,
): LookupFailure {
  return { kind, message, status, retryAfterS };
}

/** Retry-After in seconds (delta-seconds or an HTTP date), or null. */
export function retryAfterOf(headers: Record<string, string>, now = Date.now()): number | null {
  const value = headers["retry-after"];
  if (value === undefined) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The failure an HTTP status means, the same for every vendor; null for statuses the vendor's client reads. */
export function failureOfStatus(vendor: string, reply: VendorReply, detail: string): LookupFailure | null {
  const { status } = reply;
  if (status === 401 || status === 403 || status === 402) {
    return failure("auth", `${vendor} refused the credentials (HTTP ${status}): ${detail}`, status);
  }
  if (status === 429) {
    return failure(
      "rate_limited",
      `${vendor} rate limit (HTTP 429): ${detail}`,
      status,
      retryAfterOf(reply.headers),
    );
  }
  if (status >= 500 || status === 408) {
    return failure(
      "transient",
      `${vendor} answered HTTP ${status}: ${detail}`,
      status,
      retryAfterOf(reply.headers),
    );
  }
  return null;
}

/** A short, safe excerpt of a vendor's error message (never the whole body: it may echo the person). */
export function vendorMessage(json: unknown, ...paths: string[][]): string {
  for (const path of paths) {
    let node: unknown = json;
    for (const key of path)
      node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
    if (typeof node === "string" && node !== "") return node.slice(0, 200);
  }
  return "no message";
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const str = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
