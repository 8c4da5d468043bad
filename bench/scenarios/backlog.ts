/**
 * Scenario 6 — backlog: 1 000 000 deliveries (200 000 events × 5 endpoints) pending while nothing
 * can deliver them, then the drain.
 *
 * How the outage is made: the events are ingested by a server started with `--role api` (the API
 * without a dispatcher), so every delivery is stored `pending` and due, and none is attempted —
 * exactly the state a long outage leaves behind, without a million failed attempts (a 503 receiver
 * with a 1 s retry schedule would mostly measure the failure path, and disabled webhooks get no
 * deliveries at ingest). The receiver is also held down (503) meanwhile, and must see no request.
 * Then the API server stops, the receiver comes up, and a full server (`--role all`, same store)
 * starts: drain rate = deliveries / (from the server's "started" line to the last delivery durably
 * succeeded and received). Peak RSS is that server's VmHWM.
 *
 * The claim queries are timed against the store with ~1 000 and with all deliveries pending, while
 * the API-only server is idle: the claim in due order (lanes with room), the targeted claim (each
 * webhook's own due deliveries, what the dispatcher sends while lanes are busy) and the look-up of
 * webhooks with due work.
 */

import { probeClaim } from "../lib/claim-probe.js";
import { nowMs } from "../lib/clock.js";
import { waitForDelivered } from "../lib/completion.js";
import { percentile, perSecond, round, type Scenario } from "../lib/context.js";
import { callEnded } from "../lib/events.js";
import { ingestBatches } from "../lib/ingest.js";
import { ProcessSampler } from "../lib/proc.js";
import { figure } from "../lib/report.js";
import { withRig } from "../lib/rig.js";
import { SwitchboardServer } from "../lib/server.js";
import { healthySpecs } from "../lib/setup.js";

/** Median time of a /metrics scrape (it counts the due deliveries in the store). */
async function timeScrape(server: SwitchboardServer, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await server.metrics();
    times.push(performance.now() - started);
  }
  return round(percentile(times, 0.5), 3);
}

/** The dispatcher's claim batch (SWITCHBOARD_BATCH_SIZE default). */
const CLAIM_BATCH = 200;
/** A targeted claim refills a lane drained to half: 40 of its 80 (10 in flight × 8 rounds). */
const LANE_REFILL = 40;

