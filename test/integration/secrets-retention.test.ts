import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CalcomFake, startCalcomFake } from "../../fakes/calcom.js";
import { RETENTION_KIND } from "../../src/jobs/retention.js";
import type { KyselyStore } from "../../src/store/kysely-store.js";
import type { Json } from "../helpers/api.js";
import { eventually, Receiver } from "../helpers/receiver.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const run = promisify(execFile);

describe("secrets at rest (sqlite file)", () => {
  let sb: TestServer;
  const fakes: CalcomFake[] = [];
  beforeAll(async () => {
    sb = await startTestServer("sqlite");
  });
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()));
    await sb?.stop();
  });

  it("stores no signing secret, credential or app key in clear", async () => {
    const { key } = await sb.tenant();
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: {
        url: "https://hooks.example.com/in",
        auth: { type: "bearer", token: "tok_very_secret_bearer_value_123" },
        app_key: "app_key_plaintext_value_456",
      },
    });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    const calcom = await startCalcomFake();
    fakes.push(calcom);
    const connected = await sb.call("PUT", "/v1/scheduling/connection", {
      key,
      body: { provider: "calcom", api_key: calcom.apiKey, base_url: calcom.url },
    });
    expect(connected.status).toBe(200);
    const hookSecret = calcom.webhooks[0]?.secret ?? "missing";
    const raw = new Database(join(sb.storage.dataDir, "switchboard.db"), { readonly: true });
    const dump = JSON.stringify(raw.prepare("select * from webhooks").all());
    raw.close();
    const file = readFileSync(join(sb.storage.dataDir, "switchboard.db")).toString("latin1");
    for (const needle of [
      secret,
      secret.slice(6),
      "tok_very_secret_bearer_value_123",
      "app_key_plaintext_value_456",
      calcom.apiKey,
      hookSecret,
    ]) {
      expect(dump).not.toContain(needle);
      expect(file).not.toContain(needle);
    }
    expect(dump).toContain("enc:v1:");
  });

  it("rotate-master-key re-encrypts every secret and the server still signs with the same secret", async () => {
    const receiver = await Receiver.start();
    const masterKey = randomBytes(32).toString("base64");
    const server = await startTestServer("sqlite", { SWITCHBOARD_MASTER_KEY: masterKey });
    try {
      const { key } = await server.tenant();
      const created = await server.call("POST", "/v1/webhooks", { key, body: { url: receiver.url } });
      const before = await server.call("GET", `/v1/webhooks/${created.body.id}/secret`, { key });
      const calcom = await startCalcomFake();
      fakes.push(calcom);
      const connected = await server.call("PUT", "/v1/scheduling/connection", {
        key,
        body: { provider: "calcom", api_key: calcom.apiKey, base_url: calcom.url },
      });
      expect(connected.status).toBe(200);
      await server.server.stop();
      const newKey = randomBytes(32).toString("base64");
      const env = {
        ...process.env,
        SWITCHBOARD_DATA_DIR: server.storage.dataDir,
        SWITCHBOARD_MASTER_KEY: masterKey,
        SWITCHBOARD_NEW_MASTER_KEY: newKey,
      };
      const { stdout } = await run(
        process.execPath,
        ["--import", "tsx", "src/cli/main.ts", "rotate-master-key"],
        { env },
      );
      expect(stdout).toContain("re-encrypted the secrets of 1 webhooks and 1 scheduling connections");
      const restarted = await startTestServer("sqlite", {
        SWITCHBOARD_DATA_DIR: server.storage.dataDir,
        SWITCHBOARD_MASTER_KEY: newKey,
      });
      try {
        const after = await restarted.call("GET", `/v1/webhooks/${created.body.id}/secret`, { key });
        expect(after.status).toBe(200);
        expect(after.body.secret).toBe(before.body.secret);
        // The Cal.com key decrypts under the new master key: the connection still answers as itself.
        const connection = await restarted.call("GET", "/v1/scheduling/connection", { key });
        expect(connection.body).toMatchObject({
          connected: true,
          api_key: `••••${calcom.apiKey.slice(-4)}`,
        });
      } finally {
        await restarted.server.stop();
      }
    } finally {
      await server.storage.cleanup();
      await receiver.close();
    }
  });
});

