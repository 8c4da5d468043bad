import { sendsToCrm } from "../../../domain/crm/settings.js";
import type { EventRecord, Store, WebhookRecord } from "../../../store/index.js";
import {
  type AttemptRequest,
  type Exchange,
  type ResolvedTarget,
  type TargetKind,
  targetBase,
} from "../../../targets/kind.js";
import { CrmError, type CrmExchange, type CrmObject } from "../connector.js";
import { type CrmConnectors, type CrmTargetConfig, decryptCrmConfig } from "./connections.js";
import { type PushOutcome, pushRecord } from "./push.js";
import { describeCrmError, schemaOf } from "./schema.js";

/** A CRM connection as a delivery target: its provider, base URL and credentials decrypted. */
export interface ResolvedCrm extends ResolvedTarget {
  kind: "crm";
  config: CrmTargetConfig;
}

/** The record events a connection subscribes to: a push sends the record's current state. */
export const CRM_RECORD_EVENTS = ["client.created", "client.updated", "case.created", "case.updated"];

/** Errors no retry fixes: the CRM refused the content (its message is the attempt's error). */
export const CRM_REJECTED = "crm_rejected";

/** Cases of a client pushed at most per client change, on CRMs whose cases carry the client. */
const MAX_CASES_PER_CLIENT = 50;

/**
 * Target kind `crm`: an attempt pushes the current state of the event's record to the CRM
 * (create-or-update from the link table, see pushRecord). The attempt shows the CRM's exact
 * write request and its answer. A rate limit is a 429 with the CRM's Retry-After, so the retry
 * waits at least that long; a validation refusal fails the delivery with the CRM's message.
 */
export function crmKind(store: Store, connectors: CrmConnectors): TargetKind<ResolvedCrm> {
  /** One push per record at a time in this process: two events of a new case never create it twice. */
  const locks = new Map<string, Promise<unknown>>();
  const serialised = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const before = locks.get(key) ?? Promise.resolve();
    const mine = before.then(work, work);
    const tail = mine.catch(() => undefined);
    locks.set(key, tail);
    try {
      return await mine;
    } finally {
      if (locks.get(key) === tail) locks.delete(key);
    }
  };

  return {
    name: "crm",
    resolve(record: WebhookRecord & { deleted_at?: number | null }) {
      const config = decryptCrmConfig(connectors.cipher, record.target_config);
      const target: ResolvedCrm = { ...targetBase("crm", record), config };
      return { target, validUntil: Number.POSITIVE_INFINITY };
    },
    async exchange(target: ResolvedCrm, event: EventRecord): Promise<Exchange> {
      const started = performance.now();
      const exchanges: CrmExchange[] = [];
      /** Where the last write's exchanges start (a read may follow it, a search precede it). */
      let writeAt = -1;
      const elapsed = (): number => Math.round(performance.now() - started);
      try {
        const loaded = await connectors.loadById(target.id);
        if (!loaded) return skipped(target, "the connection was deleted", elapsed());
        if (!sendsToCrm(loaded.connection.settings)) {
          return skipped(target, "the connection does not send to the CRM", elapsed());
        }
        const subject = subjectOf(event);
        if (!subject) return skipped(target, `${event.type} names no record`, elapsed());
        const connector = connectors.connect(loaded, (exchange) => exchanges.push(exchange));
        try {
          const schema = await schemaOf(store, loaded, connector);
          let pushes: Array<{ object: CrmObject; id: string }> = [subject];
          if (subject.object === "client" && !loaded.provider.capabilities.objects.includes("client")) {
            // The CRM keeps the client's fields on its cases: each case carries the change.
            const cases = await store.cases.list(target.tenant_id, {
              clientId: subject.id,
              limit: MAX_CASES_PER_CLIENT,
            });
            pushes = cases.data.map((c) => ({ object: "case" as const, id: c.id }));
          }
          const outcomes: PushOutcome[] = [];
          for (const push of pushes) {
            outcomes.push(
              await serialised(`${target.id}:${push.object}:${push.id}`, () =>
                pushRecord(store, connector, loaded.connection, schema, {
                  object: push.object,
                  platformId: push.id,
                  beforeWrite: () => {
                    writeAt = exchanges.length;
                  },
                }),
              ),
            );
          }
          for (const outcome of outcomes) connectors.metrics?.pushed(loaded.connection, outcome.action);
          return succeeded(target, exchanges, writeAt, outcomes, elapsed());
        } finally {
          await connector.close?.();
        }
      } catch (error) {
        const outcome =
          error instanceof CrmError && error.stage === "rate_limited" ? "rate_limited" : "failed";
        connectors.metrics?.pushed({ id: target.id, provider: target.config.provider }, outcome);
        return failed(target, exchanges, error, elapsed());
      }
    },
    async close() {
      await connectors.close();
    },
  };
}

