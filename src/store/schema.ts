/**
 * Table shapes as Kysely sees them. Times are integer milliseconds since the epoch (bigint on
 * PostgreSQL, parsed to number); JSON is stored as text in both dialects so one query layer
 * serves both; booleans are 0/1 integers for the same reason.
 */
import type { DeliveryStatus } from "../domain/delivery-state.js";
import type { JobState } from "../domain/jobs.js";
import type {
  CrmCheckpointTable,
  CrmConnectionTable,
  CrmLinkTable,
  CrmRunTable,
  CrmSyncLeaseTable,
} from "./crm/tables.js";
import type {
  EnrichmentAttemptTable,
  EnrichmentCacheTable,
  EnrichmentFieldTable,
  EnrichmentLookupTable,
  EnrichmentProviderTable,
  EnrichmentRunTable,
  EnrichmentSettingsTable,
} from "./enrichment/tables.js";
import type {
  SchedulingAgentTable,
  SchedulingBookingTable,
  SchedulingConnectionTable,
} from "./scheduling/tables.js";
import type { AttemptMinuteTable, AttemptRollupTable } from "./stats/tables.js";

export interface TenantTable {
  id: string;
  name: string;
  timezone: string;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  tenant_id: string;
  key_hash: string;
  /** First characters of the key, to recognise it in lists. */
  prefix: string;
  created_at: number;
  revoked_at: number | null;
  /** JSON array of scopes; null: no scopes, full power. */
  scopes: string | null;
  expires_at: number | null;
}

export interface SettingTable {
  name: string;
  value: string;
}

/** Delivery targets: HTTP webhooks and every other kind (see migration 0010). */
export interface WebhookTable {
  id: string;
  tenant_id: string;
  /** `webhook`, `email`, …: which target kind sends its deliveries. */
  kind: string;
  /** The kind's own settings, encrypted JSON; null for webhooks (their settings have columns). */
  target_config: string | null;
  url: string;
  description: string;
  enabled: number;
  disabled_reason: string | null;
  /** JSON array of selectors. */
  events: string;
  campaign_id: string | null;
  /** JSON object. */
  filters: string;
  method: string;
  /** JSON object. */
  headers: string;
  /** Encrypted JSON of the auth settings. */
  auth: string;
  /** Encrypted. */
  app_key: string | null;
  /** JSON object. */
  body: string;
  timeout_ms: number;
  /** JSON object. */
  retry: string;
  /** JSON object. */
  success: string;
  /** Encrypted signing secret. */
  secret: string;
  /** Encrypted secret that still signs during a rotation's grace period. */
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  /** Attempts in flight to this endpoint at once; null → the default. */
  max_in_flight: number | null;
  /** Attempts started per second at most; null → unlimited. */
  rate_limit_per_s: number | null;
  /** Header carrying a GitHub-style `sha256=<hex HMAC of the body>`; null → none. */
  signature_header: string | null;
  /** JSON `{until_event, max_wait_s}`: hold deliveries for a follow-up event; null → none. */
  hold: string | null;
  /** Which signatures `webhook-signature` carries: `v1` (HMAC), `v1a` (ed25519) or `both`. */
  signing_scheme: string;
  /** Encrypted ed25519 private key (`whsk_…`) for `v1a`; null until the webhook has one. */
  signing_key: string | null;
  /** Encrypted key that still signs `v1a` during a key rotation's grace period. */
  previous_signing_key: string | null;
  previous_signing_key_expires_at: number | null;
  /** `none` or `per_key`: deliveries sharing the key at `ordering_key` go out one at a time. */
  ordering: string;
  /** Where an event's ordering key is read (`data.call_id` unless set). */
  ordering_key: string;
}

export interface WebhookHealthTable {
  webhook_id: string;
  circuit_state: "closed" | "open" | "half_open";
  consecutive_failures: number;
  retry_at: number | null;
  /** Start of the current unbroken run of failed attempts, null after a success. */
  failing_since: number | null;
  /** When the tenant was warned (webhook.failing) about this run. */
  failing_notified_at: number | null;
  last_success_at: number | null;
  last_failure_at: number | null;
  updated_at: number;
}

export interface EventTable {
  id: string;
  tenant_id: string;
  type: string;
  /** JSON of the event's data. */
  data: string;
  campaign_id: string | null;
  case_type: string | null;
  idempotency_key: string | null;
  occurred_at: number;
  created_at: number;
  /** `data.call_id` when it is a string: where held deliveries look for their follow-up. */
  call_id: string | null;
  /** The client, case and counterpart phone the event is about (src/domain/records/event-links.ts). */
  client_id: string | null;
  case_id: string | null;
  phone: string | null;
  /** 1 for an event "send test" made. */
  test: number;
}

/** Defined with the delivery states it is decoded into (src/domain/delivery-state.ts). */
export type { DeliveryStatus };

