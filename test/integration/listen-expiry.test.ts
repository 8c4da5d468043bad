import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../../src/api/context.js";
import { LISTENER_TTL_MS, sweepListeners } from "../../src/api/listen.js";
import { ListenHub } from "../../src/listen/hub.js";
import { loadSecretCipher } from "../../src/secrets/master-key.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

describe.each(storeKinds())("listeners on %s", (kind) => {
  let server: TestServer;
  let tenant: { id: string; key: string };
  let other: { id: string; key: string };

  beforeAll(async () => {
    server = await startTestServer(kind);
    tenant = await server.tenant("Listening Firm");
    other = await server.tenant("Other Firm");
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** The sweep as the API runs it, over this server's store, with `hub` as the connected streams. */
  const sweep = (hub: ListenHub, now: number) =>
    sweepListeners(
      {
        store: server.server.store,
        cipher: loadSecretCipher(server.config.masterKey, server.config.dataDir),
        listen: hub,
      } as unknown as ApiContext,
      now,
    );

  it("a listener nobody streams is removed once expired; a streamed one stays", async () => {
    const orphan = await server.call("POST", "/v1/listeners", {
      key: tenant.key,
      body: { events: ["call.*"] },
    });
    expect(orphan.status).toBe(201);
    expect(orphan.body).toMatchObject({ events: ["call.*"], forward_to: null });
    expect(orphan.body.secret).toMatch(/^whsec_/);
    const live = await server.call("POST", "/v1/listeners", { key: tenant.key, body: {} });

    const hub = new ListenHub();
    hub.attach(live.body.id, { tenantId: tenant.id, push: () => true });
    expect(await sweep(hub, Date.now())).toBe(0);
    expect(await sweep(hub, Date.now() + LISTENER_TTL_MS + 1000)).toBeGreaterThanOrEqual(1);

    // Deleted: the orphan is gone, the live one can still be removed by its CLI.
    expect((await server.call("DELETE", `/v1/listeners/${orphan.body.id}`, { key: tenant.key })).status).toBe(
      404,
    );
    expect((await server.call("DELETE", `/v1/listeners/${live.body.id}`, { key: tenant.key })).status).toBe(
      204,
    );
  });

  it("streams and listeners are tenant scoped; a webhook is not a listener", async () => {
    const listener = await server.call("POST", "/v1/listeners", { key: tenant.key, body: {} });
    const stream = await server.call("GET", `/v1/deliveries/stream?webhook_id=${listener.body.id}`, {
      key: other.key,
    });
    expect(stream.status).toBe(404);
    expect(stream.body.error.code).toBe("not_found");
    expect(
      (await server.call("DELETE", `/v1/listeners/${listener.body.id}`, { key: other.key })).status,
    ).toBe(404);

    const webhook = await server.call("POST", "/v1/webhooks", {
      key: tenant.key,
      body: { url: "http://127.0.0.1:9/hook" },
    });
    expect(
      (await server.call("DELETE", `/v1/listeners/${webhook.body.id}`, { key: tenant.key })).status,
    ).toBe(404);

    const report = await server.call("POST", "/v1/deliveries/stream/results", {
      key: tenant.key,
      body: { message_id: "msg_unknown", status: 200 },
    });
    expect(report.status).toBe(404);
    const bad = await server.call("POST", "/v1/listeners", { key: tenant.key, body: { events: ["nope.*"] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.path).toBe("/body/events/0");
  });
});