/** The record an event is about: `client_id` of client events, `case_id` of case events. */
export function subjectOf(
  event: Pick<EventRecord, "type" | "data">,
): { object: CrmObject; id: string } | null {
  const data = event.data ?? {};
  if (event.type.startsWith("client.") && typeof data.client_id === "string") {
    return { object: "client", id: data.client_id };
  }
  if (event.type.startsWith("case.") && typeof data.case_id === "string") {
    return { object: "case", id: data.case_id };
  }
  return null;
}

/** The exchange the attempt log shows: the last write's first request, else the last exchange. */
function shown(exchanges: CrmExchange[], writeAt: number): CrmExchange | undefined {
  return (writeAt >= 0 ? exchanges[writeAt] : undefined) ?? exchanges.at(-1);
}

function requestOf(target: ResolvedCrm, exchange: CrmExchange | undefined, count: number): AttemptRequest {
  if (!exchange) return { method: "NONE", url: target.url, headers: {}, body: null };
  return {
    ...exchange.request,
    // How many requests the push took (a search before a create, a read after a write).
    headers: { ...exchange.request.headers, "x-switchboard-crm-requests": String(count) },
  };
}

function skipped(target: ResolvedCrm, reason: string, durationMs: number): Exchange {
  return {
    request: requestOf(target, undefined, 0),
    result: {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ skipped: reason }),
      errorKind: null,
      errorMessage: null,
      durationMs,
    },
  };
}

function succeeded(
  target: ResolvedCrm,
  exchanges: CrmExchange[],
  writeAt: number,
  outcomes: PushOutcome[],
  durationMs: number,
): Exchange {
  const last = writeAt >= 0 ? shown(exchanges, writeAt) : undefined;
  if (!last?.response) {
    const reasons = outcomes.map((o) => o.reason).filter((r) => r !== null);
    return skipped(target, reasons.join("; ") || "nothing to send", durationMs);
  }
  return {
    request: requestOf(target, last, exchanges.length),
    result: {
      status: last.response.status,
      headers: last.response.headers,
      body: last.response.body,
      errorKind: null,
      errorMessage: null,
      durationMs,
    },
  };
}

/**
 * A failed push as an attempt result. Rate limits answer 429 with the CRM's wait as Retry-After
 * (the retry honours it); validation and unsupported writes fail at once with the CRM's words;
 * auth, conflicts and transient failures retry on the schedule.
 */
export function failed(
  target: ResolvedCrm,
  exchanges: CrmExchange[],
  error: unknown,
  durationMs: number,
): Exchange {
  // The failing request is the last one (a refused write, or the search or read that failed).
  const last = exchanges.at(-1);
  const request = requestOf(target, last, exchanges.length);
  const message = describeCrmError(error);
  const response = last?.response ?? null;
  if (!(error instanceof CrmError)) {
    return {
      request,
      result: {
        status: null,
        headers: null,
        body: null,
        errorKind: "crm_error",
        errorMessage: message,
        durationMs,
      },
    };
  }
  const base = {
    headers: response?.headers ?? null,
    body: response?.body ?? error.vendorMessage ?? error.message,
    durationMs,
  };
  switch (error.stage) {
    case "rate_limited": {
      const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
      return {
        request,
        result: {
          ...base,
          status: 429,
          headers: { ...(base.headers ?? {}), "retry-after": String(seconds) },
          errorKind: null,
          errorMessage: null,
        },
      };
    }
    case "validation":
    case "unsupported":
      return {
        request,
        result: { ...base, status: error.status ?? 422, errorKind: CRM_REJECTED, errorMessage: message },
      };
    default:
      if (error.status !== null) {
        return { request, result: { ...base, status: error.status, errorKind: null, errorMessage: null } };
      }
      return {
        request,
        result: { ...base, status: null, errorKind: `crm_${error.stage}`, errorMessage: message },
      };
  }
}
