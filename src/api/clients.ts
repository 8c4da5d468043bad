import { Type } from "@sinclair/typebox";
import { invalid, notFound } from "../domain/errors.js";
import {
  ClientCreateSchema,
  ClientPatchSchema,
  ClientSchema,
  normaliseEmail,
} from "../domain/records/client.js";
import { toE164 } from "../domain/records/phone.js";
import { presentRecord, versionOf } from "../records/present.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { PossibleDuplicateSchema, presentPossibleDuplicate } from "./duplicates.js";
import { NoContent } from "./responses.js";
import { Id, ListOf, PageQuery, parseTime } from "./schemas.js";

const Params = Type.Object({ id: Id("cli") });
export const IfMatchHeaders = Type.Object({
  "if-match": Type.Optional(
    Type.String({ pattern: '^"?[0-9]{1,15}"?$', description: "The version you read." }),
  ),
});

export async function clientRoutes(app: App, ctx: ApiContext): Promise<void> {
  const clients = ctx.records.clients;

  app.post(
    "/v1/clients",
    {
      schema: {
        tags: ["clients"],
        summary: "Create a client",
        body: ClientCreateSchema,
        response: {
          201: Type.Composite(
            [
              ClientSchema,
              Type.Object({
                possible_duplicates: Type.Array(PossibleDuplicateSchema, {
                  description:
                    "Other clients (at most 50) already holding one of its phone numbers or emails; empty when none.",
                }),
              }),
            ],
            { title: "CreatedClient" },
          ),
        },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const client = await clients.create(tenantId, request.body, "api");
      const duplicates = await ctx.records.merges.possibleDuplicates(tenantId, client);
      reply.status(201);
      return { ...presentRecord(client), possible_duplicates: duplicates.map(presentPossibleDuplicate) };
    },
  );

  app.get(
    "/v1/clients",
    {
      schema: {
        tags: ["clients"],
        summary: "List clients, newest first",
        querystring: Type.Object({
          ...PageQuery,
          phone: Type.Optional(Type.String({ maxLength: 40, description: "Any format; matched as E.164." })),
          email: Type.Optional(Type.String({ maxLength: 254 })),
          q: Type.Optional(
            Type.String({ minLength: 1, maxLength: 200, description: "Part of the name, any case." }),
          ),
          updated_since: Type.Optional(Type.String({ description: "ISO-8601." })),
        }),
        response: { 200: ListOf(ClientSchema) },
      },
    },
    async (request) => {
      const { phone, email, q, updated_since, cursor, limit } = request.query;
      const phoneE164 =
        phone === undefined ? undefined : toE164(phone, await clients.region(tenantOf(request)));
      if (phoneE164 === null) throw invalid("/querystring/phone", `"${phone}" is not a valid phone number`);
      const emailLower =
        email === undefined ? undefined : (normaliseEmail(email) ?? email.trim().toLowerCase());
      const updatedSince = parseTime(updated_since);
      if (Number.isNaN(updatedSince))
        throw invalid("/querystring/updated_since", "not an ISO-8601 timestamp");
      const result = await ctx.store.clients.list(tenantOf(request), {
        cursor,
        limit: limit ?? 50,
        ...(phoneE164 !== undefined ? { phone: phoneE164 } : {}),
        ...(emailLower !== undefined ? { email: emailLower } : {}),
        ...(q !== undefined ? { q } : {}),
        ...(updatedSince !== undefined ? { updatedSince } : {}),
      });
      return { data: result.data.map((c) => presentRecord(c)), next_cursor: result.next_cursor };
    },
  );

  app.get(
    "/v1/clients/:id",
    {
      schema: { tags: ["clients"], summary: "Get a client", params: Params, response: { 200: ClientSchema } },
    },
    async (request) => {
      const client = await ctx.store.clients.get(tenantOf(request), request.params.id);
      if (!client) throw notFound("client");
      return presentRecord(client);
    },
  );

  app.patch(
    "/v1/clients/:id",
    {
      schema: {
        tags: ["clients"],
        summary: "Update a client (If-Match: <version> → 412 when it changed since)",
        params: Params,
        headers: IfMatchHeaders,
        body: ClientPatchSchema,
        response: { 200: ClientSchema },
      },
    },
    async (request) => {
      const client = await clients.update(
        tenantOf(request),
        request.params.id,
        versionOf(request.headers["if-match"]),
        request.body,
        "api",
      );
      return presentRecord(client);
    },
  );

  app.delete(
    "/v1/clients/:id",
    {
      schema: { tags: ["clients"], summary: "Delete a client", params: Params, response: { 204: NoContent } },
    },
    async (request, reply) => {
      await clients.delete(tenantOf(request), request.params.id, "api");
      reply.status(204);
    },
  );
}
