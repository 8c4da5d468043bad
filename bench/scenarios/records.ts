/**
 * Scenario — records: `PATCH /v1/cases/{id}` at R requests/s (default 200/s) for D seconds, one
 * case per request, with two webhooks subscribed to `case.updated`. Each patch writes the case,
 * its `case.updated` event and two deliveries in one transaction; the receiver times
 * accept → received from `sent_at_ms`, which the patch puts in the case's custom fields (so it
 * rides in the event's record data).
 *
 * Peer, in the same run and on the same server: single `POST /v1/events` (`call.ended`, one event
 * per request, the way the platform posts) at the same rate to the same two webhooks — what a
 * record write costs beyond a plain event. Requests are paced against the clock and not awaited
 * one by one (an open loop), so a slow answer does not lower the offered rate. A warm-up of both
 * kinds of request runs first and is not counted.
 */
import { nowMs, sleep } from "../lib/clock.js";
import { waitForDelivered } from "../lib/completion.js";
import { percentile, round, type Scenario } from "../lib/context.js";
import { callEnded } from "../lib/events.js";
import { ProcessSampler } from "../lib/proc.js";
import { figure } from "../lib/report.js";
import { type Rig, withRig } from "../lib/rig.js";
import type { SwitchboardServer } from "../lib/server.js";

const ENDPOINTS = 2;
const EVENTS = ["case.updated", "call.ended"];

interface Phase {
  requests: number;
  sentMs: number;
  requestMs: number[];
  late: number;
}

