import type { Logger } from "pino";
import {
  admit,
  type BreakerPolicy,
  type Circuit,
  closedCircuit,
  countsAgainstEndpoint,
  DEFAULT_BREAKER,
  recordResult,
} from "../domain/circuit-breaker.js";
import type { Store, WebhookHealth } from "../store/index.js";

/** Emits a platform event for a tenant (webhook.failing, webhook.disabled). */
export type EmitEvent = (tenantId: string, type: string, data: Record<string, unknown>) => Promise<void>;

export interface HealthOptions {
  breaker: BreakerPolicy;
  /** A webhook whose attempts have all failed for this long is disabled (warned at half). */
  autoDisableMs: number;
}

interface EndpointState {
  circuit: Circuit;
  health: WebhookHealth;
  /** Last time last_success_at / last_failure_at were written (they are written at most every few s). */
  persistedAt: number;
  /** The latest save of this webhook's health; the next one waits for it. */
  saving: Promise<void>;
}

/** How often the timestamps of the latest success and failure reach the store, per webhook. */
const TIMESTAMP_WRITE_MS = 5_000;

/**
 * Per-endpoint health in this process: the circuit breaker that stops attempts to an endpoint
 * that keeps failing (without charging the deliveries an attempt), and the failing streak that
 * warns the tenant at half the auto-disable period and disables the webhook at its end. State
 * changes are written to the store so the API (on any node) shows them.
 */
export class EndpointHealth {
  private readonly states = new Map<string, EndpointState>();
  private readonly loading = new Map<string, Promise<EndpointState>>();

  constructor(
    private readonly store: Store,
    private readonly options: HealthOptions,
    private readonly emit: EmitEvent,
    private readonly log: Logger,
  ) {}

  static options(config: {
    autoDisableAfterMs: number;
    breakerThreshold: number;
    breakerOpenMs: number;
  }): HealthOptions {
    return {
      breaker: {
        failureThreshold: config.breakerThreshold,
        initialOpenMs: config.breakerOpenMs,
        maxOpenMs: Math.max(config.breakerOpenMs, DEFAULT_BREAKER.maxOpenMs),
      },
      autoDisableMs: config.autoDisableAfterMs,
    };
  }

  /** May an attempt to this webhook start now? (Half-open lets one probe through.) */
  admit(webhookId: string, now: number): boolean {
    const state = this.states.get(webhookId);
    if (!state) return true;
    const verdict = admit(state.circuit, now);
    if (verdict.circuit !== state.circuit) {
      state.circuit = verdict.circuit;
      this.persist(state, now);
    }
    return verdict.allowed;
  }

  /** When an open circuit will let a probe through, or null when attempts may go. */
  blockedUntil(webhookId: string, now: number): number | null {
    const circuit = this.states.get(webhookId)?.circuit;
    if (!circuit || circuit.state === "closed") return null;
    if (circuit.state === "open" && circuit.retryAt !== null && circuit.retryAt > now) return circuit.retryAt;
    return circuit.probeInFlight ? now + 1_000 : null;
  }

  /** Webhooks that should not be claimed for now (open circuits). */
  blocked(now: number): string[] {
    const ids: string[] = [];
    for (const [id, state] of this.states) {
      if (state.circuit.state === "open" && state.circuit.retryAt !== null && state.circuit.retryAt > now)
        ids.push(id);
    }
    return ids;
  }

