import { Type } from "@sinclair/typebox";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { Id, ListOf, PageQuery } from "./schemas.js";

const TimelineEntrySchema = Type.Object(
  {
    at: Type.String({ format: "date-time", description: "When it happened (the event's occurred_at)." }),
    kind: Type.Union([Type.Literal("change"), Type.Literal("event")], {
      description: "`change`: a change to this record; `event`: another event that references it.",
    }),
    event: Type.Object({
      id: Type.String(),
      type: Type.String(),
      occurred_at: Type.String({ format: "date-time" }),
      data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
        description: "Null once retention has emptied the event.",
      }),
    }),
    change_source: Type.Optional(Type.String()),
    changes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    deliveries: Type.Array(
      Type.Object({
        id: Type.String(),
        webhook_id: Type.String({ description: "The webhook or destination it goes to." }),
        status: Type.String(),
        attempts: Type.Integer(),
      }),
    ),
  },
  { title: "TimelineEntry" },
);

const Query = Type.Object(PageQuery);

export async function timelineRoutes(app: App, ctx: ApiContext): Promise<void> {
  const timelines = ctx.records.timelines;

  app.get(
    "/v1/clients/:id/timeline",
    {
      schema: {
        tags: ["clients"],
        summary: "The client's changes and the events that reference it, newest first, with their deliveries",
        params: Type.Object({ id: Id("cli") }),
        querystring: Query,
        response: { 200: ListOf(TimelineEntrySchema) },
      },
    },
    async (request) => {
      const { cursor, limit } = request.query;
      return timelines.forClient(tenantOf(request), request.params.id, { cursor, limit: limit ?? 50 });
    },
  );

  app.get(
    "/v1/cases/:id/timeline",
    {
      schema: {
        tags: ["cases"],
        summary: "The case's changes and the events that reference it, newest first, with their deliveries",
        params: Type.Object({ id: Id("cas") }),
        querystring: Query,
        response: { 200: ListOf(TimelineEntrySchema) },
      },
    },
    async (request) => {
      const { cursor, limit } = request.query;
      return timelines.forCase(tenantOf(request), request.params.id, { cursor, limit: limit ?? 50 });
    },
  );
}
