/**
 * The BullMQ peer's worker, run as its own process by bench/scenarios/peer.ts:
 * a plain, by-the-docs webhook sender — one job per delivery; the processor signs the payload
 * (Standard Webhooks) and POSTs it with undici's `request`, throwing on a non-2xx answer so that
 * BullMQ retries it with the job's attempts/backoff.
 *
 * Environment: PEER_QUEUE (queue name), PEER_SECRETS (JSON: endpoint path → whsec_ secret),
 * PEER_CONCURRENCY, REDIS_HOST, REDIS_PORT. Prints "ready" once connected.
 */
import { type Job, Worker } from "bullmq";
import { request } from "undici";
import { signPayload } from "../src/domain/signing.js";

export interface DeliveryJob {
  url: string;
  endpoint: string;
  msg_id: string;
  payload: Record<string, unknown>;
}

const secrets = JSON.parse(process.env.PEER_SECRETS ?? "{}") as Record<string, string>;
const connection = {
  host: process.env.REDIS_HOST ?? "127.0.0.1",
  port: Number(process.env.REDIS_PORT ?? 6379),
  maxRetriesPerRequest: null,
};

const worker = new Worker<DeliveryJob>(
  process.env.PEER_QUEUE ?? "webhooks",
  async (job: Job<DeliveryJob>) => {
    const { url, endpoint, msg_id, payload } = job.data;
    const secret = secrets[endpoint];
    if (!secret) throw new Error(`no secret for endpoint ${endpoint}`);
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const { statusCode, body: responseBody } = await request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signPayload([secret], msg_id, timestamp, body),
      },
      body,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    await responseBody.dump();
    if (statusCode < 200 || statusCode >= 300) throw new Error(`endpoint answered ${statusCode}`);
    return { status: statusCode };
  },
  { connection, concurrency: Number(process.env.PEER_CONCURRENCY ?? 50) },
);

worker.on("error", (error) => process.stderr.write(`worker error: ${error.message}\n`));

await worker.waitUntilReady();
process.stdout.write("ready\n");

const shutdown = () => {
  worker.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
