import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateId } from "../../src/domain/ids.js";
import { openStore, type Store } from "../../src/store/index.js";
import type { JobRepository, NewJob } from "../../src/store/jobs/repository.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

/**
 * The jobs repository's behaviour, written against the JobRepository interface only and run on
 * every store. Each test gets a fresh store, so claims never see another test's jobs.
 */
describe.each(storeKinds())("job repository on %s", (kind) => {
  let storage: TestStorage;
  let store: Store;
  let jobs: JobRepository;
  let tenantId: string;

  beforeEach(async () => {
    storage = createStorage(kind);
    store = await openStore({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir, pgPoolSize: 4 });
    await store.migrate();
    tenantId = await tenant();
    jobs = store.jobs;
  });
  afterEach(async () => {
    await store?.close();
    await storage?.cleanup();
  });

  async function tenant(): Promise<string> {
    const id = generateId("ten_");
    await store.tenants.create({ id, name: "Jobs", timezone: "UTC", created_at: 1 });
    return id;
  }

  const job = (fields: Partial<NewJob> = {}): NewJob => ({
    tenant_id: tenantId,
    kind: "import",
    payload: { file: "clients.csv" },
    run_at: 100,
    max_attempts: 3,
    unique_key: null,
    schedule: null,
    ...fields,
  });

  it("enqueues a queued job with its payload, and a second one without a unique key", async () => {
    const first = await jobs.enqueue(job(), 50);
    const second = await jobs.enqueue(job(), 50);
    expect(first.created && second.created).toBe(true);
    expect(first.job.id).toMatch(/^job_/);
    expect(second.job.id).not.toBe(first.job.id);
    expect(await jobs.get(tenantId, first.job.id)).toMatchObject({
      state: "queued",
      kind: "import",
      payload: { file: "clients.csv" },
      attempts: 0,
      progress_done: 0,
      progress_total: null,
      checkpoint: null,
      created_at: 50,
    });
  });

  it("returns the unfinished job holding a unique key instead of scheduling it twice, and frees the key once it finished", async () => {
    const first = await jobs.enqueue(job({ unique_key: "sync:crm_1" }), 50);
    const again = await jobs.enqueue(job({ unique_key: "sync:crm_1", payload: { other: true } }), 60);
    expect(again).toEqual({ job: first.job, created: false });
    // Running still holds the key.
    await jobs.claim("node-a", 200, 10_000, 1);
    expect((await jobs.enqueue(job({ unique_key: "sync:crm_1" }), 300)).created).toBe(false);
    expect(await jobs.complete(first.job.id, "node-a", 400)).toBe(true);
    const later = await jobs.enqueue(job({ unique_key: "sync:crm_1" }), 500);
    expect(later.created).toBe(true);
    expect(later.job.id).not.toBe(first.job.id);
  });

  it("creates one job when the same unique key is enqueued concurrently", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => jobs.enqueue(job({ unique_key: "renew:subscription" }), 50)),
    );
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it("claims due jobs in run_at order, counting an attempt and setting the lease; future jobs wait", async () => {
    const late = await jobs.enqueue(job({ run_at: 300 }), 1);
    const early = await jobs.enqueue(job({ run_at: 100 }), 1);
    const middle = await jobs.enqueue(job({ run_at: 200 }), 1);
    await jobs.enqueue(job({ run_at: 10_000 }), 1);
    const claimed = [];
    for (let i = 0; i < 3; i++) claimed.push(...(await jobs.claim("node-a", 1_000, 5_000, 1)));
    expect(claimed.map((j) => j.id)).toEqual([early.job.id, middle.job.id, late.job.id]);
    expect(claimed[0]).toMatchObject({
      state: "running",
      lease_owner: "node-a",
      lease_until: 5_000,
      attempts: 1,
      started_at: 1_000,
    });
    expect(await jobs.claim("node-a", 1_000, 5_000, 10)).toEqual([]);
  });

  it("holds a lease until it expires, then another worker takes the job over and the old owner can no longer write", async () => {
    const { job: queued } = await jobs.enqueue(job(), 1);
    await jobs.claim("node-a", 1_000, 2_000, 1);
    expect(await jobs.claim("node-b", 1_999, 3_000, 1)).toEqual([]);
    expect(await jobs.renewLease(queued.id, "node-a", 1_500, 2_500)).toBe(true);
    expect(await jobs.claim("node-b", 2_400, 3_400, 1)).toEqual([]);
    const [taken] = await jobs.claim("node-b", 2_500, 4_000, 1);
    expect(taken).toMatchObject({ id: queued.id, lease_owner: "node-b", attempts: 2, started_at: 1_000 });
    expect(await jobs.renewLease(queued.id, "node-a", 2_600, 5_000)).toBe(false);
    expect(await jobs.saveProgress(queued.id, "node-a", { done: 1, total: null }, 2_600)).toBe(false);
    expect(await jobs.complete(queued.id, "node-a", 2_600)).toBe(false);
    expect(await jobs.fail(queued.id, "node-a", { error: "late", permanent: false }, 2_600)).toBe(false);
    expect(await jobs.release(queued.id, "node-a", 2_600)).toBe(false);
    expect((await jobs.get(tenantId, queued.id))?.lease_owner).toBe("node-b");
  });

  it("never hands the same job to two concurrent claimers", async () => {
    for (let i = 0; i < 60; i++) await jobs.enqueue(job({ run_at: i }), 1);
    const claimer = async (owner: string): Promise<string[]> => {
      const ids: string[] = [];
      for (;;) {
        const batch = await jobs.claim(owner, 1_000, 100_000, 4);
        if (batch.length === 0) return ids;
        ids.push(...batch.map((j) => j.id));
      }
    };
    const [a, b, c] = await Promise.all([claimer("node-a"), claimer("node-b"), claimer("node-c")]);
    const all = [...(a ?? []), ...(b ?? []), ...(c ?? [])];
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
  });

  it("saves progress only for the worker holding the lease", async () => {
    const { job: queued } = await jobs.enqueue(job(), 1);
    await jobs.claim("node-a", 1_000, 5_000, 1);
    expect(await jobs.saveProgress(queued.id, "node-b", { done: 9, total: 10 }, 1_100)).toBe(false);
    expect(await jobs.saveProgress(queued.id, "node-a", { done: 3, total: 10 }, 1_100)).toBe(true);
    expect(await jobs.get(tenantId, queued.id)).toMatchObject({ progress_done: 3, progress_total: 10 });
  });

  it("keeps a checkpoint across progress saves, a given-back claim and the next claim", async () => {
    const { job: queued } = await jobs.enqueue(job(), 1);
    await jobs.claim("node-a", 1_000, 5_000, 1);
    const checkpoint = { after_id: "evt_01ABC", rows: [1, 2, 3], nested: { ok: true, none: null } };
    await jobs.saveProgress(queued.id, "node-a", { done: 500, total: 2_000, checkpoint }, 1_100);
    await jobs.saveProgress(queued.id, "node-a", { done: 600, total: 2_000 }, 1_200);
    expect(await jobs.release(queued.id, "node-a", 1_300)).toBe(true);
    const [again] = await jobs.claim("node-b", 1_400, 6_000, 1);
    expect(again).toMatchObject({ id: queued.id, checkpoint, progress_done: 600, attempts: 1 });
  });

  it("retries a failed attempt after a backoff, then fails the job on its last attempt", async () => {
    const { job: queued } = await jobs.enqueue(job({ max_attempts: 2 }), 1);
    await jobs.claim("node-a", 1_000, 5_000, 1);
    expect(await jobs.fail(queued.id, "node-a", { error: "CRM answered 503", permanent: false }, 1_000)).toBe(
      true,
    );
    const retrying = await jobs.get(tenantId, queued.id);
    expect(retrying).toMatchObject({
      state: "queued",
      attempts: 1,
      last_error: "CRM answered 503",
      lease_owner: null,
    });
    // The default backoff: 10 s ± 20 % after the first attempt.
    expect(retrying?.run_at).toBeGreaterThanOrEqual(9_000);
    expect(retrying?.run_at).toBeLessThanOrEqual(13_000);
    expect(await jobs.claim("node-a", 2_000, 7_000, 1)).toEqual([]);
    const [second] = await jobs.claim("node-a", retrying?.run_at ?? 0, 60_000, 1);
    expect(second?.attempts).toBe(2);
    await jobs.fail(queued.id, "node-a", { error: "CRM answered 503 again", permanent: false }, 20_000);
    expect(await jobs.get(tenantId, queued.id)).toMatchObject({
      state: "failed",
      finished_at: 20_000,
      last_error: "CRM answered 503 again",
    });
    expect(await jobs.claim("node-a", 1_000_000, 2_000_000, 1)).toEqual([]);
  });

  it("fails a job at once on a permanent failure", async () => {
    const { job: queued } = await jobs.enqueue(job({ kind: "mystery" }), 1);
    await jobs.claim("node-a", 1_000, 5_000, 1);
    await jobs.fail(queued.id, "node-a", { error: 'unknown job kind "mystery"', permanent: true }, 1_000);
    expect(await jobs.get(tenantId, queued.id)).toMatchObject({ state: "failed", attempts: 1 });
  });

  it("queues a recurring job again for its next occurrence, keeping its unique key", async () => {
    const { job: queued } = await jobs.enqueue(
      job({
        tenant_id: null,
        kind: "retention",
        unique_key: "retention",
        run_at: 500,
        schedule: { every_ms: 1_000 },
      }),
      1,
    );
    await jobs.claim("node-a", 600, 5_000, 1);
    await jobs.saveProgress(
      queued.id,
      "node-a",
      { done: 42, total: null, checkpoint: { after_id: "evt_9" } },
      650,
    );
    expect(await jobs.complete(queued.id, "node-a", 700, { after_id: "evt_9", purged: 0 })).toBe(true);
    const next = await jobs.getAny(queued.id);
    expect(next).toMatchObject({
      state: "queued",
      run_at: 1_500,
      attempts: 0,
      lease_owner: null,
      finished_at: 700,
      started_at: null,
      progress_done: 42,
      checkpoint: { after_id: "evt_9", purged: 0 },
      schedule: { every_ms: 1_000 },
    });
    expect((await jobs.enqueue(job({ unique_key: "retention", tenant_id: null }), 800)).job.id).toBe(
      queued.id,
    );
    expect(await jobs.claim("node-a", 1_499, 5_000, 1)).toEqual([]);
    expect((await jobs.claim("node-a", 1_500, 5_000, 1))[0]?.id).toBe(queued.id);
  });

  it("pages a tenant's jobs newest first and never shows another tenant's or a system job", async () => {
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await jobs.enqueue(job(), i)).job.id);
    const other = await tenant();
    const theirs = (await jobs.enqueue(job({ tenant_id: other }), 1)).job.id;
    const system = (await jobs.enqueue(job({ tenant_id: null, kind: "retention" }), 1)).job.id;
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await jobs.list(tenantId, { limit: 2, cursor });
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((j) => j.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...mine].reverse());
    expect(await jobs.get(tenantId, theirs)).toBeNull();
    expect(await jobs.get(tenantId, system)).toBeNull();
    expect((await jobs.getAny(system))?.kind).toBe("retention");
  });

  it("cancels a queued or running job (the worker then loses it), only within its tenant", async () => {
    const { job: queued } = await jobs.enqueue(job(), 1);
    const { job: running } = await jobs.enqueue(job(), 1);
    await jobs.claim("node-a", 1_000, 5_000, 2);
    expect(await jobs.cancel(await tenant(), queued.id, 1_100)).toBeNull();
    expect((await jobs.cancel(tenantId, running.id, 1_100))?.state).toBe("cancelled");
    expect(await jobs.saveProgress(running.id, "node-a", { done: 1, total: null }, 1_200)).toBe(false);
    expect(await jobs.cancel(tenantId, running.id, 1_300)).toBeNull();
    // The other tenant's cancel changed nothing: that job is taken over once its lease expires.
    expect((await jobs.claim("node-b", 100_000, 200_000, 5)).map((j) => j.id)).toEqual([queued.id]);
  });

  it("makes jobs left running by a dead process claimable at once after resetLeases", async () => {
    const { job: queued } = await jobs.enqueue(job(), 1);
    await jobs.claim("dead-node", 1_000, 90_000, 1);
    expect(await jobs.resetLeases(2_000)).toBe(1);
    const [resumed] = await jobs.claim("new-node", 2_000, 92_000, 1);
    expect(resumed).toMatchObject({ id: queued.id, lease_owner: "new-node", attempts: 2 });
  });
});
