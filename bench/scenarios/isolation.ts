/**
 * Scenario 5 — isolation: as scenario 1 (N events × E healthy endpoints), plus one endpoint under
 * /dead that never answers (webhook timeout_ms 5 000). The dead webhook is filtered to
 * `campaign_ids: ["camp_dead"]` and every third event carries that campaign, so it takes a third
 * of the events; the healthy webhooks take every event. Figure: the healthy deliveries/s as a
 * ratio of scenario 1's.
 */
import { waitForDelivered } from "../lib/completion.js";
import { figureValue, perSecond, round, type Scenario } from "../lib/context.js";
import { callEnded } from "../lib/events.js";
import { ingestBatches } from "../lib/ingest.js";
import { ProcessSampler } from "../lib/proc.js";
import { figure } from "../lib/report.js";
import { withRig } from "../lib/rig.js";
import { metricValue } from "../lib/server.js";
import { healthySpecs } from "../lib/setup.js";
import { THROUGHPUT_FIGURE } from "./throughput.js";

const DEAD_CAMPAIGN = "camp_dead";

export const isolation: Scenario = async (ctx) => {
  const baseline = await ctx.baseline();
  const { events, endpoints, batchSize, inFlight, deadTimeoutMs } = ctx.sizes;
  const expected = events * endpoints;
  const specs = [
    ...healthySpecs(endpoints),
    { path: "/dead/0", timeout_ms: deadTimeoutMs, filters: { campaign_ids: [DEAD_CAMPAIGN] } },
  ];
  return withRig(ctx, { specs, profileName: "isolation" }, async (rig) => {
    const healthy = rig.endpoints.filter((e) => !e.path.startsWith("/dead"));
    const sampler = new ProcessSampler(rig.server.pid);
    sampler.start();
    ctx.log(`ingesting ${events} events: ${expected} healthy deliveries + a third of the events to /dead`);
    const ingest = await ingestBatches(rig.server, rig.key, events, {
      batchSize,
      inFlight,
      makeEvent: (i, sentAt) => callEnded(i, sentAt, i % 3 === 0 ? DEAD_CAMPAIGN : undefined),
    });
    const deadDeliveries = ingest.deliveries - expected;
    const doneAt = await waitForDelivered(rig.server, rig.receiver, {
      key: rig.key,
      webhookIds: healthy.map((e) => e.webhookId),
      paths: healthy.map((e) => e.path),
      expected,
      timeoutMs: Math.max(120_000, expected * 5),
      intervalMs: ctx.pollMs,
    });
    const usage = sampler.finish();
    const metrics = await rig.server.metrics();
    const stats = await rig.receiver.stats();
    const rate = perSecond(expected, doneAt - ingest.startedAt);
    const base = figureValue(baseline, THROUGHPUT_FIGURE);
    return {
      config: {
        events,
        healthy_endpoints: endpoints,
        healthy_deliveries: expected,
        dead_endpoint: { path: "/dead/0", timeout_ms: deadTimeoutMs, share_of_events: "1 in 3" },
      },
      figures: [
        figure("healthy deliveries/s (end to end)", rate, "/s"),
        figure("healthy / scenario 1", rate / base, "×", { op: ">=", value: 0.95 }),
        figure("dead-endpoint deliveries created", deadDeliveries, ""),
        figure(
          "dead-endpoint attempts timed out during the run",
          metricValue(metrics, "switchboard_attempts_total", { result: "timeout" }),
          "",
        ),
        figure("server peak RSS", usage.peakRssMiB, "MiB"),
      ],
      details: {
        end_to_end_s: round((doneAt - ingest.startedAt) / 1000, 3),
        scenario_1_deliveries_per_s: base,
        receiver: stats,
      },
    };
  });
};
