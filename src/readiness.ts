import {
  type CheckResult,
  decideReadiness,
  migrationCheck,
  type Readiness,
  workerCheck,
} from "./domain/readiness.js";
import type { Store } from "./store/index.js";
import { LATEST_MIGRATION } from "./store/migrations/index.js";

/** A check that has not answered by then has failed: a readiness probe must answer promptly. */
const CHECK_TIMEOUT_MS = 2_000;

/** The worker parts of this process, as readiness sees them. */
export interface WorkerState {
  /** When the delivery loop last turned; null when it is not running. */
  lastPollAt(): number | null;
  /** Whether the job runner is running. */
  jobsRunning(): boolean;
  pollIntervalMs: number;
}

/**
 * Gathers this process's readiness: the store answers a real query, its schema is at this code's
 * latest migration, and — in a process with the worker role — the worker is running.
 */
export class ReadinessProbe {
  constructor(
    private readonly store: Store,
    /** Null in a process without the worker role. */
    private readonly worker: WorkerState | null,
  ) {}

  async check(): Promise<Readiness> {
    const checks: Record<string, CheckResult> = {};
    checks.store = await attempt(() => this.store.ping());
    checks.migrations =
      checks.store.status === "ok"
        ? await within(async () => migrationCheck(await this.store.appliedMigration(), LATEST_MIGRATION))
        : { status: "fail", message: "store unreachable", expected: LATEST_MIGRATION };
    if (this.worker) {
      const worker = this.worker;
      const loop = workerCheck(worker.lastPollAt(), Date.now(), worker.pollIntervalMs);
      checks.worker =
        loop.status === "ok" && !worker.jobsRunning()
          ? { status: "fail", message: "the job runner is not running" }
          : loop;
    }
    return decideReadiness(checks);
  }
}

async function attempt(action: () => Promise<void>): Promise<CheckResult> {
  return within(async () => {
    await action();
    return { status: "ok" };
  });
}

/** Runs a check with a deadline; an error or a timeout is the check's failure. */
async function within(check: () => Promise<CheckResult>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: "fail", message: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      check().catch(
        (error: unknown): CheckResult => ({
          status: "fail",
          message: error instanceof Error ? error.message : String(error),
        }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
