import { Type } from "@sinclair/typebox";
import { invalid, notFound } from "../domain/errors.js";
import { CaseCreateSchema, CasePatchSchema, CaseSchema } from "../domain/records/case.js";
import { presentRecord, versionOf } from "../records/present.js";
import { tenantOf } from "./auth.js";
import { IfMatchHeaders } from "./clients.js";
import type { ApiContext, App } from "./context.js";
import { NoContent } from "./responses.js";
import { Id, ListOf, PageQuery, parseTime } from "./schemas.js";

const Params = Type.Object({ id: Id("cas") });

export async function caseRoutes(app: App, ctx: ApiContext): Promise<void> {
  const cases = ctx.records.cases;

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
      const record = await cases.create(tenantOf(request), request.body, "api");
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
      const record = await cases.update(
        tenantOf(request),
        request.params.id,
        versionOf(request.headers["if-match"]),
        request.body,
        "api",
      );
      return presentRecord(record);
    },
  );

  app.delete(
    "/v1/cases/:id",
    { schema: { tags: ["cases"], summary: "Delete a case", params: Params, response: { 204: NoContent } } },
    async (request, reply) => {
      await cases.delete(tenantOf(request), request.params.id, "api");
      reply.status(204);
    },
  );
}
