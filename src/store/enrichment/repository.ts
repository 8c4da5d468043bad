import type { BudgetLimits } from "../../domain/enrichment/budget.js";
import type { EnrichmentSettings } from "../../domain/enrichment/settings.js";
import type { DataKind, FoundData, LookupResult } from "../../domain/enrichment/types.js";
import type { NewJob } from "../jobs/repository.js";
import type { ListOptions, Page } from "../store.js";

export type RunStatus = "queued" | "running" | "found" | "not_found" | "failed" | "skipped_budget" | "cached";
export type LookupStatus = "pending" | "found" | "not_found" | "failed" | "skipped_budget" | "cached";

export interface ProviderRecord {
  tenant_id: string;
  name: string;
  enabled: boolean;
  priority: number;
  base_url: string | null;
  /** Encrypted JSON; null until set. */
  credentials: string | null;
  credential_hint: string | null;
  /** JSON price table override, or null for the defaults. */
  price: string | null;
  updated_at: number;
}

export interface RunRecord {
  id: string;
  tenant_id: string;
  client_id: string;
  trigger: string;
  trigger_key: string;
  status: RunStatus;
  wanted: DataKind[];
  provider: string | null;
  fields_found: DataKind[];
  fields_written: string[];
  data: FoundData | null;
  cost_micros: number;
  error: string | null;
  created_at: number;
  finished_at: number | null;
}

export interface LookupRecord {
  id: string;
  run_id: string;
  provider: string;
  status: LookupStatus;
  cost_micros: number;
  result: LookupResult | null;
  error: string | null;
}

export interface RunFilters {
  client_id?: string;
  trigger?: string;
  status?: string;
  since?: number;
  until?: number;
}

export interface AttemptLog {
  tenant_id: string;
  run_id: string;
  provider: string;
  request: { method: string; url: string; headers: Record<string, string> };
  status: number | null;
  error: string | null;
  duration_ms: number;
  created_at: number;
}

export interface Provenance {
  field: string;
  provider: string;
  run_id: string;
  confidence: number;
  written_at: number;
}

/**
 * Enrichment's tables. The money paths are transactions in the store: a paid lookup is reserved
 * (its largest possible cost recorded as `pending`) only after summing the month's recorded
 * spend under a per-tenant lock, so concurrent runs on any number of nodes never pass the budget.
 */
export interface EnrichmentRepository {
  providers(tenantId: string): Promise<ProviderRecord[]>;
  putProvider(record: ProviderRecord): Promise<void>;
  settings(tenantId: string): Promise<EnrichmentSettings | null>;
  putSettings(tenantId: string, settings: EnrichmentSettings, now: number): Promise<void>;

  /**
   * Stores a run unless one exists for its client and trigger key (then that one is returned,
   * `created: false`), with the job that performs it, in one transaction.
   */
  createRun(run: RunRecord, job: NewJob | null): Promise<{ run: RunRecord; created: boolean }>;
  getRun(tenantId: string, id: string): Promise<RunRecord | null>;
  listRuns(tenantId: string, filters: RunFilters, options: ListOptions): Promise<Page<RunRecord>>;
  updateRun(id: string, fields: Partial<Omit<RunRecord, "id" | "tenant_id">>): Promise<void>;

  /** The run's lookup of `provider` if one was recorded (a retry reuses it). */
  lookupOf(runId: string, provider: string): Promise<LookupRecord | null>;
  /**
   * Reserves `estimate` for a paid lookup in `month` if the budget allows (status `pending`), else
   * records it `skipped_budget` at no cost. An existing lookup of this run and provider is returned
   * as it is: one lookup per provider per run, whatever retries happen.
   */
  reserveLookup(
    tenantId: string,
    runId: string,
    provider: string,
    month: string,
    estimate: number,
    limits: BudgetLimits,
    now: number,
  ): Promise<LookupRecord>;
  /** Records a lookup answered from the cache: status `cached`, cost 0. */
  recordCachedLookup(
    tenantId: string,
    runId: string,
    provider: string,
    month: string,
    result: LookupResult,
    now: number,
  ): Promise<void>;
  /** The vendor answered (or failed): the reserved cost becomes the actual one. */
  settleLookup(
    id: string,
    status: LookupStatus,
    costMicros: number,
    result: LookupResult | null,
    error: string | null,
    now: number,
  ): Promise<void>;
  /** Recorded spend (reservations included) of the month, by provider, in micro-dollars. */
  spendByProvider(tenantId: string, month: string): Promise<Record<string, number>>;

  cached(tenantId: string, provider: string, key: string, now: number): Promise<LookupResult | null>;
  putCache(
    tenantId: string,
    provider: string,
    key: string,
    result: LookupResult,
    now: number,
    expiresAt: number,
  ): Promise<void>;

  recordAttempt(attempt: AttemptLog): Promise<void>;
  attempts(tenantId: string, runId: string): Promise<Array<AttemptLog & { id: string }>>;

  putProvenance(tenantId: string, clientId: string, rows: Provenance[]): Promise<void>;
  provenance(tenantId: string, clientId: string): Promise<Provenance[]>;
  /** The client's change events: who changed which fields (hand edits are `api` changes). */
  clientChanges(
    tenantId: string,
    clientId: string,
  ): Promise<Array<{ change_source: string; fields: string[] }>>;
}
