import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateId } from "../../src/domain/ids.js";
import { type JobContext, JobKinds } from "../../src/jobs/kinds.js";
import { JobRunner } from "../../src/jobs/runner.js";
import { openStore, type Store } from "../../src/store/index.js";
import { eventually } from "../helpers/receiver.js";
import { createStorage, type TestStorage } from "../helpers/stores.js";

const log = pino({ level: "silent" });

/** The runner against the embedded store: context, checkpoints, shutdown and failures. */
describe("job runner", () => {
  let storage: TestStorage;
  let store: Store;
  let tenantId: string;

  beforeEach(async () => {
    storage = createStorage("sqlite");
    store = await openStore({ databaseUrl: null, dataDir: storage.dataDir, pgPoolSize: 1 });
    await store.migrate();
    tenantId = generateId("ten_");
    await store.tenants.create({ id: tenantId, name: "Runner", timezone: "UTC", created_at: 1 });
  });
  afterEach(async () => {
    await store?.close();
    await storage?.cleanup();
  });

  const runner = (kinds: JobKinds, owner = "node-a") =>
    new JobRunner({ owner, pollIntervalMs: 20, leaseMs: 5_000, concurrency: 2 }, store.jobs, kinds, log);

  const enqueue = async (kind: string, max_attempts = 3) =>
    (
      await store.jobs.enqueue(
        {
          tenant_id: tenantId,
          kind,
          payload: {},
          run_at: Date.now(),
          max_attempts,
          unique_key: null,
          schedule: null,
        },
        Date.now(),
      )
    ).job.id;

  it("stops a running job on shutdown with its checkpoint saved, gives the claim back, and the next runner resumes from it", async () => {
    const seen: unknown[] = [];
    /** Counts to 10 by checkpoint, one step each 10 ms, until aborted. */
    const counting = new JobKinds().register("count", {
      async run({ checkpoint, signal, progress }: JobContext) {
        seen.push(checkpoint);
        let at = typeof checkpoint === "number" ? checkpoint : 0;
        while (at < 10) {
          signal.throwIfAborted();
          await new Promise((resolve) => setTimeout(resolve, 10));
          at += 1;
          await progress(at, 10, at);
        }
        return undefined;
      },
    });
    const id = await enqueue("count");
    const first = runner(counting);
    first.start();
    await eventually(async () => ((await store.jobs.get(tenantId, id))?.progress_done ?? 0) >= 3);
    await first.stop();
    const stopped = await store.jobs.get(tenantId, id);
    expect(stopped).toMatchObject({ state: "queued", attempts: 0, lease_owner: null });
    expect(stopped?.checkpoint).toBe(stopped?.progress_done);

    const second = runner(counting, "node-b");
    second.start();
    const done = await eventually(async () => {
      const job = await store.jobs.get(tenantId, id);
      return job?.state === "succeeded" ? job : null;
    });
    await second.stop();
    expect(seen).toEqual([null, stopped?.checkpoint]);
    expect(done).toMatchObject({ progress_done: 10, progress_total: 10, attempts: 1 });
  });

  it("records a throwing handler's error and retries it later with backoff", async () => {
    const failing = new JobKinds().register("flaky", {
      async run() {
        throw new Error("CRM answered 503");
      },
    });
    const id = await enqueue("flaky");
    const before = Date.now();
    const r = runner(failing);
    r.start();
    const failed = await eventually(async () => {
      const job = await store.jobs.get(tenantId, id);
      return job?.last_error ? job : null;
    });
    await r.stop();
    expect(failed).toMatchObject({ state: "queued", attempts: 1, last_error: "CRM answered 503" });
    expect(failed.run_at).toBeGreaterThanOrEqual(before + 8_000);
  });

  it("refuses to register a kind twice", () => {
    const kinds = new JobKinds().register("import", { run: async () => undefined });
    expect(() => kinds.register("import", { run: async () => undefined })).toThrow(/already registered/);
  });
});
