/** Ingest through the batch API with a few batches in flight, as fast as the server accepts them. */
import { nowMs } from "./clock.js";
import type { BenchEvent } from "./events.js";
import type { SwitchboardServer } from "./server.js";

export interface IngestOptions {
  batchSize: number;
  inFlight: number;
  /** Index of the first event (events are numbered for unique call ids). */
  startIndex?: number;
  makeEvent(i: number, sentAtMs: number): BenchEvent;
}

export interface IngestResult {
  events: number;
  deliveries: number;
  startedAt: number;
  finishedAt: number;
  /** Batch request round-trip times, ms. */
  batchMs: number[];
}

export async function ingestBatches(
  server: SwitchboardServer,
  key: string,
  total: number,
  options: IngestOptions,
): Promise<IngestResult> {
  const start = options.startIndex ?? 0;
  const batches = Math.ceil(total / options.batchSize);
  let next = 0;
  let deliveries = 0;
  const batchMs: number[] = [];
  const startedAt = nowMs();
  const worker = async () => {
    for (;;) {
      const b = next++;
      if (b >= batches) return;
      const from = start + b * options.batchSize;
      const to = Math.min(start + total, from + options.batchSize);
      const sentAt = nowMs();
      const events: BenchEvent[] = [];
      for (let i = from; i < to; i++) events.push(options.makeEvent(i, sentAt));
      const body = await server.expect<{ data: Array<{ deliveries: number }> }>(
        202,
        "POST",
        "/v1/events/batch",
        { key, rawBody: JSON.stringify({ events }) },
      );
      batchMs.push(nowMs() - sentAt);
      for (const item of body.data) deliveries += item.deliveries;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.inFlight, batches) }, worker));
  return { events: total, deliveries, startedAt, finishedAt: nowMs(), batchMs };
}
