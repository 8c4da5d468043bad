import { setImmediate as yieldToOthers } from "node:timers/promises";
import type { Logger } from "pino";
import { DEFAULT_MAX_ATTEMPTS } from "../domain/jobs.js";
import type { EventRepository, JobRepository, NewJob } from "../store/index.js";
import type { JobKind } from "./kinds.js";

export const RETENTION_KIND = "retention";
const DAY_MS = 24 * 60 * 60 * 1000;
/** Events purged per transaction: small, so the purge never holds the store for long. */
const BATCH = 500;
const EVERY_MS = 10 * 60 * 1000;
/** The first run waits this long after start, off the start-up path. */
const FIRST_RUN_DELAY_MS = 5_000;
/**
 * Each run goes on from where the last one ended (purged rows are not rescanned every 10 minutes),
 * and once a day a sweep starts again from the first event: events passed over because they still
 * had pending deliveries then are purged at the latest a day after those deliveries finish.
 */
const SWEEP_EVERY_MS = DAY_MS;

/**
 * Where the purge stands: events up to `after_id` are purged (or had pending deliveries), `purged`
 * counts this run's events so far, and `sweep_started_at` is when the scan last began at the start.
 */
interface RetentionCheckpoint {
  after_id: string | null;
  purged: number;
  sweep_started_at: number;
}

function readCheckpoint(saved: unknown, now: number): RetentionCheckpoint {
  const fresh = { after_id: null, purged: 0, sweep_started_at: now };
  if (typeof saved !== "object" || saved === null) return fresh;
  const { after_id, purged, sweep_started_at } = saved as Record<string, unknown>;
  if (
    (after_id !== null && typeof after_id !== "string") ||
    typeof purged !== "number" ||
    typeof sweep_started_at !== "number" ||
    now - sweep_started_at >= SWEEP_EVERY_MS
  ) {
    return fresh;
  }
  return { after_id, purged, sweep_started_at };
}

/** The recurring system job that purges old payloads (one per deployment: its unique key). */
export function retentionJob(now: number): NewJob {
  return {
    tenant_id: null,
    kind: RETENTION_KIND,
    payload: {},
    run_at: now + FIRST_RUN_DELAY_MS,
    max_attempts: DEFAULT_MAX_ATTEMPTS,
    unique_key: RETENTION_KIND,
    schedule: { every_ms: EVERY_MS },
  };
}

/** Makes sure the retention job is scheduled; an unfinished one (queued or running) is kept as it is. */
export async function scheduleRetention(jobs: JobRepository, now: number): Promise<void> {
  await jobs.enqueue(retentionJob(now), now);
}

/**
 * Purges event payloads and attempt bodies older than the retention period, a batch at a time;
 * the rows and their counts stay. After each batch the watermark (last event id) is saved as the
 * checkpoint, so a run that is stopped or killed resumes where it was, and progress counts the
 * events purged in this run.
 */
export function retentionKind(
  events: Pick<EventRepository, "purgePayloads">,
  retentionDays: number,
  log: Logger,
): JobKind {
  return {
    async run({ job, checkpoint, signal, progress }) {
      const now = Date.now();
      const cutoff = now - retentionDays * DAY_MS;
      let at = readCheckpoint(checkpoint, now);
      if (at.purged > 0) {
        log.info(
          { job_id: job.id, after_id: at.after_id, purged: at.purged },
          "retention resumed from checkpoint",
        );
      }
      for (;;) {
        signal.throwIfAborted();
        const batch = await events.purgePayloads(cutoff, at.after_id, BATCH);
        at = { ...at, after_id: batch.lastId, purged: at.purged + batch.purged };
        if (batch.purged > 0) await progress(at.purged, null, at);
        if (batch.purged < BATCH) break;
        // Let API requests and deliveries in between batches.
        await yieldToOthers();
      }
      if (at.purged > 0) {
        log.info({ job_id: job.id, purged: at.purged, retention_days: retentionDays }, "purged old payloads");
      }
      return { nextCheckpoint: { ...at, purged: 0 } };
    },
  };
}
