import { readsFromCrm } from "../../../domain/crm/settings.js";
import { generateId } from "../../../domain/ids.js";
import type { Records } from "../../../records/index.js";
import { MAX_RUN_DETAILS } from "../../../store/crm/repository.js";
import type { CrmConnectionRecord, CrmRun, CrmRunMode, Store } from "../../../store/index.js";
import type { CrmConnectors } from "./connections.js";
import { enqueueInitialSync, schedulePull } from "./jobs.js";

/** Emits a platform event (crm.sync_completed, …) for the tenant, through ingest like any other. */
export type EmitEvent = (tenantId: string, type: string, data: Record<string, unknown>) => Promise<void>;

/**
 * CRM sync as the API, the target kind and the jobs share it: the connectors, the store, the
 * records writer (pulls write clients and cases with `change_source` `crm:<connection>`) and a
 * way to emit the crm.* events.
 */
export class CrmSync {
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    readonly store: Store,
    readonly connectors: CrmConnectors,
    readonly records: Records,
    readonly emit: EmitEvent,
    /** This node's name: the owner of the connection leases it takes. */
    readonly owner: string = generateId("node_"),
    private readonly leaseMs: number = SYNC_LEASE_MS,
  ) {}

  /**
   * Runs `work` when no other pull or initial sync of the connection runs — in this process (a
   * promise chain) and on any other node (the connection's sync lease in the store): two readers
   * of the same CRM record would both create it on the platform. Pulls, hand-asked syncs and
   * initial syncs are separate jobs that different nodes may claim at once.
   */
  async exclusive<T>(connectionId: string, work: () => Promise<T>): Promise<T> {
    const before = this.running.get(connectionId) ?? Promise.resolve();
    const leased = () => this.leased(connectionId, work);
    const mine = before.then(leased, leased);
    const tail = mine.catch(() => undefined);
    this.running.set(connectionId, tail);
    try {
      return await mine;
    } finally {
      if (this.running.get(connectionId) === tail) this.running.delete(connectionId);
    }
  }

  /**
   * Takes the connection's lease (waiting up to two lease lengths for another node's turn to end,
   * or for a dead node's lease to run out), renews it while `work` runs, gives it back after.
   */
  private async leased<T>(connectionId: string, work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 2 * this.leaseMs;
    for (;;) {
      const now = Date.now();
      if (await this.store.crm.acquireSyncLease(connectionId, this.owner, now, now + this.leaseMs)) break;
      if (now > deadline) throw new Error(`another node is syncing CRM connection ${connectionId}`);
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
    }
    const renewal = setInterval(
      () => {
        const now = Date.now();
        this.store.crm
          .acquireSyncLease(connectionId, this.owner, now, now + this.leaseMs)
          .catch(() => undefined);
      },
      Math.max(100, Math.floor(this.leaseMs / 3)),
    );
    renewal.unref();
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      await this.store.crm.releaseSyncLease(connectionId, this.owner).catch(() => undefined);
    }
  }

  /** After a connection is created or its settings change: its pull job, and the initial sync it asks for. */
  async scheduleFor(connection: CrmConnectionRecord, options: { initial: boolean }): Promise<CrmRun | null> {
    const now = Date.now();
    if (readsFromCrm(connection.settings))
      await schedulePull(this.store.jobs, connection.tenant_id, connection.id, now);
    const mode = connection.settings.initial_sync;
    // The initial sync waits for the field mappings (PUT …/mappings starts it then).
    if (!options.initial || mode === "none" || !connection.settings.enabled) return null;
    if (connection.mappings.fields.length === 0) return null;
    const run = newRun(connection, "initial", now);
    await this.store.crm.createRun(run);
    await enqueueInitialSync(this.store.jobs, connection.tenant_id, connection.id, mode, run.id, now);
    return run;
  }
}

/**
 * How long a connection's sync lease holds without renewal (renewed every third of it): a node
 * that died mid-sync holds its connections this long at most.
 */
export const SYNC_LEASE_MS = 30_000;
/** How often a node waiting for another's lease asks again. */
const LEASE_POLL_MS = 500;

export function newRun(
  connection: Pick<CrmConnectionRecord, "id" | "tenant_id">,
  mode: CrmRunMode,
  now: number,
): CrmRun {
  return {
    id: generateId("crun_"),
    tenant_id: connection.tenant_id,
    connection_id: connection.id,
    mode,
    status: "running",
    started_at: now,
    finished_at: null,
    pulled: 0,
    pushed: 0,
    conflicts: 0,
    total: null,
    errors: [],
    conflict_list: [],
  };
}

/** Adds an error to a run (the first MAX_RUN_DETAILS are kept; the count is the run's). */
export function runError(run: CrmRun, error: CrmRun["errors"][number]): void {
  if (run.errors.length < MAX_RUN_DETAILS) run.errors.push(error);
}
