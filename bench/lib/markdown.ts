/**
 * Prints the results in bench/results (or DIR) as one Markdown table, SQLite and PostgreSQL side by
 * side, for docs/benchmarks.md: `node --import tsx bench/lib/markdown.ts [DIR]`.
 */
import { join } from "node:path";
import { type Figure, formatValue, readResult, type ScenarioResult } from "./report.js";
import { ROOT } from "./server.js";

const ORDER = ["throughput", "ceiling", "peer", "latency", "isolation", "backlog"];

function verdict(f: Figure | undefined): string {
  if (!f || f.pass === null) return "";
  return `${f.pass ? "pass" : "FAIL"}${f.ratio === null ? "" : ` (${f.ratio.toFixed(2)})`}`;
}

/** Figure names embed the backlog size ("… at 1,000 pending"): match on the text before " at ". */
function key(name: string): string {
  return name.replace(/ at [\d,]+ pending$/, " at N pending");
}

export function markdownTable(dir: string): string {
  const lines = [
    "| scenario | figure | SQLite | PostgreSQL | target | SQLite | PostgreSQL |",
    "|---|---|---:|---:|---|---|---|",
  ];
  for (const scenario of ORDER) {
    const sqlite = readResult(dir, scenario, "sqlite");
    const postgres = readResult(dir, scenario, "postgres");
    const base: ScenarioResult | null = sqlite ?? postgres;
    if (!base) continue;
    const seen = new Map<string, number>();
    for (const f of base.figures) {
      // The n-th figure with this key in each store (two "claim … at N pending" rows differ only by N).
      const n = seen.get(key(f.name)) ?? 0;
      seen.set(key(f.name), n + 1);
      const nth = (r: ScenarioResult | null) => r?.figures.filter((x) => key(x.name) === key(f.name))[n];
      const s = nth(sqlite);
      const p = nth(postgres);
      const target = f.target
        ? `${f.target.op === ">=" ? "≥" : "≤"} ${formatValue(f.target.value, f.unit)}`
        : "";
      lines.push(
        `| ${scenario} | ${f.name} | ${s ? formatValue(s.value, s.unit) : ""} | ${p ? formatValue(p.value, p.unit) : ""} | ${target} | ${verdict(s)} | ${verdict(p)} |`,
      );
    }
  }
  return lines.join("\n");
}

if (process.argv[1]?.endsWith("markdown.ts")) {
  process.stdout.write(`${markdownTable(process.argv[2] ?? join(ROOT, "bench", "results"))}\n`);
}
