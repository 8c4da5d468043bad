import type { Command } from "commander";
import { request } from "undici";
import { fail } from "./output.js";

/** The options every command that talks to a server takes. */
export interface ClientOptions {
  url: string;
  /** The server, on the one command whose --url is something else (`webhooks create`). */
  server?: string;
  key?: string;
  tenant?: string;
  json?: boolean;
}

/**
 * Adds --url, --key, --tenant and --json (each with its environment default) to a command.
 * `webhooks create` takes the webhook's own URL as --url, so there the server is --server.
 */
export function withClientOptions(command: Command, serverFlag: "--url" | "--server" = "--url"): Command {
  return command
    .option(
      `${serverFlag} <url>`,
      "the server (env SWITCHBOARD_URL)",
      process.env.SWITCHBOARD_URL || "http://127.0.0.1:8080",
    )
    .option(
      "--key <key>",
      "a tenant key, or the admin key (env SWITCHBOARD_KEY)",
      process.env.SWITCHBOARD_KEY,
    )
    .option(
      "--tenant <id>",
      "with the admin key: act for this tenant, ten_… (env SWITCHBOARD_TENANT)",
      process.env.SWITCHBOARD_TENANT,
    )
    .option("--json", "print the server's JSON answer instead of a table");
}

/** A parsed JSON answer; what the API answers is only known at run time. */
export type Answer = Record<string, unknown> & { data?: Record<string, unknown>[] };

/** An API error answered in the envelope: `code`, `message`, `details`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

/** A small HTTP client for the Switchboard API: bearer key, tenant header, JSON in and out. */
export class Client {
  private readonly base: string;

  constructor(private readonly options: ClientOptions) {
    this.base = (options.server ?? options.url).replace(/\/+$/, "");
    if (!options.key) fail("no key: pass --key or set SWITCHBOARD_KEY", 2);
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.key}`, ...extra };
    if (this.options.tenant) headers["switchboard-tenant"] = this.options.tenant;
    return headers;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  async call(method: "GET" | "POST" | "DELETE" | "PATCH", path: string, body?: unknown): Promise<Answer> {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(this.url(path), {
        method,
        headers: this.headers(body === undefined ? {} : { "content-type": "application/json" }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      fail(`cannot reach ${this.base}: ${(error as Error).message}`, 1);
    }
    const text = await response.body.text();
    let parsed: unknown = null;
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = { text };
      }
    }
    if (response.statusCode >= 400) {
      const envelope = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)
        ?.error;
      throw new ApiError(
        response.statusCode,
        envelope?.code ?? "http_error",
        envelope?.message ?? `HTTP ${response.statusCode}`,
        envelope?.details,
      );
    }
    return (parsed ?? {}) as Answer;
  }
}

/**
 * Runs a client command: API errors are printed from the envelope (`code: message` and any
 * details) and exit 1.
 */
export function clientAction<A extends unknown[]>(
  run: (client: Client, options: ClientOptions & Record<string, unknown>, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    // Commander passes the positional arguments, then the options, then the command.
    const command = args[args.length - 1] as Command;
    const options = command.opts<ClientOptions & Record<string, unknown>>();
    const positionals = args.slice(0, -2) as A;
    try {
      await run(new Client(options), options, ...positionals);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const details = error.details === undefined ? "" : `\n${JSON.stringify(error.details, null, 2)}`;
      fail(`${error.code}: ${error.message} (HTTP ${error.status})${details}`, 1);
    }
  };
}
