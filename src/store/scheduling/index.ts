import type { Kysely, Selectable } from "kysely";
import { page } from "../rows.js";
import type {
  Database,
  SchedulingAgentTable,
  SchedulingBookingTable,
  SchedulingConnectionTable,
} from "../schema.js";
import type {
  SchedulingAgentRecord,
  SchedulingBookingRecord,
  SchedulingConnectionRecord,
  SchedulingRepository,
} from "./repository.js";

export type * from "./repository.js";

function connectionFromRow(row: Selectable<SchedulingConnectionTable>): SchedulingConnectionRecord {
  return { ...row, provider: "calcom" };
}

function agentFromRow(row: Selectable<SchedulingAgentTable>): SchedulingAgentRecord {
  return { ...row, booking_enabled: row.booking_enabled === 1 };
}

function bookingFromRow(row: Selectable<SchedulingBookingTable>): SchedulingBookingRecord {
  return {
    ...row,
    provider: "calcom",
    status: row.status as SchedulingBookingRecord["status"],
    attendee: JSON.parse(row.attendee),
  };
}

function bookingToRow(b: SchedulingBookingRecord): SchedulingBookingTable {
  return { ...b, attendee: JSON.stringify(b.attendee) };
}

export function schedulingRepository(db: Kysely<Database>): SchedulingRepository {
  const findBooking = async (tenantId: string, column: "id" | "call_id" | "provider_uid", value: string) => {
    const row = await db
      .selectFrom("scheduling_bookings")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where(column, "=", value)
      .executeTakeFirst();
    return row ? bookingFromRow(row) : null;
  };
  return {
    async getConnection(tenantId) {
      const row = await db
        .selectFrom("scheduling_connections")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .executeTakeFirst();
      return row ? connectionFromRow(row) : null;
    },
    async putConnection(c) {
      const { tenant_id, ...rest } = c;
      await db
        .insertInto("scheduling_connections")
        .values(c)
        .onConflict((oc) => oc.column("tenant_id").doUpdateSet(rest))
        .execute();
    },
    async deleteConnection(tenantId) {
      const result = await db
        .deleteFrom("scheduling_connections")
        .where("tenant_id", "=", tenantId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    reencryptSecrets(reencrypt) {
      return db.transaction().execute(async (tx) => {
        const rows = await tx
          .selectFrom("scheduling_connections")
          .select(["tenant_id", "api_key", "webhook_secret"])
          .execute();
        for (const row of rows) {
          await tx
            .updateTable("scheduling_connections")
            .set({
              api_key: reencrypt(row.api_key),
              webhook_secret: row.webhook_secret === null ? null : reencrypt(row.webhook_secret),
            })
            .where("tenant_id", "=", row.tenant_id)
            .execute();
        }
        return rows.length;
      });
    },

    async getAgent(tenantId, agentId) {
      const row = await db
        .selectFrom("scheduling_agents")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("agent_id", "=", agentId)
        .executeTakeFirst();
      return row ? agentFromRow(row) : null;
    },
    async putAgent(a) {
      const row = { ...a, booking_enabled: a.booking_enabled ? 1 : 0 };
      const { tenant_id, agent_id, ...rest } = row;
      await db
        .insertInto("scheduling_agents")
        .values(row)
        .onConflict((oc) => oc.columns(["tenant_id", "agent_id"]).doUpdateSet(rest))
        .execute();
    },
    async listAgents(tenantId) {
      const rows = await db
        .selectFrom("scheduling_agents")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .orderBy("agent_id")
        .execute();
      return rows.map(agentFromRow);
    },

    async claimBooking(booking) {
      const inserted = await db
        .insertInto("scheduling_bookings")
        .values(bookingToRow(booking))
        .onConflict((oc) => oc.doNothing())
        .returning("id")
        .executeTakeFirst();
      if (inserted) return { created: true };
      const existing = booking.call_id
        ? await findBooking(booking.tenant_id, "call_id", booking.call_id)
        : null;
      if (!existing) throw new Error(`booking ${booking.id} was neither inserted nor found by its call`);
      return { created: false, existing };
    },
    async updateBooking(tenantId, id, patch, now) {
      await db
        .updateTable("scheduling_bookings")
        .set({ ...patch, updated_at: now })
        .where("tenant_id", "=", tenantId)
        .where("id", "=", id)
        .execute();
    },
    async deleteBooking(tenantId, id) {
      await db
        .deleteFrom("scheduling_bookings")
        .where("tenant_id", "=", tenantId)
        .where("id", "=", id)
        .execute();
    },
    getBooking: (tenantId, id) => findBooking(tenantId, "id", id),
    findByCall: (tenantId, callId) => findBooking(tenantId, "call_id", callId),
    findByProviderUid: (tenantId, uid) => findBooking(tenantId, "provider_uid", uid),
    async listBookings(tenantId, filter, options) {
      let query = db.selectFrom("scheduling_bookings").selectAll().where("tenant_id", "=", tenantId);
      if (filter.from !== undefined) query = query.where("start_at", ">=", filter.from);
      if (filter.status) query = query.where("status", "=", filter.status);
      if (filter.agent_id) query = query.where("agent_id", "=", filter.agent_id);
      if (options.cursor) {
        const after = await findBooking(tenantId, "id", options.cursor);
        if (after) {
          query = query.where((eb) =>
            eb.or([
              eb("start_at", ">", after.start_at),
              eb.and([eb("start_at", "=", after.start_at), eb("id", ">", after.id)]),
            ]),
          );
        }
      }
      const rows = await query
        .orderBy("start_at")
        .orderBy("id")
        .limit(options.limit + 1)
        .execute();
      return page(rows.map(bookingFromRow), options.limit);
    },
  };
}
