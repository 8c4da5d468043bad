/**
 * `npm run bench -- [--scenario throughput|ceiling|peer|latency|single|isolation|backlog|records|records-import|records-export|scheduling|enrichment|ordering|crm|all]
 *   [--store sqlite|postgres] [--events N] [--endpoints N] [--rate N] [--duration S] [--backlog N] [--records N]
 *   [--json] [--smoke] [--out-dir DIR] [--cpu-prof]`
 *
 * Starts the compiled Switchboard and a receiver as separate processes per scenario, prints a
 * table (or JSON) and writes bench/results/<scenario>-<store>.json. See docs/benchmarks.md.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Scenario, ScenarioContext, Sizes } from "./lib/context.js";
import { renderTable, type ScenarioResult, writeResult } from "./lib/report.js";
import { ensureBuilt, ROOT } from "./lib/server.js";
import { postgresBaseUrl, type StoreKind } from "./lib/storage.js";
import { backlog } from "./scenarios/backlog.js";
import { ceiling } from "./scenarios/ceiling.js";
import { crm } from "./scenarios/crm.js";
import { enrichment } from "./scenarios/enrichment.js";
import { isolation } from "./scenarios/isolation.js";
import { latency } from "./scenarios/latency.js";
import { ordering } from "./scenarios/ordering.js";
import { peer } from "./scenarios/peer.js";
import { records } from "./scenarios/records.js";
import { recordsExport } from "./scenarios/records-export.js";
import { recordsImport } from "./scenarios/records-import.js";
import { scheduling } from "./scenarios/scheduling.js";
import { single } from "./scenarios/single.js";
import { throughput } from "./scenarios/throughput.js";

const SCENARIOS: Record<string, Scenario> = {
  throughput,
  ceiling,
  peer,
  latency,
  single,
  isolation,
  backlog,
  records,
  "records-import": recordsImport,
  "records-export": recordsExport,
  scheduling,
  enrichment,
  ordering,
  crm,
};
const ORDER = [
  "throughput",
  "ceiling",
  "peer",
  "latency",
  "single",
  "isolation",
  "backlog",
  "records",
  "records-import",
  "records-export",
  "scheduling",
  "enrichment",
  "ordering",
  "crm",
];

const FULL: Sizes = {
  events: 20_000,
  endpoints: 5,
  rate: 1_000,
  durationS: 20,
  backlog: 1_000_000,
  batchSize: 500,
  inFlight: 4,
  deadTimeoutMs: 5_000,
  records: 100_000,
};

const SMOKE: Sizes = {
  events: 100,
  endpoints: 3,
  rate: 200,
  durationS: 1,
  backlog: 600,
  batchSize: 50,
  inFlight: 2,
  deadTimeoutMs: 1_000,
  records: 300,
};

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function positive(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.replace(/_/g, ""));
  if (!Number.isFinite(value) || value <= 0) fail(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string", default: "all" },
      store: { type: "string", default: "sqlite" },
      events: { type: "string" },
      endpoints: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      backlog: { type: "string" },
      records: { type: "string" },
      json: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      "out-dir": { type: "string" },
      "cpu-prof": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      `${(await import("node:fs")).readFileSync(new URL(import.meta.url), "utf8").split("*/")[0]}*/\n`,
    );
    return;
  }
  const store = values.store as StoreKind;
  if (store !== "sqlite" && store !== "postgres")
    fail(`--store must be sqlite or postgres, got "${values.store}"`);
  if (store === "postgres" && !postgresBaseUrl()) {
    fail(
      "--store postgres needs SWITCHBOARD_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)",
    );
  }
  const wanted = values.scenario === "all" ? ORDER : (values.scenario ?? "").split(",");
  for (const name of wanted)
    if (!SCENARIOS[name]) fail(`unknown scenario "${name}" (${ORDER.join("|")}|all)`);
  const base = values.smoke ? SMOKE : FULL;
  const sizes: Sizes = {
    ...base,
    events: Math.round(positive(values.events, "events", base.events)),
    endpoints: Math.round(positive(values.endpoints, "endpoints", base.endpoints)),
    rate: positive(values.rate, "rate", base.rate),
    durationS: positive(values.duration, "duration", base.durationS),
    backlog: Math.round(positive(values.backlog, "backlog", base.backlog)),
    records: Math.round(positive(values.records, "records", base.records)),
  };
  const outDir = values["out-dir"] ?? join(ROOT, "bench", "results", values.smoke ? "smoke" : "");
  const log = (message: string) => process.stderr.write(`${message}\n`);
  ensureBuilt(log);

  const done = new Map<string, ScenarioResult>();
  const failures: string[] = [];
  const runOne = async (name: string): Promise<ScenarioResult> => {
    const existing = done.get(name);
    if (existing) return existing;
    const scenario = SCENARIOS[name] as Scenario;
    const startedAt = new Date();
    log(`\n▶ ${name} (${store}${values.smoke ? ", smoke" : ""})`);
    const output = await scenario(ctx(name));
    const result: ScenarioResult = {
      scenario: name,
      store,
      skipped: output.skipped ?? null,
      smoke: values.smoke ?? false,
      started_at: startedAt.toISOString(),
      duration_s: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      config: { ...output.config, store },
      figures: output.figures,
      details: output.details,
    };
    done.set(name, result);
    const path = writeResult(outDir, result);
    log(output.skipped ? `  skipped: ${output.skipped}` : `  wrote ${path}`);
    return result;
  };
  const ctx = (name: string): ScenarioContext => ({
    store,
    smoke: values.smoke ?? false,
    sizes,
    pollMs: values.smoke ? 20 : 100,
    cpuProfDir: values["cpu-prof"] ? join(outDir, "profiles") : null,
    log: (message) => log(`  [${name}] ${message}`),
    baseline: () => runOne("throughput"),
  });

  for (const name of wanted) {
    try {
      await runOne(name);
    } catch (error) {
      failures.push(name);
      log(`  ✗ ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  const results = ORDER.filter((name) => done.has(name)).map((name) => done.get(name) as ScenarioResult);
  if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(`\n${renderTable(results)}\n`);
  if (failures.length > 0) {
    log(`\nfailed: ${failures.join(", ")}`);
    process.exit(1);
  }
  // Undici pools and timers in this process must not keep it alive.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
