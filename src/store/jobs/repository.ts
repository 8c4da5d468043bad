import type { JobSchedule, JobState } from "../../domain/jobs.js";
import type { ListOptions, Page } from "../store.js";

/** A durable job as the rest of the program sees it (JSON decoded). */
export interface JobRecord {
  id: string;
  /** Null for system jobs (retention), which belong to no tenant. */
  tenant_id: string | null;
  kind: string;
  payload: Record<string, unknown>;
  state: JobState;
  run_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  progress_done: number;
  progress_total: number | null;
  /** What the handler saved to resume from; null before its first save. */
  checkpoint: unknown;
  unique_key: string | null;
  schedule: JobSchedule | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface NewJob {
  tenant_id: string | null;
  kind: string;
  payload: Record<string, unknown>;
  /** When it is first due. */
  run_at: number;
  max_attempts: number;
  /** At most one unfinished job per key: enqueueing again returns the existing one. */
  unique_key: string | null;
  /** Recurring: after each success the job is queued again on this schedule. */
  schedule: JobSchedule | null;
}

/** Which kinds a claim takes: a runner of short jobs (enrichment) apart from the long ones. */
export interface JobKindFilter {
  only?: string[];
  except?: string[];
}

export interface JobProgress {
  done: number;
  total: number | null;
  /** Saved only when given; undefined keeps the last checkpoint. */
  checkpoint?: unknown;
}

/** How a failed attempt ends: retried after a backoff, or `permanent` (no retry can help). */
export interface JobFailureReport {
  error: string;
  permanent: boolean;
}

/**
 * The jobs table: enqueue, read, and the worker's lifecycle of a claimed job. Every write by a
 * worker names its `owner` and takes effect only while that owner still holds the job's lease,
 * so a worker whose lease expired (and whose job was taken over) cannot overwrite the new owner.
 */
export interface JobRepository {
  /**
   * Stores a new queued job. With a `unique_key` already held by an unfinished job, that job is
   * returned instead and nothing is stored (`created: false`), also under concurrent enqueues.
   */
  enqueue(job: NewJob, now: number): Promise<{ job: JobRecord; created: boolean }>;
  /** A tenant's job (null when it is another tenant's or a system job). */
  get(tenantId: string, id: string): Promise<JobRecord | null>;
  /** Any job, system jobs included (the admin's view). */
  getAny(id: string): Promise<JobRecord | null>;
  /** A tenant's jobs, newest first. */
  list(tenantId: string, options: ListOptions): Promise<Page<JobRecord>>;
  /**
   * Claims up to `limit` jobs that are due (queued with `run_at <= now`) or whose lease expired
   * (running, `lease_until <= now`: takeover), oldest due first, for `owner` until `leaseUntil`.
   * Each claim counts one attempt.
   */
  claim(
    owner: string,
    now: number,
    leaseUntil: number,
    limit: number,
    kinds?: JobKindFilter,
  ): Promise<JobRecord[]>;
  /** Extends the lease; false when `owner` no longer holds it. */
  renewLease(id: string, owner: string, now: number, leaseUntil: number): Promise<boolean>;
  /** Saves progress (and the checkpoint, when given); false when `owner` no longer holds the lease. */
  saveProgress(id: string, owner: string, progress: JobProgress, now: number): Promise<boolean>;
  /**
   * The attempt succeeded: a one-off job is `succeeded`; a recurring one is queued for its next
   * occurrence, starting from `nextCheckpoint` (null: from scratch). False when not held.
   */
  complete(id: string, owner: string, now: number, nextCheckpoint?: unknown): Promise<boolean>;
  /** The attempt failed: queued again after a backoff while attempts remain, else `failed`. */
  fail(id: string, owner: string, failure: JobFailureReport, now: number): Promise<boolean>;
  /** Gives a claim back without counting the attempt (shutdown): due again at `now`. */
  release(id: string, owner: string, now: number): Promise<boolean>;
  /** Cancels a queued or running job (a running one stops at its next progress or renewal). */
  cancel(tenantId: string | null, id: string, now: number): Promise<JobRecord | null>;
  /**
   * Makes every running job claimable now. Only for the embedded store at start, where this
   * process is the only worker and any lease left behind belongs to a previous run (a crash).
   */
  resetLeases(now: number): Promise<number>;
}
