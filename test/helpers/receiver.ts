import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}

/** How the receiver answers one request; return nothing to answer 200 `ok`. */
export type Responder = (
  request: ReceivedRequest,
  response: ServerResponse,
  index: number,
) => void | Promise<void>;

/** A real HTTP endpoint on 127.0.0.1 that records what it receives. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly server = createServer((req, res) => this.handle(req, res));
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  url = "";

  constructor(private respond: Responder = () => {}) {}

  static async start(respond?: Responder): Promise<Receiver> {
    const receiver = new Receiver(respond);
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  setResponder(respond: Responder): void {
    this.respond = respond;
  }

  /** Resolves once at least `count` requests have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs = 15_000): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`receiver got ${this.requests.length} of ${count} requests`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const received: ReceivedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      const index = this.requests.length;
      this.requests.push(received);
      this.waiters = this.waiters.filter((w) => {
        if (this.requests.length >= w.count) {
          w.resolve();
          return false;
        }
        return true;
      });
      try {
        await this.respond(received, res, index);
      } catch {
        res.destroy();
        return;
      }
      if (!res.headersSent && !res.destroyed) res.writeHead(200, { "content-type": "text/plain" });
      if (!res.writableEnded && !res.destroyed) res.end("ok");
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
