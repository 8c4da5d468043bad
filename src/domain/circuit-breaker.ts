/**
 * The circuit breaker of one endpoint, as pure state transitions.
 *
 * closed → (threshold consecutive failures) → open until `retryAt`
 * open → (retryAt passed) → half-open: exactly one probe attempt
 * half-open → probe succeeds → closed; probe fails → open again, backoff doubled (capped)
 *
 * While open, deliveries stay pending and are not charged an attempt.
 */
export type CircuitState = "closed" | "open" | "half_open";

export interface Circuit {
  state: CircuitState;
  consecutiveFailures: number;
  /** When an open circuit lets a probe through. */
  retryAt: number | null;
  /** The current open period; doubles on each failed probe. */
  openMs: number;
  probeInFlight: boolean;
}

export interface BreakerPolicy {
  failureThreshold: number;
  initialOpenMs: number;
  maxOpenMs: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = {
  failureThreshold: 10,
  initialOpenMs: 30_000,
  maxOpenMs: 15 * 60_000,
};

export function closedCircuit(policy: BreakerPolicy = DEFAULT_BREAKER): Circuit {
  return {
    state: "closed",
    consecutiveFailures: 0,
    retryAt: null,
    openMs: policy.initialOpenMs,
    probeInFlight: false,
  };
}

/**
 * May an attempt start now? Moves an open circuit whose time has come to half-open and lets
 * exactly one probe through.
 */
export function admit(circuit: Circuit, now: number): { allowed: boolean; circuit: Circuit } {
  if (circuit.state === "closed") return { allowed: true, circuit };
  if (circuit.state === "open") {
    if (circuit.retryAt !== null && now < circuit.retryAt) return { allowed: false, circuit };
    return { allowed: true, circuit: { ...circuit, state: "half_open", probeInFlight: true } };
  }
  if (circuit.probeInFlight) return { allowed: false, circuit };
  return { allowed: true, circuit: { ...circuit, probeInFlight: true } };
}

/** Applies an attempt's result. */
export function recordResult(
  circuit: Circuit,
  succeeded: boolean,
  now: number,
  policy: BreakerPolicy = DEFAULT_BREAKER,
): Circuit {
  if (succeeded) return closedCircuit(policy);
  if (circuit.state === "half_open") {
    const openMs = Math.min(circuit.openMs * 2, policy.maxOpenMs);
    return {
      state: "open",
      consecutiveFailures: circuit.consecutiveFailures + 1,
      retryAt: now + openMs,
      openMs,
      probeInFlight: false,
    };
  }
  const failures = circuit.consecutiveFailures + 1;
  if (circuit.state === "closed" && failures >= policy.failureThreshold) {
    return {
      state: "open",
      consecutiveFailures: failures,
      retryAt: now + circuit.openMs,
      openMs: circuit.openMs,
      probeInFlight: false,
    };
  }
  return { ...circuit, consecutiveFailures: failures };
}

/**
 * Does this attempt result say the endpoint is unhealthy? Transport failures, timeouts, 5xx,
 * 408 and 429 do; other answers (a 4xx about one payload, an unmet success condition) mean the
 * endpoint is up and answering, so they do not trip the breaker.
 */
export function countsAgainstEndpoint(status: number | null, errorKind: string | null): boolean {
  if (errorKind === "destination_blocked" || errorKind === "render") return false;
  if (errorKind !== null || status === null) return true;
  return status >= 500 || status === 408 || status === 429;
}
