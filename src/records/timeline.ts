import { notFound } from "../domain/errors.js";
import { isOwnChange, type RecordRef } from "../domain/records/event-links.js";
import type { DeliveryRecord, EventRecord, ListOptions, Page, Store } from "../store/index.js";

/** One delivery of a timeline event, as the timeline shows it (the full one is GET /v1/deliveries/{id}). */
export interface TimelineDelivery {
  id: string;
  /** The webhook or other target (destination) it goes to. */
  webhook_id: string;
  status: DeliveryRecord["status"];
  attempts: number;
}

export interface TimelineEntry {
  at: string;
  /** `change`: the record's own change event; `event`: another event that references it. */
  kind: "change" | "event";
  event: { id: string; type: string; occurred_at: string; data: Record<string, unknown> | null };
  change_source?: string;
  changes?: Record<string, unknown>;
  deliveries: TimelineDelivery[];
}

/**
 * A client's or case's history: its own change events and the platform events that reference it
 * (src/domain/records/event-links.ts), newest first, each with its deliveries.
 */
export class Timelines {
  constructor(private readonly store: Store) {}

  async forClient(tenantId: string, id: string, options: ListOptions): Promise<Page<TimelineEntry>> {
    const client = await this.store.clients.get(tenantId, id);
    if (!client) throw notFound("client");
    const page = await this.store.timeline.forClient(
      tenantId,
      { clientId: id, phones: client.phones.map((p) => p.number) },
      options,
    );
    return this.entries(tenantId, page, { kind: "client", id });
  }

  async forCase(tenantId: string, id: string, options: ListOptions): Promise<Page<TimelineEntry>> {
    if (!(await this.store.cases.get(tenantId, id))) throw notFound("case");
    const page = await this.store.timeline.forCase(tenantId, id, options);
    return this.entries(tenantId, page, { kind: "case", id });
  }

  private async entries(
    tenantId: string,
    page: Page<EventRecord>,
    record: RecordRef,
  ): Promise<Page<TimelineEntry>> {
    const deliveries = await this.store.timeline.deliveriesOf(
      tenantId,
      page.data.map((e) => e.id),
    );
    const byEvent = new Map<string, TimelineDelivery[]>();
    for (const d of deliveries) {
      const list = byEvent.get(d.event_id) ?? [];
      list.push({ id: d.id, webhook_id: d.webhook_id, status: d.status, attempts: d.attempts });
      byEvent.set(d.event_id, list);
    }
    return {
      data: page.data.map((event) => timelineEntry(event, record, byEvent.get(event.id) ?? [])),
      next_cursor: page.next_cursor,
    };
  }
}

function timelineEntry(event: EventRecord, record: RecordRef, deliveries: TimelineDelivery[]): TimelineEntry {
  const data = event.data;
  const entry: TimelineEntry = {
    at: new Date(event.occurred_at).toISOString(),
    kind: isOwnChange(event, record) ? "change" : "event",
    event: { id: event.id, type: event.type, occurred_at: new Date(event.occurred_at).toISOString(), data },
    deliveries,
  };
  if (data !== null && typeof data.change_source === "string") entry.change_source = data.change_source;
  if (data !== null && typeof data.changes === "object" && data.changes !== null) {
    entry.changes = data.changes as Record<string, unknown>;
  }
  return entry;
}
