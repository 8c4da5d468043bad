/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time by function and by
 * package. `node --import tsx bench/lib/profile-summary.ts <file.cpuprofile> [top]`
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string): string {
  if (url === "") return "(native/VM)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  if (url.startsWith("node:")) return "node core";
  const dist = /\/dist\/(.+)$/.exec(url);
  if (dist) return `switchboard ${(dist[1] as string).split("/")[0]}`;
  return url;
}

export function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const file = frame.url.replace(/^.*\/node_modules\//, "").replace(/^.*\/dist\//, "dist/");
    const key = `${frame.functionName || "(anonymous)"}  ${file}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg = packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, us]) =>
          `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(7)} s  ${k}`,
      )
      .join("\n");
  return `total sampled: ${(total / 1e6).toFixed(2)} s\n\nself time by function:\n${rows(byFunction)}\n\nself time by package:\n${rows(byPackage)}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() as string)) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write("usage: profile-summary.ts <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  process.stdout.write(
    summarise(JSON.parse(readFileSync(file, "utf8")) as Profile, Number(process.argv[3] ?? 30)),
  );
}
