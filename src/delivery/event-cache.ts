import type { EventRecord } from "../store/index.js";

/**
 * Events this dispatcher loaded or received lately, by id. An event fans out to several webhooks
 * whose deliveries are claimed separately (one claim per webhook while lanes are full); without
 * this each claim read, parsed and serialised the same event again. Events do not change while
 * they have pending deliveries (retention skips those), so a cached copy is never stale.
 */
export class EventCache {
  private readonly events = new Map<string, EventRecord>();

  constructor(private readonly max: number) {}

  get(id: string): EventRecord | undefined {
    return this.events.get(id);
  }

  add(event: EventRecord): void {
    if (this.events.has(event.id)) return;
    if (this.events.size >= this.max) {
      const oldest = this.events.keys().next();
      if (oldest.done !== true) this.events.delete(oldest.value);
    }
    this.events.set(event.id, event);
  }
}
