import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { apiCall, type Json } from "../helpers/api.js";
import { type ChildServer, freePort, spawnServer } from "../helpers/child.js";
import { eventually, Receiver } from "../helpers/receiver.js";
import { createStorage, storeKinds, type TestStorage } from "../helpers/stores.js";

const ADMIN_KEY = "sk_admin_crash_test_0123456789";
const EVENTS = 2_000;
const BATCH = 500;

const api = apiCall;

describe.each(storeKinds())("crash safety on %s", (kind) => {
  const storages: TestStorage[] = [];
  const receivers: Receiver[] = [];
  const children: ChildServer[] = [];

  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill("SIGKILL")));
    await Promise.all(receivers.map((r) => r.close()));
    await Promise.all(storages.map((s) => s.cleanup()));
  });

  /** Fresh storage and the environment of a child server using it (fixed across restarts). */
  async function environment(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const storage = createStorage(kind);
    storages.push(storage);
    return {
      SWITCHBOARD_DATA_DIR: storage.dataDir,
      ...(storage.databaseUrl ? { SWITCHBOARD_DATABASE_URL: storage.databaseUrl } : {}),
      SWITCHBOARD_PORT: String(await freePort()),
      SWITCHBOARD_HOST: "127.0.0.1",
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
      // The same master key for every run, so a restarted server can decrypt the secrets.
      SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
      SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "1",
      SWITCHBOARD_POLL_INTERVAL_MS: "100",
      ...extra,
    };
  }

  async function start(env: Record<string, string>, args: string[] = []): Promise<ChildServer> {
    const child = await spawnServer(env, { args });
    children.push(child);
    return child;
  }

  async function tenantKey(child: ChildServer): Promise<string> {
    const tenant = await api(child.url, "POST", "/v1/tenants", {
      key: ADMIN_KEY,
      body: { name: "Crash Firm" },
    });
    expect(tenant.status).toBe(201);
    const created = await api(child.url, "POST", `/v1/tenants/${tenant.body.id}/keys`, { key: ADMIN_KEY });
    expect(created.status).toBe(201);
    return created.body.key as string;
  }

  /** Every delivery of a webhook, following the cursor. */
  async function deliveries(child: ChildServer, key: string, webhookId: string, query = ""): Promise<Json[]> {
    const all: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Json } = await api(
        child.url,
        "GET",
        `/v1/webhooks/${webhookId}/deliveries?limit=200${query}${cursor ? `&cursor=${cursor}` : ""}`,
        { key },
      );
      all.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    return all;
  }

  async function sendCalls(child: ChildServer, key: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let offset = 0; offset < count; offset += BATCH) {
      const events = Array.from({ length: Math.min(BATCH, count - offset) }, (_, i) => ({
        type: "call.ended",
        data: { call_id: `call_${offset + i}`, direction: "inbound", duration: i },
      }));
      const sent = await api(child.url, "POST", "/v1/events/batch", { key, body: { events } });
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      for (const e of sent.body.data) ids.push(e.id);
    }
    return ids;
  }

  it("delivers every accepted event at least once per webhook after a kill -9 mid-delivery, leaving nothing stuck", {
    timeout: 120_000,
  }, async () => {
    // The default lease: on PostgreSQL a dead process's claims wait for it to end (SQLite releases
    // them at start); how fast another node takes them over is measured in multi-node.test.ts.
    const env = await environment();
    // Answers after a short delay, so deliveries are in flight when the server dies.
    const receiver = await Receiver.start(() => new Promise<void>((done) => setTimeout(done, 20)));
    receivers.push(receiver);
    const seen = () => new Set(receiver.requests.map((r) => `${r.url} ${String(r.headers["webhook-id"])}`));

    let child = await start(env);
    const key = await tenantKey(child);
    const webhookIds: string[] = [];
    for (const path of ["/a", "/b"]) {
      const webhook = await api(child.url, "POST", "/v1/webhooks", {
        key,
        body: {
          url: `${receiver.url}${path}`,
          events: ["call.*"],
          retry: { schedule: [1], max_attempts: 50 },
        },
      });
      expect(webhook.status).toBe(201);
      webhookIds.push(webhook.body.id);
    }

    const eventIds = await sendCalls(child, key, EVENTS);
    expect(eventIds).toHaveLength(EVENTS);
    const expected = new Set(eventIds.flatMap((id) => [`/a ${id}`, `/b ${id}`]));

    // Kill -9 once about a third of the deliveries have arrived.
    await eventually(async () => receiver.requests.length >= (2 * EVENTS) / 3, 60_000);
    expect(await child.kill("SIGKILL")).toBe("SIGKILL");
    const beforeCrash = seen().size;
    expect(beforeCrash).toBeLessThan(2 * EVENTS);

    child = await start(env);
    await eventually(async () => seen().size === expected.size, 60_000);
    expect(seen()).toEqual(expected);

    // The store agrees: every delivery succeeded, none pending (waiting or in flight) or failed.
    for (const webhookId of webhookIds) {
      await eventually(async () => {
        const pending = await api(child.url, "GET", `/v1/webhooks/${webhookId}/deliveries?status=pending`, {
          key,
        });
        return pending.body.data.length === 0;
      }, 30_000);
      const all = await deliveries(child, key, webhookId);
      expect(all).toHaveLength(EVENTS);
      expect(all.filter((d) => d.status !== "succeeded")).toEqual([]);
    }

    // And it shuts down gracefully on SIGTERM.
    expect(await child.kill("SIGTERM")).toBe(0);
    expect(child.output()).toContain("shutting down");
  });

  it("on SIGTERM finishes the attempts in flight and gives the queued deliveries back at once", {
    timeout: 60_000,
  }, async () => {
    // A lease far longer than the test: deliveries not given back would stay stuck for it.
    const env = await environment({ SWITCHBOARD_LEASE_MS: "120000" });
    const receiver = await Receiver.start(() => new Promise<void>((done) => setTimeout(done, 400)));
    receivers.push(receiver);
    let answered = 0;
    receiver.setResponder(
      () =>
        new Promise<void>((done) =>
          setTimeout(() => {
            answered++;
            done();
          }, 400),
        ),
    );

    let child = await start(env);
    const key = await tenantKey(child);
    const webhook = await api(child.url, "POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/slow`, events: ["call.*"] },
    });
    expect(webhook.status).toBe(201);
    const eventIds = await sendCalls(child, key, 100);
    await receiver.waitFor(1);

    expect(await child.kill("SIGTERM")).toBe(0);
    const arrived = receiver.requests.length;
    expect(arrived).toBeGreaterThan(0);
    expect(arrived).toBeLessThan(100);
    // Every attempt that had started was waited for, not cut off.
    expect(answered).toBe(arrived);

    // Look at the store through an API-only server (no dispatcher to change it meanwhile).
    child = await start(env, ["--role", "api"]);
    const all = await deliveries(child, key, webhook.body.id);
    expect(all).toHaveLength(100);
    const succeeded = all.filter((d) => d.status === "succeeded");
    const pending = all.filter((d) => d.status === "pending");
    expect(succeeded).toHaveLength(arrived);
    expect(pending).toHaveLength(100 - arrived);
    for (const d of pending) {
      expect(d.in_flight).toBe(false);
      expect(d.attempt_count).toBe(0);
      expect(Date.parse(d.next_attempt_at)).toBeLessThanOrEqual(Date.now());
    }
    expect(await child.kill("SIGTERM")).toBe(0);

    // Restarted, it sends the rest right away instead of waiting out the 2-minute lease.
    receiver.setResponder(() => {});
    child = await start(env);
    await eventually(
      async () => new Set(receiver.requests.map((r) => r.headers["webhook-id"])).size === 100,
      20_000,
    );
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set(eventIds));
    expect(await child.kill("SIGTERM")).toBe(0);
  });
});
