import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type RunningServer, startServer } from "../../src/server.js";
import { apiCall } from "../helpers/api.js";
import { eventually, Receiver } from "../helpers/receiver.js";
import { ADMIN_KEY } from "../helpers/server.js";
import { createStorage, type TestStorage } from "../helpers/stores.js";

describe("logs a person can follow", () => {
  const lines: Array<Record<string, unknown>> = [];
  let server: RunningServer;
  let storage: TestStorage;
  let receiver: Receiver;
  beforeAll(async () => {
    storage = createStorage("sqlite");
    receiver = await Receiver.start((_request, response) => {
      response.writeHead(500).end();
    });
    const config = loadConfig({
      SWITCHBOARD_DATA_DIR: storage.dataDir,
      SWITCHBOARD_PORT: "0",
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
      SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "1",
      SWITCHBOARD_POLL_INTERVAL_MS: "100",
      SWITCHBOARD_LOG_LEVEL: "info",
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    server = await startServer(config, "all", pino({ level: "info" }, sink));
  });
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    await storage?.cleanup();
  });

  it("a failed attempt is logged at warn with delivery, target and tenant ids", async () => {
    const url = server.url ?? "";
    const tenant = await apiCall(url, "POST", "/v1/tenants", { key: ADMIN_KEY, body: { name: "t" } });
    const key = (await apiCall(url, "POST", `/v1/tenants/${tenant.body.id}/keys`, { key: ADMIN_KEY })).body
      .key;
    const hook = await apiCall(url, "POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/h`, events: ["call.ended"] },
    });
    const event = await apiCall(url, "POST", "/v1/events", {
      key,
      body: { type: "call.ended", data: { call_id: "c1" } },
    });
    expect(event.status).toBe(202);
    const failed = await eventually(async () => lines.find((l) => l.msg === "attempt failed"));
    expect(failed.level).toBe(40);
    expect(failed.webhook_id).toBe(hook.body.id);
    expect(failed.tenant_id).toBe(tenant.body.id);
    expect(String(failed.delivery_id)).toMatch(/^dlv_/);
  });
});
