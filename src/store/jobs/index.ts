import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import type { ListOptions, Page } from "../store.js";
import { cancelJob } from "./cancel.js";
import { claimJobs } from "./claim.js";
import { completeJob } from "./complete.js";
import { enqueueJob } from "./enqueue.js";
import { failJob } from "./fail.js";
import { saveJobProgress } from "./progress.js";
import { getJob, listJobs } from "./read.js";
import { releaseJob } from "./release.js";
import { renewJobLease } from "./renew.js";
import type {
  JobFailureReport,
  JobKindFilter,
  JobProgress,
  JobRecord,
  JobRepository,
  NewJob,
} from "./repository.js";
import { resetJobLeases } from "./reset.js";

export type * from "./repository.js";

/** The jobs repository over Kysely, one SQL operation per file beside this one. */
export class KyselyJobRepository implements JobRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: "sqlite" | "postgres",
  ) {}

  enqueue(job: NewJob, now: number): Promise<{ job: JobRecord; created: boolean }> {
    return enqueueJob(this.db, job, now);
  }

  get(tenantId: string, id: string): Promise<JobRecord | null> {
    return getJob(this.db, tenantId, id);
  }

  getAny(id: string): Promise<JobRecord | null> {
    return getJob(this.db, null, id);
  }

  list(tenantId: string, options: ListOptions): Promise<Page<JobRecord>> {
    return listJobs(this.db, tenantId, options);
  }

  claim(
    owner: string,
    now: number,
    leaseUntil: number,
    limit: number,
    kinds?: JobKindFilter,
  ): Promise<JobRecord[]> {
    return claimJobs(this.db, this.dialect, owner, now, leaseUntil, limit, kinds);
  }

  renewLease(id: string, owner: string, now: number, leaseUntil: number): Promise<boolean> {
    return renewJobLease(this.db, id, owner, now, leaseUntil);
  }

  saveProgress(id: string, owner: string, progress: JobProgress, now: number): Promise<boolean> {
    return saveJobProgress(this.db, id, owner, progress, now);
  }

  complete(id: string, owner: string, now: number, nextCheckpoint: unknown = null): Promise<boolean> {
    return completeJob(this.db, this.dialect, id, owner, now, nextCheckpoint);
  }

  fail(id: string, owner: string, failure: JobFailureReport, now: number): Promise<boolean> {
    return failJob(this.db, this.dialect, id, owner, failure, now);
  }

  release(id: string, owner: string, now: number): Promise<boolean> {
    return releaseJob(this.db, id, owner, now);
  }

  cancel(tenantId: string | null, id: string, now: number): Promise<JobRecord | null> {
    return cancelJob(this.db, tenantId, id, now);
  }

  resetLeases(now: number): Promise<number> {
    return resetJobLeases(this.db, now);
  }
}
