import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateId } from "../../src/domain/ids.js";
import { GroupCommit } from "../../src/events/group-commit.js";
import type { IngestResult, NewEvent, Store, WebhookRecord } from "../../src/store/index.js";
import { openStore } from "../../src/store/index.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

/** Group commit of ingest: concurrent requests share a transaction and keep their own results. */
describe.each(storeKinds())("group commit on %s", (kind) => {
  let storage: TestStorage;
  let store: Store;
  const tenants = [generateId("ten_"), generateId("ten_")];
  const webhooks = new Map<string, string>();

  beforeAll(async () => {
    storage = createStorage(kind);
    store = await openStore({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir, pgPoolSize: 4 });
    await store.migrate();
    for (const tenantId of tenants) {
      await store.tenants.create({ id: tenantId, name: "Group", timezone: "UTC", created_at: 1 });
      const id = generateId("wh_");
      await store.targets.create(webhook(id, tenantId));
      webhooks.set(tenantId, id);
    }
  });
  afterAll(async () => {
    await store?.close();
    await storage?.cleanup();
  });

  function event(tenantId: string, idempotencyKey: string | null = null, id = generateId("evt_")): NewEvent {
    const now = Date.now();
    return {
      event: {
        id,
        tenant_id: tenantId,
        type: "call.ended",
        data: { call_id: generateId("call_") },
        campaign_id: null,
        case_type: null,
        idempotency_key: idempotencyKey,
        occurred_at: now,
        created_at: now,
      },
      deliveries: [
        { id: generateId("dlv_"), webhookId: webhooks.get(tenantId) as string, hold: null, claimed: false },
      ],
    };
  }

  it("answers each request with its own events, one copy per idempotency key", async () => {
    const groups = new GroupCommit(store.events, 1);
    const writes: Array<{ tenantId: string; events: NewEvent[] }> = [];
    for (let i = 0; i < 40; i++) {
      const tenantId = tenants[i % 2] as string;
      // Requests 0–9 of each tenant share five keys: the second of each pair is a duplicate.
      const key = i < 20 ? `key-${Math.floor(i / 4)}` : null;
      writes.push({ tenantId, events: [event(tenantId, key), event(tenantId)] });
    }
    const results = await Promise.all(
      writes.map((w) =>
        groups.write({ tenantId: w.tenantId, events: w.events, now: Date.now(), claimFor: null }),
      ),
    );
    results.forEach((result, i) => {
      const w = writes[i] as { tenantId: string; events: NewEvent[] };
      expect(result).toHaveLength(2);
      expect(result[1]?.event.id).toBe(w.events[1]?.event.id);
      expect(result[1]?.duplicate).toBe(false);
    });
    const duplicates = results.filter((r) => (r[0] as IngestResult).duplicate);
    expect(duplicates).toHaveLength(10);
    for (const tenantId of tenants) {
      const stored = await store.events.list(tenantId, { limit: 200, includeTests: true });
      // 20 requests × 2 events, less the 5 duplicates.
      expect(stored.data).toHaveLength(35);
    }
  });

  it("fails only the request at fault when a group's transaction fails", async () => {
    const tenantId = tenants[0] as string;
    const taken = event(tenantId);
    await store.events.ingest(tenantId, [taken], Date.now(), null);
    const groups = new GroupCommit(store.events, 1);
    const good = [event(tenantId), event(tenantId)];
    // The same event id again: a primary-key conflict inside the group's transaction.
    const bad = event(tenantId, null, taken.event.id);
    const outcomes = await Promise.allSettled([
      groups.write({ tenantId, events: [good[0] as NewEvent], now: Date.now(), claimFor: null }),
      groups.write({ tenantId, events: [bad], now: Date.now(), claimFor: null }),
      groups.write({ tenantId, events: [good[1] as NewEvent], now: Date.now(), claimFor: null }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    for (const e of good) expect(await store.events.get(tenantId, e.event.id)).not.toBeNull();
    const deliveries = await store.deliveries.listForEvent(tenantId, taken.event.id);
    expect(deliveries).toHaveLength(1);
  });

  it("claims as many deliveries as the merged requests asked for, each marked on its record", async () => {
    const tenantId = tenants[1] as string;
    const webhookId = webhooks.get(tenantId) as string;
    const groups = new GroupCommit(store.events, 1);
    const now = Date.now();
    const claim = (count: number) => ({
      owner: "node-a",
      leaseUntil: now + 60_000,
      perWebhook: new Map([[webhookId, count]]),
    });
    const results = await Promise.all([
      groups.write({ tenantId, events: [event(tenantId)], now, claimFor: claim(1) }),
      groups.write({ tenantId, events: [event(tenantId)], now, claimFor: null }),
      groups.write({ tenantId, events: [event(tenantId), event(tenantId)], now, claimFor: claim(2) }),
    ]);
    const claimed = results.flat().flatMap((r) => r.deliveries.filter((d) => d.claimed));
    expect(claimed).toHaveLength(3);
    for (const delivery of claimed) {
      const record = await store.deliveries.get(tenantId, delivery.id);
      expect(record?.status).toBe("pending");
    }
  });
});

function webhook(id: string, tenantId: string): WebhookRecord {
  return {
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
  } as WebhookRecord;
}
