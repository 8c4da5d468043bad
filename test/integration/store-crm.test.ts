/**
 * The CRM repository on every store: links unique both ways, checkpoints, runs with their
 * details, connections listed only while their target lives.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMPTY_MAPPINGS } from "../../src/domain/crm/mappings.js";
import { DEFAULT_CRM_SETTINGS } from "../../src/domain/crm/settings.js";
import { generateId } from "../../src/domain/ids.js";
import { newRun } from "../../src/integrations/crm/sync/index.js";
import { type CrmLink, openStore, type Store, type WebhookRecord } from "../../src/store/index.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

describe.each(storeKinds())("CRM store on %s", (kind) => {
  let storage: TestStorage;
  let store: Store;
  let tenantId: string;

  beforeAll(async () => {
    storage = createStorage(kind);
    store = await openStore({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir, pgPoolSize: 8 });
    await store.migrate();
    tenantId = generateId("ten_");
    await store.tenants.create({ id: tenantId, name: "CRM", timezone: "UTC", created_at: Date.now() });
  });
  afterAll(async () => {
    await store?.close();
    await storage?.cleanup();
  });

  async function connection(): Promise<string> {
    const id = generateId("crm_");
    const now = Date.now();
    const target: WebhookRecord = {
      id,
      tenant_id: tenantId,
      kind: "crm",
      target_config: "enc",
      url: "https://firm.example",
      description: "CRM",
      enabled: true,
      disabled_reason: null,
      events: ["case.updated"],
      campaign_id: null,
      filters: {},
      method: "POST",
      headers: {},
      auth: "enc",
      app_key: null,
      body: { format: "json" },
      timeout_ms: 15_000,
      retry: {},
      success: {},
      max_in_flight: 4,
      rate_limit_per_s: null,
      signature_header: null,
      hold: null,
      secret: "enc",
      previous_secret: null,
      previous_secret_expires_at: null,
      created_at: now,
      updated_at: now,
    };
    await store.crm.create(target, {
      id,
      tenant_id: tenantId,
      provider: "lawruler",
      name: "LawRuler",
      settings: DEFAULT_CRM_SETTINGS,
      mappings: EMPTY_MAPPINGS,
      schema: null,
      schema_loaded_at: null,
      schema_error: null,
      consecutive_failures: 0,
      last_sync_at: null,
      created_at: now,
      updated_at: now,
    });
    return id;
  }

  const link = (connectionId: string, platformId: string, crmId: string): CrmLink => ({
    connection_id: connectionId,
    object: "case",
    platform_id: platformId,
    crm_id: crmId,
    platform_hash: "p",
    crm_hash: "c",
    synced_at: 1_000,
  });

  it("keeps links unique both ways: relinking either side drops the old pair", async () => {
    const id = await connection();
    await store.crm.saveLink(link(id, "cas_a", "100"));
    await store.crm.saveLink(link(id, "cas_b", "200"));
    // cas_a now links to 200, which cas_b held.
    await store.crm.saveLink(link(id, "cas_a", "200"));
    expect(await store.crm.getLink(id, "case", "cas_b")).toBeNull();
    expect(await store.crm.getLinkByCrmId(id, "case", "100")).toBeNull();
    expect(await store.crm.getLinkByCrmId(id, "case", "200")).toMatchObject({ platform_id: "cas_a" });
    expect(await store.crm.countLinks(id)).toBe(1);
    // Another connection may link the same records.
    const other = await connection();
    await store.crm.saveLink(link(other, "cas_a", "200"));
    expect(await store.crm.countLinks(id)).toBe(1);
  });

  it("pages links by platform id", async () => {
    const id = await connection();
    for (const n of [3, 1, 2]) await store.crm.saveLink(link(id, `cas_${n}`, String(n)));
    const first = await store.crm.listLinks(id, { limit: 2 });
    expect(first.data.map((l) => l.platform_id)).toEqual(["cas_1", "cas_2"]);
    const rest = await store.crm.listLinks(id, { limit: 2, cursor: first.next_cursor ?? undefined });
    expect(rest).toEqual({
      data: [expect.objectContaining({ platform_id: "cas_3", synced_at: 1_000 })],
      next_cursor: null,
    });
  });

  it("saves and replaces checkpoints per (connection, object)", async () => {
    const id = await connection();
    expect(await store.crm.getCheckpoint(id, "case")).toBeNull();
    await store.crm.saveCheckpoint(id, "case", { since: null, cursor: "page-2" }, 1);
    await store.crm.saveCheckpoint(id, "case", { since: "2026-01-01T00:00:00.000Z", cursor: null }, 2);
    expect(await store.crm.getCheckpoint(id, "case")).toEqual({
      since: "2026-01-01T00:00:00.000Z",
      cursor: null,
    });
    expect(await store.crm.getCheckpoint(id, "client")).toBeNull();
  });

  it("stores runs with their errors and conflicts, newest first", async () => {
    const id = await connection();
    const first = newRun({ id, tenant_id: tenantId }, "initial", 1_000);
    await store.crm.createRun(first);
    const second = newRun({ id, tenant_id: tenantId }, "incremental", 2_000);
    await store.crm.createRun(second);
    second.status = "succeeded";
    second.finished_at = 2_500;
    second.pulled = 3;
    second.errors.push({
      object: "case",
      platform_id: null,
      crm_id: "9",
      message: "m",
      vendor_message: "v",
      at: 2_100,
    });
    second.conflict_list.push({
      object: "case",
      platform_id: "cas_1",
      crm_id: "9",
      winner: "crm",
      at: 2_200,
    });
    await store.crm.saveRun(second);
    const runs = await store.crm.listRuns(id, { limit: 10 });
    expect(runs.data.map((r) => r.id)).toEqual([second.id, first.id]);
    expect(runs.data[0]).toEqual(second);
  });

  it("lists a connection only while its target is not deleted", async () => {
    const id = await connection();
    expect(await store.crm.get(tenantId, id)).not.toBeNull();
    await store.targets.delete(tenantId, id, Date.now());
    expect(await store.crm.get(tenantId, id)).toBeNull();
    expect((await store.crm.list(tenantId, { limit: 200 })).data.some((c) => c.id === id)).toBe(false);
    expect(await store.crm.getById(id)).not.toBeNull();
  });
});
