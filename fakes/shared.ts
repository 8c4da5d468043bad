import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What every vendor fake shares: a token-bucket rate limiter answering 429 + Retry-After, latency
 * injection, request counters and the listen/close plumbing. Fakes are self-contained (no imports
 * from src/) so they compile on their own into dist/fakes for `switchboard sandbox`.
 */

export interface FakeOptions {
  /** Port to listen on (127.0.0.1); 0 or absent picks a free one. */
  port?: number;
  /** Added before every answer, to look like a real network. */
  latencyMs?: number;
  /** Requests per second before the fake answers 429; absent or 0 = unlimited. */
  rateLimitPerSecond?: number;
  /** Records to start with: a count of generated ones (deterministic). */
  seed?: number;
}

export interface FakeStats {
  requests: number;
  rateLimited: number;
}

/** What every `start<Vendor>Fake` resolves with. */
export interface RunningFake<Records> {
  url: string;
  credentials: Record<string, string>;
  records: Records;
  stats: FakeStats;
  /** Changes the limit at run time (tests flip a fake into "limited" and back). */
  setRateLimit(perSecond: number | null): void;
  close(): Promise<void>;
}

/**
 * A token bucket holding one second's worth of requests: a burst up to the rate, then the rate.
 * `take` returns 0 when a request may go, or the milliseconds until a token is back.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(private perSecond: number) {
    this.tokens = perSecond;
    this.last = performance.now();
  }

  take(): number {
    const now = performance.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}

export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FakeAnswer {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export function json(status: number, value: unknown, headers?: Record<string, string>): FakeAnswer {
  return { status, body: JSON.stringify(value), contentType: "application/json; charset=utf-8", headers };
}

export function text(status: number, value: string): FakeAnswer {
  return { status, body: value, contentType: "text/plain; charset=utf-8" };
}

/**
 * Starts a node:http server on 127.0.0.1 that counts, rate-limits and delays every request before
 * handing it to `handle`. node:http rather than Fastify: the fakes serve thousands of requests a
 * second in benchmarks and need no routing beyond a switch on the path.
 */
export async function serveFake(
  options: FakeOptions,
  handle: (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>,
  rateLimited: (retryAfterS: number) => FakeAnswer,
): Promise<{
  url: string;
  stats: FakeStats;
  setRateLimit(perSecond: number | null): void;
  close(): Promise<void>;
}> {
  const stats: FakeStats = { requests: 0, rateLimited: 0 };
  let limiter = options.rateLimitPerSecond ? new RateLimiter(options.rateLimitPerSecond) : null;
  const latency = options.latencyMs ?? 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      stats.requests += 1;
      const wait = limiter ? limiter.take() : 0;
      const respond = async () => {
        let answer: FakeAnswer;
        if (wait > 0) {
          stats.rateLimited += 1;
          answer = rateLimited(Math.max(1, Math.ceil(wait / 1000)));
        } else {
          try {
            answer = await handle({
              method: req.method ?? "GET",
              url: new URL(req.url ?? "/", "http://127.0.0.1"),
              headers: req.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            });
          } catch (error) {
            answer = text(500, `fake failed: ${(error as Error).message}`);
          }
        }
        write(res, answer);
      };
      if (latency > 0) setTimeout(() => void respond(), latency);
      else void respond();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setRateLimit(perSecond) {
      limiter = perSecond ? new RateLimiter(perSecond) : null;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function write(res: ServerResponse, answer: FakeAnswer): void {
  res.writeHead(answer.status, {
    "content-type": answer.contentType ?? "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(answer.body),
    ...(answer.headers ?? {}),
  });
  res.end(answer.body);
}

/** The last ten digits of a phone number: how the fakes match +1 (555) 010-0000 and 5550100000. */
export function phoneKey(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  return digits.length > 10 ? digits.slice(-10) : digits;
}

/** A deterministic pseudo-random sequence, so seeded records are the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

export const FIRST_NAMES = ["Ana", "Ben", "Carla", "Dev", "Elena", "Frank", "Grace", "Hugo", "Iris", "Jon"];
export const LAST_NAMES = [
  "Alvarez",
  "Brown",
  "Chen",
  "Diaz",
  "Evans",
  "Fischer",
  "Garcia",
  "Hill",
  "Ito",
  "Jones",
];

/** An index from a key (phone, email, external id) to record ids, kept as records change. */
export class Index<Id> {
  private readonly map = new Map<string, Set<Id>>();

  add(key: string | null | undefined, id: Id): void {
    if (!key) return;
    let ids = this.map.get(key);
    if (!ids) {
      ids = new Set();
      this.map.set(key, ids);
    }
    ids.add(id);
  }

  remove(key: string | null | undefined, id: Id): void {
    if (!key) return;
    this.map.get(key)?.delete(id);
  }

  get(key: string): Id[] {
    return [...(this.map.get(key) ?? [])];
  }
}
