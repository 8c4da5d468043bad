import { Counter, Gauge, type Registry } from "prom-client";
import type { Store } from "../../../store/index.js";

/** What a push ended with: its action, or the stage it failed at. */
export type PushMetricOutcome =
  | "created"
  | "updated"
  | "linked_existing"
  | "skipped"
  | "failed"
  | "rate_limited";
/** What a CRM record read by a pull or an import did on the platform (see applyRecord). */
export type PullMetricOutcome = "unchanged" | "applied" | "created" | "kept_platform" | "failed";

/** Connections whose last sync is reported at most; a process rarely knows more. */
const MAX_LAG_SERIES = 1_000;

/**
 * Per-connection CRM sync metrics on the process's registry (src/delivery/metrics.ts): pushes and
 * pulled records by outcome, conflicts by winner, and the time since each connection last
 * synced. Labelled by connection id and provider: a tenant has a handful of connections, so the
 * series stay few. The lag is read from the store at scrape time (a sync on another node counts)
 * for the connections this process has synced or pushed to.
 */
export class CrmMetrics {
  private readonly pushes: Counter<"connection" | "provider" | "outcome">;
  private readonly pulls: Counter<"connection" | "provider" | "outcome">;
  private readonly conflicts: Counter<"connection" | "provider" | "winner">;
  private readonly known = new Map<string, string>();

  constructor(registry: Registry, store: Store) {
    this.pushes = new Counter({
      name: "switchboard_crm_pushes_total",
      help: "Platform records pushed to a CRM connection, by outcome (created, updated, linked_existing, skipped, failed, rate_limited).",
      labelNames: ["connection", "provider", "outcome"],
      registers: [registry],
    });
    this.pulls = new Counter({
      name: "switchboard_crm_pulls_total",
      help: "CRM records read by a pull or an initial import, by what they did on the platform (created, applied, unchanged, kept_platform, failed).",
      labelNames: ["connection", "provider", "outcome"],
      registers: [registry],
    });
    this.conflicts = new Counter({
      name: "switchboard_crm_conflicts_total",
      help: "Records changed on both sides since their last sync, by the side that won (platform, crm).",
      labelNames: ["connection", "provider", "winner"],
      registers: [registry],
    });
    const known = this.known;
    new Gauge({
      name: "switchboard_crm_sync_lag_seconds",
      help: "Seconds since the connection's last completed sync (pull or initial sync); absent before its first.",
      labelNames: ["connection", "provider"],
      registers: [registry],
      async collect() {
        this.reset();
        const now = Date.now();
        const connections = await Promise.all([...known.keys()].map((id) => store.crm.getById(id)));
        for (const connection of connections) {
          if (!connection) continue;
          if (connection.last_sync_at === null) continue;
          this.set(
            { connection: connection.id, provider: connection.provider },
            Math.max(0, (now - connection.last_sync_at) / 1000),
          );
        }
      },
    });
  }

  pushed(connection: { id: string; provider: string }, outcome: PushMetricOutcome): void {
    this.remember(connection);
    this.pushes.inc({ connection: connection.id, provider: connection.provider, outcome });
  }

  pulled(connection: { id: string; provider: string }, outcome: PullMetricOutcome): void {
    this.remember(connection);
    this.pulls.inc({ connection: connection.id, provider: connection.provider, outcome });
  }

  conflict(connection: { id: string; provider: string }, winner: "platform" | "crm"): void {
    this.remember(connection);
    this.conflicts.inc({ connection: connection.id, provider: connection.provider, winner });
  }

  /** A connection that synced (or whose sync failed): its lag is reported from now on. */
  synced(connection: { id: string; provider: string }): void {
    this.remember(connection);
  }

  private remember(connection: { id: string; provider: string }): void {
    if (this.known.has(connection.id) || this.known.size >= MAX_LAG_SERIES) return;
    this.known.set(connection.id, connection.provider);
  }
}
