import type { OrderingMode } from "../domain/ordering.js";
import type { SigningScheme } from "../domain/signing.js";
import type {
  HttpMethod,
  RetryPolicy,
  SuccessConditions,
  WebhookBody,
  WebhookFilters,
  WebhookHold,
} from "../domain/webhook.js";
import type { CrmRepository } from "./crm/repository.js";
import type { EnrichmentRepository } from "./enrichment/repository.js";
import type { ImportRepository } from "./imports/repository.js";
import type { JobRepository, NewJob } from "./jobs/repository.js";
import type { DueSignal, QueueRepository, WebhookHealth } from "./queue/repository.js";
import type {
  CaseRepository,
  ClientMergeRepository,
  ClientRepository,
  TenantSettingsRepository,
  TimelineRepository,
} from "./records-repository.js";
import type { SchedulingRepository } from "./scheduling/repository.js";
import type { DeliveryStatus } from "./schema.js";
import type { StatsRepository } from "./stats/repository.js";

export type { DeliveryStatus } from "./schema.js";

/** Records as the rest of the program sees them (JSON decoded, secrets still encrypted). */
export interface Tenant {
  id: string;
  name: string;
  timezone: string;
  created_at: number;
}

export interface ApiKey {
  id: string;
  tenant_id: string;
  prefix: string;
  created_at: number;
  revoked_at: number | null;
  /** What the key may do (`webhooks:read`, `records:*`); null: no scopes, full power. */
  scopes: string[] | null;
  /** Epoch ms after which the key is refused; null: never. */
  expires_at: number | null;
}

/**
 * A delivery target: an HTTP webhook, or another kind (`kind`) whose own settings are in
 * `target_config`. Routing and delivery-policy fields are shared by every kind.
 */
export interface WebhookRecord {
  id: string;
  tenant_id: string;
  kind: string;
  /** Encrypted JSON of the kind's own settings; null for webhooks. */
  target_config: string | null;
  url: string;
  description: string;
  enabled: boolean;
  disabled_reason: string | null;
  events: string[];
  campaign_id: string | null;
  filters: WebhookFilters;
  method: HttpMethod;
  headers: Record<string, string>;
  /** Encrypted JSON. */
  auth: string;
  /** Encrypted. */
  app_key: string | null;
  body: WebhookBody;
  timeout_ms: number;
  retry: RetryPolicy;
  success: SuccessConditions;
  /** Attempts in flight to this endpoint at once; null → the default (10). */
  max_in_flight: number | null;
  /** Attempts started per second at most; null → unlimited. */
  rate_limit_per_s: number | null;
  /** Header for a GitHub-style `sha256=<hex HMAC>` of the body; null → none. */
  signature_header: string | null;
  /** Hold deliveries until a follow-up event for the same call; null → send at once. */
  hold: WebhookHold | null;
  /**
   * Which signatures `webhook-signature` carries; absent → `v1` (HMAC only). Optional so that
   * targets that never sign over HTTP (email) need not name it.
   */
  signing_scheme?: SigningScheme;
  /** Encrypted ed25519 private key (`whsk_…`) for `v1a` signatures; absent or null → none yet. */
  signing_key?: string | null;
  /** Encrypted ed25519 key that still signs beside `signing_key` until its expiry (a key rotation). */
  previous_signing_key?: string | null;
  previous_signing_key_expires_at?: number | null;
  /**
   * `per_key`: deliveries whose events share the key at `ordering_key` go out one at a time, in
   * event order (src/domain/ordering.ts); absent or `none` → no ordering. Optional so that
   * targets created without it (destinations, CRM connections) need not name it.
   */
  ordering?: OrderingMode;
  /** Where an event's ordering key is read; absent → `data.call_id`. */
  ordering_key?: string;
  /** Encrypted. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export type WebhookPatch = Partial<
  Omit<
    WebhookRecord,
    "id" | "tenant_id" | "kind" | "created_at" | "secret" | "previous_secret" | "previous_secret_expires_at"
  >
>;

export interface EventRecord {
  id: string;
  tenant_id: string;
  type: string;
  /** Null once retention has purged the payload. */
  data: Record<string, unknown> | null;
  campaign_id: string | null;
  case_type: string | null;
  idempotency_key: string | null;
  occurred_at: number;
  created_at: number;
  /** Made by "send test": its envelope says so and the default event list leaves it out. */
  test?: boolean;
}

