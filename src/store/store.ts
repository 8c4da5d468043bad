import type { CaseFields } from "../domain/records/case.js";
import type { ClientFields } from "../domain/records/client.js";
import type { MatchKind } from "../domain/records/merge.js";
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
import type { ImportRepository } from "./imports/repository.js";
import type { JobRepository, NewJob } from "./jobs/repository.js";
import type { SchedulingRepository } from "./scheduling/repository.js";
import type { DeliveryStatus, WebhookHealthTable } from "./schema.js";

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
  created_at: number;
  updated_at: number;
}

/** A delivery as the API shows it: with its event's type and its target's open circuit, if any. */
export interface DeliveryView extends DeliveryRecord {
  event_type: string;
  /** When the target's breaker sends its next probe, while its circuit is open; else null. */
  circuit_open_until: number | null;
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

/** How a dispatcher finishes an attempt: the attempt row and the delivery's new state. */
export interface AttemptOutcome {
  attempt: AttemptRecord;
  delivery: {
    id: string;
    status: DeliveryStatus;
    next_attempt_at: number;
    last_status_code: number | null;
    last_error: string | null;
    appended?: string | null;
  };
}

/** A webhook's health as the dispatcher last recorded it (the row as it is). */
export type WebhookHealth = WebhookHealthTable;

/** One webhook's share of a targeted claim. */
export interface WebhookClaim {
  webhookId: string;
  limit: number;
}

/** Webhooks found with due deliveries, and where the next scan goes on (null: from the start). */
export interface DueWebhooks {
  webhookIds: string[];
  resumeAfter: string | null;
}

/** The backlog as metrics report it; counts stop at the cap they were asked with. */
export interface DueStats {
  /** Pending deliveries due now, not counting those held by an open circuit. */
  due: number;
  /** Pending deliveries due now whose webhook's circuit is open: they wait for its probe. */
  held: number;
  /** When the oldest due delivery (not held) became due; null when none is. */
  oldestDueAt: number | null;
}

/** How nodes tell each other that deliveries became due (PostgreSQL LISTEN/NOTIFY). */
export interface DueSignal {
  /** Tells every listening node that deliveries are due. */
  notify(): Promise<void>;
  /** Calls `onDue` whenever any node notifies; resolves to a function that stops listening. */
  listen(onDue: () => void, onError: (error: unknown) => void): Promise<() => Promise<void>>;
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

/** The delivery table as the queue: the dispatcher's claims, leases and outcomes (src/store/queue/). */
export interface QueueRepository {
  /**
   * Claims up to `limit` due deliveries for `owner` until `leaseUntil`, passing over deliveries
   * to `skipWebhookIds` (webhooks whose local lanes are full). With `sharedCap` (PostgreSQL), no
   * webhook ends up with more claimed deliveries across all nodes than its `max_in_flight`
   * (or `sharedCap` when unset).
   */
  claimDue(
    owner: string,
    now: number,
    leaseUntil: number,
    limit: number,
    skipWebhookIds?: string[],
    sharedCap?: number | null,
  ): Promise<DeliveryRecord[]>;
  /**
   * Claims, for each listed webhook, up to its `limit` due deliveries in due order (first
   * attempts and retries alike), for `owner` until `leaseUntil`; the cost does not depend on
   * what other webhooks have due.
   */
  claimForTargets(
    owner: string,
    now: number,
    leaseUntil: number,
    wants: WebhookClaim[],
  ): Promise<DeliveryRecord[]>;
  /** Webhooks with deliveries due at `now`, visiting at most `scan` webhooks after `afterId`. */
  listDueTargets(now: number, afterId: string | null, scan: number): Promise<DueWebhooks>;
  /**
   * Records finished attempts and the deliveries' new states in one transaction. A delivery is
   * updated (and its attempt kept) only while `owner` still holds its claim; returns the ids
   * whose outcome was recorded.
   */
  recordAttempts(owner: string, outcomes: AttemptOutcome[], now: number): Promise<Set<string>>;
  /** Gives claims back (shutdown): the deliveries become due at `dueAt`. */
  release(owner: string, ids: string[], dueAt: number): Promise<void>;
  /** Extends this owner's claims on these deliveries until `leaseUntil` (long local queues). */
  renew(owner: string, ids: string[], leaseUntil: number): Promise<void>;
  /**
   * Gives back claims on deliveries whose webhook turned out to be disabled: they wait, out of
   * the due index, until it is enabled (or are due now if it was enabled meanwhile).
   */
  park(owner: string, ids: string[], now: number): Promise<void>;
  /** Cancels claimed deliveries whose webhook was deleted. */
  cancel(owner: string, ids: string[], reason: string, now: number): Promise<void>;
  /**
   * Makes every claimed pending delivery due now. Only for the embedded store at start, where
   * this process is the only node and any claim left behind belongs to a previous run.
   */
  resetClaims(now: number): Promise<number>;
  /** Due, held and the oldest due delivery's time, each count read up to `cap` rows at most. */
  dueStats(now: number, cap: number): Promise<DueStats>;
}

/** A record as stored: its fields, its tenant, its version and times (ms). */
export type StoredRecord<T> = T & {
  id: string;
  tenant_id: string;
  version: number;
  created_at: number;
  updated_at: number;
};
export type ClientRecord = StoredRecord<ClientFields>;
export type CaseRecord = StoredRecord<CaseFields>;

/** The events a record change causes, written with it in its transaction (the outbox). */
export interface RecordOutbox {
  events: NewEvent[];
  claimFor: IngestClaim | null;
}

/**
 * Writes to records are compare-and-swap on `version`: the caller read the record, computed
 * the new one and its events, and the write lands only if nobody wrote in between (null
 * otherwise, also when the record is gone). Each write stores the record and its events in one
 * transaction, so a change is never saved without its event or the other way round.
 */
export interface RecordRepository<T, Filter> {
  create(record: T, outbox: RecordOutbox): Promise<IngestResult[]>;
  /** Undeleted records only. */
  get(tenantId: string, id: string): Promise<T | null>;
  /** Newest first. */
  list(tenantId: string, options: ListOptions & Filter): Promise<Page<T>>;
  update(record: T, expectedVersion: number, outbox: RecordOutbox): Promise<IngestResult[] | null>;
  /** Soft delete; bumps the version like any write. */
  delete(
    tenantId: string,
    id: string,
    expectedVersion: number,
    now: number,
    outbox: RecordOutbox,
  ): Promise<IngestResult[] | null>;
}

export interface ClientFilter {
  /** E.164. */
  phone?: string;
  /** Lower-cased. */
  email?: string;
  /** Part of the name, any case. */
  q?: string;
  updatedSince?: number;
}

export interface CaseFilter {
  clientId?: string;
  status?: string;
  caseType?: string;
  updatedSince?: number;
}

export type ClientRepository = RecordRepository<ClientRecord, ClientFilter>;
/** How many of a tenant's cases have one case type and status. */
export interface CaseUsage {
  case_type: string | null;
  status: string;
  count: number;
}

export interface CaseRepository extends RecordRepository<CaseRecord, CaseFilter> {
  /** Undeleted cases counted by (case type, status): what a vocabulary change would strand. */
  countByTypeAndStatus(tenantId: string): Promise<CaseUsage[]>;
  /** The oldest undeleted case opened by this call, if any. */
  findByCallId(tenantId: string, callId: string): Promise<CaseRecord | null>;
}

/** A tenant's settings document as stored; `version` 0 means nothing is stored yet. */
export interface StoredTenantSettings {
  document: unknown;
  version: number;
}

/** One settings document per tenant (vocabularies, custom fields, records settings). */
export interface TenantSettingsRepository {
  /** The stored document, or `{document: null, version: 0}` when the tenant never saved any. */
  get(tenantId: string): Promise<StoredTenantSettings>;
  /**
   * Stores `document` as version `expectedVersion + 1` only if the stored version is still
   * `expectedVersion` (0: none stored); false when another write got there first.
   */
  put(tenantId: string, document: unknown, expectedVersion: number, now: number): Promise<boolean>;
}

/** Another client of the tenant that shares a phone number or an email with the one asked about. */
export interface ClientDuplicate {
  client: ClientRecord;
  matched_on: MatchKind[];
}

/**
 * One merge as the store writes it, every part compare-and-swap on the version the caller read:
 * the target as it becomes, the sources to delete, and the sources' cases moved to the target.
 */
export interface ClientMergeWrite {
  target: ClientRecord;
  expectedVersion: number;
  sources: Array<{ id: string; version: number }>;
  cases: Array<{ record: CaseRecord; expectedVersion: number }>;
}

/** Duplicate clients: finding them by shared contacts, and merging them into one. */
export interface ClientMergeRepository {
  /** Up to `limit` other undeleted clients sharing a phone or email with `client`, newest first. */
  duplicates(
    tenantId: string,
    client: Pick<ClientRecord, "id" | "phones" | "emails">,
    limit: number,
  ): Promise<ClientDuplicate[]>;
  /**
   * Writes the merge and its events in one transaction; null (and nothing written) when any
   * record moved past the version read, or a source gained a case that is not being moved.
   */
  merge(write: ClientMergeWrite, outbox: RecordOutbox): Promise<IngestResult[] | null>;
}

/**
 * Events linked to a record (src/domain/records/event-links.ts), newest first by id, and their
 * deliveries: what a client's or case's timeline shows.
 */
export interface TimelineRepository {
  /** Events naming the client, or whose counterpart phone is one of `phones`. */
  forClient(
    tenantId: string,
    link: { clientId: string; phones: string[] },
    options: ListOptions,
  ): Promise<Page<EventRecord>>;
  forCase(tenantId: string, caseId: string, options: ListOptions): Promise<Page<EventRecord>>;
  deliveriesOf(tenantId: string, eventIds: string[]): Promise<DeliveryRecord[]>;
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
}
