/**
 * A/B of the ingest write path in one process: `node --import tsx bench/ingest-probe.ts
 * [--store sqlite|postgres] [--events N] [--concurrency C] [--rounds R]`.
 *
 * Stores single `call.ended` events (one delivery each) through the store the two ways ingest
 * can: each request in its own transaction (`events.ingest`, as before group commit) and through
 * `GroupCommit` — C requests in flight, alternating the two for R rounds on the same fresh store, so
 * a busy machine slows both alike. Prints events/s and this process's CPU µs per event for each.
 * No HTTP, no routing, no dispatcher: the write path alone.
 */
import { parseArgs } from "node:util";
import { generateId } from "../src/domain/ids.js";
import { GroupCommit } from "../src/events/group-commit.js";
import { type NewEvent, openStore, type Store } from "../src/store/index.js";
import { callEnded } from "./lib/events.js";
import { createStorage, type StoreKind } from "./lib/storage.js";

const { values } = parseArgs({
  options: {
    store: { type: "string", default: "sqlite" },
    events: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
  },
});
const kind = values.store as StoreKind;
const perRound = Number(values.events);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);

const storage = createStorage(kind);
const store: Store = await openStore({
  databaseUrl: storage.databaseUrl,
  dataDir: storage.dataDir,
  pgPoolSize: 10,
});
await store.migrate();
const tenantId = generateId("ten_");
await store.tenants.create({ id: tenantId, name: "Probe", timezone: "UTC", created_at: 1 });
const webhookId = generateId("wh_");
await store.targets.create({
  id: webhookId,
  tenant_id: tenantId,
  kind: "webhook",
  target_config: null,
  url: "https://example.com",
  description: "",
  enabled: true,
  disabled_reason: null,
  events: ["call.ended"],
  campaign_id: null,
  filters: {},
  method: "POST",
  headers: {},
  auth: "x",
  app_key: null,
  body: { format: "json" },
  timeout_ms: 1000,
  retry: {},
  success: {},
  signature_header: null,
  hold: null,
  max_in_flight: null,
  rate_limit_per_s: null,
  secret: "x",
  previous_secret: null,
  previous_secret_expires_at: null,
  created_at: 1,
  updated_at: 1,
});

let index = 0;
function nextEvent(): NewEvent {
  const now = Date.now();
  const { type, data } = callEnded(index++, now);
  return {
    event: {
      id: generateId("evt_"),
      tenant_id: tenantId,
      type,
      data,
      campaign_id: null,
      case_type: null,
      idempotency_key: null,
      occurred_at: now,
      created_at: now,
    },
    deliveries: [{ id: generateId("dlv_"), webhookId, hold: null, claimed: false }],
  };
}

const groups = new GroupCommit(store.events, kind === "sqlite" ? 1 : 4);
type Write = (events: NewEvent[]) => Promise<unknown>;
const ways: Record<string, Write> = {
  "own transaction": (events) => store.events.ingest(tenantId, events, Date.now(), null),
  "group commit": (events) => groups.write({ tenantId, events, now: Date.now(), claimFor: null }),
};

async function run(write: Write): Promise<{ perS: number; cpuUs: number }> {
  let left = perRound;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await write([nextEvent()]);
    }),
  );
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { perS: (perRound * 1000) / ms, cpuUs: (used.user + used.system) / perRound };
}

const results: Record<string, Array<{ perS: number; cpuUs: number }>> = {};
await run(ways["own transaction"] as Write); // warm-up, not counted
for (let r = 0; r < rounds; r++) {
  for (const [name, write] of Object.entries(ways)) {
    const result = await run(write);
    const list = results[name] ?? [];
    list.push(result);
    results[name] = list;
    process.stdout.write(
      `round ${r + 1} ${name.padEnd(16)} ${result.perS.toFixed(0).padStart(6)} events/s  ${result.cpuUs.toFixed(0).padStart(5)} µs CPU/event\n`,
    );
  }
}
for (const [name, list] of Object.entries(results)) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  process.stdout.write(
    `median ${name.padEnd(16)} ${median(list.map((x) => x.perS))
      .toFixed(0)
      .padStart(6)} events/s  ${median(list.map((x) => x.cpuUs))
      .toFixed(0)
      .padStart(5)} µs CPU/event\n`,
  );
}
await store.close();
await storage.cleanup();
