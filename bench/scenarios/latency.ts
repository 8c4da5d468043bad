/**
 * Scenario 4 — latency: a steady R events/s for D seconds to 2 endpoints. The load is sent as one
 * POST /v1/events/batch every 10 ms carrying R/100 events (10 at 1 000/s), paced against the clock
 * (late ticks catch up, so the average rate holds). Each event carries `sent_at_ms`, taken just
 * before its request is sent; the receiver records receive time − sent_at_ms for the first arrival
 * of each webhook-id: accept → received, including the ingest request itself.
 * A short warm-up at the same rate runs first and is not counted.
 */
import { nowMs, sleep } from "../lib/clock.js";
import { waitForDelivered } from "../lib/completion.js";
import { percentile, round, type Scenario } from "../lib/context.js";
import { callEnded } from "../lib/events.js";
import { ProcessSampler } from "../lib/proc.js";
import { figure } from "../lib/report.js";
import { type Rig, withRig } from "../lib/rig.js";
import { healthySpecs } from "../lib/setup.js";

const TICK_MS = 10;
const ENDPOINTS = 2;

interface Phase {
  events: number;
  sentMs: number;
  acceptMs: number[];
  late: number;
}

/** Sends `seconds` of load at `rate` events/s, one batch per tick. */
async function steadyLoad(rig: Rig, rate: number, seconds: number, firstIndex: number): Promise<Phase> {
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const ticks = Math.round((seconds * 1000) / TICK_MS);
  const acceptMs: number[] = [];
  const pending = new Set<Promise<void>>();
  let index = firstIndex;
  let late = 0;
  const startedAt = nowMs();
  for (let tick = 0; tick < ticks; tick++) {
    const due = startedAt + tick * TICK_MS;
    const wait = due - nowMs();
    if (wait > 0) await sleep(wait);
    else if (wait < -TICK_MS) late++;
    const sentAt = nowMs();
    const events = Array.from({ length: perTick }, () => callEnded(index++, sentAt));
    const p = rig.server
      .expect(202, "POST", "/v1/events/batch", { key: rig.key, rawBody: JSON.stringify({ events }) })
      .then(() => {
        acceptMs.push(nowMs() - sentAt);
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
  return { events: index - firstIndex, sentMs: nowMs() - startedAt, acceptMs, late };
}

export const latency: Scenario = async (ctx) => {
  const { rate, durationS } = ctx.sizes;
  const warmupS = ctx.smoke ? 0.2 : 2;
  return withRig(ctx, { specs: healthySpecs(ENDPOINTS), profileName: "latency" }, async (rig) => {
    const webhookIds = rig.endpoints.map((e) => e.webhookId);
    const completion = (expected: number) => ({
      key: rig.key,
      webhookIds,
      expected,
      timeoutMs: 120_000,
      intervalMs: ctx.pollMs,
    });
    ctx.log(`warm-up: ${warmupS} s at ${rate} events/s`);
    const warm = await steadyLoad(rig, rate, warmupS, 0);
    await waitForDelivered(rig.server, rig.receiver, completion(warm.events * ENDPOINTS));
    await rig.receiver.reset();
    const baseSucceeded = warm.events * ENDPOINTS;

    const sampler = new ProcessSampler(rig.server.pid);
    sampler.start();
    ctx.log(`measuring: ${durationS} s at ${rate} events/s to ${ENDPOINTS} endpoints`);
    const run = await steadyLoad(rig, rate, durationS, warm.events);
    const expected = run.events * ENDPOINTS;
    // The metrics counter includes the warm-up's deliveries.
    await waitForDelivered(rig.server, rig.receiver, {
      ...completion(expected),
      expectedMetric: baseSucceeded + expected,
    });
    const usage = sampler.finish();
    const stats = await rig.receiver.stats();
    const l = stats.latency;
    return {
      config: {
        rate,
        duration_s: durationS,
        endpoints: ENDPOINTS,
        load: `one POST /v1/events/batch every ${TICK_MS} ms with ${Math.max(1, Math.round((rate * TICK_MS) / 1000))} events`,
        warmup_s: warmupS,
      },
      figures: [
        figure("achieved events/s", (run.events * 1000) / run.sentMs, "/s"),
        figure("latency p50 (accept → received)", l.p50_ms, "ms"),
        figure("latency p95", l.p95_ms, "ms"),
        figure("latency p99", l.p99_ms, "ms", { op: "<=", value: 25 }),
        figure("latency max", l.max_ms, "ms"),
        figure("ingest request p99", percentile(run.acceptMs, 0.99), "ms"),
        figure("server CPU use (cores)", usage.cpuSeconds / (run.sentMs / 1000), ""),
      ],
      details: {
        events: run.events,
        deliveries: expected,
        late_ticks: run.late,
        ingest_request_ms: {
          p50: round(percentile(run.acceptMs, 0.5), 3),
          p99: round(percentile(run.acceptMs, 0.99), 3),
          max: round(Math.max(...run.acceptMs), 3),
        },
        receiver: stats,
      },
    };
  });
};
