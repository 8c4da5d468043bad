import { Type } from "@sinclair/typebox";
import {
  eventCatalog,
  eventCategories,
  eventTypeAliases,
  eventTypeVariables,
  resolveEventType,
  suggestEventTypes,
} from "../domain/catalog/index.js";
import { DomainError } from "../domain/errors.js";
import { macrosFor } from "../domain/template.js";
import type { ApiContext, App } from "./context.js";
import { EventTypeCatalogSchema, EventTypeDetailSchema } from "./responses.js";

const present = (t: (typeof eventCatalog)[number]) => ({
  name: t.name,
  category: t.category,
  description: t.description,
  // The platforms' names for this type, accepted wherever a type is named (stored as `name`).
  aliases: eventTypeAliases(t.name),
  schema: t.schema,
  example: t.example,
});

/** The event catalog: every event the platform emits, with schema and example. */
export async function eventTypeRoutes(app: App, _ctx: ApiContext): Promise<void> {
  app.get(
    "/v1/event-types",
    {
      schema: {
        tags: ["event types"],
        summary: "The event catalog",
        querystring: Type.Object({ category: Type.Optional(Type.String({ maxLength: 50 })) }),
        response: { 200: EventTypeCatalogSchema },
      },
    },
    async (request) => {
      const category = request.query.category;
      const types = eventCatalog.filter((t) => category === undefined || t.category === category);
      const categories = eventCategories()
        .filter((name) => category === undefined || name === category)
        .map((name) => ({ name, types: types.filter((t) => t.category === name).map((t) => t.name) }));
      return { data: types.map(present), categories, next_cursor: null };
    },
  );

  app.get(
    "/v1/event-types/:type",
    {
      schema: {
        tags: ["event types"],
        summary: "One event type, with the template variables it offers",
        params: Type.Object({ type: Type.String({ maxLength: 100 }) }),
        response: { 200: EventTypeDetailSchema },
      },
    },
    async (request) => {
      const type = resolveEventType(request.params.type);
      if (!type) {
        const suggestions = suggestEventTypes(request.params.type);
        throw new DomainError("not_found", `event type "${request.params.type}" not found`, {
          suggestions,
        });
      }
      const variables = eventTypeVariables(type.name);
      // `{from_nr}`-style shorthands a template may use for this type (any `{field}` means data.field).
      return { ...present(type), variables, macros: macrosFor(variables) };
    },
  );
}
