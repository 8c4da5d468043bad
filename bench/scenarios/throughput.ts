/**
 * Scenario 1 — throughput: N events × E endpoints ingested through the batch API (500 per batch,
 * a few batches in flight) as fast as the server accepts them; measured until every delivery is
 * received and recorded as succeeded.
 */
import { waitForDelivered } from "../lib/completion.js";
import { percentile, perSecond, round, type Scenario } from "../lib/context.js";
import { callEnded } from "../lib/events.js";
import { ingestBatches } from "../lib/ingest.js";
import { ProcessSampler } from "../lib/proc.js";
import { figure } from "../lib/report.js";
import { withRig } from "../lib/rig.js";
import { healthySpecs } from "../lib/setup.js";

export const THROUGHPUT_FIGURE = "durable deliveries/s (end to end)";

export const throughput: Scenario = async (ctx) => {
  const { events, endpoints, batchSize, inFlight } = ctx.sizes;
  const expected = events * endpoints;
  return withRig(ctx, { specs: healthySpecs(endpoints), profileName: "throughput" }, async (rig) => {
    const sampler = new ProcessSampler(rig.server.pid);
    const receiverSampler = new ProcessSampler(rig.receiver.pid);
    sampler.start();
    receiverSampler.start();
    ctx.log(`ingesting ${events} events × ${endpoints} endpoints = ${expected} deliveries`);
    const ingest = await ingestBatches(rig.server, rig.key, events, {
      batchSize,
      inFlight,
      makeEvent: (i, sentAt) => callEnded(i, sentAt),
    });
    if (ingest.deliveries !== expected) {
      throw new Error(`ingest created ${ingest.deliveries} deliveries, expected ${expected}`);
    }
    const ingestMs = ingest.finishedAt - ingest.startedAt;
    ctx.log(`accepted in ${(ingestMs / 1000).toFixed(1)} s; waiting for every delivery`);
    const doneAt = await waitForDelivered(rig.server, rig.receiver, {
      key: rig.key,
      webhookIds: rig.endpoints.map((e) => e.webhookId),
      expected,
      timeoutMs: Math.max(120_000, expected * 5),
      intervalMs: ctx.pollMs,
    });
    const usage = sampler.finish();
    const receiverUsage = receiverSampler.finish();
    const stats = await rig.receiver.stats();
    const totalMs = doneAt - ingest.startedAt;
    const wallS = totalMs / 1000;
    return {
      config: { events, endpoints, deliveries: expected, batch_size: batchSize, batches_in_flight: inFlight },
      figures: [
        figure("accepted events/s", perSecond(events, ingestMs), "/s"),
        figure(THROUGHPUT_FIGURE, perSecond(expected, totalMs), "/s", { op: ">=", value: 5_000 }),
        figure("server CPU", usage.cpuSeconds, "s"),
        figure("server CPU use (cores)", usage.cpuSeconds / wallS, ""),
        figure("server peak RSS", usage.peakRssMiB, "MiB"),
        figure("receiver CPU", receiverUsage.cpuSeconds, "s"),
        figure("duplicates at receiver", stats.duplicates, "", { op: "<=", value: 0 }),
        figure("signature failures (1 in 100 checked)", stats.verify_failed, "", { op: "<=", value: 0 }),
      ],
      details: {
        ingest_s: round(ingestMs / 1000, 3),
        end_to_end_s: round(wallS, 3),
        batch_request_ms: {
          p50: round(percentile(ingest.batchMs, 0.5)),
          p99: round(percentile(ingest.batchMs, 0.99)),
        },
        receiver: stats,
      },
    };
  });
};
