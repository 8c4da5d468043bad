/**
 * Scenario — single: one `POST /v1/events` per event, the way the phone platform posts, with one
 * webhook subscribed; the load generator (bench/load-generator.ts) runs as its own process.
 *
 * 1. ceiling: a bare Fastify route answering 202 with JSON (bench/bare-server.ts), the same
 *    generator, the same requests — what this machine can answer at all;
 * 2. closed loop: N events over 16 connections to a freshly started server (cold start included:
 *    no warm-up), then until every delivery is durably succeeded;
 * 3. paced: a second fresh server, R events/s for D seconds from its first second on; accept →
 *    received is timed by the receiver from each event's `sent_at_ms`.
 */
import { fileURLToPath } from "node:url";
import { waitForDelivered } from "../lib/completion.js";
import { perSecond, round, type Scenario, type ScenarioContext } from "../lib/context.js";
import { Child, ProcessSampler } from "../lib/proc.js";
import { figure } from "../lib/report.js";
import { type Rig, withRig } from "../lib/rig.js";
import { healthySpecs } from "../lib/setup.js";
import type { LoadOptions, LoadResult } from "../load-generator.js";

const CONNECTIONS = 16;
const GENERATOR = fileURLToPath(new URL("../load-generator.ts", import.meta.url));
const BARE = fileURLToPath(new URL("../bare-server.ts", import.meta.url));

async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const child = new Child({
    name: "load-generator",
    args: ["--import", "tsx", GENERATOR, JSON.stringify(options)],
  });
  const line = await child.waitForLine((l) => l.startsWith('{"requests"'), 600_000);
  await child.exited;
  return JSON.parse(line) as LoadResult;
}

async function bareCeiling(ctx: ScenarioContext, requests: number): Promise<LoadResult> {
  const child = new Child({ name: "bare-fastify", args: ["--import", "tsx", BARE] });
  try {
    const line = await child.waitForLine((l) => l.startsWith('{"port"'), 30_000);
    const { port } = JSON.parse(line) as { port: number };
    ctx.log(`ceiling: ${requests} POSTs to a bare Fastify route, ${CONNECTIONS} connections`);
    return await runLoad({
      url: `http://127.0.0.1:${port}`,
      key: "none",
      mode: "closed",
      connections: CONNECTIONS,
      requests,
    });
  } finally {
    await child.stop();
  }
}

function completion(ctx: ScenarioContext, rig: Rig, expected: number) {
  return {
    key: rig.key,
    webhookIds: rig.endpoints.map((e) => e.webhookId),
    expected,
    timeoutMs: Math.max(120_000, expected * 5),
    intervalMs: ctx.pollMs,
  };
}

function checkLoad(what: string, load: LoadResult): void {
  if (load.non_2xx > 0 || load.errors > 0) {
    throw new Error(`${what}: ${load.non_2xx} answers other than 2xx, ${load.errors} transport errors`);
  }
}

export const single: Scenario = async (ctx) => {
  const { events, rate, durationS } = ctx.sizes;
  const ceiling = await bareCeiling(ctx, events);
  checkLoad("ceiling", ceiling);
  const ceilingRate = perSecond(ceiling.requests, ceiling.finished_at_ms - ceiling.started_at_ms);

  const closed = await withRig(ctx, { specs: healthySpecs(1), profileName: "single-closed" }, async (rig) => {
    const sampler = new ProcessSampler(rig.server.pid);
    sampler.start();
    ctx.log(`closed loop: ${events} single POSTs, ${CONNECTIONS} connections, 1 webhook, cold server`);
    const load = await runLoad({
      url: rig.server.url,
      key: rig.key,
      mode: "closed",
      connections: CONNECTIONS,
      requests: events,
    });
    checkLoad("closed loop", load);
    const doneAt = await waitForDelivered(rig.server, rig.receiver, completion(ctx, rig, events));
    const usage = sampler.finish();
    return { load, doneAt, usage };
  });
  const acceptedRate = perSecond(events, closed.load.finished_at_ms - closed.load.started_at_ms);
  const durableRate = perSecond(events, closed.doneAt - closed.load.started_at_ms);

  const paced = await withRig(ctx, { specs: healthySpecs(1), profileName: "single-paced" }, async (rig) => {
    const sampler = new ProcessSampler(rig.server.pid);
    sampler.start();
    ctx.log(`paced: ${rate} single POSTs/s for ${durationS} s from a cold start`);
    const load = await runLoad({
      url: rig.server.url,
      key: rig.key,
      mode: "paced",
      connections: 64,
      rate,
      seconds: durationS,
    });
    checkLoad("paced", load);
    await waitForDelivered(rig.server, rig.receiver, completion(ctx, rig, load.requests));
    const usage = sampler.finish();
    return { load, usage, stats: await rig.receiver.stats() };
  });
  const pacedSeconds = (paced.load.finished_at_ms - paced.load.started_at_ms) / 1000;

  return {
    config: {
      events,
      connections: CONNECTIONS,
      webhooks: 1,
      paced_rate: rate,
      paced_seconds: durationS,
      load: "one POST /v1/events per event from bench/load-generator.ts (its own process); fresh servers, no warm-up",
    },
    figures: [
      figure("bare Fastify ceiling requests/s", ceilingRate, "/s"),
      figure("accepted events/s (closed loop, cold start)", acceptedRate, "/s"),
      figure("accepted / ceiling", acceptedRate / ceilingRate, "×", { op: ">=", value: 0.15 }),
      figure("durable events/s (first POST → all delivered)", durableRate, "/s"),
      figure("closed-loop request p50", closed.load.latency.p50_ms, "ms"),
      figure("closed-loop request p99", closed.load.latency.p99_ms, "ms", { op: "<=", value: 25 }),
      figure("closed-loop request p99, first second", closed.load.first_second.p99_ms, "ms"),
      figure("server CPU per event (closed loop)", (closed.usage.cpuSeconds * 1e6) / events, "µs"),
      figure("paced achieved events/s", paced.load.requests / pacedSeconds, "/s"),
      figure("paced accept → received p50", paced.stats.latency.p50_ms, "ms"),
      figure("paced accept → received p99", paced.stats.latency.p99_ms, "ms", { op: "<=", value: 25 }),
      figure("paced accept → received max", paced.stats.latency.max_ms, "ms"),
      figure("paced request p99", paced.load.latency.p99_ms, "ms"),
      figure("paced server CPU use (cores)", paced.usage.cpuSeconds / pacedSeconds, ""),
    ],
    details: {
      ceiling: ceiling,
      closed: {
        load: closed.load,
        server_cpu_s: round(closed.usage.cpuSeconds, 2),
        peak_rss_mib: round(closed.usage.peakRssMiB, 1),
      },
      paced: { load: paced.load, receiver: paced.stats, server_cpu_s: round(paced.usage.cpuSeconds, 2) },
    },
  };
};
