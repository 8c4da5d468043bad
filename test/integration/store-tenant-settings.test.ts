/**
 * The tenant settings repository and what intake needs from the store, on every store: settings
 * documents compare-and-set on their version, jobs an event carries commit (or not) with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateId } from "../../src/domain/ids.js";
import { TenantSettings } from "../../src/records/settings.js";
import { type NewJob, openStore, type Store } from "../../src/store/index.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

describe.each(storeKinds())("tenant settings store on %s", (kind) => {
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
    await store.tenants.create({ id, name: "Settings", timezone: "UTC", created_at: Date.now() });
    return id;
  }

  it("reads nothing stored as version 0 and stores each write as the next version", async () => {
    const id = await tenant();
    expect(await store.tenantSettings.get(id)).toEqual({ document: null, version: 0 });
    expect(await store.tenantSettings.put(id, { a: 1 }, 0, Date.now())).toBe(true);
    expect(await store.tenantSettings.get(id)).toEqual({ document: { a: 1 }, version: 1 });
    expect(await store.tenantSettings.put(id, { a: 2 }, 1, Date.now())).toBe(true);
    expect(await store.tenantSettings.get(id)).toEqual({ document: { a: 2 }, version: 2 });
  });

  it("lets one of two writers of the same version win, first save included", async () => {
    const id = await tenant();
    const first = await Promise.all([
      store.tenantSettings.put(id, { by: "a" }, 0, Date.now()),
      store.tenantSettings.put(id, { by: "b" }, 0, Date.now()),
    ]);
    expect(first.filter(Boolean)).toHaveLength(1);
    const next = await Promise.all([
      store.tenantSettings.put(id, { by: "c" }, 1, Date.now()),
      store.tenantSettings.put(id, { by: "d" }, 1, Date.now()),
    ]);
    expect(next.filter(Boolean)).toHaveLength(1);
    expect((await store.tenantSettings.get(id)).version).toBe(2);
    // Another tenant's document is its own.
    expect(await store.tenantSettings.get(await tenant())).toEqual({ document: null, version: 0 });
  });

  it("keeps both of two concurrent settings changes (the service retries on the new version)", async () => {
    const id = await tenant();
    const settings = new TenantSettings(store);
    await Promise.all([
      settings.update(id, (s) => ({ ...s, records: { ...s.records, default_region: "GB" } })),
      settings.update(id, (s) => ({ ...s, custom_fields: { ...s.custom_fields, cases: [] } })),
      settings.update(id, (s) => ({ ...s, records: { ...s.records, intake_from_calls: true } })),
    ]);
    const fresh = new TenantSettings(store);
    expect((await fresh.get(id)).records).toEqual({ intake_from_calls: true, default_region: "GB" });
  });

  it("enqueues an event's jobs in the event's transaction, and none for a duplicate", async () => {
    const id = await tenant();
    const job = (key: string): NewJob => ({
      tenant_id: id,
      kind: "intake",
      payload: { call_id: key },
      run_at: Date.now(),
      max_attempts: 5,
      unique_key: `intake:${id}:${key}`,
      schedule: null,
    });
    const event = (key: string | null) => ({
      id: generateId("evt_"),
      tenant_id: id,
      type: "call.ended",
      data: { call_id: "c1" },
      campaign_id: null,
      case_type: null,
      idempotency_key: key,
      occurred_at: Date.now(),
      created_at: Date.now(),
    });
    await store.events.ingest(
      id,
      [{ event: event("k1"), deliveries: [], jobs: [job("c1")] }],
      Date.now(),
      null,
    );
    // The same idempotency key: the first event stands, no second job.
    await store.events.ingest(
      id,
      [{ event: event("k1"), deliveries: [], jobs: [job("c2")] }],
      Date.now(),
      null,
    );
    // The same call again while its job waits: one job.
    await store.events.ingest(
      id,
      [{ event: event(null), deliveries: [], jobs: [job("c1")] }],
      Date.now(),
      null,
    );
    const jobs = await store.jobs.list(id, { limit: 10 });
    expect(jobs.data.map((j) => j.payload)).toEqual([{ call_id: "c1" }]);
  });

  it("counts undeleted cases by type and status and finds a case by its call", async () => {
    const id = await tenant();
    const now = Date.now();
    const clientId = generateId("cli_");
    const outbox = { events: [], claimFor: null };
    await store.clients.create(
      {
        id: clientId,
        tenant_id: id,
        first_name: "A",
        last_name: null,
        phones: [],
        emails: [],
        addresses: [],
        date_of_birth: null,
        preferred_language: null,
        opt_out: false,
        custom_fields: {},
        external_ids: {},
        source: null,
        version: 1,
        created_at: now,
        updated_at: now,
      },
      outbox,
    );
    const kase = (caseType: string | null, status: string, callId: string | null) => ({
      id: generateId("cas_"),
      tenant_id: id,
      client_id: clientId,
      case_type: caseType,
      status,
      substatus: null,
      title: null,
      description: null,
      incident_date: null,
      campaign_id: null,
      call_id: callId,
      custom_fields: {},
      external_ids: {},
      source: null,
      version: 1,
      created_at: now,
      updated_at: now,
    });
    const first = kase("auto", "signed", "call_1");
    for (const c of [first, kase("auto", "signed", null), kase(null, "new_lead", null)]) {
      await store.cases.create(c, outbox);
    }
    const gone = kase("auto", "closed", "call_2");
    await store.cases.create(gone, outbox);
    await store.cases.delete(id, gone.id, 1, now, outbox);
    const usage = await store.cases.countByTypeAndStatus(id);
    expect(usage.sort((a, b) => a.status.localeCompare(b.status))).toEqual([
      { case_type: null, status: "new_lead", count: 1 },
      { case_type: "auto", status: "signed", count: 2 },
    ]);
    expect((await store.cases.findByCallId(id, "call_1"))?.id).toBe(first.id);
    expect(await store.cases.findByCallId(id, "call_2")).toBeNull();
    expect(await store.cases.findByCallId(await tenant(), "call_1")).toBeNull();
  });
});
