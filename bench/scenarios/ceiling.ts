/**
 * Scenario 2 — ceiling: the same deliveries (N events × E endpoints, the same signed bodies) sent
 * straight from an undici loop with the server's concurrency (10 in flight per endpoint) to the
 * same receiver, with no store: the physical limit of this machine for this traffic.
 */
import { randomBytes } from "node:crypto";
import { Pool } from "undici";
import { generateId } from "../../src/domain/ids.js";
import { signPayload } from "../../src/domain/signing.js";
import { nowMs } from "../lib/clock.js";
import { figureValue, perSecond, round, type Scenario } from "../lib/context.js";
import { callEnded, envelope } from "../lib/events.js";
import { ProcessSampler } from "../lib/proc.js";
import { Receiver } from "../lib/receiver-client.js";
import { figure } from "../lib/report.js";
import { THROUGHPUT_FIGURE } from "./throughput.js";

/** Attempts in flight per endpoint, as the server's dispatcher allows (src/server.ts). */
export const PER_ENDPOINT_IN_FLIGHT = 10;

export const ceiling: Scenario = async (ctx) => {
  const baseline = await ctx.baseline();
  const { events, endpoints } = ctx.sizes;
  const expected = events * endpoints;
  const receiver = await Receiver.start();
  const pool = new Pool(receiver.url, {
    connections: endpoints * PER_ENDPOINT_IN_FLIGHT,
    keepAliveTimeout: 30_000,
  });
  try {
    const paths = Array.from({ length: endpoints }, (_, i) => `/ep/${i}`);
    const secrets = paths.map(() => `whsec_${randomBytes(32).toString("base64")}`);
    await receiver.setSecrets(Object.fromEntries(paths.map((p, i) => [p, secrets[i] as string])));
    // The bodies Switchboard would send (one serialisation per event, shared by its endpoints).
    const now = Date.now();
    const bodies = Array.from({ length: events }, (_, i) => {
      const id = generateId("evt_");
      return { id, body: JSON.stringify(envelope(id, callEnded(i, nowMs()), now)) };
    });
    const sampler = new ProcessSampler(process.pid);
    const receiverSampler = new ProcessSampler(receiver.pid);
    sampler.start();
    receiverSampler.start();
    ctx.log(`sending ${expected} signed POSTs, ${endpoints} × ${PER_ENDPOINT_IN_FLIGHT} in flight`);
    let errors = 0;
    const startedAt = nowMs();
    const loop = async (endpoint: number, lane: number) => {
      const path = paths[endpoint] as string;
      const secret = [secrets[endpoint] as string];
      for (let i = lane; i < events; i += PER_ENDPOINT_IN_FLIGHT) {
        const { id, body } = bodies[i] as { id: string; body: string };
        const timestamp = Math.floor(Date.now() / 1000);
        const response = await pool.request({
          method: "POST",
          path,
          headers: {
            "content-type": "application/json",
            "user-agent": "Switchboard-ceiling",
            "webhook-id": id,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signPayload(secret, id, timestamp, body),
          },
          body,
        });
        await response.body.dump();
        if (response.statusCode < 200 || response.statusCode >= 300) errors++;
      }
    };
    const loops: Promise<void>[] = [];
    for (let e = 0; e < endpoints; e++) {
      for (let lane = 0; lane < PER_ENDPOINT_IN_FLIGHT; lane++) loops.push(loop(e, lane));
    }
    await Promise.all(loops);
    const finishedAt = nowMs();
    const usage = sampler.finish();
    const receiverUsage = receiverSampler.finish();
    const stats = await receiver.stats();
    if (stats.distinct !== expected) throw new Error(`receiver saw ${stats.distinct} of ${expected}`);
    const ceilingRate = perSecond(expected, finishedAt - startedAt);
    const ours = figureValue(baseline, THROUGHPUT_FIGURE);
    return {
      config: { events, endpoints, deliveries: expected, in_flight: endpoints * PER_ENDPOINT_IN_FLIGHT },
      figures: [
        figure("ceiling deliveries/s (undici loop, no store)", ceilingRate, "/s"),
        figure("sender CPU (harness process)", usage.cpuSeconds, "s"),
        figure("receiver CPU", receiverUsage.cpuSeconds, "s"),
        figure("Switchboard / ceiling", ours / ceilingRate, "×", { op: ">=", value: 0.5 }),
      ],
      details: {
        seconds: round((finishedAt - startedAt) / 1000, 3),
        non_2xx: errors,
        switchboard_deliveries_per_s: ours,
        receiver: stats,
      },
    };
  } finally {
    await pool.close();
    await receiver.stop();
  }
};
