import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Store } from "../store/index.js";

/**
 * Backlog counts stop here: a scrape reads at most about this many index entries per lane
 * whatever the backlog, and an alert needs "many", not the exact size. At 1 000 000 due
 * (bench/due-stats.ts, loaded 2-core machine) a cap of 10 000 took 2.2 ms on SQLite and 41 ms on
 * PostgreSQL where the full count took 488 ms and 2.5 s; a cap of 100 000 took 58 and 178 ms.
 */
export const BACKLOG_COUNT_CAP = 10_000;

/** Prometheus metrics for the delivery engine, on their own registry (one per process). */
export class Metrics {
  readonly registry = new Registry();
  readonly deliveries: Counter<"outcome">;
  readonly attempts: Counter<"result">;
  readonly attemptDuration: Histogram<"result">;
  readonly inFlight: Gauge;
  readonly queued: Gauge;
  readonly eventsAccepted: Counter;

  constructor(store: Store) {
    collectProcessMetrics(this.registry);
    this.deliveries = new Counter({
      name: "switchboard_deliveries_total",
      help: "Deliveries that reached a final state, by outcome (succeeded, failed, cancelled).",
      labelNames: ["outcome"],
      registers: [this.registry],
    });
    this.attempts = new Counter({
      name: "switchboard_attempts_total",
      help: "Delivery attempts, by result (success, or the failure kind).",
      labelNames: ["result"],
      registers: [this.registry],
    });
    this.attemptDuration = new Histogram({
      name: "switchboard_attempt_duration_seconds",
      help: "Duration of delivery attempts.",
      labelNames: ["result"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60],
      registers: [this.registry],
    });
    this.inFlight = new Gauge({
      name: "switchboard_attempts_in_flight",
      help: "Attempts being sent right now by this process.",
      registers: [this.registry],
    });
    this.queued = new Gauge({
      name: "switchboard_deliveries_queued_local",
      help: "Claimed deliveries waiting in this process for an endpoint slot.",
      registers: [this.registry],
    });
    this.eventsAccepted = new Counter({
      name: "switchboard_events_accepted_total",
      help: "New events stored (API, batches, record writes and platform events; idempotent repeats not counted).",
      registers: [this.registry],
    });
    // Read from the store at scrape time, so they describe the whole cluster.
    let latest = { due: 0, held: 0, oldestAgeS: 0 };
    let pending: Promise<void> | null = null;
    const refresh = async (): Promise<void> => {
      pending ??= store.queue
        .dueStats(Date.now(), BACKLOG_COUNT_CAP)
        .then((stats) => {
          latest = {
            due: stats.due,
            held: stats.held,
            oldestAgeS: stats.oldestDueAt === null ? 0 : Math.max(0, (Date.now() - stats.oldestDueAt) / 1000),
          };
        })
        .finally(() => {
          pending = null;
        });
      await pending;
    };
    new Gauge({
      name: "switchboard_deliveries_due",
      help: `Pending deliveries whose next attempt is due, not held by an open circuit (all nodes; counted up to ${BACKLOG_COUNT_CAP}).`,
      registers: [this.registry],
      async collect() {
        await refresh();
        this.set(latest.due);
      },
    });
    new Gauge({
      name: "switchboard_deliveries_held_by_circuit",
      help: `Due pending deliveries waiting for an open circuit's probe (all nodes; counted up to ${BACKLOG_COUNT_CAP}).`,
      registers: [this.registry],
      async collect() {
        await refresh();
        this.set(latest.held);
      },
    });
    new Gauge({
      name: "switchboard_oldest_due_delivery_age_seconds",
      help: "How long the oldest due delivery not held by an open circuit has been waiting.",
      registers: [this.registry],
      async collect() {
        await refresh();
        this.set(latest.oldestAgeS);
      },
    });
  }
}

/**
 * Node's default metrics under their standard names, except three gauges that prom-client names
 * `*_total` (a suffix Prometheus reserves for counters): they get `*_all_types` instead.
 */
function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const thing of ["handles", "requests", "resources"]) {
    const original = registry.getSingleMetric(`nodejs_active_${thing}_total`);
    if (!(original instanceof Gauge)) continue;
    registry.removeSingleMetric(`nodejs_active_${thing}_total`);
    new Gauge({
      name: `nodejs_active_${thing}_all_types`,
      help: `Active ${thing} of all types (the sum of nodejs_active_${thing}).`,
      registers: [registry],
      async collect() {
        const { values } = await original.get();
        this.set(values[0]?.value ?? 0);
      },
    });
  }
}
