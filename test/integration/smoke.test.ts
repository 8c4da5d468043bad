import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

describe.each(storeKinds())("end to end on %s", (kind) => {
  let sb: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    sb = await startTestServer(kind);
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await sb?.stop();
    await receiver?.close();
  });

  it("delivers an ingested event, signed, and records the attempt", async () => {
    const { key } = await sb.tenant();
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/hook`, events: ["call.*"] },
    });
    expect(created.status).toBe(201);
    const sent = await sb.call("POST", "/v1/events", {
      key,
      body: { type: "call.ended", data: { call_id: "call_1", direction: "inbound", duration: 42 } },
    });
    expect(sent.status).toBe(202);
    expect(sent.body.deliveries).toBe(1);
    await receiver.waitFor(1);
    const request = receiver.requests[0]!;
    const payload = new Webhook(created.body.secret).verify(
      request.body,
      request.headers as Record<string, string>,
    ) as {
      id: string;
    };
    expect(payload.id).toBe(sent.body.id);
    const event = await eventually(async () => {
      const e = await sb.call("GET", `/v1/events/${sent.body.id}`, { key });
      return e.body.deliveries[0].status === "succeeded" ? e.body : null;
    });
    const delivery = await sb.call("GET", `/v1/deliveries/${event.deliveries[0].id}`, { key });
    expect(delivery.body.attempts).toHaveLength(1);
    expect(delivery.body.attempts[0].response.status).toBe(200);
  });
});
