import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What an enrichment fake answers, switchable while it runs (`fake.set({...})`):
 * `match` (the whole person), `partial` (a person with fields missing), `no_match`,
 * `unauthorized` (401), `rate_limited` (429 + Retry-After), `error` (503), `malformed` (200 with a
 * body that is not the vendor's shape). `failFirst` answers the failure mode that many times, then
 * `match` — a vendor that recovers.
 */
export type FakeMode =
  | "match"
  | "partial"
  | "no_match"
  | "unauthorized"
  | "rate_limited"
  | "error"
  | "malformed";

export interface FakeOptions {
  mode?: FakeMode;
  /** Answer after this long (each request). */
  latencyMs?: number;
  /** Retry-After seconds sent with 429 and 503. */
  retryAfterS?: number;
  /** Answer `mode` this many times, then `match`. */
  failFirst?: number;
  /** Treat every person asked about as the known one (benchmarks: many distinct clients). */
  matchAny?: boolean;
  /** Port to listen on (127.0.0.1); 0 or absent picks a free one. */
  port?: number;
}

export interface FakeStats {
  requests: number;
  /** Requests that passed auth and were answered with a person (what the vendor would bill). */
  matches: number;
  byStatus: Record<number, number>;
}

export interface VendorFake<C> {
  url: string;
  credentials: C;
  stats: FakeStats;
  set(options: FakeOptions): void;
  close(): Promise<void>;
}

/** The person every fake knows (the same across vendors, so waterfalls can be tested). */
export const FAKE_PERSON = {
  phone: "+14155550134",
  first_name: "Maria",
  last_name: "Delgado",
  email: "maria.delgado@example.com",
  street: "1200 Market St",
  city: "San Francisco",
  state: "CA",
  postal_code: "94102",
  date_of_birth: "1986-04-12",
  gender: "female",
  second_phone: "+14155550199",
};

export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: string;
}

export type FakeAnswer = { status: number; body: unknown; headers?: Record<string, string> };

/** The vendor-specific parts: its auth check, its answer per mode, its error shape. */
export interface VendorBehaviour {
  route(req: FakeRequest): boolean;
  authorised(req: FakeRequest): boolean;
  answer(
    req: FakeRequest,
    mode: "match" | "partial" | "no_match" | "malformed",
    matchAny: boolean,
  ): FakeAnswer;
  error(status: number, message: string): unknown;
}

export async function startVendorFake<C>(
  behaviour: VendorBehaviour,
  credentials: C,
  initial: FakeOptions = {},
): Promise<VendorFake<C>> {
  let options: FakeOptions = { ...initial };
  let failuresLeft = options.failFirst ?? Number.POSITIVE_INFINITY;
  const stats: FakeStats = { requests: 0, matches: 0, byStatus: {} };
  const send = (res: ServerResponse, answer: FakeAnswer) => {
    stats.byStatus[answer.status] = (stats.byStatus[answer.status] ?? 0) + 1;
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      stats.requests++;
      const request: FakeRequest = {
        method: req.method ?? "GET",
        url: new URL(req.url ?? "/", "http://127.0.0.1"),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const respond = () => {
        if (!behaviour.route(request))
          return send(res, { status: 404, body: behaviour.error(404, "no such route") });
        let mode = options.mode ?? "match";
        if (options.failFirst !== undefined) {
          if (failuresLeft > 0) failuresLeft--;
          else mode = "match";
        }
        if (mode === "unauthorized" || !behaviour.authorised(request)) {
          return send(res, { status: 401, body: behaviour.error(401, "Invalid credentials") });
        }
        const retryAfter = { "retry-after": String(options.retryAfterS ?? 1) };
        if (mode === "rate_limited") {
          return send(res, {
            status: 429,
            body: behaviour.error(429, "Too many requests"),
            headers: retryAfter,
          });
        }
        if (mode === "error") {
          return send(res, {
            status: 503,
            body: behaviour.error(503, "Service unavailable"),
            headers: retryAfter,
          });
        }
        const answer = behaviour.answer(request, mode, options.matchAny === true);
        if (answer.status === 200 && mode !== "malformed") stats.matches++;
        send(res, answer);
      };
      if (options.latencyMs) setTimeout(respond, options.latencyMs);
      else respond();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(initial.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    credentials,
    stats,
    set(next) {
      options = { ...next };
      failuresLeft = options.failFirst ?? Number.POSITIVE_INFINITY;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Does the request name the fake person (by any of the identifiers it was given)? */
export function namesFakePerson(values: Array<string | null | undefined>): boolean {
  const digits = FAKE_PERSON.phone.replace(/\D/g, "").slice(-10);
  return values.some((v) => {
    if (!v) return false;
    const s = v.toLowerCase();
    return s.replace(/\D/g, "").slice(-10) === digits || s === FAKE_PERSON.email;
  });
}
