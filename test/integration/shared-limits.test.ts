import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

describe.skipIf(!storeKinds().includes("postgres"))("per-endpoint limits across nodes (postgres)", () => {
  const servers: TestServer[] = [];
  const receivers: Receiver[] = [];
  afterAll(async () => {
    for (const s of servers.slice(1)) await s.server.stop();
    await servers[0]?.stop();
    for (const r of receivers) await r.close();
  });

  it("two workers together never keep more than max_in_flight attempts open to one endpoint", async () => {
    let open = 0;
    let peak = 0;
    const endpoint = await Receiver.start(async (_req, res) => {
      open++;
      peak = Math.max(peak, open);
      await new Promise((resolve) => setTimeout(resolve, 40));
      open--;
      res.writeHead(200);
      res.end();
    });
    receivers.push(endpoint);
    const shared = {
      SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
      SWITCHBOARD_SHARED_ENDPOINT_LIMITS: "1",
      // Small claims, so both workers get work to send at the same time.
      SWITCHBOARD_BATCH_SIZE: "3",
    };
    // One api node and two workers on one database.
    const first = await startTestServer("postgres", shared, "api");
    servers.push(first);
    const databaseUrl = first.config.databaseUrl ?? "";
    for (let i = 0; i < 2; i++) {
      servers.push(
        await startTestServer("postgres", { ...shared, SWITCHBOARD_DATABASE_URL: databaseUrl }, "worker"),
      );
    }
    const { key } = await first.tenant();
    await first.call("POST", "/v1/webhooks", { key, body: { url: endpoint.url, max_in_flight: 3 } });
    const events = Array.from({ length: 60 }, (_, i) => ({
      type: "call.started",
      data: { call_id: `c${i}` },
    }));
    await first.call("POST", "/v1/events/batch", { key, body: { events } });
    await endpoint.waitFor(60, 30_000);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});
