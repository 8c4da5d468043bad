import {
  admit,
  type BreakerPolicy,
  type Circuit,
  closedCircuit,
  recordResult,
} from "../domain/circuit-breaker.js";

/**
 * A circuit breaker per tenant and provider, in this process (like the dispatcher's per
 * endpoint): after `failureThreshold` rate-limited or failing answers in a row a provider is left
 * alone for a while and runs that need it wait (their job retries later) instead of hammering it.
 */
export class ProviderBreakers {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly policy: BreakerPolicy = {
      failureThreshold: 5,
      initialOpenMs: 30_000,
      maxOpenMs: 10 * 60_000,
    },
  ) {}

  admit(tenantId: string, provider: string, now: number): boolean {
    const key = `${tenantId}:${provider}`;
    const decision = admit(this.circuits.get(key) ?? closedCircuit(this.policy), now);
    this.circuits.set(key, decision.circuit);
    return decision.allowed;
  }

  record(tenantId: string, provider: string, healthy: boolean, now: number): void {
    const key = `${tenantId}:${provider}`;
    const circuit = this.circuits.get(key) ?? closedCircuit(this.policy);
    this.circuits.set(key, recordResult(circuit, healthy, now, this.policy));
  }
}