  /**
   * Takes an attempt's result into account. Returns the reason when the webhook has now failed
   * for the whole auto-disable period and must be disabled.
   */
  async record(
    webhook: { id: string; tenant_id: string; url: string },
    attempt: { succeeded: boolean; status: number | null; errorKind: string | null; error: string | null },
    now: number,
  ): Promise<string | null> {
    const state = await this.load(webhook.id, now);
    const before = state.circuit.state;
    const healthy = attempt.succeeded || !countsAgainstEndpoint(attempt.status, attempt.errorKind);
    state.circuit = recordResult(state.circuit, healthy, now, this.options.breaker);
    const health = state.health;
    let changed = state.circuit.state !== before;
    if (state.circuit.state === "open" && before !== "open") {
      this.log.warn(
        {
          webhook_id: webhook.id,
          failures: state.circuit.consecutiveFailures,
          retry_at: state.circuit.retryAt,
        },
        "circuit opened",
      );
    }
    let disable: string | null = null;
    if (attempt.succeeded) {
      health.last_success_at = now;
      if (health.failing_since !== null) {
        health.failing_since = null;
        health.failing_notified_at = null;
        changed = true;
      }
    } else {
      health.last_failure_at = now;
      if (health.failing_since === null) {
        health.failing_since = now;
        changed = true;
      }
      const since = health.failing_since;
      const failingFor = now - since;
      // The warning comes first even when one attempt crosses both marks (sparse retries).
      if (failingFor >= this.options.autoDisableMs / 2 && health.failing_notified_at === null) {
        health.failing_notified_at = now;
        changed = true;
        await this.emit(webhook.tenant_id, "webhook.failing", {
          ...this.failure(webhook, since, attempt),
          disables_at: new Date(since + this.options.autoDisableMs).toISOString(),
        });
      }
      if (failingFor >= this.options.autoDisableMs) {
        disable = `every attempt has failed since ${new Date(since).toISOString()}`;
        await this.emit(webhook.tenant_id, "webhook.disabled", {
          ...this.failure(webhook, since, attempt),
          reason: "failing_too_long",
          message: `Every delivery failed since ${new Date(since).toISOString()}, so the webhook was disabled.`,
          disabled_at: new Date(now).toISOString(),
        });
        health.failing_since = null;
        health.failing_notified_at = null;
        changed = true;
      }
    }
    if (changed || now - state.persistedAt >= TIMESTAMP_WRITE_MS) this.persist(state, now);
    return disable;
  }

  /** The catalog's common fields of webhook.failing and webhook.disabled. */
  private failure(
    webhook: { id: string; url: string },
    since: number,
    attempt: { status: number | null; error: string | null },
  ): Record<string, unknown> {
    return {
      webhook_id: webhook.id,
      url: webhook.url,
      failing_since: new Date(since).toISOString(),
      last_status_code: attempt.status,
      ...(attempt.error ? { last_error: attempt.error } : {}),
      auto_disable_after: Math.round(this.options.autoDisableMs / 1000),
    };
  }

  private async load(webhookId: string, now: number): Promise<EndpointState> {
    const known = this.states.get(webhookId);
    if (known) return known;
    let pending = this.loading.get(webhookId);
    if (!pending) {
      pending = this.store.targets.getHealth([webhookId]).then(([stored]) => {
        const circuit = closedCircuit(this.options.breaker);
        const state: EndpointState = {
          // A restart starts with a closed circuit (one probe's worth of risk); the failing streak
          // carries over, so auto-disable counts across restarts and nodes.
          circuit: { ...circuit, consecutiveFailures: stored?.consecutive_failures ?? 0 },
          health: stored ?? {
            webhook_id: webhookId,
            circuit_state: "closed",
            consecutive_failures: 0,
            retry_at: null,
            failing_since: null,
            failing_notified_at: null,
            last_success_at: null,
            last_failure_at: null,
            updated_at: now,
          },
          persistedAt: 0,
          saving: Promise.resolve(),
        };
        this.states.set(webhookId, state);
        this.loading.delete(webhookId);
        return state;
      });
      this.loading.set(webhookId, pending);
    }
    return pending;
  }

  private persist(state: EndpointState, now: number): void {
    state.persistedAt = now;
    state.health = {
      ...state.health,
      circuit_state: state.circuit.state,
      consecutive_failures: state.circuit.consecutiveFailures,
      retry_at: state.circuit.state === "closed" ? null : state.circuit.retryAt,
      updated_at: now,
    };
    // One save at a time per webhook, in order: concurrent saves on a connection pool could land
    // out of order and leave an older state (say, half_open after closed) as the stored one.
    const snapshot = state.health;
    state.saving = state.saving
      .then(() => this.store.targets.saveHealth(snapshot))
      .catch((error: unknown) => {
        this.log.error({ err: error, webhook_id: snapshot.webhook_id }, "saving webhook health failed");
      });
  }
}
