import { resolveEventType, suggestEventTypes, validateEventData } from "../domain/catalog/index.js";
import { isEchoToTarget } from "../domain/crm/decide.js";
import { DomainError } from "../domain/errors.js";
import { cachedMatcher } from "../domain/filters.js";
import { generateId } from "../domain/ids.js";
import { DEFAULT_ORDERING_KEY, orderingKeyOf } from "../domain/ordering.js";
import { type CompiledRouting, stringField, webhookMatchesEvent } from "../domain/routing.js";
import { parseIsoTimestamp } from "../domain/time.js";
import type {
  DeliveryHold,
  EventRecord,
  IngestClaim,
  IngestResult,
  NewDelivery,
  NewEvent,
  NewJob,
  Store,
  WebhookRecord,
} from "../store/index.js";
import { GroupCommit } from "./group-commit.js";

export interface EventInput {
  type: string;
  data: Record<string, unknown>;
  campaign_id?: string;
  case_type?: string;
  idempotency_key?: string;
  occurred_at?: string;
}

/** The local dispatcher, as ingest sees it: somewhere to hand fresh deliveries right after commit. */
export interface DeliveryHandoff {
  readonly owner: string;
  readonly leaseMs: number;
  /**
   * Of these webhooks (with how many new deliveries each), the ones whose deliveries the
   * dispatcher takes right now; the rest are stored unclaimed for the poller.
   */
  accepts(counts: Map<string, number>): Map<string, number>;
  /** The claimed deliveries of just-committed events. */
  handoff(results: IngestResult[], webhooks: Map<string, WebhookRecord>): void;
}

/**
 * Durable work that accepted events cause beyond their deliveries (intake from calls): the jobs
 * are enqueued in the events' own transaction, so an accepted event's work is never lost and a
 * rejected one leaves none behind.
 */
export interface EventFollowUps {
  /** The jobs each event causes, in the order of `events` (an empty list for none). */
  jobsFor(
    tenantId: string,
    events: Array<EventRecord & { data: Record<string, unknown> }>,
  ): Promise<NewJob[][]>;
}

/**
 * Group transactions written at once on PostgreSQL: each is a few round trips, and the pool has
 * connections for other work (claims, record writes, API reads) too.
 */
const GROUPS_IN_FLIGHT_PG = 4;

export interface IngestedEvent {
  id: string;
  type: string;
  deliveries: number;
}

/**
 * Accepts events: validates them against the catalog, routes each to the tenant's matching
 * webhooks, stores event + deliveries in one transaction, then hands the deliveries to the local
 * dispatcher so a healthy endpoint hears about the event within milliseconds.
 */
export class EventIngest {
  private readonly groups: GroupCommit;

  constructor(
    private readonly store: Store,
    private readonly handoff: DeliveryHandoff | null,
    /** Called when deliveries were stored unclaimed, for the dispatchers to poll. */
    private readonly notify: () => void = () => {},
    /** Told how many new events each commit stored (the accepted-events metric). */
    private readonly accepted: (count: number) => void = () => {},
    private readonly followUps: EventFollowUps | null = null,
  ) {
    // SQLite has one writer: a second group in flight would only wait for the first's lock.
    this.groups = new GroupCommit(store.events, store.dialect === "sqlite" ? 1 : GROUPS_IN_FLIGHT_PG);
  }

  async ingest(
    tenantId: string,
    inputs: EventInput[],
    pathPrefix: (index: number) => string,
  ): Promise<IngestedEvent[]> {
    const now = Date.now();
    const prepared = inputs.map((input, index) => validate(input, pathPrefix(index), now, tenantId));
    const routed = await this.route(tenantId, prepared, now);
    if (this.followUps) {
      const jobs = await this.followUps.jobsFor(tenantId, prepared);
      routed.events.forEach((e, i) => {
        const mine = jobs[i];
        if (mine && mine.length > 0) e.jobs = mine;
      });
    }
    const results = await this.groups.write({ tenantId, events: routed.events, now, claimFor: routed.claim });
    this.committed(routed, results);
    return Promise.all(
      results.map(async (r) => ({
        id: r.event.id,
        type: r.event.type,
        deliveries: r.duplicate
          ? (await this.store.deliveries.listForEvent(tenantId, r.event.id)).length
          : r.deliveries.length,
      })),
    );
  }

  /**
   * Routes valid events to the tenant's enabled targets and decides which new deliveries the
   * local dispatcher takes at once. The caller stores `events` with `claim` (in its own
   * transaction when a record change causes them) and then calls `committed`.
   */
  async route(
    tenantId: string,
    prepared: Array<EventRecord & { data: Record<string, unknown> }>,
    now: number,
  ): Promise<RoutedEvents> {
    const webhooks = await this.store.targets.listEnabled(tenantId);
    const byId = new Map(webhooks.map((w) => [w.id, w]));
    const routings = webhooks.map((w) => routingOf(w));
    // Held deliveries are not handed to the dispatcher: they wait in the store.
    const counts = new Map<string, number>();
    const events: NewEvent[] = prepared.map((event) => {
      const deliveries: NewDelivery[] = [];
      for (let i = 0; i < webhooks.length; i++) {
        const webhook = webhooks[i] as WebhookRecord;
        if (!webhookMatchesEvent(routings[i] as CompiledRouting, event)) continue;
        // A change a CRM pull wrote never goes back to that CRM (no echo, no delivery row).
        if (isEchoToTarget(webhook, event.data)) continue;
        const hold = holdFor(webhook, event, now);
        deliveries.push({
          id: generateId("dlv_"),
          webhookId: webhook.id,
          hold,
          claimed: false,
          orderKey: orderKeyFor(webhook, event),
        });
        if (hold === null) counts.set(webhook.id, (counts.get(webhook.id) ?? 0) + 1);
      }
      return { event, deliveries };
    });
    const handoff = this.handoff;
    const accepted = handoff && counts.size > 0 ? handoff.accepts(counts) : new Map<string, number>();
    const claim =
      handoff && accepted.size > 0
        ? { owner: handoff.owner, leaseUntil: now + handoff.leaseMs, perWebhook: accepted }
        : null;
    return { events, claim, webhooks: byId };
  }

