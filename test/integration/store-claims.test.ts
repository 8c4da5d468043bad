import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateId } from "../../src/domain/ids.js";
import { openStore, type Store } from "../../src/store/index.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

/** The claim protocol, straight against each store: lanes, leases and lost claims. */
describe.each(storeKinds())("claims on %s", (kind) => {
  let storage: TestStorage;
  let store: Store;
  let tenantId: string;
  let webhookId: string;

  beforeAll(async () => {
    storage = createStorage(kind);
    store = await openStore({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir, pgPoolSize: 4 });
    await store.migrate();
    tenantId = generateId("ten_");
    await store.tenants.create({ id: tenantId, name: "Claims", timezone: "UTC", created_at: 1 });
    webhookId = await createWebhook();
  });
  afterAll(async () => {
    await store?.close();
    await storage?.cleanup();
  });

  async function createWebhook(): Promise<string> {
    const id = generateId("wh_");
    await store.targets.create({
      id,
      tenant_id: tenantId,
      kind: "webhook",
      target_config: null,
      url: "https://example.com",
      description: "",
      enabled: true,
      disabled_reason: null,
      events: [],
      campaign_id: null,
      filters: {},
      method: "POST",
      headers: {},
      auth: "x",
      app_key: null,
      body: { format: "json" },
      timeout_ms: 1000,
      retry: {},
      success: {},
      signature_header: null,
      hold: null,
      max_in_flight: null,
      rate_limit_per_s: null,
      secret: "x",
      previous_secret: null,
      previous_secret_expires_at: null,
      created_at: 1,
      updated_at: 1,
    });
    return id;
  }

  /** Stores `count` events with one delivery each, all due at `now`; returns the delivery ids. */
  async function deliveries(count: number, now: number, to = webhookId): Promise<string[]> {
    const items = Array.from({ length: count }, () => ({
      event: {
        id: generateId("evt_"),
        tenant_id: tenantId,
        type: "call.started",
        data: { call_id: "c" },
        campaign_id: null,
        case_type: null,
        idempotency_key: null,
        occurred_at: now,
        created_at: now,
      },
      deliveries: [{ id: generateId("dlv_"), webhookId: to, hold: null, claimed: false }],
    }));
    await store.events.ingest(tenantId, items, now, null);
    return items.map((i) => i.deliveries[0]?.id as string);
  }

  /** Records a failed attempt for each claimed delivery, due again at `dueAt`. */
  async function fail(owner: string, ids: string[], dueAt: number): Promise<void> {
    await store.queue.recordAttempts(
      owner,
      ids.map((id) => ({
        attempt: {
          id: generateId("att_"),
          tenant_id: tenantId,
          delivery_id: id,
          webhook_id: webhookId,
          event_id: "evt_x",
          attempt_number: 1,
          succeeded: false,
          request_method: "POST",
          request_url: "https://example.com",
          request_headers: {},
          request_body: null,
          request_body_envelope: false,
          response_status: 500,
          response_headers: {},
          response_body: null,
          error_kind: null,
          error_message: "status 500",
          duration_ms: 1,
          created_at: dueAt,
        },
        delivery: {
          id,
          status: "pending",
          next_attempt_at: dueAt,
          last_status_code: 500,
          last_error: "status 500",
        },
      })),
      dueAt,
    );
  }

  it("serves first attempts even when a larger, older retry backlog is due", async () => {
    const t = 1_000_000;
    const backlog = await deliveries(60, t);
    const claimed = await store.queue.claimDue("node-a", t, t + 1, 60);
    expect(claimed).toHaveLength(60);
    await fail("node-a", backlog, t + 10);
    const fresh = await deliveries(20, t + 50);
    const batch = await store.queue.claimDue("node-b", t + 100, t + 100_000, 20);
    const firsts = batch.filter((d) => d.attempts === 0).map((d) => d.id);
    expect(firsts.length).toBe(15);
    expect(fresh).toEqual(expect.arrayContaining(firsts));
    // Retries fill the rest of the batch; a later claim takes what is left of both lanes.
    expect(batch.filter((d) => d.attempts === 1)).toHaveLength(5);
    const rest = await store.queue.claimDue("node-b", t + 100, t + 100_000, 500);
    expect(rest).toHaveLength(60);
  });

  it("lets another node take over a claim whose lease ran out, and the old owner can no longer record it", async () => {
    const t = 5_000_000;
    const [id] = await deliveries(1, t);
    const mine = await store.queue.claimDue("node-a", t, t + 1_000, 500);
    expect(mine.map((d) => d.id)).toContain(id);
    expect((await store.queue.claimDue("node-b", t + 500, t + 2_000, 500)).map((d) => d.id)).not.toContain(
      id,
    );
    const taken = await store.queue.claimDue("node-b", t + 1_000, t + 60_000, 500);
    expect(taken.map((d) => d.id)).toContain(id);
    await fail("node-a", [id as string], t + 1_500);
    const delivery = await store.deliveries.get(tenantId, id as string);
    expect(delivery?.lease_owner).toBe("node-b");
    expect(delivery?.attempts).toBe(0);
    expect(await store.deliveries.listAttempts(tenantId, id as string)).toHaveLength(0);
  });

  it("two claimers never get the same delivery", async () => {
    const t = 9_000_000;
    const created = await deliveries(200, t);
    const [a, b] = await Promise.all([
      store.queue.claimDue("node-a", t, t + 60_000, 150),
      store.queue.claimDue("node-b", t, t + 60_000, 150),
    ]);
    const ids = [...(a ?? []), ...(b ?? [])].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    // (Earlier tests' expired claims are due again too, so there may be more than these.)
    expect(ids).toEqual(expect.arrayContaining(created));
  });

  it.skipIf(kind !== "postgres")(
    "with a shared cap, no webhook has more claimed deliveries across nodes than its max_in_flight",
    async () => {
      const t = 20_000_000;
      // Earlier tests' expired claims are due again: push them out of the way first.
      const leftovers = await store.queue.claimDue("sweeper", t, t + 1, 5_000);
      await fail(
        "sweeper",
        leftovers.map((d) => d.id),
        t + 10_000_000,
      );
      await deliveries(30, t + 1);
      const [a, b] = await Promise.all([
        store.queue.claimDue("node-a", t + 2, t + 60_000, 50, [], 4),
        store.queue.claimDue("node-b", t + 2, t + 60_000, 50, [], 4),
      ]);
      const claimed = [...(a ?? []), ...(b ?? [])];
      expect(claimed).toHaveLength(4);
      // Two of them finish; only two more may be claimed.
      await fail(
        claimed[0]?.lease_owner as string,
        claimed
          .filter((d) => d.lease_owner === claimed[0]?.lease_owner)
          .slice(0, 2)
          .map((d) => d.id),
        t + 10_000_000,
      );
      const more = await store.queue.claimDue("node-b", t + 3, t + 60_000, 50, [], 4);
      expect(more).toHaveLength(2);
    },
  );

  it("claims named webhooks' due deliveries up to each one's limit, and finds the webhooks with due work", async () => {
    const t = 40_000_000;
    // Earlier tests' claims and retries: out of the way, pending but not due.
    const leftovers = await store.queue.claimDue("sweeper", t, t + 1, 5_000);
    await fail(
      "sweeper",
      leftovers.map((d) => d.id),
      Number.MAX_SAFE_INTEGER,
    );
    const [a, b] = [await createWebhook(), await createWebhook()];
    const dueA = await deliveries(50, t, a);
    const dueB = await deliveries(5, t + 1, b);
    const laterB = await deliveries(3, t + 1_000, b);

    const found = await store.queue.listDueTargets(t + 10, null, 1_000);
    expect([...found.webhookIds].sort()).toEqual([a, b].sort());
    expect(found.resumeAfter).toBeNull();
    // A bounded look-up says where the next one goes on.
    const first = await store.queue.listDueTargets(t + 10, null, 2);
    expect(first.resumeAfter).not.toBeNull();
    const rest = await store.queue.listDueTargets(t + 10, first.resumeAfter, 1_000);
    expect([...first.webhookIds, ...rest.webhookIds].sort()).toEqual([a, b].sort());

    const claimed = await store.queue.claimForTargets("node-a", t + 10, t + 60_000, [
      { webhookId: a, limit: 10 },
      { webhookId: b, limit: 10 },
    ]);
    expect(claimed.filter((d) => d.webhook_id === a)).toHaveLength(10);
    expect(
      claimed
        .filter((d) => d.webhook_id === b)
        .map((d) => d.id)
        .sort(),
    ).toEqual([...dueB].sort());
    expect(claimed.every((d) => d.lease_owner === "node-a" && d.next_attempt_at === t + 60_000)).toBe(true);
    expect(claimed.some((d) => laterB.includes(d.id))).toBe(false);

    // Two claimers targeting the same webhook never get the same delivery.
    const [x, y] = await Promise.all([
      store.queue.claimForTargets("node-b", t + 20, t + 60_000, [{ webhookId: a, limit: 30 }]),
      store.queue.claimForTargets("node-c", t + 20, t + 60_000, [{ webhookId: a, limit: 30 }]),
    ]);
    const ids = [...(x ?? []), ...(y ?? []), ...claimed].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(dueA));
    // Only b's later deliveries are left, and they are not due yet.
    expect((await store.queue.listDueTargets(t + 20, null, 1_000)).webhookIds).toEqual([]);
    expect((await store.queue.listDueTargets(t + 1_000, null, 1_000)).webhookIds).toEqual([b]);
  });
});
