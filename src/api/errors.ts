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
  precondition_failed: 412,
  rate_limited: 429,
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
  FST_ERR_RATE_LIMIT_EXCEEDED: [429, "rate_limited"],
};

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
    reply.status(mapped[0]).send(envelope(mapped[1], error.message));
    return;
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    reply.status(error.statusCode).send(envelope("bad_request", error.message));
    return;
  }
  request.log.error({ err: error }, "unhandled error");
  reply.status(500).send(envelope("internal_error", "internal error"));
}
