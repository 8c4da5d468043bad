import type { Command } from "commander";
import { type Answer, type Client, clientAction, withClientOptions } from "../client.js";
import { colour, statusColour } from "../output.js";

interface DeliveryRow {
  id: string;
  event_id: string;
  webhook_id: string;
  status: string;
  attempt_count: number;
  last_status_code: number | null;
  last_error: string | null;
  updated_at: string;
}

/** The webhooks to watch: the one named, or every webhook of the tenant (re-read each round). */
async function watchedWebhooks(client: Client, webhookId: string | undefined): Promise<string[]> {
  if (webhookId) return [webhookId];
  const answer = await client.call("GET", "/v1/webhooks?limit=200");
  return (answer.data ?? []).map((w) => String(w.id));
}

function line(d: DeliveryRow): string {
  const time = new Date(d.updated_at).toISOString().slice(11, 19);
  const code = d.last_status_code ?? (d.last_error ? "err" : "-");
  return (
    `${time}  ${colour(statusColour(d.status), d.status.padEnd(9))}  ${String(code).padEnd(3)}  ` +
    `attempt ${d.attempt_count}  ${d.webhook_id}  ${d.id}  ${d.event_id}` +
    `${d.last_error && d.status !== "succeeded" ? `  ${colour("dim", d.last_error)}` : ""}\n`
  );
}

/**
 * `deliveries tail`: polls the webhooks' newest deliveries and prints each one that is new or has
 * changed (status, attempt) since the last look, until interrupted. Polling over the public list
 * routes works against any deployment and any role layout.
 */
export function registerDeliveryCommands(program: Command): void {
  const deliveries = program.command("deliveries").description("follow deliveries");
  withClientOptions(
    deliveries
      .command("tail")
      .description("print deliveries as they are created and attempted, until Ctrl-C"),
  )
    .option("--webhook <id>", "only this webhook's deliveries")
    .option("--interval <ms>", "how often to look, in milliseconds", "1000")
    .action(
      clientAction(async (client, options) => {
        const opts = options as { webhook?: string; interval?: string };
        const interval = Math.max(100, Number(opts.interval ?? 1000) || 1000);
        const seen = new Map<string, string>();
        let first = true;
        process.on("SIGINT", () => process.exit(0));
        for (;;) {
          const rows: DeliveryRow[] = [];
          for (const id of await watchedWebhooks(client, opts.webhook)) {
            const answer: Answer = await client.call(
              "GET",
              `/v1/webhooks/${encodeURIComponent(id)}/deliveries?limit=100`,
            );
            rows.push(...((answer.data ?? []) as unknown as DeliveryRow[]));
          }
          rows.sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id));
          for (const row of rows) {
            const state = `${row.status}/${row.attempt_count}`;
            if (seen.get(row.id) === state) continue;
            seen.set(row.id, state);
            // The first look only learns what exists: tail shows what happens from now on.
            if (first) continue;
            process.stdout.write(options.json ? `${JSON.stringify(row)}\n` : line(row));
          }
          if (first) process.stderr.write("watching deliveries (Ctrl-C to stop)\n");
          first = false;
          await new Promise((resolve) => setTimeout(resolve, interval));
        }
      }),
    );
}
