import { afterAll, describe, expect, it } from "vitest";
import type { AttemptOutcome } from "../../src/store/index.js";
import { eventually, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const CONCURRENCY = 8;
const EVENTS = 300;

describe.each(storeKinds())("recording backpressure on %s", (kind) => {
  let sb: TestServer | undefined;
  let receiver: Receiver | undefined;

  afterAll(async () => {
    await sb?.stop();
    await receiver?.close();
  });

  it("sends no further ahead of the attempt log than twice the worker's concurrency when the store records slowly", async () => {
    sb = await startTestServer(kind, { SWITCHBOARD_WORKER_CONCURRENCY: String(CONCURRENCY) });
    // The real store, with each batch of outcomes held back 100 ms: the endpoint answers far
    // faster than attempts reach the record, as on a loaded database.
    const queue = sb.server.store.queue;
    const recordAttempts = queue.recordAttempts.bind(queue);
    let onRecord = 0;
    queue.recordAttempts = async (owner: string, outcomes: AttemptOutcome[], now: number) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const recorded = await recordAttempts(owner, outcomes, now);
      onRecord += outcomes.length;
      return recorded;
    };
    // Sent but not on record when each request arrives: what a crash at that moment re-sends.
    let mostAhead = 0;
    receiver = await Receiver.start(() => {
      mostAhead = Math.max(mostAhead, (receiver?.requests.length ?? 0) - onRecord);
    });

    const { key } = await sb.tenant();
    const webhook = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/hook`, events: ["call.*"] },
    });
    expect(webhook.status).toBe(201);
    for (let offset = 0; offset < EVENTS; offset += 100) {
      const events = Array.from({ length: 100 }, (_, i) => ({
        type: "call.started",
        data: { call_id: `c${offset + i}` },
      }));
      const sent = await sb.call("POST", "/v1/events/batch", { key, body: { events } });
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    }

    await receiver.waitFor(EVENTS, 60_000);
    await eventually(async () => onRecord >= EVENTS, 30_000);
    expect(receiver.requests).toHaveLength(EVENTS);
    // At most twice the concurrency finished and waiting for the writer, plus those in flight.
    expect(mostAhead).toBeGreaterThan(0);
    expect(mostAhead).toBeLessThanOrEqual(3 * CONCURRENCY);
  });
});
