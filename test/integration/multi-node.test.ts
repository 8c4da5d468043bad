import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { apiCall } from "../helpers/api.js";
import { type ChildServer, freePort, spawnServer } from "../helpers/child.js";
import { eventually, Receiver } from "../helpers/receiver.js";
import { createStorage, type TestStorage } from "../helpers/stores.js";

const PG_URL = process.env.SWITCHBOARD_TEST_DATABASE_URL;
if (!PG_URL) console.warn("multi-node tests skipped: set SWITCHBOARD_TEST_DATABASE_URL to run them");

const ADMIN_KEY = "sk_admin_multi_node_test_0123456789";
const EVENTS = 5_000;
const BATCH = 500;
const PATHS = ["/a", "/b", "/c"];
const TOTAL = EVENTS * PATHS.length;

const api = apiCall;

describe.skipIf(!PG_URL)("multi-node on PostgreSQL", () => {
  let storage: TestStorage | undefined;
  let receiver: Receiver | undefined;
  const children: ChildServer[] = [];

  afterAll(async () => {
    // SIGTERM, and SIGKILL for any child that has not exited 15 s later.
    await Promise.all(
      children.map(async (c) => {
        const timer = setTimeout(() => c.process.kill("SIGKILL"), 15_000);
        await c.kill("SIGTERM");
        clearTimeout(timer);
      }),
    );
    await receiver?.close();
    await storage?.cleanup();
  });

  it("an api node and two workers deliver every pair at least once across a kill -9, never sending one delivery twice at a time", {
    timeout: 180_000,
  }, async () => {
    storage = createStorage("postgres");
    const shared: Record<string, string> = {
      SWITCHBOARD_DATABASE_URL: storage.databaseUrl as string,
      SWITCHBOARD_HOST: "127.0.0.1",
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
      SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "1",
      SWITCHBOARD_POLL_INTERVAL_MS: "200",
    };
    async function start(nodeId: string, role: "api" | "worker"): Promise<ChildServer> {
      const child = await spawnServer(
        {
          ...shared,
          SWITCHBOARD_DATA_DIR: (storage as TestStorage).dataDir,
          SWITCHBOARD_PORT: String(await freePort()),
          SWITCHBOARD_NODE_ID: nodeId,
        },
        { args: ["--role", role] },
      );
      children.push(child);
      return child;
    }

    // Per (path, webhook-id): how many requests are open right now; a second one arriving while
    // one is open is a concurrent duplicate.
    const open = new Map<string, number>();
    const counts = new Map<string, number>();
    const violations: Array<{ key: string; at: number }> = [];
    // Per path (endpoint): requests open now, and the most seen at once (reported, not asserted).
    const openPerPath = new Map<string, number>();
    const peakPerPath = new Map<string, { beforeKill: number; overall: number }>();
    let killedAt = Number.POSITIVE_INFINITY;
    receiver = await Receiver.start(async (request, response) => {
      const key = `${request.url} ${String(request.headers["webhook-id"])}`;
      const now = Date.now();
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const already = open.get(key) ?? 0;
      if (already > 0) violations.push({ key, at: now });
      open.set(key, already + 1);
      const concurrent = (openPerPath.get(request.url) ?? 0) + 1;
      openPerPath.set(request.url, concurrent);
      const peak = peakPerPath.get(request.url) ?? { beforeKill: 0, overall: 0 };
      if (now < killedAt) peak.beforeKill = Math.max(peak.beforeKill, concurrent);
      peak.overall = Math.max(peak.overall, concurrent);
      peakPerPath.set(request.url, peak);
      try {
        await new Promise((done) => setTimeout(done, 10 + Math.floor(Math.random() * 11)));
      } finally {
        open.set(key, (open.get(key) ?? 1) - 1);
        openPerPath.set(request.url, (openPerPath.get(request.url) ?? 1) - 1);
      }
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("ok");
    });
    const target = receiver.url;

    // The api node migrates the schema; the workers then join it.
    const apiNode = await start("api-1", "api");
    const worker1 = await start("worker-1", "worker");
    const worker2 = await start("worker-2", "worker");

    const tenant = await api(apiNode.url, "POST", "/v1/tenants", {
      key: ADMIN_KEY,
      body: { name: "Multi Node Firm" },
    });
    expect(tenant.status).toBe(201);
    const created = await api(apiNode.url, "POST", `/v1/tenants/${tenant.body.id}/keys`, { key: ADMIN_KEY });
    expect(created.status).toBe(201);
    const key = created.body.key as string;

    const webhookIds: string[] = [];
    for (const path of PATHS) {
      const webhook = await api(apiNode.url, "POST", "/v1/webhooks", {
        key,
        body: { url: `${target}${path}`, events: ["call.*"], retry: { schedule: [1], max_attempts: 50 } },
      });
      expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);
      webhookIds.push(webhook.body.id);
    }

    const eventIds: string[] = [];
    for (let offset = 0; offset < EVENTS; offset += BATCH) {
      const events = Array.from({ length: Math.min(BATCH, EVENTS - offset) }, (_, i) => ({
        type: "call.started",
        data: { call_id: `c${offset + i}` },
      }));
      const sent = await api(apiNode.url, "POST", "/v1/events/batch", { key, body: { events } });
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      for (const e of sent.body.data) eventIds.push(e.id);
    }
    expect(eventIds).toHaveLength(EVENTS);
    const expected = new Set(eventIds.flatMap((id) => PATHS.map((path) => `${path} ${id}`)));
    expect(expected.size).toBe(TOTAL);

    // Kill -9 one worker once about a third of the deliveries have arrived, at a moment when it
    // holds claimed deliveries (so its leases must expire and be taken over). Meanwhile, note which
    // nodes hold leases, to know both workers really shared the work (else (2) proves nothing).
    const schema = new URL(storage.databaseUrl as string).searchParams.get("schema") as string;
    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    const leaseOwners = new Set<string>();
    let receivedAtKill = 0;
    let distinctAtKill = 0;
    let leasesAtKill = 0;
    // The (path, event) pairs the killed worker held: another node must send them within 15 s.
    let heldByDead: string[] = [];
    try {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const held = await db.query<{ lease_owner: string; n: string }>(
          `select lease_owner, count(*) as n from "${schema}".deliveries
           where status = 'pending' and lease_owner is not null group by lease_owner`,
        );
        for (const row of held.rows) leaseOwners.add(row.lease_owner);
        const mine = Number(held.rows.find((row) => row.lease_owner === "worker-1")?.n ?? 0);
        if (receiver.requests.length >= TOTAL / 3 && mine > 0) {
          worker1.process.kill("SIGKILL");
          killedAt = Date.now();
          receivedAtKill = receiver.requests.length;
          distinctAtKill = counts.size;
          leasesAtKill = mine;
          const dead = await db.query<{ event_id: string; webhook_id: string }>(
            `select event_id, webhook_id from "${schema}".deliveries
             where status = 'pending' and lease_owner = 'worker-1'`,
          );
          heldByDead = dead.rows.map((r) => `${PATHS[webhookIds.indexOf(r.webhook_id)]} ${r.event_id}`);
          break;
        }
        if (Date.now() > deadline)
          throw new Error(`no kill moment found; ${receiver.requests.length} received`);
        await new Promise((done) => setTimeout(done, 2));
      }
    } finally {
      await db.end();
    }
    expect(await worker1.exited).toBe("SIGKILL");
    expect([...leaseOwners].sort()).toEqual(["worker-1", "worker-2"]);

    // With the default lease, the surviving worker takes over the dead one's claims within 15 s.
    await eventually(async () => heldByDead.every((k) => counts.has(k)), 60_000);
    const takeoverMs = Date.now() - killedAt;
    expect(heldByDead.length).toBeGreaterThan(0);
    expect(takeoverMs, "the dead worker's deliveries were sent within 15 s of the kill").toBeLessThanOrEqual(
      15_000,
    );

    // The surviving worker finishes everything, including the dead worker's leased deliveries.
    await eventually(async () => [...expected].every((k) => counts.has(k)), 90_000);
    for (const k of expected) expect(counts.has(k), k).toBe(true);
    expect([...counts.keys()].filter((k) => !expected.has(k))).toEqual([]);

    // Nothing is left pending (waiting or in flight) in the store.
    for (const webhookId of webhookIds) {
      await eventually(async () => {
        const pending = await api(
          apiNode.url,
          "GET",
          `/v1/webhooks/${webhookId}/deliveries?status=pending&limit=1`,
          {
            key,
          },
        );
        return pending.status === 200 && pending.body.data.length === 0;
      }, 30_000);
    }

    const requests = receiver.requests.length;
    const duplicates = requests - counts.size;
    const duplicatesBeforeKill = receivedAtKill - distinctAtKill;
    const whileBothAlive = violations.filter((v) => v.at < killedAt);
    console.log(
      `multi-node: ${requests} requests for ${counts.size} pairs; ${duplicates} duplicates ` +
        `(${duplicatesBeforeKill} before the kill at ${receivedAtKill} requests); ` +
        `${violations.length} concurrent duplicates (${whileBothAlive.length} while both workers were alive); ` +
        `worker-1 held ${leasesAtKill} leases when killed, all sent again ${takeoverMs} ms after; peak requests open at once per endpoint: ` +
        JSON.stringify(Object.fromEntries(peakPerPath)),
    );

    // Two live workers never send the same delivery at the same time.
    expect(whileBothAlive).toEqual([]);
    // Duplicates come only from the killed worker's attempts that were sent and not yet on record:
    // its in-flight ones and at most twice its concurrency (2 × 256) waiting for the store's writer.
    expect(duplicates).toBeLessThanOrEqual(1_000);

    // The survivors shut down gracefully.
    expect(await worker2.kill("SIGTERM")).toBe(0);
    expect(await apiNode.kill("SIGTERM")).toBe(0);
  });
});
