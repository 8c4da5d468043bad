/** Figures with targets, the results JSON (with machine and versions) and the printed table. */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { join } from "node:path";
import { ROOT } from "./server.js";
import type { StoreKind } from "./storage.js";

export interface Target {
  op: ">=" | "<=";
  value: number;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target: Target | null;
  /** null when the figure has no target. */
  pass: boolean | null;
  /** value / target, or null without a target. */
  ratio: number | null;
}

export interface ScenarioResult {
  scenario: string;
  store: StoreKind;
  /** Why the scenario did not run (e.g. Redis unreachable); figures are then empty. */
  skipped: string | null;
  smoke: boolean;
  started_at: string;
  duration_s: number;
  config: Record<string, unknown>;
  figures: Figure[];
  /** Everything else measured: raw counters, receiver stats, query plans… */
  details: Record<string, unknown>;
}

export function figure(name: string, value: number, unit: string, target?: Target): Figure {
  if (!target) return { name, value, unit, target: null, pass: null, ratio: null };
  const pass = Number.isFinite(value) && (target.op === ">=" ? value >= target.value : value <= target.value);
  return { name, value, unit, target, pass, ratio: target.value === 0 ? null : value / target.value };
}

function packageVersion(name: string): string | null {
  try {
    const json = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as {
      version?: string;
    };
    return json.version ?? null;
  } catch {
    return null;
  }
}

/** The commit under test, and whether src/ had uncommitted changes. */
function sourceInfo(): { commit: string | null; src_modified: boolean | null } {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    return {
      commit: git("rev-parse", "--short", "HEAD"),
      src_modified: git("status", "--porcelain", "src") !== "",
    };
  } catch {
    return { commit: null, src_modified: null };
  }
}

export function machineInfo(): Record<string, unknown> {
  const cpuList = cpus();
  return {
    os: `${type()} ${release()}`,
    cpu_model: cpuList[0]?.model ?? "unknown",
    cpu_count: cpuList.length,
    total_memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    load_average_at_start: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    source: sourceInfo(),
    packages: Object.fromEntries(
      ["fastify", "better-sqlite3", "pg", "undici", "bullmq", "ioredis", "kysely"].map((p) => [
        p,
        packageVersion(p),
      ]),
    ),
  };
}

export function writeResult(outDir: string, result: ScenarioResult): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `${result.scenario}-${result.store}.json`);
  writeFileSync(path, `${JSON.stringify({ ...result, machine: machineInfo() }, null, 2)}\n`);
  return path;
}

export function readResult(outDir: string, scenario: string, store: StoreKind): ScenarioResult | null {
  try {
    return JSON.parse(readFileSync(join(outDir, `${scenario}-${store}.json`), "utf8")) as ScenarioResult;
  } catch {
    return null;
  }
}

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const text = value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit === "" || unit === "×" ? `${text}${unit}` : `${text} ${unit}`;
}

function targetText(f: Figure): string {
  return f.target ? `${f.target.op} ${formatValue(f.target.value, f.unit)}` : "";
}

export function renderTable(results: ScenarioResult[]): string {
  const rows: string[][] = [["scenario", "figure", "value", "target", "pass", "ratio"]];
  for (const r of results) {
    const label = `${r.scenario} (${r.store})`;
    if (r.skipped) {
      rows.push([label, `skipped: ${r.skipped}`, "", "", "", ""]);
      continue;
    }
    for (const f of r.figures) {
      rows.push([
        label,
        f.name,
        formatValue(f.value, f.unit),
        targetText(f),
        f.pass === null ? "" : f.pass ? "pass" : "FAIL",
        f.ratio === null ? "" : f.ratio.toFixed(2),
      ]);
    }
  }
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length))) ?? [];
  const line = (row: string[]) =>
    `| ${row.map((cell, c) => (c === 2 || c === 5 ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join(" | ")} |`;
  const separator = `|${widths.map((w, c) => (c === 2 || c === 5 ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(rows[0] ?? []), separator, ...rows.slice(1).map(line)].join("\n");
}