/** Sends one request every 1000/rate ms for `seconds`; `send(i, sentAt)` makes request i. */
async function paced(
  rate: number,
  seconds: number,
  send: (i: number, sentAt: number) => Promise<unknown>,
): Promise<Phase> {
  const intervalMs = 1000 / rate;
  const total = Math.max(1, Math.round(rate * seconds));
  const requestMs: number[] = [];
  const pending = new Set<Promise<void>>();
  let late = 0;
  const startedAt = nowMs();
  for (let i = 0; i < total; i++) {
    const wait = startedAt + i * intervalMs - nowMs();
    if (wait > 0) await sleep(wait);
    else if (wait < -intervalMs) late++;
    const sentAt = nowMs();
    const p = send(i, sentAt)
      .then(() => {
        requestMs.push(nowMs() - sentAt);
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
  return { requests: total, sentMs: nowMs() - startedAt, requestMs, late };
}

async function createCases(server: SwitchboardServer, key: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const client = await server.expect<{ id: string }>(201, "POST", "/v1/clients", {
      key,
      body: {
        first_name: "Bench",
        last_name: `Client ${i}`,
        phones: [{ number: `+1312555${String(i).padStart(4, "0")}`, type: "mobile" }],
      },
    });
    const created = await server.expect<{ id: string }>(201, "POST", "/v1/cases", {
      key,
      body: { client_id: client.id, case_type: "auto_accident", title: `Bench case ${i}` },
    });
    ids.push(created.id);
  }
  return ids;
}

function requestFigures(phase: Phase): { p50: number; p99: number; max: number } {
  return {
    p50: round(percentile(phase.requestMs, 0.5), 3),
    p99: round(percentile(phase.requestMs, 0.99), 3),
    max: round(Math.max(...phase.requestMs), 3),
  };
}

export const records: Scenario = async (ctx) => {
  const rate = ctx.smoke ? ctx.sizes.rate : 200;
  const seconds = ctx.sizes.durationS;
  const caseCount = ctx.smoke ? 20 : 200;
  const specs = Array.from({ length: ENDPOINTS }, (_, i) => ({ path: `/ep/${i}`, events: EVENTS }));
  return withRig(ctx, { specs, profileName: "records" }, async (rig: Rig) => {
    const webhookIds = rig.endpoints.map((e) => e.webhookId);
    ctx.log(`creating ${caseCount} clients and cases`);
    const cases = await createCases(rig.server, rig.key, caseCount);
    const completion = (expected: number, expectedMetric: number) => ({
      key: rig.key,
      webhookIds,
      expected,
      expectedMetric,
      timeoutMs: 120_000,
      intervalMs: ctx.pollMs,
    });

    // A warm-up at the same rate (both kinds of request), not counted: the first seconds of a
    // fresh server measure the JIT and the caches, not the steady state.
    const warmupS = ctx.smoke ? 0.2 : 2;
    ctx.log(`warm-up: ${warmupS} s of each kind of request at ${rate}/s`);
    const warmPatches = await paced(rate, warmupS, (i, sentAt) =>
      rig.server.expect(200, "PATCH", `/v1/cases/${cases[i % cases.length]}`, {
        key: rig.key,
        body: { description: `warm-up ${i}`, custom_fields: { sent_at_ms: sentAt } },
      }),
    );
    const warmPosts = await paced(rate, warmupS, (i, sentAt) =>
      rig.server.expect(202, "POST", "/v1/events", { key: rig.key, body: callEnded(1_000_000 + i, sentAt) }),
    );
    const warmDeliveries = (warmPatches.requests + warmPosts.requests) * ENDPOINTS;
    await waitForDelivered(rig.server, rig.receiver, completion(warmDeliveries, warmDeliveries));
    await rig.receiver.reset();

    ctx.log(`measuring: ${seconds} s of PATCH /v1/cases/{id} at ${rate}/s to ${ENDPOINTS} webhooks`);
    let sampler = new ProcessSampler(rig.server.pid);
    sampler.start();
    const patches = await paced(rate, seconds, (i, sentAt) =>
      rig.server.expect(200, "PATCH", `/v1/cases/${cases[i % cases.length]}`, {
        key: rig.key,
        body: { description: `update ${i}`, custom_fields: { sent_at_ms: sentAt } },
      }),
    );
    const patchDeliveries = patches.requests * ENDPOINTS;
    await waitForDelivered(
      rig.server,
      rig.receiver,
      completion(patchDeliveries, warmDeliveries + patchDeliveries),
    );
    const patchCpu = sampler.finish();
    const patchLatency = (await rig.receiver.stats()).latency;
    await rig.receiver.reset();

    ctx.log(`peer: ${seconds} s of single POST /v1/events at ${rate}/s to the same webhooks`);
    sampler = new ProcessSampler(rig.server.pid);
    sampler.start();
    const posts = await paced(rate, seconds, (i, sentAt) =>
      rig.server.expect(202, "POST", "/v1/events", { key: rig.key, body: callEnded(i, sentAt) }),
    );
    const postDeliveries = posts.requests * ENDPOINTS;
    await waitForDelivered(
      rig.server,
      rig.receiver,
      completion(postDeliveries, warmDeliveries + patchDeliveries + postDeliveries),
    );
    const postCpu = sampler.finish();
    const postLatency = (await rig.receiver.stats()).latency;

    const patchReq = requestFigures(patches);
    const postReq = requestFigures(posts);
    return {
      config: {
        rate,
        duration_s: seconds,
        cases: caseCount,
        webhooks: ENDPOINTS,
        load: "one request every 1000/rate ms, not awaited one by one (open loop)",
        warmup_s: warmupS,
        peer: "single POST /v1/events (call.ended) at the same rate, same server and webhooks",
      },
      figures: [
        figure("PATCH achieved/s", (patches.requests * 1000) / patches.sentMs, "/s"),
        figure("PATCH request p50", patchReq.p50, "ms"),
        figure("PATCH request p99", patchReq.p99, "ms"),
        figure("PATCH accept → received p99", patchLatency.p99_ms, "ms", { op: "<=", value: 25 }),
        figure("peer POST request p99", postReq.p99, "ms"),
        figure("peer accept → received p99", postLatency.p99_ms, "ms"),
        figure("request p99 ratio (PATCH / POST)", patchReq.p99 / postReq.p99, "×"),
        figure("accept → received p99 ratio (PATCH / POST)", patchLatency.p99_ms / postLatency.p99_ms, "×"),
        figure("server CPU, PATCH phase (cores)", patchCpu.cpuSeconds / (patches.sentMs / 1000), ""),
        figure("server CPU, peer phase (cores)", postCpu.cpuSeconds / (posts.sentMs / 1000), ""),
      ],
      details: {
        patch: {
          requests: patches.requests,
          late: patches.late,
          request_ms: patchReq,
          latency: patchLatency,
        },
        peer: { requests: posts.requests, late: posts.late, request_ms: postReq, latency: postLatency },
      },
    };
  });
};
