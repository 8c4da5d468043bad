import type { Command } from "commander";
import { clientAction, withClientOptions } from "../client.js";
import { colour, details, printJson, statusColour, table } from "../output.js";

const WEBHOOK_COLUMNS = ["id", "url", "enabled", "events", "description"];

/** Comma-separated values as a list, blanks dropped: `--events call.*,sms.received`. */
export function list(value: string): string[] {
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

/** `webhooks list|create|test` and `replay`. */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command("webhooks").description("list, create and test webhooks");
  withClientOptions(webhooks.command("list").description("list the tenant's webhooks")).action(
    clientAction(async (client, options) => {
      const answer = await client.call("GET", "/v1/webhooks?limit=200");
      if (options.json) printJson(answer);
      else process.stdout.write(table(answer.data ?? [], WEBHOOK_COLUMNS));
    }),
  );

  withClientOptions(
    webhooks.command("create").description("create a webhook; its signing secret is printed once"),
    "--server",
  )
    .requiredOption(
      "--url <url>",
      "where deliveries go (https; http only on servers that allow private targets)",
    )
    .option("--events <types>", "comma-separated event types or wildcards (call.*); empty = all", list)
    .option("--description <text>", "what the webhook is for")
    .action(
      clientAction(async (client, options) => {
        const { url, events, description } = options as {
          url: string;
          events?: string[];
          description?: string;
        };
        const webhook = await client.call("POST", "/v1/webhooks", {
          url,
          ...(events ? { events } : {}),
          ...(description !== undefined ? { description } : {}),
        });
        if (options.json) printJson(webhook);
        else
          process.stdout.write(
            `${details(webhook, WEBHOOK_COLUMNS)}\nsigning secret (shown once): ${webhook.secret}\n`,
          );
      }),
    );

  withClientOptions(
    webhooks
      .command("test <webhook_id>")
      .description("send the catalog example of an event type to the webhook now and show the answer"),
  )
    .option("--event-type <type>", "the event type to send (default webhook.test)")
    .action(
      clientAction(async (client, options, id: string) => {
        const eventType = (options as { eventType?: string }).eventType;
        const answer = await client.call(
          "POST",
          `/v1/webhooks/${encodeURIComponent(id)}/test`,
          eventType ? { event_type: eventType } : {},
        );
        if (options.json) {
          printJson(answer);
        } else {
          const attempt = answer.attempt as {
            response: { status: number } | null;
            error: { kind: string; message: string } | null;
            duration_ms: number;
          };
          const status = attempt.response?.status ?? null;
          const outcome = answer.succeeded ? "succeeded" : "failed";
          process.stdout.write(
            `${colour(statusColour(outcome), outcome)}  ${status ?? attempt.error?.kind ?? "-"}  ` +
              `${attempt.duration_ms} ms  ${answer.event_id}  ${answer.delivery_id}` +
              `${attempt.error ? `  ${attempt.error.message}` : ""}\n`,
          );
        }
        if (!answer.succeeded) process.exitCode = 1;
      }),
    );

  withClientOptions(
    program
      .command("replay <webhook_id>")
      .description("re-queue a webhook's deliveries (default: the failed ones)"),
  )
    .option("--status <status>", "pending, succeeded, failed or cancelled (default failed)")
    .option("--since <iso>", "only deliveries created at or after this time (ISO-8601)")
    .option("--until <iso>", "only deliveries created before this time (ISO-8601)")
    .action(
      clientAction(async (client, options, id: string) => {
        const { status, since, until } = options as { status?: string; since?: string; until?: string };
        const answer = await client.call("POST", `/v1/webhooks/${encodeURIComponent(id)}/replay`, {
          ...(status ? { status } : {}),
          ...(since ? { since } : {}),
          ...(until ? { until } : {}),
        });
        if (options.json) printJson(answer);
        else process.stdout.write(`replayed ${answer.replayed} deliveries\n`);
      }),
    );
}