export interface DeliveryRecord {
  id: string;
  tenant_id: string;
  event_id: string;
  webhook_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  first_attempt_at: number | null;
  last_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  appended: string | null;
  /** While held: the `data.call_id` the releasing event must carry (null when not held). */
  hold_key: string | null;
  /** While held: the event type that releases it. */
  hold_event_type: string | null;
  /** While held: when it goes as it is if nothing releases it. */
  hold_until: number | null;
  /** The follow-up event that released it; its data is merged into the payload when sent. */
  merge_event_id: string | null;
  /** An ordered delivery's key (its webhook's `ordering: "per_key"`); null when not ordered. */
  order_key: string | null;
  created_at: number;
  updated_at: number;
}

/** A delivery as the API shows it: with its event's type and its target's open circuit, if any. */
export interface DeliveryView extends DeliveryRecord {
  event_type: string;
  /** When the target's breaker sends its next probe, while its circuit is open; else null. */
  circuit_open_until: number | null;
  /**
   * While it waits for its turn in its key's line: the delivery ahead of it that holds the key
   * (in flight or retrying); else null.
   */
  order_blocked_by: string | null;
}

/** Filters of a delivery search; every one optional. */
export interface DeliveryFilter {
  /** One target (webhook, destination, …). */
  webhookId?: string;
  status?: DeliveryStatus;
  eventId?: string;
  /** Any of these event types. */
  eventTypes?: string[];
  /** Created at or after. */
  since?: number;
  /** Created before. */
  until?: number;
}

export interface AttemptRecord {
  id: string;
  tenant_id: string;
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  attempt_number: number;
  succeeded: boolean;
  request_method: string;
  request_url: string;
  request_headers: Record<string, string>;
  /** Null when the body was the standard envelope (see `request_body_envelope`) or there was none. */
  request_body: string | null;
  /** The body was the event's standard JSON envelope: not stored, rebuilt from the event. */
  request_body_envelope: boolean;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  error_kind: string | null;
  error_message: string | null;
  duration_ms: number;
  created_at: number;
}

/** A new event with the deliveries routing decided it gets. */
export interface NewEvent {
  event: EventRecord;
  deliveries: NewDelivery[];
  /**
   * Durable jobs the event causes (intake from calls), enqueued in the event's transaction; not
   * enqueued when the event is a duplicate (its first copy enqueued them).
   */
  jobs?: NewJob[];
}

/**
 * One delivery of a new event. Routing decides its webhook and hold; `ingestEvents` fills in
 * `claimed` on these same records and returns them, so ingest allocates one object per delivery
 * in all (it runs for thousands of events a second).
 */
export interface NewDelivery {
  id: string;
  webhookId: string;
  /** Waits for a follow-up event; null → due at once. Held deliveries are never pre-claimed. */
  hold: DeliveryHold | null;
  /** Created claimed for the local dispatcher (`claimFor`): set by `ingestEvents`, pass false. */
  claimed: boolean;
  /**
   * Its key when its webhook orders deliveries per key and the event has one; absent or null →
   * unordered. `ingestEvents` stores it waiting for its turn when its key has deliveries pending.
   */
  orderKey?: string | null;
}

/** A delivery held until an event of `eventType` with `data.call_id` = `key`, or `until`. */
export interface DeliveryHold {
  key: string;
  eventType: string;
  until: number;
}

/** Deliveries created already claimed by `owner` until `leaseUntil`, up to a count per webhook. */
export interface IngestClaim {
  owner: string;
  leaseUntil: number;
  /** How many of the new deliveries to each webhook to claim (the first ones, in order). */
  perWebhook: ReadonlyMap<string, number>;
}

/** One caller's events in a group commit (`EventRepository.ingestGroups`). */
export interface IngestGroup {
  tenantId: string;
  events: NewEvent[];
  now: number;
  claimFor: IngestClaim | null;
}

