import type { CountryCode } from "libphonenumber-js";
import { toE164 } from "../domain/records/phone.js";
import type { EventFollowUps } from "../events/ingest.js";
import type { NewJob, Store } from "../store/index.js";
import { eventJob } from "./runs.js";

/** The events that trigger enrichment, and which trigger setting each needs. */
const TRIGGER_EVENTS: Record<string, "call" | "sms"> = { "call.ended": "call", "message.received": "sms" };

/**
 * Decides at ingest which events enrich their sender: an inbound `call.ended` (trigger `call`)
 * or `message.received` (trigger `sms`) of a tenant with that trigger on. The job is stored in the
 * event's transaction, so an accepted event is never left unenriched. Settings are read only when a
 * batch holds such an event.
 */
export function enrichmentFollowUps(
  store: Store,
  region: (tenantId: string) => Promise<CountryCode>,
): EventFollowUps {
  return {
    async jobsFor(tenantId, events) {
      const none = events.map((): NewJob[] => []);
      if (!events.some((e) => TRIGGER_EVENTS[e.type] && e.data.direction === "inbound")) return none;
      const settings = await store.enrichment.settings(tenantId);
      if (!settings || (!settings.triggers.call && !settings.triggers.sms)) return none;
      const home = await region(tenantId);
      return events.map((event) => {
        const trigger = TRIGGER_EVENTS[event.type];
        if (!trigger || event.data.direction !== "inbound" || !settings.triggers[trigger]) return [];
        const customer = event.data.customer;
        const from =
          typeof event.data.from_number === "string"
            ? event.data.from_number
            : customer &&
                typeof customer === "object" &&
                typeof (customer as Record<string, unknown>).phone === "string"
              ? ((customer as Record<string, unknown>).phone as string)
              : null;
        const phone = from === null ? null : toE164(from, home);
        return phone ? [eventJob(tenantId, trigger, event.id, phone, event.created_at)] : [];
      });
    },
  };
}

/** Several features' follow-ups of one batch (intake, enrichment), each event's jobs joined. */
export function allFollowUps(...followUps: EventFollowUps[]): EventFollowUps {
  return {
    async jobsFor(tenantId, events) {
      const each = await Promise.all(followUps.map((f) => f.jobsFor(tenantId, events)));
      return events.map((_, i) => each.flatMap((jobs) => jobs[i] ?? []));
    },
  };
}
