import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETENTION_KIND } from "../../src/jobs/retention.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

describe.each(storeKinds())("jobs API on %s", (kind) => {
  let sb: TestServer;
  beforeAll(async () => {
    sb = await startTestServer(kind);
  });
  afterAll(async () => {
    await sb?.stop();
  });

  /** A tenant's job waiting far in the future, so the server's runner leaves it alone. */
  async function queuedJob(tenantId: string | null, kindName = "import"): Promise<string> {
    const { job } = await sb.server.store.jobs.enqueue(
      {
        tenant_id: tenantId,
        kind: kindName,
        payload: { object: "clients" },
        run_at: Date.now() + 3_600_000,
        max_attempts: 3,
        unique_key: null,
        schedule: null,
      },
      Date.now(),
    );
    return job.id;
  }

  it("shows a tenant its job with state, attempts, times and progress", async () => {
    const firm = await sb.tenant();
    const id = await queuedJob(firm.id);
    const seen = await sb.call("GET", `/v1/jobs/${id}`, { key: firm.key });
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({
      id,
      kind: "import",
      state: "queued",
      attempts: 0,
      max_attempts: 3,
      run_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      started_at: null,
      finished_at: null,
      last_error: null,
      progress: { done: 0, total: null },
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
  });

  it("answers 404 in the error envelope for another tenant's job and for a system job", async () => {
    const owner = await sb.tenant("Owner Firm");
    const other = await sb.tenant("Other Firm");
    const id = await queuedJob(owner.id);
    const system = await queuedJob(null, RETENTION_KIND);
    for (const jobId of [id, system]) {
      const seen = await sb.call("GET", `/v1/jobs/${jobId}`, { key: other.key });
      expect(seen.status).toBe(404);
      expect(seen.body).toEqual({ error: { code: "not_found", message: "job not found" } });
    }
    const viaAdmin = await sb.call("GET", `/v1/jobs/${id}`, {
      key: ADMIN_KEY,
      headers: { "switchboard-tenant": other.id },
    });
    expect(viaAdmin.status).toBe(404);
  });

  it("shows the admin key without a tenant every job, system jobs included", async () => {
    const system = await queuedJob(null, RETENTION_KIND);
    const seen = await sb.call("GET", `/v1/jobs/${system}`, { key: ADMIN_KEY });
    expect(seen.status).toBe(200);
    expect(seen.body.kind).toBe(RETENTION_KIND);
  });

  it("lists a tenant's jobs newest first with cursor paging, and only its own", async () => {
    const firm = await sb.tenant();
    const ids = [await queuedJob(firm.id), await queuedJob(firm.id), await queuedJob(firm.id)];
    await queuedJob((await sb.tenant("Someone Else")).id);
    const first = await sb.call("GET", "/v1/jobs?limit=2", { key: firm.key });
    expect(first.status).toBe(200);
    expect(first.body.data.map((j: { id: string }) => j.id)).toEqual([ids[2], ids[1]]);
    const second = await sb.call("GET", `/v1/jobs?limit=2&cursor=${first.body.next_cursor}`, {
      key: firm.key,
    });
    expect(second.body).toMatchObject({ data: [{ id: ids[0] }], next_cursor: null });
  });

  it("runs a job of an unknown kind to a clear failure", async () => {
    const firm = await sb.tenant();
    const { job } = await sb.server.store.jobs.enqueue(
      {
        tenant_id: firm.id,
        kind: "teleport",
        payload: {},
        run_at: Date.now(),
        max_attempts: 5,
        unique_key: null,
        schedule: null,
      },
      Date.now(),
    );
    let seen = await sb.call("GET", `/v1/jobs/${job.id}`, { key: firm.key });
    for (let i = 0; i < 100 && seen.body.state !== "failed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await sb.call("GET", `/v1/jobs/${job.id}`, { key: firm.key });
    }
    expect(seen.body).toMatchObject({ state: "failed", attempts: 1 });
    expect(seen.body.last_error).toContain('unknown job kind "teleport"');
    expect(seen.body.finished_at).not.toBeNull();
  });
});
