import { Type } from "@sinclair/typebox";
import { invalid, notFound } from "../domain/errors.js";
import { generateApiKey, generateId, hashApiKey } from "../domain/ids.js";
import { GRANTABLE_SCOPES, scopeListProblem } from "../domain/scopes.js";
import { iso } from "../domain/time.js";
import type { ApiKey } from "../store/index.js";
import { requireAdmin } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { ADMIN_ONLY } from "./openapi.js";
import { ApiKeySchema, CreatedApiKeySchema, NoContent, TenantSchema } from "./responses.js";
import { Id, ListOf, PageQuery, parseTime } from "./schemas.js";

const TenantParams = Type.Object({ id: Id("ten") });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const presentTenant = (t: { id: string; name: string; timezone: string; created_at: number }) => ({
  id: t.id,
  name: t.name,
  timezone: t.timezone,
  created_at: iso(t.created_at),
});

const presentKey = (k: ApiKey) => ({
  id: k.id,
  prefix: k.prefix,
  created_at: iso(k.created_at),
  revoked_at: iso(k.revoked_at),
  scopes: k.scopes,
  expires_at: iso(k.expires_at),
});

const CreateKeyBody = Type.Object(
  {
    scopes: Type.Optional(
      Type.Array(Type.String({ enum: [...GRANTABLE_SCOPES] }), {
        minItems: 1,
        maxItems: GRANTABLE_SCOPES.length,
        description:
          "What the key may do; `<area>:*` grants the whole area. Left out: no scopes, full power (as before scopes existed).",
        examples: [["events:write", "webhooks:read"]],
      }),
    ),
    expires_at: Type.Optional(
      Type.String({ format: "date-time", description: "When the key stops working (in the future)." }),
    ),
  },
  { additionalProperties: false },
);

/** Admin-only: tenants (law firms) and their API keys. */
export async function tenantRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.post(
    "/v1/tenants",
    {
      schema: {
        tags: ["tenants"],
        summary: "Create a tenant (admin key)",
        security: ADMIN_ONLY,
        response: { 201: TenantSchema },
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const timezone = request.body.timezone ?? "UTC";
      if (!isTimeZone(timezone)) throw invalid("/body/timezone", `"${timezone}" is not an IANA time zone`);
      const tenant = { id: generateId("ten_"), name: request.body.name, timezone, created_at: Date.now() };
      await ctx.store.tenants.create(tenant);
      reply.status(201);
      return presentTenant(tenant);
    },
  );

  app.get(
    "/v1/tenants",
    {
      schema: {
        tags: ["tenants"],
        summary: "List tenants (admin key)",
        security: ADMIN_ONLY,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(TenantSchema) },
      },
    },
    async (request) => {
      requireAdmin(request);
      const result = await ctx.store.tenants.list({
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
      });
      return { data: result.data.map(presentTenant), next_cursor: result.next_cursor };
    },
  );

  app.get(
    "/v1/tenants/:id",
    {
      schema: {
        tags: ["tenants"],
        summary: "Get a tenant (admin key)",
        security: ADMIN_ONLY,
        params: TenantParams,
        response: { 200: TenantSchema },
      },
    },
    async (request) => {
      requireAdmin(request);
      const tenant = await ctx.store.tenants.get(request.params.id);
      if (!tenant) throw notFound("tenant");
      return presentTenant(tenant);
    },
  );

  app.post(
    "/v1/tenants/:id/keys",
    {
      // No body at all is the same as `{}`: a key without scopes, as before scopes existed.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ["tenants"],
        summary: "Create a tenant API key, optionally scoped and expiring; shown once (admin key)",
        security: ADMIN_ONLY,
        params: TenantParams,
        body: Type.Optional(CreateKeyBody),
        response: { 201: CreatedApiKeySchema },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const tenant = await ctx.store.tenants.get(request.params.id);
      if (!tenant) throw notFound("tenant");
      const now = Date.now();
      const scopes = request.body?.scopes ?? null;
      const problem = scopes ? scopeListProblem(scopes) : null;
      if (problem) throw invalid(`/body/scopes/${problem.index}`, problem.message);
      const expiresAt = parseTime(request.body?.expires_at) ?? null;
      if (expiresAt !== null && expiresAt <= now)
        throw invalid("/body/expires_at", "expires_at must be in the future");
      const key = generateApiKey();
      const record: ApiKey = {
        id: generateId("key_"),
        tenant_id: tenant.id,
        prefix: key.slice(0, 7),
        created_at: now,
        revoked_at: null,
        scopes,
        expires_at: expiresAt,
      };
      await ctx.store.tenants.createKey(record, hashApiKey(key));
      reply.status(201);
      return { ...presentKey(record), key };
    },
  );

  app.get(
    "/v1/tenants/:id/keys",
    {
      schema: {
        tags: ["tenants"],
        summary: "List a tenant's API keys (admin key)",
        security: ADMIN_ONLY,
        params: TenantParams,
        response: { 200: ListOf(ApiKeySchema) },
      },
    },
    async (request) => {
      requireAdmin(request);
      if (!(await ctx.store.tenants.get(request.params.id))) throw notFound("tenant");
      const keys = await ctx.store.tenants.listKeys(request.params.id);
      return { data: keys.map(presentKey), next_cursor: null };
    },
  );

  app.delete(
    "/v1/tenants/:id/keys/:key_id",
    {
      schema: {
        tags: ["tenants"],
        summary: "Revoke a tenant API key (admin key)",
        security: ADMIN_ONLY,
        params: Type.Object({ id: Id("ten"), key_id: Id("key") }),
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const revoked = await ctx.store.tenants.revokeKey(request.params.id, request.params.key_id, Date.now());
      if (!revoked) throw notFound("API key");
      ctx.auth.forget(request.params.key_id);
      reply.status(204);
    },
  );
}
