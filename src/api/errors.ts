import type { Duplex } from "node:stream";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { DomainError, type ErrorCode } from "../domain/errors.js";

/** The one place a domain error code becomes an HTTP status. */
const STATUS: Record<ErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  tenant_required: 400,
  not_found: 404,
  validation_failed: 422,
  unknown_event_type: 422,
  not_retryable: 409,
  conflict: 409,
  in_use: 409,
  precondition_failed: 412,
  rate_limited: 429,
  invalid_oauth_state: 400,
  invalid_oauth_code: 400,
  crm_refused: 422,
  credentials_refused: 422,
  provider_refused: 422,
  provider_unavailable: 503,
  not_connected: 409,
  booking_disabled: 409,
  slot_unavailable: 409,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export interface ErrorEnvelope {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * A problem with the HTTP request itself (its bytes, encoding or size) rather than with what it
 * asks for: it has its own status and code, outside the domain's.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

function envelope(code: string, message: string, details?: Record<string, unknown>): ErrorEnvelope {
  return { error: details ? { code, message, details } : { code, message } };
}

/** Fastify's own error codes → our status and code. */
const FRAMEWORK_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, "unsupported_media_type"],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, "payload_too_large"],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, "malformed_json"],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, "malformed_json"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, "bad_request"],
  FST_ERR_CTP_INVALID_TYPE: [415, "unsupported_media_type"],
  FST_ERR_BAD_URL: [400, "bad_url"],
  FST_ERR_MAX_PARAM_LENGTH: [414, "uri_too_long"],
  FST_ERR_RATE_LIMIT_EXCEEDED: [429, "rate_limited"],
};

/** Our code for any other 4xx a plugin or the framework raises: never its internal name. */
const STATUS_CODES: Record<number, string> = {
  404: "not_found",
  405: "method_not_allowed",
  408: "request_timeout",
  413: "payload_too_large",
  414: "uri_too_long",
  415: "unsupported_media_type",
  429: "rate_limited",
  431: "headers_too_large",
};

/** Framework messages quote the code (`FST_ERR_…`); ours never show it. */
function plainMessage(message: string): string {
  return message.replace(/\bFST_[A-Z_]+:?\s*/g, "").trim() || "bad request";
}

export function handleError(
  error: FastifyError | DomainError | HttpError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error instanceof HttpError) {
    reply.status(error.status).send(envelope(error.code, error.message, error.details));
    return;
  }
  if (error instanceof DomainError) {
    reply.status(STATUS[error.code]).send(envelope(error.code, error.message, error.details));
    return;
  }
  if (error.validation) {
    const first = error.validation[0];
    const where = error.validationContext ?? "body";
    const path = `/${where}${first?.instancePath ?? ""}`;
    const missing = first?.keyword === "required" ? `/${String(first.params.missingProperty)}` : "";
    const extra =
      first?.keyword === "additionalProperties"
        ? ` (unknown field "${String(first.params.additionalProperty)}")`
        : "";
    reply.status(422).send(
      envelope("validation_failed", `${path}${missing} ${first?.message ?? "is invalid"}${extra}`, {
        path: `${path}${missing}`,
        errors: error.validation.map((v) => ({
          path: `/${where}${v.instancePath}`,
          message: v.message,
          params: v.params,
        })),
      }),
    );
    return;
  }
  const mapped = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
  if (mapped) {
    reply.status(mapped[0]).send(envelope(mapped[1], plainMessage(error.message)));
    return;
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const code = STATUS_CODES[error.statusCode] ?? "bad_request";
    reply.status(error.statusCode).send(envelope(code, plainMessage(error.message)));
    return;
  }
  request.log.error({ err: error }, "unhandled error");
  reply.status(500).send(envelope("internal_error", "internal error"));
}

/**
 * Answers a request Node's HTTP parser refused before Fastify saw it (malformed request line,
 * headers too large, timeout) in the same envelope, then closes the connection.
 */
export function handleClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, message] =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [408, "request_timeout", "the request took too long to arrive"]
      : error.code === "HPE_HEADER_OVERFLOW"
        ? [431, "headers_too_large", "the request headers are too large"]
        : [400, "bad_request", "the request is not valid HTTP"];
  const body = JSON.stringify(envelope(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${code}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
