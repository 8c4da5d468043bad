import { Type } from "@sinclair/typebox";
import { invalid, notFound } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import {
  applyClientInput,
  ClientCreateSchema,
  type ClientFields,
  ClientPatchSchema,
  ClientSchema,
  EMPTY_CLIENT,
  normaliseEmail,
} from "../domain/records/client.js";
import { clientEvents } from "../domain/records/events.js";
import { phoneRegion, toE164 } from "../domain/records/phone.js";
import { presentRecord, versionOf } from "../records/present.js";
import { type RecordKind, RecordWriter } from "../records/writer.js";
import type { ClientRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { Id, ListOf, PageQuery, parseTime } from "./schemas.js";

const Params = Type.Object({ id: Id("cli") });
export const IfMatchHeaders = Type.Object({
  "if-match": Type.Optional(
    Type.String({ pattern: '^"?[0-9]{1,15}"?$', description: "The version you read." }),
  ),
});

/** Tenants have no country yet: national numbers are read as US numbers. */
const region = phoneRegion(undefined);

export async function clientRoutes(app: App, ctx: ApiContext): Promise<void> {
  const writer = new RecordWriter(ctx.ingest);
  const kind: RecordKind<ClientFields> = {
    name: "client",
    get: (tenantId, id) => ctx.store.clients.get(tenantId, id),
    update: (record, expected, outbox) => ctx.store.clients.update(record, expected, outbox),
    delete: (tenantId, id, expected, now, outbox) =>
      ctx.store.clients.delete(tenantId, id, expected, now, outbox),
    events: (change) => clientEvents({ ...change, changeSource: "api" }),
  };

  app.post(
    "/v1/clients",
    {
      schema: {
        tags: ["clients"],
        summary: "Create a client",
        body: ClientCreateSchema,
        response: { 201: ClientSchema },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const fields = applyClientInput(EMPTY_CLIENT, request.body, region);
      const now = Date.now();
      const client: ClientRecord = {
        id: generateId("cli_"),
        tenant_id: tenantId,
        ...fields,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      const events = clientEvents({
        id: client.id,
        before: null,
        after: fields,
        version: 1,
        at: now,
        changeSource: "api",
      });
      await writer.withEvents(tenantId, events, now, (outbox) => ctx.store.clients.create(client, outbox));
      reply.status(201);
      return presentRecord(client);
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
      const phoneE164 = phone === undefined ? undefined : toE164(phone, region);
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
      const client = await writer.update(
        kind,
        tenantOf(request),
        request.params.id,
        versionOf(request.headers["if-match"]),
        (current) => applyClientInput(current, request.body, region),
      );
      return presentRecord(client);
    },
  );

  app.delete(
    "/v1/clients/:id",
    { schema: { tags: ["clients"], summary: "Delete a client", params: Params } },
    async (request, reply) => {
      await writer.delete(kind, tenantOf(request), request.params.id);
      reply.status(204);
    },
  );
}