export const backlog: Scenario = async (ctx) => {
  const { backlog: target, endpoints, batchSize, inFlight } = ctx.sizes;
  const events = Math.ceil(target / endpoints);
  const expected = events * endpoints;
  const firstEvents = Math.max(1, Math.min(Math.round(1_000 / endpoints), Math.floor(events / 4)));
  const runs = ctx.smoke ? 5 : 25;
  return withRig(
    ctx,
    { specs: healthySpecs(endpoints), role: "api", profileName: "backlog-ingest" },
    async (rig) => {
      await rig.receiver.down();
      const ingestSampler = new ProcessSampler(rig.server.pid);
      ingestSampler.start();
      const make = { batchSize, inFlight, makeEvent: (i: number, t: number) => callEnded(i, t) };
      await ingestBatches(rig.server, rig.key, firstEvents, make);
      const allWebhooks = rig.endpoints.map((e) => e.webhookId);
      const probes = async () => ({
        dueOrder: await probeClaim(rig.storage, CLAIM_BATCH, runs),
        targeted: await probeClaim(rig.storage, LANE_REFILL, runs, {
          kind: "targeted",
          webhookIds: allWebhooks,
        }),
        lookUp: await probeClaim(rig.storage, 0, runs, { kind: "look-up" }),
      });
      const small = await probes();
      const claimSmall = small.dueOrder;
      const scrapeSmall = await timeScrape(rig.server, runs);
      ctx.log(`claim at ${claimSmall.pending} pending: ${claimSmall.median_ms} ms; ingesting to ${expected}`);
      const rest = await ingestBatches(rig.server, rig.key, events - firstEvents, {
        ...make,
        startIndex: firstEvents,
      });
      const ingestMs = rest.finishedAt - rest.startedAt;
      const large = await probes();
      const claimLarge = large.dueOrder;
      const scrapeLarge = await timeScrape(rig.server, runs);
      ctx.log(`claim at ${claimLarge.pending} pending: ${claimLarge.median_ms} ms`);
      const ingestUsage = ingestSampler.finish();
      await rig.server.stop();
      const duringOutage = await rig.receiver.stats();
      if (duringOutage.rejected_down > 0 || duringOutage.total > 0) {
        throw new Error("the receiver was called while the backlog was being built");
      }

      await rig.receiver.up();
      const spawnAt = nowMs();
      rig.server = await SwitchboardServer.start({
        storage: rig.storage,
        masterKey: rig.masterKey,
        role: "all",
        cpuProfDir: ctx.cpuProfDir ? `${ctx.cpuProfDir}/backlog-drain-${ctx.store}` : null,
      });
      const readyAt = nowMs();
      const sampler = new ProcessSampler(rig.server.pid);
      sampler.start();
      ctx.log(
        `draining ${expected} deliveries (server started in ${((readyAt - spawnAt) / 1000).toFixed(1)} s)`,
      );
      const doneAt = await waitForDelivered(rig.server, rig.receiver, {
        key: rig.key,
        webhookIds: rig.endpoints.map((e) => e.webhookId),
        expected,
        timeoutMs: Math.max(300_000, expected * 10),
        intervalMs: Math.max(ctx.pollMs, 500),
      });
      const usage = sampler.finish();
      const stats = await rig.receiver.stats();
      const drainMs = doneAt - readyAt;
      const growth = claimLarge.median_ms / claimSmall.median_ms;
      return {
        config: {
          deliveries: expected,
          events,
          endpoints,
          claim_batch: CLAIM_BATCH,
          method:
            "ingest through an API-only server (no dispatcher: deliveries stay pending, none attempted, " +
            "receiver held at 503 and never called); then stop it, bring the receiver up and start a full " +
            "server on the same store; drain = deliveries / (started → all succeeded and received)",
        },
        figures: [
          figure("backlog ingest events/s (API only)", perSecond(rest.events, ingestMs), "/s"),
          figure("drain deliveries/s", perSecond(expected, drainMs), "/s", { op: ">=", value: 5_000 }),
          figure("drain server peak RSS", usage.peakRssMiB, "MiB", { op: "<=", value: 250 }),
          figure("drain server CPU use (cores)", usage.cpuSeconds / (drainMs / 1000), ""),
          figure("ingest server peak RSS", ingestUsage.peakRssMiB, "MiB"),
          figure(
            `claim query at ${claimSmall.pending.toLocaleString("en-US")} pending`,
            claimSmall.median_ms,
            "ms",
          ),
          figure(
            `claim query at ${claimLarge.pending.toLocaleString("en-US")} pending`,
            claimLarge.median_ms,
            "ms",
          ),
          figure("claim time growth (large / small)", growth, "×", { op: "<=", value: 2 }),
          figure(
            `targeted claim (${endpoints} webhooks × ${LANE_REFILL}) at ${small.targeted.pending.toLocaleString("en-US")} pending`,
            small.targeted.median_ms,
            "ms",
          ),
          figure(
            `targeted claim (${endpoints} webhooks × ${LANE_REFILL}) at ${large.targeted.pending.toLocaleString("en-US")} pending`,
            large.targeted.median_ms,
            "ms",
          ),
          figure(
            "targeted claim growth (large / small)",
            large.targeted.median_ms / small.targeted.median_ms,
            "×",
            { op: "<=", value: 2 },
          ),
          figure(
            `look-up of webhooks with due work at ${small.lookUp.pending.toLocaleString("en-US")} pending`,
            small.lookUp.median_ms,
            "ms",
          ),
          figure(
            `look-up of webhooks with due work at ${large.lookUp.pending.toLocaleString("en-US")} pending`,
            large.lookUp.median_ms,
            "ms",
          ),
          figure(`GET /metrics at ${claimSmall.pending.toLocaleString("en-US")} pending`, scrapeSmall, "ms"),
          figure(`GET /metrics at ${claimLarge.pending.toLocaleString("en-US")} pending`, scrapeLarge, "ms"),
        ],
        details: {
          startup_s: round((readyAt - spawnAt) / 1000, 3),
          drain_s: round(drainMs / 1000, 3),
          ingest_s: round(ingestMs / 1000, 3),
          claim_small: claimSmall,
          claim_large: claimLarge,
          targeted_claim_small: small.targeted,
          targeted_claim_large: large.targeted,
          look_up_small: small.lookUp,
          look_up_large: large.lookUp,
          receiver: stats,
        },
      };
    },
  );
};
