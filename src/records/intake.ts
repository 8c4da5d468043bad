import { DomainError } from "../domain/errors.js";
import { DEFAULT_MAX_ATTEMPTS } from "../domain/jobs.js";
import { DEFAULT_CASE_STATUS } from "../domain/records/case.js";
import { INTAKE_EVENT_TYPE, type IntakeRequest, intakeRequestOf } from "../domain/records/intake.js";
import { firstCaseState } from "../domain/records/vocabulary.js";
import type { EventFollowUps } from "../events/ingest.js";
import { type JobKind, PermanentJobError } from "../jobs/kinds.js";
import type { NewJob, Store } from "../store/index.js";
import type { Records } from "./index.js";
import type { TenantSettings } from "./settings.js";

/** The job kind that turns an inbound call into a lead. */
export const INTAKE_KIND = "intake";

/** Record events of intake name the API as their writer: the contract's sources are api, import, crm:…, enrichment. */
const CHANGE_SOURCE = "api";
/** How a lead made here came in (the records' own `source`). */
const RECORD_SOURCE = "call";

/**
 * Decides at ingest which events open a lead: inbound `call.ended` events of tenants with
 * `intake_from_calls` on. Settings are read only when a batch holds such an event, so ingest of
 * every other event costs nothing more.
 */
export function intakeFollowUps(settings: TenantSettings): EventFollowUps {
  return {
    async jobsFor(tenantId, events) {
      const none = events.map((): NewJob[] => []);
      if (!events.some((e) => e.type === INTAKE_EVENT_TYPE && e.data.direction === "inbound")) return none;
      const { records } = await settings.get(tenantId);
      if (!records.intake_from_calls) return none;
      const region = await settings.region(tenantId);
      return events.map((event) => {
        const request = intakeRequestOf(event.type, event.data, region);
        return request ? [intakeJob(tenantId, request, event.created_at)] : [];
      });
    },
  };
}

function intakeJob(tenantId: string, request: IntakeRequest, now: number): NewJob {
  return {
    tenant_id: tenantId,
    kind: INTAKE_KIND,
    payload: { ...request },
    run_at: now,
    max_attempts: DEFAULT_MAX_ATTEMPTS,
    // A call's events sent twice while the first job waits enqueue one job; once it has run, the
    // job itself finds the case by its call id.
    unique_key: `${INTAKE_KIND}:${tenantId}:${request.call_id}`,
    schedule: null,
  };
}

/**
 * Opens the lead of one call: nothing when a case of this call exists; else a case for the client
 * with the caller's number, creating that client (phone, name, valid email, source "call") when
 * nobody has the number. Each step re-reads before it writes, so a retry after a crash between
 * the client and the case finishes the case and never makes a second client or case.
 */
export function intakeKind(store: Store, records: Records): JobKind {
  // Two calls from one new number (a batch, a redial) run as two jobs: one at a time per number on
  // this node, so the second finds the client the first made. Across nodes (PostgreSQL) the two
  // could still each make a client in the same instant (a known gap, see docs/api.md).
  const perNumber = new Map<string, Promise<unknown>>();
  return {
    async run({ job }) {
      const tenantId = job.tenant_id;
      const request = readRequest(job.payload);
      if (tenantId === null || request === null) throw new PermanentJobError("not an intake request");
      const key = `${tenantId}:${request.phone}`;
      const before = perNumber.get(key) ?? Promise.resolve();
      const mine = before.catch(() => {}).then(() => openLead(store, records, tenantId, request));
      perNumber.set(key, mine);
      try {
        await mine;
      } catch (error) {
        // A lead the firm's rules refuse will be refused again: no point retrying it.
        if (error instanceof DomainError && error.code === "validation_failed") {
          throw new PermanentJobError(error.message);
        }
        throw error;
      } finally {
        if (perNumber.get(key) === mine) perNumber.delete(key);
      }
      return undefined;
    },
  };
}

async function openLead(
  store: Store,
  records: Records,
  tenantId: string,
  request: IntakeRequest,
): Promise<void> {
  if (await store.cases.findByCallId(tenantId, request.call_id)) return;
  const known = await store.clients.list(tenantId, { phone: request.phone, limit: 1 });
  const client =
    known.data[0] ??
    (await records.clients.create(
      tenantId,
      {
        first_name: request.first_name?.slice(0, 200) ?? null,
        last_name: request.last_name?.slice(0, 200) ?? null,
        phones: [{ number: request.phone }],
        ...(request.email ? { emails: [request.email] } : {}),
        source: RECORD_SOURCE,
      },
      CHANGE_SOURCE,
      "/intake",
      { enforceRequired: false },
    ));
  const settings = await records.settings.get(tenantId);
  // The call's own case type when the firm has it (or has no vocabulary), else the firm's first.
  const named = settings.case_types.find((t) => t.key === request.case_type);
  const start =
    named !== undefined
      ? { case_type: named.key, status: named.statuses[0]?.key ?? DEFAULT_CASE_STATUS }
      : settings.case_types.length === 0
        ? { case_type: request.case_type?.slice(0, 100) ?? null, status: DEFAULT_CASE_STATUS }
        : firstCaseState(settings.case_types, DEFAULT_CASE_STATUS);
  await records.cases.create(
    tenantId,
    {
      client_id: client.id,
      ...start,
      call_id: request.call_id,
      campaign_id: request.campaign_id?.slice(0, 100) ?? null,
      description: request.summary?.slice(0, 20_000) ?? null,
      source: RECORD_SOURCE,
    },
    CHANGE_SOURCE,
    "/intake",
    { enforceRequired: false },
  );
}

function readRequest(payload: Record<string, unknown>): IntakeRequest | null {
  const { call_id, phone } = payload;
  if (typeof call_id !== "string" || typeof phone !== "string") return null;
  const text = (key: string): string | null => {
    const value = payload[key];
    return typeof value === "string" ? value : null;
  };
  return {
    call_id,
    phone,
    first_name: text("first_name"),
    last_name: text("last_name"),
    email: text("email"),
    campaign_id: text("campaign_id"),
    case_type: text("case_type"),
    summary: text("summary"),
  };
}