export interface DeliveryTable {
  id: string;
  tenant_id: string;
  event_id: string;
  webhook_id: string;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due; while claimed, when the claim's lease runs out. */
  next_attempt_at: number;
  /** The node holding the claim, null when unclaimed. */
  lease_owner: string | null;
  first_attempt_at: number | null;
  last_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  appended: string | null;
  /** While held: the `data.call_id` the follow-up event must carry. */
  hold_key: string | null;
  /** While held: the event type that releases it. */
  hold_event_type: string | null;
  /** While held: when it goes as it is (also its `next_attempt_at`). */
  hold_until: number | null;
  /** The follow-up event that released it; its data is merged into the payload. */
  merge_event_id: string | null;
  /** An ordered delivery's key (src/domain/ordering.ts); null: not ordered. */
  order_key: string | null;
  created_at: number;
  updated_at: number;
}

export interface AttemptTable {
  id: string;
  tenant_id: string;
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  attempt_number: number;
  succeeded: number;
  request_method: string;
  request_url: string;
  /** JSON, credentials redacted. */
  request_headers: string;
  request_body: string | null;
  /** 1: the body was the event's standard envelope, rebuilt from the event (request_body null). */
  request_body_envelope: number;
  response_status: number | null;
  /** JSON. */
  response_headers: string | null;
  response_body: string | null;
  error_kind: string | null;
  error_message: string | null;
  duration_ms: number;
  created_at: number;
}

export interface JobTable {
  id: string;
  /** Null for system jobs (retention), which belong to no tenant. */
  tenant_id: string | null;
  kind: string;
  /** JSON: the kind's input. */
  payload: string;
  state: JobState;
  /** When it is due (queued), or was due when claimed (running). */
  run_at: number;
  lease_owner: string | null;
  /** Only while running: when another worker may take it over. */
  lease_until: number | null;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  progress_done: number;
  progress_total: number | null;
  /** JSON the handler saved to resume from, null before its first save. */
  checkpoint: string | null;
  unique_key: string | null;
  /** JSON `{every_ms}` for a recurring job, null for a one-off. */
  schedule: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

/** Clients (migration 0011); lists and free-form fields are JSON text. */
export interface ClientTable {
  id: string;
  tenant_id: string;
  first_name: string | null;
  last_name: string | null;
  /** Lower-cased "first last", for case-insensitive name search on both dialects. */
  name_search: string;
  phones: string;
  emails: string;
  addresses: string;
  date_of_birth: string | null;
  preferred_language: string | null;
  opt_out: number;
  custom_fields: string;
  external_ids: string;
  source: string | null;
  version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

/** One normalised phone number (E.164) or email of a client, for lookups. */
export interface ClientContactTable {
  tenant_id: string;
  client_id: string;
  kind: "phone" | "email";
  value: string;
}

export interface CaseTable {
  id: string;
  tenant_id: string;
  client_id: string;
  case_type: string | null;
  status: string;
  substatus: string | null;
  title: string | null;
  description: string | null;
  incident_date: string | null;
  campaign_id: string | null;
  call_id: string | null;
  custom_fields: string;
  external_ids: string;
  source: string | null;
  version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

/** One tenant's settings document (migration 0012): JSON, compare-and-set on `version`. */
export interface TenantSettingsTable {
  tenant_id: string;
  document: string;
  version: number;
  updated_at: number;
}

export interface Database {
  tenants: TenantTable;
  api_keys: ApiKeyTable;
  settings: SettingTable;
  webhooks: WebhookTable;
  webhook_health: WebhookHealthTable;
  events: EventTable;
  deliveries: DeliveryTable;
  attempts: AttemptTable;
  jobs: JobTable;
  clients: ClientTable;
  client_contacts: ClientContactTable;
  cases: CaseTable;
  tenant_settings: TenantSettingsTable;
  imports: ImportTable;
  crm_connections: CrmConnectionTable;
  crm_links: CrmLinkTable;
  crm_checkpoints: CrmCheckpointTable;
  crm_runs: CrmRunTable;
  crm_sync_leases: CrmSyncLeaseTable;
  scheduling_connections: SchedulingConnectionTable;
  scheduling_agents: SchedulingAgentTable;
  scheduling_bookings: SchedulingBookingTable;
  enrichment_providers: EnrichmentProviderTable;
  enrichment_settings: EnrichmentSettingsTable;
  enrichment_runs: EnrichmentRunTable;
  enrichment_lookups: EnrichmentLookupTable;
  enrichment_cache: EnrichmentCacheTable;
  enrichment_attempts: EnrichmentAttemptTable;
  enrichment_fields: EnrichmentFieldTable;
  attempt_minutes: AttemptMinuteTable;
  attempt_rollups: AttemptRollupTable;
}

/** Imports of clients or cases from a file (migration 0014); JSON text where noted. */
export interface ImportTable {
  id: string;
  tenant_id: string;
  /** The job that runs it (kind `import`). */
  job_id: string;
  object: string;
  format: string;
  /** The file text, read again by the job after a restart. */
  data: string;
  /** JSON: header → field. */
  columns: string;
  /** JSON: dry_run, emit_events, all_or_nothing, connection. */
  options: string;
  status: string;
  total: number;
  /** Data rows finished (committed with their writes). */
  done: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** JSON: the first row errors. */
  errors: string;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export type * from "./crm/tables.js";
export type * from "./enrichment/tables.js";
export type * from "./scheduling/tables.js";