describe.each(storeKinds())("limits and retention on %s", (kind) => {
  let sb: TestServer;
  beforeAll(async () => {
    sb = await startTestServer(kind, { SWITCHBOARD_API_RATE_LIMIT: "20" });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it("answers 429 with Retry-After once a key exceeds its rate limit", async () => {
    const { key } = await sb.tenant();
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => sb.call("GET", "/v1/webhooks", { key })),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.body.error.code).toBe("rate_limited");
    expect(Number(limited[0]?.headers.get("retry-after"))).toBeGreaterThanOrEqual(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });

  it("retention purges old payloads and attempt bodies but keeps the rows", async () => {
    const { key } = await sb.tenant();
    const receiver = await Receiver.start();
    await sb.call("POST", "/v1/webhooks", { key, body: { url: receiver.url } });
    const sent = await sb.call("POST", "/v1/events", {
      key,
      body: { type: "message.received", data: { message_id: "msg_1", body: "I was rear-ended on I-90" } },
    });
    expect(sent.status).toBe(202);
    const deliveryOf = async () => {
      const [first] = (await sb.call("GET", `/v1/events/${sent.body.id}`, { key })).body.deliveries;
      return (await sb.call("GET", `/v1/deliveries/${first.id}`, { key })).body;
    };
    const delivered = await eventually(async () => {
      const d = await deliveryOf();
      return d.status === "succeeded" ? d : null;
    });
    await receiver.close();
    // The attempt shows the body that was sent (the standard envelope, rebuilt from the event).
    expect(delivered.attempts[0].request.body).toBe(receiver.requests[0]?.body);
    const store = sb.server.store as KyselyStore;
    // The recurring system job would race this test's own runs: stop it.
    const system = await store.db
      .selectFrom("jobs")
      .select("id")
      .where("unique_key", "=", RETENTION_KIND)
      .executeTakeFirstOrThrow();
    expect((await store.jobs.cancel(null, system.id, Date.now()))?.state).toBe("cancelled");
    /** A one-off retention job, run by the server's job runner; resolves with the finished job. */
    const runRetention = async (): Promise<Json> => {
      const { job } = await store.jobs.enqueue(
        {
          tenant_id: null,
          kind: RETENTION_KIND,
          payload: {},
          run_at: Date.now(),
          max_attempts: 1,
          unique_key: null,
          schedule: null,
        },
        Date.now(),
      );
      return eventually(async () => {
        const seen = await sb.call("GET", `/v1/jobs/${job.id}`, { key: ADMIN_KEY });
        return seen.body.state === "succeeded" ? seen.body : null;
      });
    };
    expect((await runRetention()).progress.done).toBe(0);
    // 31 days later (SWITCHBOARD_RETENTION_DAYS defaults to 30), as far as the purge can tell.
    await store.db
      .updateTable("events")
      .set({ created_at: Date.now() - 31 * 24 * 60 * 60 * 1000 })
      .where("id", "=", sent.body.id)
      .execute();
    expect((await runRetention()).progress.done).toBe(1);
    const event = await sb.call("GET", `/v1/events/${sent.body.id}`, { key });
    expect(event.status).toBe(200);
    expect(event.body.data).toBeNull();
    expect(event.body.type).toBe("message.received");
    const purgedDelivery = await deliveryOf();
    expect(purgedDelivery.attempts).toHaveLength(1);
    expect(purgedDelivery.attempts[0].request.body).toBeNull();
    expect(purgedDelivery.attempts[0].response.status).toBe(200);
  });
});
