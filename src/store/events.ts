import type { Kysely } from "kysely";
import { chunks } from "./chunks.js";
import { releaseHeld } from "./holds.js";
import { ingestEventGroups, ingestEvents } from "./ingest.js";
import { purgePayloads } from "./retention.js";
import { eventFromRow, page } from "./rows.js";
import type { Database } from "./schema.js";
import type { EventRecord, EventRepository } from "./store.js";

export function eventRepository(db: Kysely<Database>): EventRepository {
  return {
    ingest: (tenantId, events, now, claimFor) => ingestEvents(db, tenantId, events, now, claimFor),
    ingestGroups: (groups) => ingestEventGroups(db, groups),
    async releaseHeld(tenantId, release, now) {
      const counts = await db.transaction().execute((tx) => releaseHeld(tx, tenantId, [release], now));
      return counts.get(release.eventId) ?? 0;
    },
    async get(tenantId, id) {
      const row = await db
        .selectFrom("events")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("id", "=", id)
        .executeTakeFirst();
      return row ? eventFromRow(row) : null;
    },
    async getByIds(ids) {
      const events: EventRecord[] = [];
      for (const chunk of chunks(ids)) {
        const rows = await db.selectFrom("events").selectAll().where("id", "in", chunk).execute();
        for (const row of rows) events.push(eventFromRow(row));
      }
      return events;
    },
    async list(tenantId, options) {
      let q = db.selectFrom("events").selectAll().where("tenant_id", "=", tenantId);
      if (options.cursor) q = q.where("id", "<", options.cursor);
      if (options.types !== undefined)
        q = q.where("type", "in", options.types.length > 0 ? options.types : [""]);
      if (!options.includeTests) q = q.where("test", "=", 0);
      if (options.since !== undefined) q = q.where("created_at", ">=", options.since);
      if (options.until !== undefined) q = q.where("created_at", "<", options.until);
      const rows = await q
        .orderBy("id", "desc")
        .limit(options.limit + 1)
        .execute();
      return page(rows.map(eventFromRow), options.limit);
    },
    purgePayloads: (cutoff, afterId, limit) => purgePayloads(db, cutoff, afterId, limit),
  };
}
