import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("destinations are checked again at send time", () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("records a loopback destination as destination_blocked, fails it without retry and sends nothing", async () => {
    const receiver = await Receiver.start();
    cleanup.push(() => receiver.close());
    const masterKey = randomBytes(32).toString("base64");
    // Saved while private targets were allowed (say, before an operator turned that off) …
    const permissive = await startTestServer("sqlite", { SWITCHBOARD_MASTER_KEY: masterKey });
    const { key } = await permissive.tenant();
    const webhook = await permissive.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/in` },
    });
    expect(webhook.status).toBe(201);
    await permissive.server.stop();
    cleanup.push(() => permissive.storage.cleanup());

    // … and refused on every attempt once they are not.
    const strict: TestServer = await startTestServer("sqlite", {
      SWITCHBOARD_MASTER_KEY: masterKey,
      SWITCHBOARD_DATA_DIR: permissive.storage.dataDir,
      SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "0",
    });
    cleanup.push(() => strict.server.stop());
    const sent = await strict.call("POST", "/v1/events", {
      key,
      body: { type: "call.started", data: { call_id: "c1" } },
    });
    expect(sent.body.deliveries).toBe(1);
    const delivery = await eventually(async () => {
      const event = await strict.call("GET", `/v1/events/${sent.body.id}`, { key });
      return event.body.deliveries[0].status === "failed" ? event.body.deliveries[0] : null;
    });
    const detail = await strict.call("GET", `/v1/deliveries/${delivery.id}`, { key });
    expect(detail.body.attempts).toHaveLength(1);
    expect(detail.body.attempts[0].error.kind).toBe("destination_blocked");
    expect(detail.body.attempts[0].error.message).toMatch(/loopback|https/);
    expect(receiver.requests).toHaveLength(0);

    // Saving such a URL now is refused with the reason.
    const refused = await strict.call("POST", "/v1/webhooks", { key, body: { url: "https://127.0.0.1/in" } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/loopback/);
  });
});
