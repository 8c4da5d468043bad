/**
 * The Store's contract, written against its interface only and run on every store (SQLite, and
 * PostgreSQL when configured). The claim protocol has its own file (store-claims.test.ts), as do
 * jobs (store-jobs.test.ts); this one holds ingest, ordering and pagination.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateId } from "../../src/domain/ids.js";
import { type EventRecord, type NewEvent, openStore, type Page, type Store } from "../../src/store/index.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

describe.each(storeKinds())("store conformance on %s", (kind) => {
  let storage: TestStorage;
  let store: Store;

  beforeAll(async () => {
    storage = createStorage(kind);
    store = await openStore({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir, pgPoolSize: 8 });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await storage?.cleanup();
  });

  async function tenant(): Promise<string> {
    const id = generateId("ten_");
    await store.tenants.create({ id, name: "Conformance", timezone: "UTC", created_at: Date.now() });
    return id;
  }

  async function target(tenantId: string, kindName = "webhook", enabled = true): Promise<string> {
    const id = generateId(kindName === "webhook" ? "wh_" : "dst_");
    await store.targets.create({
      id,
      tenant_id: tenantId,
      kind: kindName,
      target_config: kindName === "webhook" ? null : "x",
      url: "https://example.com",
      description: "",
      enabled,
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
      created_at: Date.now(),
      updated_at: Date.now(),
    });
    return id;
  }

  function newEvent(tenantId: string, targets: string[], idempotencyKey: string | null = null): NewEvent {
    const now = Date.now();
    const event: EventRecord = {
      id: generateId("evt_"),
      tenant_id: tenantId,
      type: "call.ended",
      data: { call_id: "call_1" },
      campaign_id: null,
      case_type: null,
      idempotency_key: idempotencyKey,
      occurred_at: now,
      created_at: now,
    };
    return {
      event,
      deliveries: targets.map((webhookId) => ({
        id: generateId("dlv_"),
        webhookId,
        hold: null,
        claimed: false,
      })),
    };
  }

  /** Every item of a list, page by page, checking each page's size and the cursor's end. */
  async function readAll<T>(
    list: (cursor: string | undefined) => Promise<Page<T>>,
    limit: number,
  ): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 1_000; pages++) {
      const page = await list(cursor);
      expect(page.data.length).toBeLessThanOrEqual(limit);
      all.push(...page.data);
      if (page.next_cursor === null) return all;
      expect(page.data.length).toBe(limit);
      cursor = page.next_cursor;
    }
    throw new Error("the cursor never ended");
  }

  it("stores an event once for one idempotency key, whatever the concurrency", async () => {
    const tenantId = await tenant();
    const webhook = await target(tenantId);
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.events.ingest(tenantId, [newEvent(tenantId, [webhook], "same")], now, null),
      ),
    );
    const ids = new Set(results.map((r) => r[0]?.event.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r[0]?.duplicate === false)).toHaveLength(1);
    const [eventId] = [...ids];
    expect(await store.deliveries.listForEvent(tenantId, eventId as string)).toHaveLength(1);
    const other = await tenant();
    const elsewhere = await store.events.ingest(other, [newEvent(other, [], "same")], now, null);
    expect(elsewhere[0]?.duplicate).toBe(false);
  });

  it("an event and its deliveries are stored together, and a failed batch stores nothing", async () => {
    const tenantId = await tenant();
    const webhook = await target(tenantId);
    const good = newEvent(tenantId, [webhook]);
    const clash = newEvent(tenantId, [webhook]);
    // The second event reuses a delivery id: the batch's transaction must fail whole.
    const reused = good.deliveries[0]?.id as string;
    clash.deliveries = [{ id: reused, webhookId: webhook, hold: null, claimed: false }];
    await expect(store.events.ingest(tenantId, [good, clash], Date.now(), null)).rejects.toThrow();
    expect(await store.events.get(tenantId, good.event.id)).toBeNull();
    expect(await store.deliveries.get(tenantId, reused)).toBeNull();
  });

  it("pages through events, deliveries, targets and tenants newest first without gaps or repeats", async () => {
    const tenantId = await tenant();
    const webhooks = [await target(tenantId), await target(tenantId), await target(tenantId)];
    await target(tenantId, "email");
    const stored: string[] = [];
    for (let i = 0; i < 23; i++) {
      const [result] = await store.events.ingest(tenantId, [newEvent(tenantId, webhooks)], Date.now(), null);
      stored.push(result?.event.id as string);
    }
    const events = await readAll((cursor) => store.events.list(tenantId, { limit: 5, cursor }), 5);
    expect(events.map((e) => e.id)).toEqual([...stored].reverse());

    const deliveries = await readAll(
      (cursor) => store.deliveries.list(tenantId, { limit: 7, cursor, webhookId: webhooks[1] }),
      7,
    );
    expect(deliveries).toHaveLength(23);
    expect(new Set(deliveries.map((d) => d.id)).size).toBe(23);
    expect(deliveries.every((d) => d.webhook_id === webhooks[1])).toBe(true);
    expect(deliveries.map((d) => d.id)).toEqual(
      deliveries
        .map((d) => d.id)
        .sort()
        .reverse(),
    );

    const listed = await readAll(
      (cursor) => store.targets.list(tenantId, { limit: 2, cursor, kind: "webhook" }),
      2,
    );
    expect(listed.map((w) => w.id)).toEqual([...webhooks].reverse());

    const tenants = await readAll((cursor) => store.tenants.list({ limit: 3, cursor }), 3);
    expect(tenants.map((t) => t.id)).toContain(tenantId);
    expect(new Set(tenants.map((t) => t.id)).size).toBe(tenants.length);
  });

  it("one tenant's reads never return another tenant's records", async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const webhook = await target(theirs);
    const [result] = await store.events.ingest(theirs, [newEvent(theirs, [webhook])], Date.now(), null);
    const eventId = result?.event.id as string;
    const deliveryId = result?.deliveries[0]?.id as string;
    expect(await store.events.get(mine, eventId)).toBeNull();
    expect(await store.deliveries.get(mine, deliveryId)).toBeNull();
    expect(await store.deliveries.listForEvent(mine, eventId)).toEqual([]);
    expect(await store.targets.get(mine, webhook)).toBeNull();
    expect((await store.events.list(mine, { limit: 50 })).data).toEqual([]);
    expect(await store.deliveries.retry(mine, deliveryId, Date.now())).toBeNull();
  });

  it("routing candidates are the enabled, undeleted targets of every kind", async () => {
    const tenantId = await tenant();
    const webhook = await target(tenantId);
    const email = await target(tenantId, "email");
    await target(tenantId, "webhook", false);
    const deleted = await target(tenantId);
    await store.targets.delete(tenantId, deleted, Date.now());
    const enabled = await store.targets.listEnabled(tenantId);
    expect(enabled.map((t) => t.id).sort()).toEqual([webhook, email].sort());
  });

  it("claims in due order and hands each due delivery to one claim", async () => {
    const tenantId = await tenant();
    const webhook = await target(tenantId);
    // Long ago, so no other test's deliveries (due at their own "now") are due at `base`.
    const base = 1_000_000_000;
    const ids: string[] = [];
    // Stored newest-due first, so due order is not insertion order.
    for (let i = 0; i < 6; i++) {
      const [result] = await store.events.ingest(
        tenantId,
        [newEvent(tenantId, [webhook])],
        base - i * 1000,
        null,
      );
      ids.push(result?.deliveries[0]?.id as string);
    }
    // The four due longest are taken (in whatever order the statement returns them).
    const first = await store.queue.claimDue("node-a", base, base + 60_000, 4);
    expect(first.map((d) => d.id).sort()).toEqual([...ids].reverse().slice(0, 4).sort());
    const rest = await store.queue.claimDue("node-b", base, base + 60_000, 10);
    expect(rest.map((d) => d.id).sort()).toEqual([...ids].reverse().slice(4).sort());
    expect(await store.queue.claimDue("node-c", base, base + 60_000, 10)).toEqual([]);
  });
});
