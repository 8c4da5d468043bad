/**
 * The benchmark harness must not rot: every scenario runs in --smoke mode (a few hundred
 * deliveries) in one child process per store, which exits 0 and writes each scenario's JSON with
 * the expected figures.
 * PostgreSQL runs only with SWITCHBOARD_TEST_DATABASE_URL; the BullMQ peer only with Redis.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScenarioResult } from "../../bench/lib/report.js";
import { ensureBuilt, ROOT } from "../../bench/lib/server.js";
import { redisReachable } from "../../bench/scenarios/peer.js";

const EXPECTED: Record<string, string[]> = {
  throughput: ["accepted events/s", "durable deliveries/s (end to end)", "server peak RSS"],
  ceiling: ["ceiling deliveries/s (undici loop, no store)", "Switchboard / ceiling"],
  peer: ["peer deliveries/s (BullMQ + Redis)", "Switchboard / peer"],
  latency: ["latency p50 (accept → received)", "latency p99", "latency max"],
  isolation: ["healthy deliveries/s (end to end)", "healthy / scenario 1"],
  records: ["PATCH achieved/s", "PATCH accept → received p99", "request p99 ratio (PATCH / POST)"],
  backlog: ["drain deliveries/s", "drain server peak RSS", "claim time growth (large / small)"],
  "records-import": [
    "import rows/s",
    "import server peak RSS",
    "peer rows/s (POST /v1/clients one at a time)",
    "import / peer",
  ],
  "records-export": ["export rows/s", "export server RSS growth (peak − before)"],
  scheduling: ["availability p99", "Cal.com slot requests (misses + refreshes)"],
  enrichment: ["lookups/s", "runs/s"],
  ordering: [
    "unordered deliveries/s (end to end)",
    "per-key ordered deliveries/s (end to end)",
    "ordered / unordered",
  ],
};

const stores = process.env.SWITCHBOARD_TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "run.ts"), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(stores)("bench --smoke on %s", (store) => {
  let outDir: string;
  let redis = false;
  let run: { code: number | null; stdout: string; stderr: string };
  // One invocation for every scenario, as `npm run bench` runs them: the scenarios that compare
  // with scenario 1 reuse its result instead of running it again, and tsx starts once.
  beforeAll(async () => {
    ensureBuilt(() => undefined);
    outDir = mkdtempSync(join(tmpdir(), "switchboard-bench-smoke-"));
    redis = await redisReachable();
    run = await runBench([
      "--scenario",
      Object.keys(EXPECTED).join(","),
      "--store",
      store,
      "--smoke",
      "--json",
      "--out-dir",
      outDir,
    ]);
  }, 300_000);
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it.each(Object.keys(EXPECTED))(
    "%s exits 0 and writes its figures",
    (scenario) => {
      expect(run.code, run.stderr.slice(-3_000)).toBe(0);
      const printed = JSON.parse(run.stdout) as ScenarioResult[];
      expect(printed.map((r) => r.scenario)).toContain(scenario);
      const result = JSON.parse(
        readFileSync(join(outDir, `${scenario}-${store}.json`), "utf8"),
      ) as ScenarioResult & {
        machine: { cpu_count: number; node: string; packages: Record<string, string | null> };
      };
      expect(result.store).toBe(store);
      expect(result.smoke).toBe(true);
      expect(result.machine.cpu_count).toBeGreaterThan(0);
      expect(result.machine.packages.fastify).toBeTruthy();
      if (scenario === "peer" && !redis) {
        expect(result.skipped).toMatch(/Redis/);
        return;
      }
      expect(result.skipped).toBeNull();
      const names = result.figures.map((f) => f.name);
      for (const name of EXPECTED[scenario] ?? []) expect(names).toContain(name);
      for (const f of result.figures) expect(Number.isFinite(f.value), f.name).toBe(true);
    },
    60_000,
  );
});
