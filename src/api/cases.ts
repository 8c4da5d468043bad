import { Type } from "@sinclair/typebox";
import { invalid, notFound } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import {
  applyCaseInput,
  CaseCreateSchema,
  type CaseFields,
  CasePatchSchema,
  CaseSchema,
  emptyCase,
} from "../domain/records/case.js";
import { caseEvents } from "../domain/records/events.js";
import { presentRecord, versionOf } from "../records/present.js";
import { type RecordKind, RecordWriter } from "../records/writer.js";
import type { CaseRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import { IfMatchHeaders } from "./clients.js";
import type { ApiContext, App } from "./context.js";
import { Id, ListOf, PageQuery, parseTime } from "./schemas.js";

const Params = Type.Object({ id: Id("cas") });

export async function caseRoutes(app: App, ctx: ApiContext): Promise<void> {
  const writer = new RecordWriter(ctx.ingest);
  const kind: RecordKind<CaseFields> = {
    name: "case",
    get: (tenantId, id) => ctx.store.cases.get(tenantId, id),
    update: (record, expected, outbox) => ctx.store.cases.update(record, expected, outbox),
    delete: (tenantId, id, expected, now, outbox) =>
      ctx.store.cases.delete(tenantId, id, expected, now, outbox),
    events: (change) => caseEvents({ ...change, changeSource: "api" }),
  };

  /** A case belongs to one of the tenant's clients: another tenant's client id is as unknown as a made-up one. */
  async function requireClient(tenantId: string, clientId: string): Promise<void> {
    if (!(await ctx.store.clients.get(tenantId, clientId))) {
      throw invalid("/body/client_id", `client ${clientId} not found`);
    }
  }

  app.post(
    "/v1/cases",
    {
      schema: {
        tags: ["cases"],
        summary: "Create a case",
        body: CaseCreateSchema,
        response: { 201: CaseSchema },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const fields = applyCaseInput(emptyCase(request.body.client_id), request.body);
      await requireClient(tenantId, fields.client_id);
      const now = Date.now();
      const record: CaseRecord = {
        id: generateId("cas_"),
        tenant_id: tenantId,
        ...fields,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      const events = caseEvents({
        id: record.id,
        before: null,
        after: fields,
        version: 1,
        at: now,
        changeSource: "api",
      });
      await writer.withEvents(tenantId, events, now, (outbox) => ctx.store.cases.create(record, outbox));
      reply.status(201);
      return presentRecord(record);
    },
  );

  app.get(
    "/v1/cases",
    {
      schema: {
        tags: ["cases"],
        summary: "List cases, newest first",
        querystring: Type.Object({
          ...PageQuery,
          client_id: Type.Optional(Type.String({ maxLength: 80 })),
          status: Type.Optional(Type.String({ maxLength: 100 })),
          case_type: Type.Optional(Type.String({ maxLength: 100 })),
          updated_since: Type.Optional(Type.String({ description: "ISO-8601." })),
        }),
        response: { 200: ListOf(CaseSchema) },
      },
    },
    async (request) => {
      const { client_id, status, case_type, updated_since, cursor, limit } = request.query;
      const updatedSince = parseTime(updated_since);
      if (Number.isNaN(updatedSince))
        throw invalid("/querystring/updated_since", "not an ISO-8601 timestamp");
      const result = await ctx.store.cases.list(tenantOf(request), {
        cursor,
        limit: limit ?? 50,
        ...(client_id !== undefined ? { clientId: client_id } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(case_type !== undefined ? { caseType: case_type } : {}),
        ...(updatedSince !== undefined ? { updatedSince } : {}),
      });
      return { data: result.data.map((c) => presentRecord(c)), next_cursor: result.next_cursor };
    },
  );

  app.get(
    "/v1/cases/:id",
    { schema: { tags: ["cases"], summary: "Get a case", params: Params, response: { 200: CaseSchema } } },
    async (request) => {
      const record = await ctx.store.cases.get(tenantOf(request), request.params.id);
      if (!record) throw notFound("case");
      return presentRecord(record);
    },
  );

  app.patch(
    "/v1/cases/:id",
    {
      schema: {
        tags: ["cases"],
        summary: "Update a case (If-Match: <version> → 412 when it changed since)",
        params: Params,
        headers: IfMatchHeaders,
        body: CasePatchSchema,
        response: { 200: CaseSchema },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const record = await writer.update(
        kind,
        tenantId,
        request.params.id,
        versionOf(request.headers["if-match"]),
        async (current) => {
          const next = applyCaseInput(current, request.body);
          if (next.client_id !== current.client_id) await requireClient(tenantId, next.client_id);
          return next;
        },
      );
      return presentRecord(record);
    },
  );

  app.delete(
    "/v1/cases/:id",
    { schema: { tags: ["cases"], summary: "Delete a case", params: Params } },
    async (request, reply) => {
      await writer.delete(kind, tenantOf(request), request.params.id);
      reply.status(204);
    },
  );
}
