/**
 * crm — CRM sync (issue 13). Three figures from one invocation:
 *
 * 1. Initial sync: N clients, each with a case (10,000 by default; --records caps it), exported to
 *    the LawRuler fake with no rate limit (a LawRuler lead carries its client's fields, so one lead
 *    per case): records/s and seconds from the mappings' PUT (which starts the sync) to the run
 *    finished. Target: ≤ 60 s for 10,000.
 * 2. Rate limit: M cases (100) exported to a LawRuler fake answering 429 past 10 requests/s: 429s
 *    per 1,000 requests counted from one second after the first 429 (the requests in flight when
 *    the first one came back are answered 429 too). Target: ≤ 1.
 * 3. Webhooks: W events × E endpoints delivered alone, then again while the initial sync runs —
 *    deliveries/s during ÷ alone. Target: ≥ 0.95.
 */
import { type LawRulerFake, startLawRulerFake } from "../../fakes/lawruler.js";
import { LAWRULER_MAPPINGS } from "../../test/helpers/crm.js";
import { waitForDelivered } from "../lib/completion.js";
import { perSecond, round, type Scenario, type ScenarioContext } from "../lib/context.js";
import { callEnded } from "../lib/events.js";
import { ingestBatches } from "../lib/ingest.js";
import { benchPhone } from "../lib/records.js";
import { figure } from "../lib/report.js";
import { type Rig, withRig } from "../lib/rig.js";
import type { SwitchboardServer } from "../lib/server.js";
import { createTenant, healthySpecs } from "../lib/setup.js";

const LIMIT_PER_SECOND = 10;

interface RunView {
  mode: string;
  status: string;
  pushed: number;
  errors: unknown[];
}

export const crm: Scenario = async (ctx) => {
  const records = Math.min(ctx.sizes.records, ctx.smoke ? 200 : 10_000);
  const limitedRecords = ctx.smoke ? 20 : 100;
  const unlimited = await startLawRulerFake();
  const limited = await startLawRulerFake({ rateLimitPerSecond: LIMIT_PER_SECOND });
  try {
    return await withRig(
      ctx,
      { specs: healthySpecs(ctx.sizes.endpoints), profileName: "crm" },
      async (rig) => {
        const { server } = rig;
        const webhookEvents = ctx.smoke ? 100 : 4_000;
        const perWave = webhookEvents * rig.endpoints.length;

        // Records of their own tenants, so their events do not add deliveries to the webhook count.
        const key = await createTenant(server, "CRM Firm");
        await importClientsWithCases(server, key, records, 0, ctx);
        const limitedKey = await createTenant(server, "Rate Limited Firm");
        await importClientsWithCases(server, limitedKey, limitedRecords, records, ctx);
        ctx.log(`${records} + ${limitedRecords} clients with a case each imported`);

        const alone = await webhookWave(rig, webhookEvents, 0, perWave, ctx.pollMs);
        ctx.log(`webhooks alone: ${alone.toFixed(0)} deliveries/s`);

        const connection = await connect(server, key, unlimited);
        const startedAt = Date.now();
        await server.expect(200, "PUT", `/v1/crm/connections/${connection}/mappings`, {
          key,
          body: LAWRULER_MAPPINGS,
        });
        const [during, run] = await Promise.all([
          webhookWave(rig, webhookEvents, webhookEvents, perWave, ctx.pollMs),
          finishedRun(server, key, connection, ctx, Math.max(600_000, records * 200)),
        ]);
        const syncMs = Date.now() - startedAt;
        ctx.log(`webhooks while syncing: ${during.toFixed(0)} deliveries/s`);
        ctx.log(`initial sync: ${records} in ${(syncMs / 1000).toFixed(1)} s (${run.status})`);
        if (run.status !== "succeeded")
          throw new Error(`initial sync ${run.status}: ${JSON.stringify(run.errors)}`);
        if (unlimited.records.leads.size !== records)
          throw new Error(`${unlimited.records.leads.size} leads in the fake, expected ${records}`);

        // The limited fake: watch its counters to note where the first 429 came back.
        const limitedConnection = await connect(server, limitedKey, limited);
        let firstAt: number | null = null;
        let settled: { requests: number; rateLimited: number } | null = null;
        const watch = setInterval(() => {
          if (firstAt === null && limited.stats.rateLimited > 0) firstAt = Date.now();
          if (firstAt !== null && settled === null && Date.now() - firstAt >= 1_000)
            settled = { ...limited.stats };
        }, 5);
        const limitedStarted = Date.now();
        await server.expect(200, "PUT", `/v1/crm/connections/${limitedConnection}/mappings`, {
          key: limitedKey,
          body: LAWRULER_MAPPINGS,
        });
        const limitedRun = await finishedRun(server, limitedKey, limitedConnection, ctx, 900_000);
        const limitedMs = Date.now() - limitedStarted;
        clearInterval(watch);
        if (limitedRun.status !== "succeeded")
          throw new Error(`rate-limited sync ${limitedRun.status}: ${JSON.stringify(limitedRun.errors)}`);
        const end = { ...limited.stats };
        const after = settled ?? end;
        const afterRequests = end.requests - (after as { requests: number }).requests;
        const afterLimited = end.rateLimited - (after as { rateLimited: number }).rateLimited;
        const per1000 = afterRequests > 0 ? (afterLimited * 1000) / afterRequests : 0;
        ctx.log(
          `rate-limited sync: ${limitedRecords} in ${(limitedMs / 1000).toFixed(1)} s, ${end.requests} requests, ` +
            `${end.rateLimited} answered 429 (${afterLimited} of ${afterRequests} after the first second)`,
        );

        return {
          config: {
            records,
            crm: "lawruler fake",
            limited_records: limitedRecords,
            limit_per_second: LIMIT_PER_SECOND,
            webhook_events: webhookEvents,
            endpoints: rig.endpoints.length,
          },
          figures: [
            figure("initial sync records/s", perSecond(records, syncMs), "/s"),
            figure("initial sync seconds", syncMs / 1000, "s", { op: "<=", value: (60 * records) / 10_000 }),
            figure("429s per 1,000 requests after the first", per1000, "", { op: "<=", value: 1 }),
            figure("webhook deliveries/s alone", alone, "/s"),
            figure("webhook deliveries/s while syncing", during, "/s"),
            figure("webhooks while syncing / alone", during / alone, "×", { op: ">=", value: 0.95 }),
          ],
          details: {
            sync_s: round(syncMs / 1000, 3),
            unlimited_fake: unlimited.stats,
            requests_per_record: round(unlimited.stats.requests / records, 2),
            limited_fake: end,
            limited_sync_s: round(limitedMs / 1000, 3),
            limited_requests_per_s: round(perSecond(end.requests, limitedMs), 2),
            first_429_after_s:
              firstAt === null ? null : round(((firstAt as number) - limitedStarted) / 1000, 3),
          },
        };
      },
    );
  } finally {
    await unlimited.close();
    await limited.close();
  }
};

