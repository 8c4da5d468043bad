/**
 * "Delivered" means: the receiver saw every one (distinct webhook-ids), the server's metrics count
 * them as succeeded, and the API lists no pending or failed delivery on the webhooks — the
 * status lives in the store, so this last check is the durable one.
 */
import { nowMs, waitFor } from "./clock.js";
import type { Receiver, ReceiverStats } from "./receiver-client.js";
import { metricValue, type SwitchboardServer } from "./server.js";

export interface CompletionOptions {
  key: string;
  /** Webhooks whose deliveries must all have succeeded. */
  webhookIds: string[];
  expected: number;
  /** What the succeeded counter must reach, when it also counts earlier deliveries (default: expected). */
  expectedMetric?: number;
  /** Receiver paths that count (default: all). */
  paths?: string[];
  timeoutMs: number;
  intervalMs: number;
}

export function distinctOn(stats: ReceiverStats, paths?: string[]): number {
  if (!paths) return stats.distinct;
  return paths.reduce((sum, p) => sum + (stats.per_path[p]?.distinct ?? 0), 0);
}

export async function succeededMetric(server: SwitchboardServer): Promise<number> {
  return metricValue(await server.metrics(), "switchboard_deliveries_total", { outcome: "succeeded" });
}

/** Waits until every expected delivery is durably succeeded and received; returns that moment (nowMs). */
export async function waitForDelivered(
  server: SwitchboardServer,
  receiver: Receiver,
  options: CompletionOptions,
): Promise<number> {
  let succeeded = 0;
  let received = 0;
  const progress = () =>
    succeeded === 0
      ? `receiver saw ${received}`
      : `receiver saw ${received}, metrics say ${succeeded} succeeded`;
  // The receiver first: polling it costs the server nothing, while every /metrics scrape runs a
  // count over the due-deliveries index (switchboard_deliveries_due).
  await waitFor(
    `${options.expected} deliveries at the receiver`,
    async () => {
      received = distinctOn(await receiver.stats(), options.paths);
      return received >= options.expected ? true : null;
    },
    { timeoutMs: options.timeoutMs, intervalMs: options.intervalMs, progress },
  );
  await waitFor(
    `${options.expected} deliveries counted as succeeded`,
    async () => {
      succeeded = await succeededMetric(server);
      return succeeded >= (options.expectedMetric ?? options.expected) ? true : null;
    },
    { timeoutMs: 120_000, intervalMs: Math.min(options.intervalMs, 50), progress },
  );
  await waitFor(
    "no pending deliveries in the store",
    async () => {
      for (const id of options.webhookIds) {
        for (const status of ["pending", "failed"] as const) {
          const page = await server.expect<{ data: unknown[] }>(
            200,
            "GET",
            `/v1/webhooks/${id}/deliveries?status=${status}&limit=1`,
            { key: options.key },
          );
          if (page.data.length > 0) {
            if (status === "failed") throw new Error(`webhook ${id} has failed deliveries`);
            return null;
          }
        }
      }
      return true;
    },
    { timeoutMs: 60_000, intervalMs: options.intervalMs },
  );
  return nowMs();
}
