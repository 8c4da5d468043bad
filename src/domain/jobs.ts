/**
 * Decisions about durable jobs (work that is not a delivery: imports, CRM pulls, retention, …).
 * Pure: no I/O, no clock, no randomness of its own — the store and the runner pass those in.
 */

export type JobState = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** How often a recurring job runs again after it completes. */
export interface JobSchedule {
  every_ms: number;
}

/** Exponential backoff between a job's failed attempts. */
export interface JobBackoff {
  /** Wait after the first failure. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
  /** Each wait is scaled by a random factor in [1 - jitter, 1 + jitter) (then capped). */
  jitter: number;
}

export const DEFAULT_JOB_BACKOFF: JobBackoff = { baseMs: 10_000, capMs: 60 * 60_000, jitter: 0.2 };

export const DEFAULT_MAX_ATTEMPTS = 5;

/** Finished jobs never run again; queued and running ones hold their unique key. */
export function isFinished(state: JobState): boolean {
  return state === "succeeded" || state === "failed" || state === "cancelled";
}

/**
 * How long to wait before retrying after failed attempt `attempt` (1 = the first attempt):
 * base · 2^(attempt-1), jittered so jobs that failed together do not retry together, capped.
 * `random` returns a number in [0, 1), like Math.random.
 */
export function backoffMs(attempt: number, backoff: JobBackoff, random: () => number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity for huge attempts, which the cap absorbs.
  const raw = Math.min(backoff.capMs, backoff.baseMs * 2 ** exponent);
  const factor = 1 - backoff.jitter + 2 * backoff.jitter * clampUnit(random());
  return Math.max(0, Math.min(backoff.capMs, Math.round(raw * factor)));
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.min(value, 1);
}

/**
 * When a recurring job runs next after the occurrence due at `dueAt` completed at `now`: the first
 * `dueAt + k · every` after `now`. Occurrences missed while nothing ran are skipped, not made up
 * one after another, and the schedule keeps its phase instead of drifting by each run's length.
 */
export function nextRunAt(schedule: JobSchedule, dueAt: number, now: number): number {
  const every = Math.max(1, Math.floor(schedule.every_ms));
  if (dueAt > now) return dueAt + every;
  const missed = Math.floor((now - dueAt) / every) + 1;
  return dueAt + missed * every;
}

/** What a job becomes when its attempt succeeds. */
export type JobCompletion =
  | { state: "succeeded" }
  /** Recurring: queued for its next occurrence, attempts counted afresh. */
  | { state: "queued"; run_at: number };

export function afterSuccess(
  job: { schedule: JobSchedule | null; run_at: number },
  now: number,
): JobCompletion {
  return job.schedule === null
    ? { state: "succeeded" }
    : { state: "queued", run_at: nextRunAt(job.schedule, job.run_at, now) };
}

/** What a job becomes when its attempt fails. */
export type JobFailure =
  | { state: "failed" }
  /** Retried after a backoff (same occurrence, attempts kept). */
  | { state: "queued"; run_at: number; retry: true }
  /** Recurring job out of attempts: this occurrence is given up, the next one is scheduled. */
  | { state: "queued"; run_at: number; retry: false };

/**
 * A failed attempt is retried after a backoff while attempts remain. `permanent` failures (an
 * unknown kind, a handler saying retrying cannot help) are final at once. A recurring job is never
 * finished by failures: it skips to its next occurrence, so one bad hour does not stop retention.
 */
export function afterFailure(
  job: { attempts: number; max_attempts: number; schedule: JobSchedule | null; run_at: number },
  now: number,
  options: { permanent: boolean; backoff: JobBackoff; random: () => number },
): JobFailure {
  if (!options.permanent && job.attempts < job.max_attempts) {
    return {
      state: "queued",
      run_at: now + backoffMs(job.attempts, options.backoff, options.random),
      retry: true,
    };
  }
  if (job.schedule !== null && !options.permanent) {
    return { state: "queued", run_at: nextRunAt(job.schedule, job.run_at, now), retry: false };
  }
  return { state: "failed" };
}
