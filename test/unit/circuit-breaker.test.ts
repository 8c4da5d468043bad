import { describe, expect, it } from "vitest";
import {
  admit,
  type BreakerPolicy,
  closedCircuit,
  countsAgainstEndpoint,
  recordResult,
} from "../../src/domain/circuit-breaker.js";

const policy: BreakerPolicy = { failureThreshold: 3, initialOpenMs: 1_000, maxOpenMs: 4_000 };

function failTimes(n: number, now = 0) {
  let circuit = closedCircuit(policy);
  for (let i = 0; i < n; i++) circuit = recordResult(circuit, false, now, policy);
  return circuit;
}

describe("circuit breaker", () => {
  it("stays closed below the failure threshold", () => {
    const circuit = failTimes(2);
    expect(circuit.state).toBe("closed");
    expect(admit(circuit, 0).allowed).toBe(true);
  });

  it("opens after the threshold of consecutive failures and refuses attempts until retryAt", () => {
    const circuit = failTimes(3, 100);
    expect(circuit.state).toBe("open");
    expect(circuit.retryAt).toBe(1_100);
    expect(admit(circuit, 1_099).allowed).toBe(false);
  });

  it("a success resets the failure count", () => {
    let circuit = failTimes(2);
    circuit = recordResult(circuit, true, 0, policy);
    circuit = recordResult(circuit, false, 0, policy);
    expect(circuit.state).toBe("closed");
    expect(circuit.consecutiveFailures).toBe(1);
  });

  it("half-opens with exactly one probe once retryAt has passed", () => {
    const open = failTimes(3, 0);
    const probe = admit(open, 1_000);
    expect(probe.allowed).toBe(true);
    expect(probe.circuit.state).toBe("half_open");
    expect(admit(probe.circuit, 1_001).allowed).toBe(false);
  });

  it("closes when the probe succeeds", () => {
    const probe = admit(failTimes(3, 0), 1_000).circuit;
    const closed = recordResult(probe, true, 1_010, policy);
    expect(closed.state).toBe("closed");
    expect(closed.consecutiveFailures).toBe(0);
    expect(admit(closed, 1_011).allowed).toBe(true);
  });

  it("reopens with a doubled, capped backoff when the probe fails", () => {
    let circuit = failTimes(3, 0);
    const periods: number[] = [];
    let now = 0;
    for (let i = 0; i < 4; i++) {
      now = circuit.retryAt ?? now;
      circuit = recordResult(admit(circuit, now).circuit, false, now, policy);
      periods.push((circuit.retryAt ?? 0) - now);
    }
    expect(periods).toEqual([2_000, 4_000, 4_000, 4_000]);
    expect(circuit.state).toBe("open");
  });

  it("counts transport errors, 5xx, 408 and 429 against the endpoint, but not other 4xx", () => {
    expect(countsAgainstEndpoint(null, "timeout")).toBe(true);
    expect(countsAgainstEndpoint(null, "connection_refused")).toBe(true);
    expect(countsAgainstEndpoint(503, null)).toBe(true);
    expect(countsAgainstEndpoint(429, null)).toBe(true);
    expect(countsAgainstEndpoint(408, null)).toBe(true);
    expect(countsAgainstEndpoint(400, null)).toBe(false);
    expect(countsAgainstEndpoint(200, null)).toBe(false);
    expect(countsAgainstEndpoint(null, "destination_blocked")).toBe(false);
  });
});