/** A LawRuler connection exporting to the fake; its initial sync starts when the mappings are PUT. */
async function connect(server: SwitchboardServer, key: string, fake: LawRulerFake): Promise<string> {
  const created = await server.expect<{ id: string }>(201, "POST", "/v1/crm/connections", {
    key,
    body: {
      provider: "lawruler",
      base_url: fake.url,
      credentials: fake.credentials,
      settings: { direction: "to_crm", frequency: "daily", initial_sync: "export" },
    },
  });
  return created.id;
}

async function finishedRun(
  server: SwitchboardServer,
  key: string,
  connection: string,
  ctx: ScenarioContext,
  timeoutMs: number,
): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await server.expect<{ data: RunView[] }>(
      200,
      "GET",
      `/v1/crm/connections/${connection}/runs`,
      {
        key,
      },
    );
    const run = runs.data.find((r) => r.mode === "initial");
    if (run && run.status !== "running") return run;
    if (Date.now() > deadline) throw new Error(`initial sync not finished in time: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, ctx.pollMs * 5));
  }
}

/** `count` clients (numbered from `offset`) by import, then a case for each, matched by email. */
async function importClientsWithCases(
  server: SwitchboardServer,
  key: string,
  count: number,
  offset: number,
  ctx: ScenarioContext,
): Promise<void> {
  const numbers = Array.from({ length: count }, (_, i) => offset + i);
  const clients = numbers.map((i) => `Client${i},Bench,${benchPhone(i)},client${i}@example.com`);
  await importRows(server, key, "clients", `first_name,last_name,phone,email\n${clients.join("\n")}`, ctx);
  const cases = numbers.map((i) => `client${i}@example.com,Rear-ended at a light (${i})`);
  await importRows(server, key, "cases", `client_email,description\n${cases.join("\n")}`, ctx);
}

async function importRows(
  server: SwitchboardServer,
  key: string,
  object: "clients" | "cases",
  csv: string,
  ctx: ScenarioContext,
): Promise<void> {
  const started = await server.expect<{ id: string }>(202, "POST", "/v1/imports", {
    key,
    body: { object, format: "csv", data: csv, emit_events: false },
  });
  const deadline = Date.now() + 600_000;
  for (;;) {
    const current = await server.expect<{ status: string; failed: number }>(
      200,
      "GET",
      `/v1/imports/${started.id}`,
      {
        key,
      },
    );
    if (current.status === "completed") {
      if (current.failed > 0) throw new Error(`${current.failed} ${object} rows failed to import`);
      return;
    }
    if (current.status === "failed" || Date.now() > deadline)
      throw new Error(`${object} import ${current.status}`);
    await new Promise((resolve) => setTimeout(resolve, ctx.pollMs));
  }
}

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
