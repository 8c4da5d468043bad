/**
 * Scenario — ordering: the same N events, spread over K distinct call ids (1 000 in full), to one
 * unordered webhook and then — in the same invocation, a fresh server and store — to one with
 * `ordering: "per_key"` on `data.call_id`; each measured from the first batch sent until every
 * delivery is received and recorded as succeeded. The ratio ordered / unordered is the figure
 * (issue #19: at least 0.8). Within a key, deliveries go one at a time, so the per-key webhook's
 * parallelism is the number of keys with work pending, and each delivery of a key waits for the
 * previous one's outcome to be recorded.
 */
import { waitForDelivered } from "../lib/completion.js";
import { perSecond, round, type Scenario, type ScenarioContext } from "../lib/context.js";
import { callEnded } from "../lib/events.js";
import { ingestBatches } from "../lib/ingest.js";
import { ProcessSampler } from "../lib/proc.js";
import { figure } from "../lib/report.js";
import { withRig } from "../lib/rig.js";

export const ORDERED_FIGURE = "per-key ordered deliveries/s (end to end)";
export const UNORDERED_FIGURE = "unordered deliveries/s (end to end)";
export const ORDERING_RATIO = "ordered / unordered";

const KEYS = 1_000;

interface Run {
  perSecond: number;
  endToEndS: number;
  cpuSeconds: number;
  duplicates: number;
}

async function runOnce(ctx: ScenarioContext, ordered: boolean, keys: number): Promise<Run> {
  const { events, batchSize, inFlight } = ctx.sizes;
  const spec = { path: "/ep/0", ...(ordered ? { ordering: "per_key" as const } : {}) };
  const name = ordered ? "ordering-per-key" : "ordering-unordered";
  return withRig(ctx, { specs: [spec], profileName: name }, async (rig) => {
    const sampler = new ProcessSampler(rig.server.pid);
    sampler.start();
    ctx.log(`${ordered ? "per-key" : "unordered"}: ${events} events over ${keys} call ids`);
    const ingest = await ingestBatches(rig.server, rig.key, events, {
      batchSize,
      inFlight,
      makeEvent: (i, sentAt) => {
        const event = callEnded(i, sentAt);
        return { ...event, data: { ...event.data, call_id: `call_bench_${i % keys}`, seq: i } };
      },
    });
    if (ingest.deliveries !== events)
      throw new Error(`ingest created ${ingest.deliveries}, expected ${events}`);
    const doneAt = await waitForDelivered(rig.server, rig.receiver, {
      key: rig.key,
      webhookIds: rig.endpoints.map((e) => e.webhookId),
      expected: events,
      timeoutMs: Math.max(180_000, events * 10),
      intervalMs: ctx.pollMs,
    });
    const usage = sampler.finish();
    const stats = await rig.receiver.stats();
    const totalMs = doneAt - ingest.startedAt;
    return {
      perSecond: perSecond(events, totalMs),
      endToEndS: round(totalMs / 1000, 3),
      cpuSeconds: usage.cpuSeconds,
      duplicates: stats.duplicates,
    };
  });
}

export const ordering: Scenario = async (ctx) => {
  const keys = Math.min(KEYS, ctx.sizes.events);
  const unordered = await runOnce(ctx, false, keys);
  const ordered = await runOnce(ctx, true, keys);
  const ratio = ordered.perSecond / unordered.perSecond;
  ctx.log(
    `unordered ${unordered.perSecond.toFixed(0)}/s, per-key ${ordered.perSecond.toFixed(0)}/s: ${ratio.toFixed(2)}×`,
  );
  return {
    config: { events: ctx.sizes.events, keys, webhooks: 1, batch_size: ctx.sizes.batchSize },
    figures: [
      figure(UNORDERED_FIGURE, unordered.perSecond, "/s"),
      figure(ORDERED_FIGURE, ordered.perSecond, "/s"),
      figure(ORDERING_RATIO, ratio, "×", { op: ">=", value: 0.8 }),
      figure("duplicates at receiver", unordered.duplicates + ordered.duplicates, "", { op: "<=", value: 0 }),
    ],
    details: {
      unordered: { end_to_end_s: unordered.endToEndS, server_cpu_s: unordered.cpuSeconds },
      per_key: { end_to_end_s: ordered.endToEndS, server_cpu_s: ordered.cpuSeconds },
    },
  };
};
