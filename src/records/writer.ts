import { DomainError, notFound } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import type { RecordChange, RecordEvent } from "../domain/records/events.js";
import { stringField } from "../domain/routing.js";
import type { EventIngest } from "../events/ingest.js";
import type { EventRecord, IngestResult, RecordOutbox, StoredRecord } from "../store/index.js";

/** How many times a write without If-Match re-reads and retries after losing a race to another write. */
const RACE_RETRIES = 3;

/** One kind of record as the writer needs it: read, and the store's compare-and-swap writes. */
export interface RecordKind<F extends object> {
  /** "client", "case": for not-found messages. */
  name: string;
  get(tenantId: string, id: string): Promise<StoredRecord<F> | null>;
  update(
    record: StoredRecord<F>,
    expectedVersion: number,
    outbox: RecordOutbox,
  ): Promise<IngestResult[] | null>;
  delete(
    tenantId: string,
    id: string,
    expectedVersion: number,
    now: number,
    outbox: RecordOutbox,
  ): Promise<IngestResult[] | null>;
  /** The events of one write (before null: created; after null: deleted). */
  events(change: RecordChange<F>): RecordEvent[];
}

/**
 * Writes records with their events: routes the events to the tenant's targets, stores record and
 * events in one transaction, then hands the deliveries to the dispatcher. Updates are
 * compare-and-swap on the version the caller read (If-Match) or, without one, on the version just
 * read, retried a few times when another write slipped in between.
 */
export class RecordWriter {
  constructor(private readonly ingest: EventIngest) {}

  /** Routes `events` for the tenant, runs `write` with them, then hands off; false when `write` lost a race. */
  async withEvents(
    tenantId: string,
    events: RecordEvent[],
    now: number,
    write: (outbox: RecordOutbox) => Promise<IngestResult[] | null>,
  ): Promise<boolean> {
    const prepared = events.map((e) => eventRecord(tenantId, e, now));
    const routed = await this.ingest.route(tenantId, prepared, now);
    const results = await write({ events: routed.events, claimFor: routed.claim });
    // Nothing was stored: nothing to hand off (accepting a claim reserves no dispatcher slot).
    if (results === null) return false;
    this.ingest.committed(routed, results);
    return true;
  }

  /** Applies `change` to the current record; answers the record as written. */
  async update<F extends object>(
    kind: RecordKind<F>,
    tenantId: string,
    id: string,
    ifMatch: number | undefined,
    changeSource: string,
    change: (current: StoredRecord<F>) => Promise<F> | F,
  ): Promise<StoredRecord<F>> {
    for (let attempt = 0; ; attempt++) {
      const current = await kind.get(tenantId, id);
      if (!current) throw notFound(kind.name);
      if (ifMatch !== undefined && current.version !== ifMatch) throw stale(kind.name, current.version);
      const fields = await change(current);
      const now = Date.now();
      const next: StoredRecord<F> = { ...current, ...fields, version: current.version + 1, updated_at: now };
      const events = kind.events({
        id,
        before: current,
        after: next,
        version: next.version,
        at: now,
        changeSource,
      });
      if (events.length === 0) return current;
      const written = await this.withEvents(tenantId, events, now, (outbox) =>
        kind.update(next, current.version, outbox),
      );
      if (written) return next;
      if (ifMatch !== undefined) {
        const latest = await kind.get(tenantId, id);
        if (!latest) throw notFound(kind.name);
        throw stale(kind.name, latest.version);
      }
      if (attempt >= RACE_RETRIES)
        throw new DomainError("conflict", `${kind.name} is being changed by others; try again`);
    }
  }

  async delete<F extends object>(
    kind: RecordKind<F>,
    tenantId: string,
    id: string,
    changeSource: string,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const current = await kind.get(tenantId, id);
      if (!current) throw notFound(kind.name);
      const now = Date.now();
      const events = kind.events({
        id,
        before: current,
        after: null,
        version: current.version + 1,
        at: now,
        changeSource,
      });
      const written = await this.withEvents(tenantId, events, now, (outbox) =>
        kind.delete(tenantId, id, current.version, now, outbox),
      );
      if (written) return;
      if (attempt >= RACE_RETRIES)
        throw new DomainError("conflict", `${kind.name} is being changed by others; try again`);
    }
  }
}

function stale(name: string, version: number): DomainError {
  return new DomainError("precondition_failed", `the ${name} has changed: its version is now ${version}`, {
    version,
  });
}

/** A record event as an event row of the tenant's, ready to route. */
export function eventRecord(
  tenantId: string,
  event: RecordEvent,
  now: number,
): EventRecord & { data: Record<string, unknown> } {
  return {
    id: generateId("evt_"),
    tenant_id: tenantId,
    type: event.type,
    data: event.data,
    campaign_id: stringField(event.data, "campaign_id"),
    case_type: stringField(event.data, "case_type"),
    idempotency_key: null,
    occurred_at: now,
    created_at: now,
  };
}
