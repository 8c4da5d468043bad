import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type RunningServer, startServer } from "../../src/server.js";
import { apiCall } from "../helpers/api.js";
import { eventually, Receiver } from "../helpers/receiver.js";
import { createStorage, type TestStorage } from "../helpers/stores.js";

const PG_URL = process.env.SWITCHBOARD_TEST_DATABASE_URL;
if (!PG_URL) console.warn("multi-node ordering test skipped: set SWITCHBOARD_TEST_DATABASE_URL to run it");

const ADMIN_KEY = "sk_admin_ordering_multi_node_0123456789";
const KEYS = 60;
const PER_KEY = 8;

describe.skipIf(!PG_URL)("per-key ordering across nodes on PostgreSQL", () => {
  let storage: TestStorage | undefined;
  let receiver: Receiver | undefined;
  const nodes: RunningServer[] = [];

  afterAll(async () => {
    for (const node of nodes) await node.stop().catch(() => {});
    await receiver?.close();
    await storage?.cleanup();
  });

  it("two nodes ingesting and delivering the same keys never send two of one key at once, and send each key in event order", {
    timeout: 180_000,
  }, async () => {
    storage = createStorage("postgres");
    const masterKey = randomBytes(32).toString("base64");
    const start = async (nodeId: string) => {
      const config = loadConfig({
        SWITCHBOARD_DATA_DIR: (storage as TestStorage).dataDir,
        SWITCHBOARD_DATABASE_URL: (storage as TestStorage).databaseUrl as string,
        SWITCHBOARD_PORT: "0",
        SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
        SWITCHBOARD_MASTER_KEY: masterKey,
        SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "1",
        SWITCHBOARD_POLL_INTERVAL_MS: "100",
        SWITCHBOARD_BREAKER_THRESHOLD: "10000",
        SWITCHBOARD_NODE_ID: nodeId,
        SWITCHBOARD_LOG_LEVEL: "silent",
      });
      const node = await startServer(config, "all", pino({ level: "silent" }));
      nodes.push(node);
      return node;
    };

    // Per key: requests open now (a second one while one is open breaks the rule), and the
    // sequence numbers as they arrived. One attempt in eight fails, so keys hold while retrying.
    const open = new Map<string, number>();
    const arrived = new Map<string, number[]>();
    let overlaps = 0;
    let answered = 0;
    receiver = await Receiver.start(async (request, response) => {
      const { data } = JSON.parse(request.body) as { data: { call_id: string; seq: number } };
      const now = (open.get(data.call_id) ?? 0) + 1;
      if (now > 1) overlaps++;
      open.set(data.call_id, now);
      arrived.set(data.call_id, [...(arrived.get(data.call_id) ?? []), data.seq]);
      await new Promise((done) => setTimeout(done, 5 + Math.floor(Math.random() * 20)));
      open.set(data.call_id, (open.get(data.call_id) ?? 1) - 1);
      answered++;
      if (answered % 8 === 0) {
        response.writeHead(503);
        response.end("busy");
      }
    });

    const a = await start("ordering-a");
    const b = await start("ordering-b");
    const tenant = await apiCall(a.url ?? "", "POST", "/v1/tenants", {
      key: ADMIN_KEY,
      body: { name: "Two Node Firm" },
    });
    const created = await apiCall(a.url ?? "", "POST", `/v1/tenants/${tenant.body.id}/keys`, {
      key: ADMIN_KEY,
    });
    const key = created.body.key as string;
    const webhook = await apiCall(a.url ?? "", "POST", "/v1/webhooks", {
      key,
      body: {
        url: `${receiver.url}/ordered`,
        events: ["call.*"],
        ordering: "per_key",
        retry: { schedule: [1], max_attempts: 50 },
      },
    });
    expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);

    // Every key's events go one after the other, alternately through each node (so both ingest,
    // pre-claim and deliver the same keys); the keys go in parallel.
    await Promise.all(
      Array.from({ length: KEYS }, async (_, k) => {
        for (let seq = 1; seq <= PER_KEY; seq++) {
          const node = seq % 2 === 0 ? a : b;
          const sent = await apiCall(node.url ?? "", "POST", "/v1/events", {
            key,
            body: { type: "call.started", data: { call_id: `call_${k}`, seq } },
          });
          expect(sent.status, JSON.stringify(sent.body)).toBe(202);
        }
      }),
    );

    const succeeded = async () => {
      const counted = await nodes[0]?.store.deliveries.list(tenant.body.id, {
        limit: KEYS * PER_KEY + 1,
        status: "succeeded",
      });
      return counted?.data.length === KEYS * PER_KEY;
    };
    await eventually(succeeded, 150_000);
    expect(overlaps).toBe(0);
    for (let k = 0; k < KEYS; k++) {
      const seqs = arrived.get(`call_${k}`) ?? [];
      // A failed attempt is sent again before the next of its key: arrivals never go back.
      expect(
        seqs.every((seq, i) => i === 0 || seq >= (seqs[i - 1] ?? 0)),
        `call_${k}: ${seqs}`,
      ).toBe(true);
      expect([...new Set(seqs)]).toEqual(Array.from({ length: PER_KEY }, (_, i) => i + 1));
    }
  });
});
