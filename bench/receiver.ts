/**
 * The benchmark's webhook receiver, run as its own process: `node --import tsx bench/receiver.ts`.
 * Listens on 127.0.0.1 (port 0) and prints `{"port": N}` on stdout once listening.
 *
 * - Any path: 200 with an empty body, counted (total requests, distinct `webhook-id` per path,
 *   duplicates) and timed: latency = receive time − the event's `sent_at_ms` (found in the body).
 * - Paths under `/dead`: never answered (a timing-out endpoint); counted as `hanging`.
 * - While down (GET /control/down … GET /control/up): 503 to everything else.
 * - One request in 100 has its Standard Webhooks signature verified with the path's secret
 *   (POST /control/secrets {"/path": "whsec_…"}).
 * - GET /stats: the counters and the latency histogram's p50 / p95 / p99 / max as JSON.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { nowMs } from "./lib/clock.js";
import { Histogram } from "./lib/histogram.js";
import type { ReceiverStats } from "./lib/receiver-client.js";

const SAMPLE_EVERY = 100;
const SENT_AT = '"sent_at_ms":';

interface PathStats {
  ids: Set<string>;
  requests: number;
}

let down = false;
const keys = new Map<string, Buffer>();
let paths = new Map<string, PathStats>();
let latency = new Histogram();
let counters = freshCounters();

function freshCounters() {
  return {
    total: 0,
    duplicates: 0,
    rejected_down: 0,
    hanging: 0,
    missing_id: 0,
    verified: 0,
    verify_failed: 0,
    verify_no_secret: 0,
    first_at_ms: 0,
    last_at_ms: 0,
  };
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
}

function verify(path: string, request: IncomingMessage, body: string): void {
  const key = keys.get(path);
  if (!key) {
    counters.verify_no_secret++;
    return;
  }
  const id = request.headers["webhook-id"];
  const timestamp = request.headers["webhook-timestamp"];
  const header = request.headers["webhook-signature"];
  if (typeof id !== "string" || typeof timestamp !== "string" || typeof header !== "string") {
    counters.verify_failed++;
    return;
  }
  const expected = `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
  if (header.split(" ").includes(expected)) counters.verified++;
  else counters.verify_failed++;
}

function sentAt(body: string): number | null {
  const at = body.indexOf(SENT_AT);
  if (at < 0) return null;
  const start = at + SENT_AT.length;
  let end = start;
  while (end < body.length && "0123456789.".includes(body[end] as string)) end++;
  const value = Number(body.slice(start, end));
  return Number.isFinite(value) && end > start ? value : null;
}

function stats(): ReceiverStats {
  const perPath: ReceiverStats["per_path"] = {};
  let distinct = 0;
  for (const [path, s] of paths) {
    perPath[path] = { distinct: s.ids.size, requests: s.requests };
    distinct += s.ids.size;
  }
  return { ...counters, down, distinct, per_path: perPath, latency: latency.summary() };
}

function json(response: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

function control(path: string, body: string, response: ServerResponse): void {
  switch (path) {
    case "/stats":
      json(response, stats());
      return;
    case "/control/down":
      down = true;
      json(response, { down });
      return;
    case "/control/up":
      down = false;
      json(response, { down });
      return;
    case "/control/reset":
      paths = new Map();
      latency = new Histogram();
      counters = freshCounters();
      json(response, { reset: true });
      return;
    case "/control/secrets": {
      const secrets = JSON.parse(body) as Record<string, string>;
      for (const [p, secret] of Object.entries(secrets)) keys.set(p, keyOf(secret));
      json(response, { secrets: keys.size });
      return;
    }
    default:
      response.writeHead(404).end();
  }
}

function onDelivery(path: string, request: IncomingMessage, body: string, response: ServerResponse): void {
  const receivedAt = nowMs();
  if (path.startsWith("/dead")) {
    counters.hanging++;
    return; // never answered: the sender times out
  }
  if (down) {
    counters.rejected_down++;
    response.writeHead(503, { "content-length": 0 }).end();
    return;
  }
  counters.total++;
  if (counters.first_at_ms === 0) counters.first_at_ms = receivedAt;
  counters.last_at_ms = receivedAt;
  let stats = paths.get(path);
  if (!stats) {
    stats = { ids: new Set(), requests: 0 };
    paths.set(path, stats);
  }
  stats.requests++;
  const id = request.headers["webhook-id"];
  if (typeof id !== "string") counters.missing_id++;
  else if (stats.ids.has(id)) counters.duplicates++;
  else {
    stats.ids.add(id);
    const sent = sentAt(body);
    if (sent !== null) latency.record(receivedAt - sent);
  }
  if (counters.total % SAMPLE_EVERY === 1) verify(path, request, body);
  response.writeHead(200, { "content-length": 0 }).end();
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const url = request.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const body =
      chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8");
    if (path === "/stats" || path.startsWith("/control/")) control(path, body, response);
    else onDelivery(path, request, body, response);
  });
});
// Keep-alive connections from the senders stay open; requests to /dead wait until the sender gives up.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});

const shutdown = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1_000).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
