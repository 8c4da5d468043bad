/**
 * records-import — N clients (100,000 by default) imported from one CSV through POST /v1/imports:
 * rows/s from the request to the import's `completed`, and the server's peak RSS (the file is held
 * as text in the request and the import row, and read a chunk of 500 rows at a time). Peer in the
 * same run: a sample of the same rows created one POST /v1/clients at a time (what a script
 * without imports would do), and the ratio between the two.
 */
import { perSecond, round, type Scenario } from "../lib/context.js";
import { ProcessSampler } from "../lib/proc.js";
import { benchPhone, clientsCsv, importClients } from "../lib/records.js";
import { figure } from "../lib/report.js";
import { withRig } from "../lib/rig.js";

export const recordsImport: Scenario = async (ctx) => {
  const rows = ctx.sizes.records;
  const sample = Math.min(rows, ctx.smoke ? 50 : 2_000);
  return withRig(ctx, { specs: [], profileName: "records-import" }, async (rig) => {
    const csv = clientsCsv(rows);
    ctx.log(`importing ${rows} clients (${(csv.length / 1024 / 1024).toFixed(1)} MiB of CSV)`);
    const sampler = new ProcessSampler(rig.server.pid);
    sampler.start();
    const startedAt = Date.now();
    const done = await importClients(rig.server, rig.key, csv, {
      emitEvents: true,
      pollMs: ctx.pollMs,
      timeoutMs: Math.max(120_000, rows * 5),
    });
    const importMs = Date.now() - startedAt;
    const usage = sampler.finish();
    if (done.status !== "completed" || done.created !== rows) {
      throw new Error(`import ended ${JSON.stringify(done)}, expected ${rows} created`);
    }
    ctx.log(`imported in ${(importMs / 1000).toFixed(1)} s; peer: ${sample} clients one POST at a time`);
    const peerStarted = Date.now();
    for (let i = 0; i < sample; i++) {
      await rig.server.expect(201, "POST", "/v1/clients", {
        key: rig.key,
        body: {
          first_name: `Peer${i}`,
          last_name: "Bench",
          phones: [{ number: benchPhone(rows + i) }],
          emails: [`peer${i}@example.com`],
          addresses: [{ city: "Chicago", state: "IL" }],
          custom_fields: { referral: "radio" },
        },
      });
    }
    const peerMs = Date.now() - peerStarted;
    const importRate = perSecond(rows, importMs);
    const peerRate = perSecond(sample, peerMs);
    return {
      config: { rows, peer_sample: sample, chunk_rows: 500, emit_events: true },
      figures: [
        figure(
          "import rows/s",
          importRate,
          "/s",
          ctx.store === "sqlite" ? { op: ">=", value: 5_000 } : undefined,
        ),
        figure("import server peak RSS", usage.peakRssMiB, "MiB", { op: "<=", value: 300 }),
        figure("import server CPU", usage.cpuSeconds, "s"),
        figure("peer rows/s (POST /v1/clients one at a time)", peerRate, "/s"),
        figure("import / peer", importRate / peerRate, "×"),
      ],
      details: { import_s: round(importMs / 1000, 3), peer_s: round(peerMs / 1000, 3), import: done },
    };
  });
};