export interface IngestResult {
  event: EventRecord;
  /**
   * Deliveries created by this call, with `claimed` filled in (none when the idempotency key
   * matched an earlier event).
   */
  deliveries: NewDelivery[];
  duplicate: boolean;
  /**
   * Held deliveries made due at once: those this event released (it was their follow-up), and its
   * own that were not held because their follow-up had arrived first.
   */
  released?: number;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface ListOptions {
  cursor?: string;
  limit: number;
}

/** Named settings of the installation (the admin key hash, …). */
export interface SettingRepository {
  get(name: string): Promise<string | null>;
  /** Sets the value only if none is set; returns the value in force afterwards. */
  setIfAbsent(name: string, value: string): Promise<string>;
  set(name: string, value: string): Promise<void>;
}

/** Tenants (law firms) and their API keys. */
export interface TenantRepository {
  create(tenant: Tenant): Promise<void>;
  get(id: string): Promise<Tenant | null>;
  list(options: ListOptions): Promise<Page<Tenant>>;
  createKey(key: ApiKey, keyHash: string): Promise<void>;
  listKeys(tenantId: string): Promise<ApiKey[]>;
  revokeKey(tenantId: string, keyId: string, now: number): Promise<boolean>;
  findKeyByHash(keyHash: string): Promise<ApiKey | null>;
}

/** Delivery targets of every kind (webhooks, email destinations) and their health. */
export interface TargetRepository {
  create(webhook: WebhookRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<WebhookRecord | null>;
  /** Webhooks by id regardless of tenant, deleted ones included (the dispatcher's view). */
  getByIds(ids: string[]): Promise<Array<WebhookRecord & { deleted_at: number | null }>>;
  /** The tenant's undeleted targets of one kind (`webhook`, `email`, …), newest first. */
  list(tenantId: string, options: ListOptions & { kind: string }): Promise<Page<WebhookRecord>>;
  /** Every undeleted target of one kind across tenants: for sweeping temporary listeners (few). */
  listOfKind(kind: string): Promise<WebhookRecord[]>;
  /** Enabled, undeleted webhooks of a tenant: the candidates for routing. */
  listEnabled(tenantId: string): Promise<WebhookRecord[]>;
  update(tenantId: string, id: string, patch: WebhookPatch, now: number): Promise<WebhookRecord | null>;
  /**
   * Replaces `target_config` only while it still holds `expected` (compare-and-swap): a writer that
   * read, merged and writes back never loses a change saved in between. False when it moved on.
   */
  swapConfig(tenantId: string, id: string, expected: string, next: string, now: number): Promise<boolean>;
  rotateSecret(
    tenantId: string,
    id: string,
    rotation: { secret: string; previous_secret: string; previous_secret_expires_at: number },
    now: number,
  ): Promise<WebhookRecord | null>;
  /**
   * Re-encrypts every stored secret (signing secrets, auth, app keys, kinds' settings) of every target, deleted
   * ones included, in one transaction. Returns how many webhooks were rewritten.
   */
  reencryptSecrets(reencrypt: (stored: string) => string): Promise<number>;
  /** Soft delete: the row stays for the logs; pending deliveries are cancelled. */
  delete(tenantId: string, id: string, now: number): Promise<boolean>;
  disable(webhookId: string, reason: string, now: number): Promise<void>;
  getHealth(ids: string[]): Promise<WebhookHealth[]>;
  saveHealth(health: WebhookHealth): Promise<void>;
}

/** Events, stored with their deliveries (the outbox) in one transaction. */
export interface EventRepository {
  /**
   * Stores events and their deliveries in one transaction. An event whose idempotency key the
   * tenant already used is not stored again: the earlier event is returned and no delivery made.
   * `claimFor` pre-claims the new deliveries to the listed webhooks for a local dispatcher.
   */
  ingest(
    tenantId: string,
    events: NewEvent[],
    now: number,
    claimFor: IngestClaim | null,
  ): Promise<IngestResult[]>;
  /**
   * Several callers' `ingest`s in one transaction (group commit): the results in the order of
   * `groups`. All commit together or none does; each group keeps `ingest`'s rules.
   */
  ingestGroups(groups: IngestGroup[]): Promise<IngestResult[][]>;
  /**
   * Releases the tenant's held, never-attempted deliveries waiting for an event of `eventType`
   * with `data.call_id` = `key`: they become due now and merge `eventId`'s data when sent.
   * (`ingestEvents` does this itself, in its transaction, for every event it stores.)
   */
  releaseHeld(
    tenantId: string,
    release: { key: string; eventType: string; eventId: string },
    now: number,
  ): Promise<number>;
  get(tenantId: string, id: string): Promise<EventRecord | null>;
  getByIds(ids: string[]): Promise<EventRecord[]>;
  list(
    tenantId: string,
    options: ListOptions & {
      /** Any of these types. */
      types?: string[];
      since?: number;
      until?: number;
      /** Events made by "send test" too (left out by default). */
      includeTests?: boolean;
    },
  ): Promise<Page<EventRecord>>;
  /**
   * Retention: empties the payloads of up to `limit` events created before `cutoff` (skipping
   * events that still have pending deliveries) and the bodies of their attempts, scanning ids
   * after `afterId`. The rows — and so every count — stay.
   */
  purgePayloads(
    cutoff: number,
    afterId: string | null,
    limit: number,
  ): Promise<{ purged: number; lastId: string | null }>;
}

/** Deliveries and attempts as the API reads them, retries and replays them. */
export interface DeliveryRepository {
  listForEvent(tenantId: string, eventId: string): Promise<DeliveryView[]>;
  /** Newest first, across targets unless the filter names one. */
  list(tenantId: string, options: ListOptions & DeliveryFilter): Promise<Page<DeliveryView>>;
  get(tenantId: string, id: string): Promise<DeliveryView | null>;
  listAttempts(tenantId: string, deliveryId: string): Promise<AttemptRecord[]>;
  /** Makes a failed or pending delivery due now. Returns the updated delivery, or null. */
  retry(tenantId: string, id: string, now: number): Promise<DeliveryRecord | null>;
  /**
   * Re-queues up to `limit` deliveries of a webhook matching the filter, with ids after
   * `afterId`; returns how many and the last id seen (null when done).
   */
  replay(
    tenantId: string,
    webhookId: string,
    filter: { statuses: DeliveryStatus[]; since?: number; until?: number },
    afterId: string | null,
    limit: number,
    now: number,
  ): Promise<{ replayed: number; lastId: string | null }>;
  /** Stores a finished one-off delivery (test sends): event, delivery and attempt together. */
  recordTest(event: EventRecord, delivery: DeliveryRecord, attempt: AttemptRecord): Promise<void>;
}

/**
 * The store: one repository per aggregate, over SQLite or PostgreSQL. Each repository's
 * operations are one function each in its module (src/store/<aggregate>.ts, src/store/queue/,
 * src/store/jobs/).
 */
export interface Store {
  readonly dialect: "sqlite" | "postgres";
  /** Null for the embedded store, where one process does everything and wakes itself. */
  readonly dueSignal: DueSignal | null;
  migrate(): Promise<void>;
  /** A real round trip to the database (readiness); rejects when it cannot be reached. */
  ping(): Promise<void>;
  /** The name of the latest migration applied to the store, or null when none is. */
  appliedMigration(): Promise<string | null>;
  close(): Promise<void>;
  readonly settings: SettingRepository;
  readonly tenants: TenantRepository;
  readonly targets: TargetRepository;
  readonly events: EventRepository;
  readonly deliveries: DeliveryRepository;
  readonly queue: QueueRepository;
  /** Durable jobs: work that is not a delivery. */
  readonly jobs: JobRepository;
  /** The firm's clients; each write carries its events. */
  readonly clients: ClientRepository;
  readonly cases: CaseRepository;
  /** Per-tenant settings documents (vocabularies, custom fields, intake). */
  readonly tenantSettings: TenantSettingsRepository;
  readonly clientMerges: ClientMergeRepository;
  readonly timeline: TimelineRepository;
  /** Imports of clients and cases from files, with their progress. */
  readonly imports: ImportRepository;
  /** CRM connections' settings, links, checkpoints and sync runs. */
  readonly crm: CrmRepository;
  /** Scheduling: the provider connection, agents' booking settings, bookings made through us. */
  readonly scheduling: SchedulingRepository;
  /** Enrichment providers, settings, runs, lookups (the spend ledger), cache and provenance. */
  readonly enrichment: EnrichmentRepository;
  /** Aggregates for the dashboard's charts: delivery activity, webhook volumes, enrichment spend. */
  readonly stats: StatsRepository;
}
