import type { JobRecord } from "../store/index.js";

/** What a handler gets for one attempt of one job. */
export interface JobContext {
  job: JobRecord;
  /** Where the last attempt (or the last occurrence) left off; null to start from scratch. */
  checkpoint: unknown;
  /** Aborted when the worker shuts down or loses the job: save progress and stop. */
  signal: AbortSignal;
  /**
   * Saves progress (and the checkpoint to resume from, when given) to the store. Rejects with
   * {@link JobLostError} when this worker no longer holds the job.
   */
  progress(done: number, total?: number | null, checkpoint?: unknown): Promise<void>;
}

/** What a successful attempt may hand on to a recurring job's next occurrence. */
export interface JobResult {
  /** The next occurrence starts from this checkpoint (default: from scratch). */
  nextCheckpoint?: unknown;
}

/** One kind of job: registered by name, run by any worker. */
export interface JobKind {
  /** Runs one attempt. Throwing fails the attempt (retried with backoff unless {@link PermanentJobError}). */
  run(context: JobContext): Promise<JobResult | undefined>;
}

/** A failure no retry can fix (bad payload, unknown kind): the job fails at once. */
export class PermanentJobError extends Error {}

/** The job was cancelled or taken over by another worker: stop without recording anything. */
export class JobLostError extends Error {}

/**
 * The registry of job kinds. Open: each feature registers its kinds at start (retention, imports,
 * CRM pulls …), so adding a kind never touches the runner.
 */
export class JobKinds {
  private readonly kinds = new Map<string, JobKind>();

  register(name: string, kind: JobKind): this {
    if (this.kinds.has(name)) throw new Error(`job kind "${name}" is already registered`);
    this.kinds.set(name, kind);
    return this;
  }

  get(name: string): JobKind | undefined {
    return this.kinds.get(name);
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }
}
