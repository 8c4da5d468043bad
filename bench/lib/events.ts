/** Realistic event data: the catalog's own `call.ended` example, made unique per event. */
import { findEventType } from "../../src/domain/catalog/index.js";

export const EVENT_TYPE = "call.ended";

const example = (() => {
  const type = findEventType(EVENT_TYPE);
  if (!type) throw new Error(`the catalog has no ${EVENT_TYPE}`);
  return type.example as Record<string, unknown>;
})();

export interface BenchEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * Event number `i`: the example with its own call id, and `sent_at_ms` (the harness's send time,
 * for the receiver's latency histogram). `campaignId` overrides the example's campaign.
 */
export function callEnded(i: number, sentAtMs: number, campaignId?: string): BenchEvent {
  return {
    type: EVENT_TYPE,
    data: {
      ...example,
      call_id: `call_bench_${i}`,
      ...(campaignId !== undefined ? { campaign_id: campaignId } : {}),
      sent_at_ms: sentAtMs,
    },
  };
}

/** The wire envelope Switchboard sends for an event (DESIGN.md), for the ceiling and the peer. */
export function envelope(id: string, event: BenchEvent, occurredAt: number): Record<string, unknown> {
  return { id, event: event.type, timestamp: new Date(occurredAt).toISOString(), data: event.data };
}