  /** After the events of `route` committed: hands claimed deliveries over and wakes the pollers. */
  committed(routed: RoutedEvents, results: IngestResult[]): void {
    // Every path that stores events ends here (single, batch, record writes, platform events).
    let stored = 0;
    for (const result of results) if (!result.duplicate) stored++;
    if (stored > 0) this.accepted(stored);
    // What the store did, not what routing asked: a group commit merges its requests' claims, so
    // one request's delivery may be claimed on another's count (store/ingest.ts).
    let claimed = false;
    let unclaimed = false;
    for (const result of results) {
      if ((result.released ?? 0) > 0) unclaimed = true;
      for (const delivery of result.deliveries) {
        if (delivery.claimed) claimed = true;
        else if (delivery.hold === null) unclaimed = true;
      }
    }
    if (this.handoff && claimed) this.handoff.handoff(results, routed.webhooks);
    // Deliveries stored unclaimed (or released from a hold): wake the dispatchers (this node's
    // and, via NOTIFY, others').
    if (unclaimed) this.notify();
  }
}

/** Events with the deliveries routing gave them, ready to store. */
export interface RoutedEvents {
  events: NewEvent[];
  /** Pre-claims for the local dispatcher; null → every delivery is stored unclaimed. */
  claim: IngestClaim | null;
  webhooks: Map<string, WebhookRecord>;
}

/** A webhook's routing settings, its `filters.match` compiled once per webhook version. */
function routingOf(w: WebhookRecord): CompiledRouting {
  const filters = w.filters;
  return {
    enabled: w.enabled,
    events: w.events,
    campaign_id: w.campaign_id,
    filters,
    ...(filters.match !== undefined
      ? { matcher: cachedMatcher(`${w.id}:${w.updated_at}`, filters.match) }
      : {}),
  };
}

/**
 * Whether this event's delivery to this webhook waits for a follow-up: the webhook holds, the
 * event carries a `data.call_id` and is not itself the follow-up type.
 */
function holdFor(w: WebhookRecord, event: EventRecord, now: number): DeliveryHold | null {
  const callId = event.data?.call_id;
  if (!w.hold || event.type === w.hold.until_event || typeof callId !== "string") return null;
  return { key: callId, eventType: w.hold.until_event, until: now + w.hold.max_wait_s * 1000 };
}

/**
 * The delivery's key in its webhook's line: the webhook orders per key and the event has a value
 * there. An event without one is delivered unordered (it waits for nothing, nothing waits for it).
 */
function orderKeyFor(w: WebhookRecord, event: EventRecord): string | null {
  if (w.ordering !== "per_key") return null;
  return orderingKeyOf(event.data, w.ordering_key ?? DEFAULT_ORDERING_KEY);
}

function validate(
  input: EventInput,
  path: string,
  now: number,
  tenantId: string,
): EventRecord & { data: Record<string, unknown> } {
  // A platform's own name for the type (`call.completed`, `call_ended`) is stored as the catalog's.
  const type = resolveEventType(input.type)?.name;
  if (type === undefined) {
    const suggestions = suggestEventTypes(input.type);
    const hint =
      suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : "";
    throw new DomainError("unknown_event_type", `${path}/type: unknown event type "${input.type}"${hint}`, {
      path: `${path}/type`,
      suggestions,
    });
  }
  const errors = validateEventData(type, input.data);
  const first = errors[0];
  if (first) {
    throw new DomainError("validation_failed", `${path}/data${first.path}: ${first.message}`, {
      path: `${path}/data${first.path}`,
      errors: errors.map((e) => ({ path: `${path}/data${e.path}`, message: e.message })),
    });
  }
  let occurredAt = now;
  if (input.occurred_at !== undefined) {
    occurredAt = parseIsoTimestamp(input.occurred_at);
    if (Number.isNaN(occurredAt)) {
      throw new DomainError("validation_failed", `${path}/occurred_at: not an ISO-8601 timestamp`, {
        path: `${path}/occurred_at`,
      });
    }
  }
  return {
    id: generateId("evt_"),
    tenant_id: tenantId,
    type,
    data: input.data,
    // Top-level fields win; otherwise the data's own fields scope the event.
    campaign_id: input.campaign_id ?? stringField(input.data, "campaign_id"),
    case_type: input.case_type ?? stringField(input.data, "case_type"),
    idempotency_key: input.idempotency_key ?? null,
    occurred_at: occurredAt,
    created_at: now,
  };
}
