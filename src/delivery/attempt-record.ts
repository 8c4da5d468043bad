import { generateId } from "../domain/ids.js";
import type { AttemptDecision } from "../domain/outcome.js";
import { redactHeaders } from "../domain/redact.js";
import type { AttemptRecord, EventRecord } from "../store/index.js";
import type { AttemptRequest, Exchange, ResolvedTarget } from "../targets/kind.js";
import { envelopeJson } from "./body.js";

/** The attempt log row: what was sent (credentials redacted), what came back, and the verdict. */
export function attemptRecord(input: {
  deliveryId: string;
  attemptNumber: number;
  webhook: ResolvedTarget;
  event: EventRecord;
  request: AttemptRequest;
  result: Exchange["result"];
  decision: AttemptDecision;
  startedAt: number;
}): AttemptRecord {
  const { webhook, request, result, decision } = input;
  // The standard envelope is most bodies and was 70 % of the attempt log's bytes (one 4 KiB page
  // per attempt); it is rebuilt from the event when shown, so it is not stored twice.
  const envelope =
    request.body !== null &&
    request.headers["content-type"] === "application/json" &&
    request.body === envelopeJson(input.event);
  return {
    id: generateId("att_"),
    tenant_id: webhook.tenant_id,
    delivery_id: input.deliveryId,
    webhook_id: webhook.id,
    event_id: input.event.id,
    attempt_number: input.attemptNumber,
    succeeded: decision.succeeded,
    request_method: request.method,
    request_url: request.url,
    request_headers: redactHeaders(request.headers, webhook.secretHeaderNames),
    request_body: envelope ? null : request.body,
    request_body_envelope: envelope,
    response_status: result.status,
    response_headers: result.headers,
    response_body: result.body,
    error_kind: result.errorKind,
    error_message: decision.succeeded ? null : decision.error,
    duration_ms: result.durationMs,
    created_at: input.startedAt,
  };
}
