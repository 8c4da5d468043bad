/**
 * records-export — N clients (100,000 by default, imported without events first) streamed by
 * GET /v1/clients/export as CSV: rows/s as the client reads them, and the server's RSS before,
 * at its highest during, and after the export (keyset pages of 500: it should stay flat).
 */
import { perSecond, round, type Scenario } from "../lib/context.js";
import { statusMiB } from "../lib/proc.js";
import { clientsCsv, importClients } from "../lib/records.js";
import { figure } from "../lib/report.js";
import { withRig } from "../lib/rig.js";

export const recordsExport: Scenario = async (ctx) => {
  const rows = ctx.sizes.records;
  return withRig(ctx, { specs: [], profileName: "records-export" }, async (rig) => {
    ctx.log(`importing ${rows} clients to export`);
    const done = await importClients(rig.server, rig.key, clientsCsv(rows), {
      emitEvents: false,
      pollMs: ctx.pollMs,
      timeoutMs: Math.max(120_000, rows * 5),
    });
    if (done.created !== rows) throw new Error(`import ended ${JSON.stringify(done)}`);
    // Let the import's garbage go before the baseline.
    await new Promise((resolve) => setTimeout(resolve, ctx.smoke ? 100 : 2_000));
    const before = statusMiB(rig.server.pid, "VmRSS");
    let during = before;
    const watch = setInterval(() => {
      during = Math.max(during, statusMiB(rig.server.pid, "VmRSS"));
    }, 50);
    const startedAt = Date.now();
    const response = await fetch(`${rig.server.url}/v1/clients/export?format=csv`, {
      headers: { authorization: `Bearer ${rig.key}` },
    });
    if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}`);
    let lines = 0;
    let bytes = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    }
    const exportMs = Date.now() - startedAt;
    clearInterval(watch);
    const after = statusMiB(rig.server.pid, "VmRSS");
    // Header line included; quoted fields with newlines would add lines, and these rows have none.
    if (lines - 1 !== rows) throw new Error(`export had ${lines - 1} rows, expected ${rows}`);
    return {
      config: { rows, page: 500, format: "csv" },
      figures: [
        figure("export rows/s", perSecond(rows, exportMs), "/s"),
        figure("export server RSS before", before, "MiB"),
        figure("export server RSS peak during", during, "MiB"),
        figure("export server RSS growth (peak − before)", during - before, "MiB"),
        figure("export server RSS after", after, "MiB"),
      ],
      details: { export_s: round(exportMs / 1000, 3), megabytes: round(bytes / 1024 / 1024, 2) },
    };
  });
};
