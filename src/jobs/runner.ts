import { setImmediate as yieldToOthers } from "node:timers/promises";
import type { Logger } from "pino";
import type { JobKindFilter, JobRecord, JobRepository } from "../store/index.js";
import { type JobContext, type JobKinds, JobLostError, type JobResult, PermanentJobError } from "./kinds.js";

export interface JobRunnerOptions {
  /** This node's name: the lease owner of the jobs it claims. */
  owner: string;
  /** How often an idle runner looks for due jobs. */
  pollIntervalMs: number;
  /** How long a claim holds without renewal; renewed at a third of it while the job runs. */
  leaseMs: number;
  /** Jobs run at once in this process: few, jobs are long and deliveries come first. */
  concurrency: number;
  /** The kinds this runner claims (default: every kind). */
  kinds?: JobKindFilter;
}

/**
 * Runs durable jobs in worker processes: claims due jobs (or jobs whose worker died), runs each
 * kind's handler with a context to report progress and checkpoints, renews the lease while it runs,
 * and records success or failure (with backoff). On stop, running handlers are aborted, may save
 * their progress, and their claims are given back for the next start or another node.
 */
export class JobRunner {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly options: JobRunnerOptions,
    private readonly jobs: JobRepository,
    private readonly kinds: JobKinds,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Started and not stopping (readiness). */
  get active(): boolean {
    return this.timer !== null && !this.stopping;
  }

  /** Looks for due jobs now (one poll at a time). */
  wake(): void {
    if (this.stopping || this.polling) return;
    this.polling = this.poll()
      .catch((error: unknown) => this.log.error({ err: error }, "claiming jobs failed"))
      .finally(() => {
        this.polling = null;
      });
  }

  private async poll(): Promise<void> {
    // On SQLite every query answers synchronously, so a job that does no other I/O finishes, frees
    // its slot and claims the next without the event loop ever turning: with a backlog of such
    // jobs (enrichment after an import) HTTP, timers and logs starved — a restart never came up.
    // One turn of the loop per claim keeps the process responsive.
    await yieldToOthers();
    if (this.stopping) return;
    const room = this.options.concurrency - this.running.size;
    if (room <= 0) return;
    const now = Date.now();
    const claimed = await this.jobs.claim(
      this.options.owner,
      now,
      now + this.options.leaseMs,
      room,
      this.options.kinds,
    );
    // A job this process still runs can come back from a claim when its lease ran out during an
    // event-loop stall (seen: 9 s at start on a loaded machine, lease 2 s): the running attempt
    // holds it again (same owner, its renewals succeed), so a second copy is not launched.
    for (const job of claimed) if (!this.running.has(job.id)) this.launch(job);
  }

  private launch(job: JobRecord): void {
    const controller = new AbortController();
    const done = this.runJob(job, controller)
      .catch((error: unknown) =>
        this.log.error({ err: error, job_id: job.id, kind: job.kind }, "job bookkeeping failed"),
      )
      .finally(() => {
        this.running.delete(job.id);
        // A slot freed: more due jobs may be waiting.
        if (!this.stopping) this.wake();
      });
    this.running.set(job.id, { controller, done });
  }

  private async runJob(job: JobRecord, controller: AbortController): Promise<void> {
    const { owner, leaseMs } = this.options;
    const fields = { job_id: job.id, kind: job.kind, attempt: job.attempts };
    const kind = this.kinds.get(job.kind);
    if (!kind) {
      const known = this.kinds.names().join(", ") || "none";
      this.log.error(fields, "unknown job kind");
      await this.jobs.fail(
        job.id,
        owner,
        { error: `unknown job kind "${job.kind}" (this worker runs: ${known})`, permanent: true },
        Date.now(),
      );
      return;
    }
    let lost = false;
    const lose = (why: string) => {
      if (lost) return;
      lost = true;
      this.log.warn(fields, `job ${why}; stopping it`);
      controller.abort(new JobLostError(`job ${why}`));
    };
    const renewal = setInterval(
      () => {
        const now = Date.now();
        this.jobs
          .renewLease(job.id, owner, now, now + leaseMs)
          .then((held) => held || lose("lost its lease (cancelled or taken over)"))
          .catch((error: unknown) =>
            this.log.warn({ ...fields, err: error }, "renewing a job's lease failed"),
          );
      },
      Math.max(100, Math.floor(leaseMs / 3)),
    );
    renewal.unref();

    const context: JobContext = {
      job,
      checkpoint: job.checkpoint,
      signal: controller.signal,
      progress: async (done, total = null, checkpoint) => {
        const held = await this.jobs.saveProgress(job.id, owner, { done, total, checkpoint }, Date.now());
        if (!held) {
          lose("lost its lease (cancelled or taken over)");
          throw new JobLostError("job no longer held by this worker");
        }
      },
    };

    const started = Date.now();
    this.log.info(fields, "job started");
    let result: JobResult | undefined;
    try {
      result = await kind.run(context);
    } catch (error) {
      clearInterval(renewal);
      if (lost || error instanceof JobLostError) return;
      if (this.stopping && controller.signal.aborted) {
        await this.jobs.release(job.id, owner, Date.now());
        this.log.info(fields, "job stopped for shutdown; claim given back");
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PermanentJobError;
      await this.jobs.fail(job.id, owner, { error: message, permanent }, Date.now());
      this.log.warn({ ...fields, err: error, permanent }, "job attempt failed");
      return;
    }
    clearInterval(renewal);
    if (lost) return;
    await this.jobs.complete(job.id, owner, Date.now(), result?.nextCheckpoint ?? null);
    this.log.info({ ...fields, duration_ms: Date.now() - started }, "job succeeded");
  }

  /** Stops claiming, aborts running handlers, waits for them to save and gives their claims back. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    for (const { controller } of this.running.values()) controller.abort(new Error("worker shutting down"));
    await Promise.all([...this.running.values()].map((r) => r.done));
  }
}
