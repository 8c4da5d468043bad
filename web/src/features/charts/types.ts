/** The chart series the API answers (src/api/activity.ts): times ISO-8601, latency in ms, money in USD. */

export interface ActivityPoint {
  at: string;
  succeeded: number;
  failed: number;
  errored: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

export interface WebhookActivity {
  webhook_id: string;
  from: string;
  until: string;
  step_s: number;
  points: ActivityPoint[];
}

export interface WebhookVolume {
  webhook_id: string;
  url: string;
  description: string;
  attempts: number;
  failed: number;
  failure_rate: number | null;
  points: Array<{ at: string; attempts: number; failed: number }>;
}

export interface WebhookVolumes {
  from: string;
  until: string;
  step_s: number;
  data: WebhookVolume[];
}

export interface EnrichmentSpend {
  time_zone: string;
  providers: string[];
  days: Array<{ date: string; by_provider: Record<string, number>; total: number }>;
}

/** Unix seconds of an ISO time: uPlot's x. */
export const seconds = (iso: string): number => Date.parse(iso) / 1000;
