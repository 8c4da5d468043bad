import { type Static, Type } from "@sinclair/typebox";
import { notFound } from "../domain/errors.js";
import { iso } from "../domain/time.js";
import type { JobRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { ErrorResponse, Id, ListOf, PageQuery } from "./schemas.js";

const Time = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);

const JobSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    state: Type.Union(
      ["queued", "running", "succeeded", "failed", "cancelled"].map((state) => Type.Literal(state)),
    ),
    attempts: Type.Integer(),
    max_attempts: Type.Integer(),
    run_at: Time,
    started_at: Time,
    finished_at: Time,
    last_error: Type.Union([Type.String(), Type.Null()]),
    /** Of the run in progress, or of the last run of a recurring job that waits for its next one. */
    progress: Type.Object({ done: Type.Integer(), total: Type.Union([Type.Integer(), Type.Null()]) }),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
  },
  { title: "Job" },
);

type Job = Static<typeof JobSchema>;

export function presentJob(job: JobRecord): Job {
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    attempts: job.attempts,
    max_attempts: job.max_attempts,
    run_at: iso(job.run_at),
    started_at: iso(job.started_at),
    finished_at: iso(job.finished_at),
    last_error: job.last_error,
    progress: { done: job.progress_done, total: job.progress_total },
    created_at: iso(job.created_at) ?? "",
    updated_at: iso(job.updated_at) ?? "",
  };
}

/** Durable jobs (imports, syncs, …): read-only views of their state and progress. */
export async function jobRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.get(
    "/v1/jobs/:id",
    {
      schema: {
        tags: ["jobs"],
        summary: "A job with its state and progress (the admin key without a tenant also sees system jobs)",
        params: Type.Object({ id: Id("job") }),
        response: { 200: JobSchema, 404: ErrorResponse },
      },
    },
    async (request) => {
      const principal = request.principal;
      // System jobs (retention) belong to no tenant: only the admin, acting for none, sees them.
      const job =
        principal?.kind === "admin" && principal.tenantId === null
          ? await ctx.store.jobs.getAny(request.params.id)
          : await ctx.store.jobs.get(tenantOf(request), request.params.id);
      if (!job) throw notFound("job");
      return presentJob(job);
    },
  );

  app.get(
    "/v1/jobs",
    {
      schema: {
        tags: ["jobs"],
        summary: "The tenant's jobs, newest first",
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(JobSchema) },
      },
    },
    async (request) => {
      const result = await ctx.store.jobs.list(tenantOf(request), {
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
      });
      return { data: result.data.map(presentJob), next_cursor: result.next_cursor };
    },
  );
}
