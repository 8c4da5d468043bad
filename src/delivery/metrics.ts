import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Store } from "../store/index.js";

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
    collectDefaultMetrics({ register: this.registry, prefix: "switchboard_process_" });
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
      help: "Events accepted by ingest.",
      registers: [this.registry],
    });
    // Both read from the store at scrape time, so they describe the whole cluster.
    let latest = { due: 0, oldestAgeS: 0 };
    let pending: Promise<void> | null = null;
    const refresh = async (): Promise<void> => {
      pending ??= store.queue
        .dueStats(Date.now())
        .then((stats) => {
          latest = {
            due: stats.due,
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
      help: "Pending deliveries whose next attempt is due (the backlog, all nodes).",
      registers: [this.registry],
      async collect() {
        await refresh();
        this.set(latest.due);
      },
    });
    new Gauge({
      name: "switchboard_oldest_due_delivery_age_seconds",
      help: "How long the oldest due delivery has been waiting.",
      registers: [this.registry],
      async collect() {
        await refresh();
        this.set(latest.oldestAgeS);
      },
    });
  }
}
