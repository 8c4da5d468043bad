/**
 * Scenario 3 — peer: the same deliveries through a conventional Node webhook sender built on
 * BullMQ + Redis, written the way BullMQ's documentation shows: a Queue, `addBulk` with one job per
 * delivery (attempts 5, exponential backoff), and a Worker (its own process, bench/peer-worker.ts)
 * with the same concurrency (50) signing and POSTing with undici. Measured from the first enqueue
 * to the last delivery received. Skipped when Redis is not reachable on 127.0.0.1:6379.
 */
import { randomBytes } from "node:crypto";
import { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { generateId } from "../../src/domain/ids.js";
import { nowMs, waitFor } from "../lib/clock.js";
import { figureValue, perSecond, round, type Scenario } from "../lib/context.js";
import { callEnded, envelope } from "../lib/events.js";
import { Child, ProcessSampler } from "../lib/proc.js";
import { Receiver } from "../lib/receiver-client.js";
import { figure } from "../lib/report.js";
import type { DeliveryJob } from "../peer-worker.js";
import { PER_ENDPOINT_IN_FLIGHT } from "./ceiling.js";
import { THROUGHPUT_FIGURE } from "./throughput.js";

const REDIS_HOST = process.env.BENCH_REDIS_HOST ?? "127.0.0.1";
const REDIS_PORT = Number(process.env.BENCH_REDIS_PORT ?? 6379);
const WORKER = fileURLToPath(new URL("../peer-worker.ts", import.meta.url));
const ADD_BULK_CHUNK = 1_000;

/** PING over a raw socket: true when Redis answers +PONG within a second. */
export function redisReachable(host = REDIS_HOST, port = REDIS_PORT): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, host, () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

/** used_cpu_sys + used_cpu_user from INFO cpu. */
function redisCpu(info: string): number {
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? Number.NaN);
  return read("used_cpu_sys") + read("used_cpu_user");
}

export const peer: Scenario = async (ctx) => {
  if (!(await redisReachable())) {
    return {
      skipped: `Redis is not reachable on ${REDIS_HOST}:${REDIS_PORT}`,
      config: {},
      figures: [],
      details: {},
    };
  }
  const baseline = await ctx.baseline();
  const { events, endpoints } = ctx.sizes;
  const expected = events * endpoints;
  const concurrency = endpoints * PER_ENDPOINT_IN_FLIGHT;
  const queueName = `switchboard-bench-peer-${randomBytes(4).toString("hex")}`;
  const connection = { host: REDIS_HOST, port: REDIS_PORT };
  const receiver = await Receiver.start();
  const paths = Array.from({ length: endpoints }, (_, i) => `/ep/${i}`);
  const secrets = Object.fromEntries(paths.map((p) => [p, `whsec_${randomBytes(32).toString("base64")}`]));
  await receiver.setSecrets(secrets);
  const queue = new Queue<DeliveryJob>(queueName, {
    connection,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: "exponential", delay: 1_000 },
      // As BullMQ's production guide advises: keep a bounded history, not every finished job.
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 5_000 },
    },
  });
  let worker: Child | null = null;
  const closers: Array<() => Promise<void>> = [];
  try {
    await queue.obliterate({ force: true });
    worker = new Child({
      name: "bullmq-worker",
      args: ["--import", "tsx", WORKER],
      env: {
        PEER_QUEUE: queueName,
        PEER_SECRETS: JSON.stringify(secrets),
        PEER_CONCURRENCY: String(concurrency),
        REDIS_HOST,
        REDIS_PORT: String(REDIS_PORT),
      },
    });
    await worker.waitForLine((l) => l === "ready", 30_000);
    const client = new Redis(connection);
    closers.push(async () => {
      client.disconnect();
    });
    const redisCpuBefore = redisCpu(await client.info("cpu"));
    const sampler = new ProcessSampler(worker.pid);
    sampler.start();
    ctx.log(
      `enqueuing ${expected} jobs (addBulk, ${ADD_BULK_CHUNK} per call); worker concurrency ${concurrency}`,
    );
    const eventsPerChunk = Math.max(1, Math.floor(ADD_BULK_CHUNK / endpoints));
    const startedAt = nowMs();
    for (let from = 0; from < events; from += eventsPerChunk) {
      const jobs: Array<{ name: string; data: DeliveryJob }> = [];
      const to = Math.min(events, from + eventsPerChunk);
      for (let i = from; i < to; i++) {
        const id = generateId("evt_");
        const payload = envelope(id, callEnded(i, nowMs()), Date.now());
        for (const path of paths) {
          jobs.push({
            name: "deliver",
            data: { url: `${receiver.url}${path}`, endpoint: path, msg_id: id, payload },
          });
        }
      }
      await queue.addBulk(jobs);
    }
    const enqueuedAt = nowMs();
    let received = 0;
    await waitFor(
      `${expected} deliveries from the BullMQ worker`,
      async () => {
        received = (await receiver.stats()).distinct;
        return received >= expected ? true : null;
      },
      {
        timeoutMs: Math.max(120_000, expected * 5),
        intervalMs: ctx.pollMs,
        progress: () => `receiver saw ${received}`,
      },
    );
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed", "completed");
    const doneAt = nowMs();
    const usage = sampler.finish();
    const redisCpuS = redisCpu(await client.info("cpu")) - redisCpuBefore;
    const stats = await receiver.stats();
    const peerRate = perSecond(expected, doneAt - startedAt);
    const ours = figureValue(baseline, THROUGHPUT_FIGURE);
    return {
      config: {
        events,
        endpoints,
        deliveries: expected,
        worker_concurrency: concurrency,
        job_options: {
          attempts: 5,
          backoff: "exponential 1 s",
          removeOnComplete: 1_000,
          removeOnFail: 5_000,
        },
        add_bulk_chunk: ADD_BULK_CHUNK,
      },
      figures: [
        figure("peer deliveries/s (BullMQ + Redis)", peerRate, "/s"),
        figure("peer enqueue jobs/s", perSecond(expected, enqueuedAt - startedAt), "/s"),
        figure("peer worker CPU", usage.cpuSeconds, "s"),
        figure("redis CPU", redisCpuS, "s"),
        figure("peer worker peak RSS", usage.peakRssMiB, "MiB"),
        figure("Switchboard / peer", ours / peerRate, "×", { op: ">=", value: 3 }),
      ],
      details: {
        seconds: round((doneAt - startedAt) / 1000, 3),
        job_counts_at_end: counts,
        switchboard_deliveries_per_s: ours,
        receiver: stats,
      },
    };
  } finally {
    await worker?.stop(10_000);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    for (const close of closers) await close();
    await receiver.stop();
  }
};
