import type { Command } from "commander";
import { request } from "undici";
import type { ListenMessage } from "../../listen/hub.js";
import { type Client, clientAction, withClientOptions } from "../client.js";
import { colour, statusColour } from "../output.js";
import { list } from "./webhooks.js";

/** Kept of the local answer's body in the report (the attempt log keeps 64 KiB too). */
const BODY_LIMIT = 65_536;

/** Splits a server-sent-event stream into events (`event:` name and joined `data:` lines). */
async function* serverSentEvents(
  body: AsyncIterable<Buffer>,
): AsyncGenerator<{ event: string; data: string }> {
  let buffer = "";
  for await (const chunk of body) {
    buffer += chunk.toString("utf8");
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      // Comment-only blocks are heartbeats.
      if (data.length > 0) yield { event, data: data.join("\n") };
      end = buffer.indexOf("\n\n");
    }
  }
}

/** Forwards one delivery to the local server with its signed headers; reports and prints the answer. */
async function forward(
  client: Client,
  forwardTo: string,
  message: ListenMessage,
  json: boolean,
): Promise<void> {
  const started = performance.now();
  let report: {
    status: number | null;
    headers?: Record<string, string>;
    body?: string | null;
    error?: string;
  };
  try {
    const answer = await request(forwardTo, {
      method: message.method as "POST",
      headers: message.headers,
      body: message.body ?? undefined,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await answer.body.text();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    report = { status: answer.statusCode, headers, body: text.slice(0, BODY_LIMIT) };
  } catch (error) {
    report = { status: null, error: `${forwardTo}: ${(error as Error).message}` };
  }
  const ms = Math.round(performance.now() - started);
  try {
    await client.call("POST", "/v1/deliveries/stream/results", { message_id: message.message_id, ...report });
  } catch (error) {
    process.stderr.write(
      `switchboard: reporting ${message.delivery_id ?? message.event_id} failed: ${(error as Error).message}\n`,
    );
  }
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ delivery_id: message.delivery_id, event_id: message.event_id, event_type: message.event_type, status: report.status, error: report.error ?? null, duration_ms: ms })}\n`,
    );
    return;
  }
  const status =
    report.status === null
      ? colour("red", "ERR")
      : colour(statusColour(report.status), String(report.status));
  process.stdout.write(
    `→ ${status} ${message.event_type} ${message.event_id} ${ms} ms${report.error ? `  ${colour("dim", report.error)}` : ""}\n`,
  );
}

/**
 * `listen`: creates a temporary listener target, streams its deliveries over server-sent events,
 * forwards each to a local URL with the signed headers it would carry, and removes the listener
 * on Ctrl-C. Each delivery's outcome is what the local server answered.
 */
export function registerListenCommand(program: Command): void {
  withClientOptions(
    program
      .command("listen")
      .description("forward the tenant's deliveries to a local server until Ctrl-C (for development)"),
  )
    .requiredOption("--forward-to <url>", "the local URL, e.g. http://localhost:3000/hooks")
    .option("--events <types>", "comma-separated event types or wildcards (call.*); default all", list)
    .action(
      clientAction(async (client, options) => {
        const { forwardTo, events } = options as { forwardTo?: string; events?: string[] };
        const target = String(forwardTo);
        const listener = await client.call("POST", "/v1/listeners", {
          forward_to: target,
          ...(events ? { events } : {}),
        });
        const id = String(listener.id);
        let stopping = false;
        const stop = (): void => {
          if (stopping) process.exit(130);
          stopping = true;
          client.call("DELETE", `/v1/listeners/${id}`).then(
            () => process.exit(0),
            () => process.exit(0),
          );
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);

        const response = await request(client.url(`/v1/deliveries/stream?webhook_id=${id}`), {
          headers: client.headers({ accept: "text/event-stream" }),
          // A stream is idle between deliveries; heartbeats arrive every 15 s.
          bodyTimeout: 0,
        });
        if (response.statusCode !== 200) {
          await client.call("DELETE", `/v1/listeners/${id}`).catch(() => {});
          throw new Error(`the stream answered HTTP ${response.statusCode}: ${await response.body.text()}`);
        }
        // One at a time, in the order they arrive, like a single receiver.
        for await (const message of serverSentEvents(response.body)) {
          if (message.event === "ready") {
            process.stderr.write(
              `Ready: forwarding ${events?.join(", ") || "all events"} to ${target} (listener ${id}, ` +
                `signing secret ${listener.secret}). Ctrl-C to stop.\n`,
            );
          } else if (message.event === "delivery") {
            await forward(client, target, JSON.parse(message.data) as ListenMessage, Boolean(options.json));
          }
        }
        if (!stopping) {
          process.stderr.write("switchboard: the server closed the stream\n");
          await client.call("DELETE", `/v1/listeners/${id}`).catch(() => {});
          process.exit(1);
        }
      }),
    );
}
