/**
 * enrichment — N manual enrichments (1,000 by default; --records caps it) through a two-provider
 * waterfall, Twilio Lookup (demographics) then People Data Labs (email), both local fakes answering
 * every request in 50 ms: lookups/s and runs/s from the first POST /v1/clients/{id}/enrich to the
 * last run finished. Every run asks both providers, so lookups = 2 × runs. Alongside, another
 * tenant's webhooks: W events × E endpoints delivered alone first, then again while the
 * enrichments run — deliveries/s during ÷ alone is what enrichment costs webhook traffic.
 */
import { startPdlFake } from "../../fakes/pdl.js";
import { startTwilioLookupFake } from "../../fakes/twilio-lookup.js";
import { waitForDelivered } from "../lib/completion.js";
import { perSecond, round, type Scenario } from "../lib/context.js";
import { callEnded } from "../lib/events.js";
import { ingestBatches } from "../lib/ingest.js";
import { benchPhone } from "../lib/records.js";
import { figure } from "../lib/report.js";
import { type Rig, withRig } from "../lib/rig.js";
import { createTenant, healthySpecs } from "../lib/setup.js";

const LATENCY_MS = 50;
const IN_FLIGHT = 16;

async function inBatches(count: number, each: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) await each(next++);
    }),
  );
}

export const enrichment: Scenario = async (ctx) => {
  const runs = Math.min(ctx.sizes.records, ctx.smoke ? 50 : 1_000);
  const pdl = await startPdlFake({ latencyMs: LATENCY_MS, matchAny: true });
  const twilio = await startTwilioLookupFake({ latencyMs: LATENCY_MS, matchAny: true });
  try {
    return await withRig(
      ctx,
      { specs: healthySpecs(ctx.sizes.endpoints), profileName: "enrichment" },
      async (rig) => {
        const { server } = rig;
        // Webhooks belong to the rig's tenant; enrichment to another, so its record events do not
        // add deliveries to the count.
        const key = await createTenant(server, "Enrichment Firm");
        const webhookEvents = ctx.smoke ? 100 : 4_000;
        const perWave = webhookEvents * rig.endpoints.length;
        const alone = await webhookWave(rig, webhookEvents, 0, perWave, ctx.pollMs);
        ctx.log(`webhooks alone: ${alone.toFixed(0)} deliveries/s`);
        await server.expect(200, "PUT", "/v1/enrichment/providers/twilio_lookup", {
          key,
          body: { credentials: twilio.credentials, enabled: true, priority: 1, base_url: twilio.url },
        });
        await server.expect(200, "PUT", "/v1/enrichment/providers/pdl", {
          key,
          body: { credentials: pdl.credentials, enabled: true, priority: 2, base_url: pdl.url },
        });
        await server.expect(200, "PUT", "/v1/enrichment/settings", {
          key,
          body: {
            data: { phone: false, email: true, address: false, demographics: true },
            cache_days: 0,
            monthly_budget: null,
            max_cost_per_lookup: null,
          },
        });
        const ids: string[] = [];
        await inBatches(runs, async (i) => {
          const client = await server.expect<{ id: string }>(201, "POST", "/v1/clients", {
            key,
            body: { phones: [{ number: benchPhone(i) }] },
          });
          ids[i] = client.id;
        });
        ctx.log(`${runs} clients; enriching each through twilio_lookup → pdl (${LATENCY_MS} ms per answer)`);
        const startedAt = Date.now();
        let acceptedMs = 0;
        const [, during] = await Promise.all([
          inBatches(runs, async (i) => {
            await server.expect(202, "POST", `/v1/clients/${ids[i]}/enrich`, { key, body: {} });
          }).then(() => {
            acceptedMs = Date.now() - startedAt;
          }),
          webhookWave(rig, webhookEvents, webhookEvents, perWave, ctx.pollMs),
        ]);
        ctx.log(`webhooks while enriching: ${during.toFixed(0)} deliveries/s`);
        const deadline = Date.now() + Math.max(120_000, runs * 500);
        for (;;) {
          const open = await Promise.all(
            ["queued", "running"].map((status) =>
              server.expect<{ data: unknown[] }>(200, "GET", `/v1/enrichment/runs?status=${status}&limit=1`, {
                key,
              }),
            ),
          );
          if (open.every((page) => page.data.length === 0)) break;
          if (Date.now() > deadline) throw new Error("enrichment runs did not finish in time");
          await new Promise((resolve) => setTimeout(resolve, ctx.pollMs));
        }
        const elapsedMs = Date.now() - startedAt;
        const found = await server.expect<{ data: unknown[]; totals: { total: number } }>(
          200,
          "GET",
          "/v1/enrichment/runs?status=found&limit=1",
          { key },
        );
        const lookups = pdl.stats.requests + twilio.stats.requests;
        if (found.data.length === 0) throw new Error("no run found anything");
        return {
          config: {
            runs,
            providers: ["twilio_lookup", "pdl"],
            fake_latency_ms: LATENCY_MS,
            in_flight: IN_FLIGHT,
          },
          figures: [
            figure("lookups/s", perSecond(lookups, elapsedMs), "/s"),
            figure("runs/s", perSecond(runs, elapsedMs), "/s"),
            figure("enrich requests accepted/s", perSecond(runs, acceptedMs), "/s"),
            figure("webhook deliveries/s alone", alone, "/s"),
            figure("webhook deliveries/s while enriching", during, "/s"),
            figure("webhooks while enriching / alone", during / alone, "×", { op: ">=", value: 0.95 }),
          ],
          details: {
            elapsed_s: round(elapsedMs / 1000, 3),
            lookups,
            pdl: pdl.stats,
            twilio_lookup: twilio.stats,
            spend_usd: found.totals.total,
          },
        };
      },
    );
  } finally {
    await pdl.close();
    await twilio.close();
  }
};

/** Ingests `events` call events (numbered from `offset`) to the rig's webhooks; deliveries/s until all arrived. */
async function webhookWave(
  rig: Rig,
  events: number,
  offset: number,
  perWave: number,
  pollMs: number,
): Promise<number> {
  const before = offset === 0 ? 0 : perWave;
  const ingest = await ingestBatches(rig.server, rig.key, events, {
    batchSize: 500,
    inFlight: 2,
    makeEvent: (i, sentAt) => callEnded(offset + i, sentAt),
  });
  const doneAt = await waitForDelivered(rig.server, rig.receiver, {
    key: rig.key,
    webhookIds: rig.endpoints.map((e) => e.webhookId),
    expected: before + perWave,
    timeoutMs: Math.max(120_000, perWave * 5),
    intervalMs: pollMs,
  });
  return perSecond(perWave, doneAt - ingest.startedAt);
}
