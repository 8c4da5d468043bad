import { Agent, request, errors as undiciErrors } from "undici";
import { checkDestinationUrl } from "../domain/destination.js";
import { MAX_TIMEOUT_MS } from "../domain/webhook.js";
import { createGuardedLookup } from "./guarded-lookup.js";
import type { OutgoingRequest } from "./request.js";

/** The first 64 KiB of a response body are kept in the attempt log; the rest is discarded. */
export const MAX_LOGGED_RESPONSE_BYTES = 64 * 1024;

export type AttemptErrorKind =
  | "timeout"
  | "connection_refused"
  | "connection_reset"
  | "dns"
  | "tls"
  | "invalid_response"
  | "destination_blocked"
  | "network"
  | "render";

export interface SendResult {
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
  errorKind: AttemptErrorKind | null;
  errorMessage: string | null;
  durationMs: number;
}

const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Maps whatever undici or the socket threw to an attempt error kind and a readable message. */
export function classifyError(error: unknown): { kind: AttemptErrorKind; message: string } {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code ?? "";
    const name = current.name;
    if (code === "DESTINATION_BLOCKED") return { kind: "destination_blocked", message: current.message };
    if (
      name === "TimeoutError" ||
      name === "AbortError" ||
      code === "UND_ERR_HEADERS_TIMEOUT" ||
      code === "UND_ERR_BODY_TIMEOUT" ||
      code === "UND_ERR_CONNECT_TIMEOUT" ||
      code === "ETIMEDOUT"
    ) {
      return { kind: "timeout", message: "no complete response within the timeout" };
    }
    if (code === "ECONNREFUSED") return { kind: "connection_refused", message: current.message };
    if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET" || code === "UND_ERR_CLOSED") {
      return { kind: "connection_reset", message: current.message };
    }
    if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_FAIL" || code === "EAI_NODATA") {
      return { kind: "dns", message: current.message };
    }
    if (TLS_CODE.test(code)) return { kind: "tls", message: current.message };
    // undici's HTTPParserError carries no code when the answer is not HTTP at all.
    if (
      code.startsWith("HPE_") ||
      current instanceof undiciErrors.HTTPParserError ||
      current instanceof undiciErrors.ResponseExceededMaxSizeError
    ) {
      return { kind: "invalid_response", message: current.message };
    }
    if (current.cause === undefined) break;
    current = current.cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/parse|invalid/i.test(message)) return { kind: "invalid_response", message };
  return { kind: "network", message };
}

/** Sends one attempt; never throws (failures are results). */
export interface Sender {
  send(outgoing: OutgoingRequest, timeoutMs: number): Promise<SendResult>;
  close(): Promise<void>;
}

/**
 * Sends attempts over keep-alive connection pools (one per origin, inside one undici Agent). The
 * Agent resolves names through the guarded lookup, so the connection goes to the address that
 * passed the destination check; redirects are never followed.
 */
export class HttpSender implements Sender {
  private readonly agent: Agent;
  private readonly allowPrivateTargets: boolean;

  constructor(options: { allowPrivateTargets: boolean; connectionsPerOrigin?: number }) {
    this.allowPrivateTargets = options.allowPrivateTargets;
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? 64,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      headersTimeout: MAX_TIMEOUT_MS,
      bodyTimeout: MAX_TIMEOUT_MS,
      connect: {
        timeout: 10_000,
        lookup: createGuardedLookup({ allowPrivate: options.allowPrivateTargets }),
      },
    });
  }

  async send(outgoing: OutgoingRequest, timeoutMs: number): Promise<SendResult> {
    const started = performance.now();
    // Names are checked by the guarded lookup as they resolve; literal addresses never reach a
    // lookup, so they (and the scheme) are checked here, on every attempt.
    const destination = checkDestinationUrl(outgoing.url, { allowPrivate: this.allowPrivateTargets });
    if (!destination.ok) {
      return failure("destination_blocked", destination.reason, started);
    }
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await request(outgoing.url, {
        dispatcher: this.agent,
        method: outgoing.method,
        headers: outgoing.headers,
        body: outgoing.body,
        signal,
      });
      const body = await readCapped(response.body, MAX_LOGGED_RESPONSE_BYTES);
      return {
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body,
        errorKind: null,
        errorMessage: null,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      const { kind, message } = classifyError(error);
      return failure(kind, message, started);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function failure(kind: AttemptErrorKind, message: string, started: number): SendResult {
  return {
    status: null,
    headers: null,
    body: null,
    errorKind: kind,
    errorMessage: message,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Past this much, a response body is abandoned (the connection closes) rather than drained. */
const MAX_DRAINED_RESPONSE_BYTES = 1024 * 1024;

/**
 * Keeps the first `limit` bytes of a body. Reading on to the end (up to 1 MiB) lets the
 * keep-alive connection be reused; the whole body must still arrive within the timeout.
 */
async function readCapped(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size > MAX_DRAINED_RESPONSE_BYTES) break;
    if (size < limit) {
      const room = limit - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    }
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString("utf8");
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
