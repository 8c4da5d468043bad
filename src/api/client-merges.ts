import { Type } from "@sinclair/typebox";
import { ClientSchema } from "../domain/records/client.js";
import { presentRecord, versionOf } from "../records/present.js";
import type { ClientRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import { IfMatchHeaders } from "./clients.js";
import type { ApiContext, App } from "./context.js";
import { MatchedOn } from "./duplicates.js";
import { Id } from "./schemas.js";

const Params = Type.Object({ id: Id("cli") });

export async function clientMergeRoutes(app: App, ctx: ApiContext): Promise<void> {
  const merges = ctx.records.merges;

  app.get(
    "/v1/clients/:id/duplicates",
    {
      schema: {
        tags: ["clients"],
        summary: "Other clients sharing a phone number or email with this one, newest first (at most 50)",
        params: Params,
        response: {
          200: Type.Object(
            { data: Type.Array(Type.Object({ client: ClientSchema, matched_on: MatchedOn })) },
            { title: "DuplicateList" },
          ),
        },
      },
    },
    async (request) => {
      const duplicates = await merges.duplicatesOf(tenantOf(request), request.params.id);
      return {
        data: duplicates.map((d) => ({
          client: presentRecord<ClientRecord>(d.client),
          matched_on: d.matched_on,
        })),
      };
    },
  );

  app.post(
    "/v1/clients/:id/merge",
    {
      schema: {
        tags: ["clients"],
        summary:
          "Merge clients into this one: their cases move here, contacts and ids are united, they are deleted (If-Match: <version> of this one)",
        params: Params,
        headers: IfMatchHeaders,
        body: Type.Object(
          {
            from: Type.Array(Id("cli"), {
              minItems: 1,
              maxItems: 50,
              description: "The clients merged into this one and then deleted.",
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: ClientSchema },
      },
    },
    async (request) => {
      const client = await merges.merge(
        tenantOf(request),
        request.params.id,
        request.body.from,
        versionOf(request.headers["if-match"]),
        "api",
      );
      return presentRecord(client);
    },
  );
}
