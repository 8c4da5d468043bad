/**
 * The merge and timeline repositories on every store: a merge that loses a race writes nothing at
 * all (cases already moved in its transaction included), and timelines find events by the link
 * columns filled at ingest.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateId } from "../../src/domain/ids.js";
import { emptyCase } from "../../src/domain/records/case.js";
import { type ClientFields, EMPTY_CLIENT } from "../../src/domain/records/client.js";
import {
  type CaseRecord,
  type ClientRecord,
  type EventRecord,
  openStore,
  type RecordOutbox,
  type Store,
} from "../../src/store/index.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

const NO_EVENTS: RecordOutbox = { events: [], claimFor: null };

describe.each(storeKinds())("client merges and timelines in the store on %s", (kind) => {
  let storage: TestStorage;
  let store: Store;
  let tenantId: string;

  beforeAll(async () => {
    storage = createStorage(kind);
    store = await openStore({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir, pgPoolSize: 4 });
    await store.migrate();
    tenantId = generateId("ten_");
    await store.tenants.create({ id: tenantId, name: "Merges", timezone: "UTC", created_at: Date.now() });
  });
  afterAll(async () => {
    await store?.close();
    await storage?.cleanup();
  });

  async function client(fields: Partial<ClientFields>): Promise<ClientRecord> {
    const now = Date.now();
    const record: ClientRecord = {
      id: generateId("cli_"),
      tenant_id: tenantId,
      ...EMPTY_CLIENT,
      ...fields,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await store.clients.create(record, NO_EVENTS);
    return record;
  }

  async function caseOf(clientId: string): Promise<CaseRecord> {
    const now = Date.now();
    const record: CaseRecord = {
      id: generateId("cas_"),
      tenant_id: tenantId,
      ...emptyCase(clientId),
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await store.cases.create(record, NO_EVENTS);
    return record;
  }

  function event(type: string, data: Record<string, unknown>): EventRecord {
    const now = Date.now();
    return {
      id: generateId("evt_"),
      tenant_id: tenantId,
      type,
      data,
      campaign_id: null,
      case_type: null,
      idempotency_key: null,
      occurred_at: now,
      created_at: now,
    };
  }

  it("writes nothing when a source moved past the version read, though its cases were moved first", async () => {
    const target = await client({ first_name: "Target" });
    const source = await client({ phones: [{ number: "+13125550111", type: "other" }] });
    const theCase = await caseOf(source.id);
    const now = Date.now();
    const result = await store.clientMerges.merge(
      {
        target: { ...target, phones: source.phones, version: 2, updated_at: now },
        expectedVersion: 1,
        sources: [{ id: source.id, version: 7 }],
        cases: [
          { record: { ...theCase, client_id: target.id, version: 2, updated_at: now }, expectedVersion: 1 },
        ],
      },
      {
        events: [{ event: event("client.merged", { surviving_client_id: target.id }), deliveries: [] }],
        claimFor: null,
      },
    );
    expect(result).toBeNull();
    expect(await store.cases.get(tenantId, theCase.id)).toMatchObject({ client_id: source.id, version: 1 });
    expect(await store.clients.get(tenantId, target.id)).toMatchObject({ version: 1, phones: [] });
    expect(await store.clients.get(tenantId, source.id)).toMatchObject({ version: 1 });
    const byPhone = await store.clients.list(tenantId, { limit: 10, phone: "+13125550111" });
    expect(byPhone.data.map((c) => c.id)).toEqual([source.id]);
    const timeline = await store.timeline.forClient(
      tenantId,
      { clientId: target.id, phones: [] },
      { limit: 10 },
    );
    expect(timeline.data).toEqual([]);
  });

  it("writes nothing when a source has a case the merge does not move", async () => {
    const target = await client({});
    const source = await client({});
    await caseOf(source.id);
    const result = await store.clientMerges.merge(
      {
        target: { ...target, version: 2, updated_at: Date.now() },
        expectedVersion: 1,
        sources: [{ id: source.id, version: 1 }],
        cases: [],
      },
      NO_EVENTS,
    );
    expect(result).toBeNull();
    expect(await store.clients.get(tenantId, source.id)).not.toBeNull();
  });

  it("finds duplicates by shared contacts, newest first, within the tenant", async () => {
    const a = await client({
      phones: [{ number: "+13125550122", type: "mobile" }],
      emails: ["a@example.com"],
    });
    const b = await client({ emails: ["a@example.com"] });
    const c = await client({
      phones: [{ number: "+13125550122", type: "other" }],
      emails: ["a@example.com"],
    });
    const found = await store.clientMerges.duplicates(tenantId, a, 50);
    expect(found.map((d) => [d.client.id, d.matched_on])).toEqual([
      [c.id, ["phone", "email"]],
      [b.id, ["email"]],
    ]);
    expect(await store.clientMerges.duplicates(tenantId, a, 1)).toHaveLength(1);
    expect(await store.clientMerges.duplicates("ten_other", a, 50)).toEqual([]);
    expect(
      await store.clientMerges.duplicates(tenantId, { id: "cli_x", phones: [], emails: [] }, 50),
    ).toEqual([]);
  });

  it("reads a client's timeline by id and by each number, once per event, newest first, by cursor", async () => {
    const me = await client({});
    const events = [
      event("call.ended", { call_id: "c1", from_number: "+13125550133" }),
      event("client.updated", { client_id: me.id }),
      event("call.ended", { call_id: "c2", direction: "outbound", to_number: "+13125550144" }),
      // Both by id and by number: listed once.
      event("sms.received", { client_id: me.id, from_number: "+13125550133" }),
      event("call.ended", { call_id: "c3", from_number: "+13125550199" }),
    ];
    await store.events.ingest(
      tenantId,
      events.map((e) => ({ event: e, deliveries: [] })),
      Date.now(),
      null,
    );
    const link = { clientId: me.id, phones: ["+13125550133", "+13125550144"] };
    const expected = events
      .slice(0, 4)
      .map((e) => e.id)
      .reverse();
    const all = await store.timeline.forClient(tenantId, link, { limit: 10 });
    expect(all.data.map((e) => e.id)).toEqual(expected);
    expect(all.next_cursor).toBeNull();
    const first = await store.timeline.forClient(tenantId, link, { limit: 3 });
    expect(first.data.map((e) => e.id)).toEqual(expected.slice(0, 3));
    expect(first.next_cursor).toBe(expected[2]);
    const rest = await store.timeline.forClient(tenantId, link, {
      limit: 3,
      cursor: first.next_cursor ?? "",
    });
    expect(rest.data.map((e) => e.id)).toEqual(expected.slice(3));
    expect(rest.next_cursor).toBeNull();
    expect((await store.timeline.forClient("ten_other", link, { limit: 10 })).data).toEqual([]);
  });
});
