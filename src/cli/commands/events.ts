import type { Command } from "commander";
import { clientAction, withClientOptions } from "../client.js";
import { details, fail, printJson } from "../output.js";

/** `events send`: one event into the server, from JSON or the catalog's example. */
export function registerEventCommands(program: Command): void {
  const events = program.command("events").description("send events");
  withClientOptions(
    events.command("send").description("send one event; it is delivered to every matching webhook"),
  )
    .requiredOption("--type <type>", "the event type, e.g. call.ended")
    .option("--data <json>", "the event's data as JSON")
    .option("--example", "use the catalog's example data for the type")
    .option("--idempotency-key <key>", "the same key twice creates the event once")
    .action(
      clientAction(async (client, options) => {
        const opts = options as { type?: string; data?: string; example?: boolean; idempotencyKey?: string };
        if (opts.data !== undefined && opts.example) fail("pass --data or --example, not both", 2);
        if (opts.data === undefined && !opts.example) fail("pass --data JSON or --example", 2);
        let data: unknown;
        if (opts.example) {
          const type = await client.call("GET", `/v1/event-types/${encodeURIComponent(opts.type ?? "")}`);
          data = type.example;
        } else {
          try {
            data = JSON.parse(opts.data as string);
          } catch (error) {
            fail(`--data is not JSON: ${(error as Error).message}`, 2);
          }
        }
        const event = await client.call("POST", "/v1/events", {
          type: opts.type,
          data,
          ...(opts.idempotencyKey ? { idempotency_key: opts.idempotencyKey } : {}),
        });
        if (options.json) printJson(event);
        else process.stdout.write(details(event, ["id", "type", "deliveries"]));
      }),
    );
}
