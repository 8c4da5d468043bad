/**
 * The single-event load generator, run as its own process by bench/scenarios/single.ts so that
 * its CPU is not the server's: `node --import tsx bench/load-generator.ts '<json options>'`.
 *
 * - `closed`: `connections` loops, each sending its next `POST /v1/events` as soon as the last was
 *   answered, until `requests` have been sent (the most a client with that many connections gets);
 * - `paced`: one request every 1000/rate ms for `seconds`, not awaited one by one (an open loop:
 *   a slow answer does not lower the offered rate; late sends catch up).
 * Every event is the catalog's `call.ended` with `sent_at_ms` taken just before its request.
 * Prints one JSON line with the counts and the request latency histogram, then exits.
 */
import { Pool } from "undici";
import { nowMs, sleep } from "./lib/clock.js";
import { callEnded } from "./lib/events.js";
import { Histogram, type LatencySummary } from "./lib/histogram.js";

export interface LoadOptions {
  url: string;
  key: string;
  mode: "closed" | "paced";
  connections: number;
  /** closed: requests in all. */
  requests?: number;
  /** paced: requests per second and for how long. */
  rate?: number;
  seconds?: number;
  /** Index of the first event (unique call ids). */
  firstIndex?: number;
}

export interface LoadResult {
  requests: number;
  non_2xx: number;
  errors: number;
  started_at_ms: number;
  finished_at_ms: number;
  late: number;
  latency: LatencySummary;
  /** Request latency of the first second of load only (cold start). */
  first_second: LatencySummary;
}

const options = JSON.parse(process.argv[2] ?? "{}") as LoadOptions;
const pool = new Pool(options.url, {
  connections: options.connections,
  pipelining: 1,
  keepAliveTimeout: 60_000,
});
const headers = { authorization: `Bearer ${options.key}`, "content-type": "application/json" };
const latency = new Histogram();
const firstSecond = new Histogram();
let non2xx = 0;
let errors = 0;
let startedAt = 0;

async function send(i: number): Promise<void> {
  const sentAt = nowMs();
  try {
    const response = await pool.request({
      method: "POST",
      path: "/v1/events",
      headers,
      body: JSON.stringify(callEnded(i, sentAt)),
    });
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode >= 300) non2xx++;
  } catch {
    errors++;
  }
  const ms = nowMs() - sentAt;
  latency.record(ms);
  if (sentAt - startedAt < 1_000) firstSecond.record(ms);
}

async function closed(total: number, first: number): Promise<number> {
  let next = 0;
  const loop = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      await send(first + i);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  return 0;
}

async function paced(rate: number, seconds: number, first: number): Promise<number> {
  const intervalMs = 1000 / rate;
  const total = Math.max(1, Math.round(rate * seconds));
  const pending = new Set<Promise<void>>();
  let late = 0;
  for (let i = 0; i < total; i++) {
    const wait = startedAt + i * intervalMs - nowMs();
    if (wait > 0) await sleep(wait);
    else if (wait < -intervalMs) late++;
    const p = send(first + i).finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
  return late;
}

startedAt = nowMs();
const first = options.firstIndex ?? 0;
const late =
  options.mode === "closed"
    ? await closed(options.requests ?? 1_000, first)
    : await paced(options.rate ?? 1_000, options.seconds ?? 10, first);
const result: LoadResult = {
  requests: latency.count,
  non_2xx: non2xx,
  errors,
  started_at_ms: startedAt,
  finished_at_ms: nowMs(),
  late,
  latency: latency.summary(),
  first_second: firstSecond.summary(),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
await pool.close();
process.exit(0);
