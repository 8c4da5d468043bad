/** What every scenario gets from the runner. */
import type { Figure, ScenarioResult } from "./report.js";
import type { StoreKind } from "./storage.js";

export interface Sizes {
  /** Events for throughput, ceiling, peer and isolation. */
  events: number;
  /** Healthy endpoints (webhooks) each event fans out to. */
  endpoints: number;
  /** Latency: events per second. */
  rate: number;
  /** Latency: seconds of steady load. */
  durationS: number;
  /** Backlog: deliveries pending before the drain. */
  backlog: number;
  /** Events per batch request. */
  batchSize: number;
  /** Batch requests in flight at once. */
  inFlight: number;
  /** Isolation: the dead endpoint's timeout. */
  deadTimeoutMs: number;
  /** records-import / records-export: clients imported and exported. */
  records: number;
}

export interface ScenarioContext {
  store: StoreKind;
  smoke: boolean;
  sizes: Sizes;
  /** How often completion is polled. */
  pollMs: number;
  /** Directory for V8 CPU profiles of the server, or null. */
  cpuProfDir: string | null;
  log(message: string): void;
  /** Scenario 1's result from this invocation, running it first if it has not run yet. */
  baseline(): Promise<ScenarioResult>;
}

/** What a scenario returns; the runner adds the metadata and writes the JSON. */
export interface ScenarioOutput {
  skipped?: string;
  config: Record<string, unknown>;
  figures: Figure[];
  details: Record<string, unknown>;
}

export type Scenario = (ctx: ScenarioContext) => Promise<ScenarioOutput>;

export function figureValue(result: ScenarioResult, name: string): number {
  const found = result.figures.find((f) => f.name === name);
  if (!found) throw new Error(`${result.scenario} has no figure "${name}"`);
  return found.value;
}

export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Number.NaN;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** p-th percentile (0..1) of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}
