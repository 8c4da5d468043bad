import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrmConnectors } from "../../src/integrations/crm/sync/connections.js";
import { CrmSync } from "../../src/integrations/crm/sync/index.js";
import type { Records } from "../../src/records/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two nodes over one store: a connection's pulls and initial sync (separate jobs, claimed by
 * whichever node is free) never read the CRM at the same time, and a dead node's lease runs out.
 */
describe.each(storeKinds())("CRM sync lease across nodes on %s", (kind) => {
  let storage: TestStorage;
  let stores: Store[];

  beforeAll(async () => {
    storage = createStorage(kind);
    const open = () =>
      openStore({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir, pgPoolSize: 4 });
    const first = await open();
    await first.migrate();
    stores = [first, await open()];
  });
  afterAll(async () => {
    for (const store of stores ?? []) await store.close();
    await storage?.cleanup();
  });

  /** A node's CrmSync: only its store and name matter to `exclusive`. */
  const node = (store: Store, owner: string, leaseMs = 30_000) =>
    new CrmSync(
      store,
      {} as unknown as CrmConnectors,
      {} as unknown as Records,
      async () => {},
      owner,
      leaseMs,
    );

  it("runs one connection's syncs one at a time across two nodes, and other connections alongside", {
    timeout: 60_000,
  }, async () => {
    const [a, b] = [node(stores[0] as Store, "node-a"), node(stores[1] as Store, "node-b")];
    let active = 0;
    let most = 0;
    const ran: string[] = [];
    const sync = (who: CrmSync, name: string) =>
      who.exclusive("crm_shared", async () => {
        active++;
        most = Math.max(most, active);
        await sleep(150);
        ran.push(name);
        active--;
      });
    let other = false;
    await Promise.all([
      sync(a, "a1"),
      sync(b, "b1"),
      sync(a, "a2"),
      sync(b, "b2"),
      b.exclusive("crm_other", async () => {
        other = true;
      }),
    ]);
    expect(most).toBe(1);
    expect(ran.sort()).toEqual(["a1", "a2", "b1", "b2"]);
    expect(other).toBe(true);
  });

  it("takes over a connection whose node died once its lease has run out", { timeout: 60_000 }, async () => {
    const now = Date.now();
    expect(await (stores[0] as Store).crm.acquireSyncLease("crm_orphan", "dead-node", now, now + 800)).toBe(
      true,
    );
    // Held: nobody else gets it before it expires.
    expect(await (stores[1] as Store).crm.acquireSyncLease("crm_orphan", "node-b", now + 1, now + 801)).toBe(
      false,
    );
    const b = node(stores[1] as Store, "node-b", 800);
    const started = Date.now();
    await b.exclusive("crm_orphan", async () => {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    // Given back afterwards.
    const later = Date.now();
    expect(
      await (stores[0] as Store).crm.acquireSyncLease("crm_orphan", "node-a", later, later + 1_000),
    ).toBe(true);
  });
});
