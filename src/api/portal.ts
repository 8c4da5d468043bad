import { Type } from "@sinclair/typebox";
import {
  PORTAL_DEFAULT_TTL_S,
  PORTAL_MAX_TTL_S,
  PORTAL_MIN_TTL_S,
  signPortalToken,
} from "../domain/portal-token.js";
import { PORTAL_SCOPES } from "../domain/scopes.js";
import { PORTAL_KEY_PURPOSE, tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";

const PortalSessionSchema = Type.Object(
  {
    url: Type.String({
      format: "uri",
      description:
        "Opens the dashboard in portal mode; the token rides in the fragment, never sent to a server.",
    }),
    token: Type.String({ description: "The session token (`sbp_…`), a bearer credential until it expires." }),
    tenant_id: Type.String(),
    scopes: Type.Array(Type.String(), { description: "What the session may do." }),
    expires_at: Type.String({ format: "date-time" }),
  },
  { title: "PortalSession" },
);

/**
 * The embeddable portal: a short-lived signed link that opens the dashboard limited to one
 * tenant's webhooks and their deliveries (src/domain/portal-token.ts). The admin key names the
 * tenant with `Switchboard-Tenant`; a tenant key with `portal:create` makes links for its own.
 */
export async function portalRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.post(
    "/v1/portal/sessions",
    {
      // No body at all is the same as `{}`: the default lifetime.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ["portal"],
        summary: "Create a portal link for the tenant's webhooks and deliveries",
        body: Type.Optional(
          Type.Object(
            {
              expires_in: Type.Optional(
                Type.Integer({
                  minimum: PORTAL_MIN_TTL_S,
                  maximum: PORTAL_MAX_TTL_S,
                  default: PORTAL_DEFAULT_TTL_S,
                  description: "Seconds until the link stops working (60 to 3600; 900 when left out).",
                }),
              ),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 201: PortalSessionSchema },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const expiresAt = Date.now() + (request.body?.expires_in ?? PORTAL_DEFAULT_TTL_S) * 1000;
      const token = signPortalToken(ctx.cipher.deriveKey(PORTAL_KEY_PURPOSE), tenantId, expiresAt);
      const base = ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;
      reply.status(201);
      return {
        url: `${base.replace(/\/+$/, "")}/portal#token=${token}`,
        token,
        tenant_id: tenantId,
        scopes: [...PORTAL_SCOPES],
        expires_at: new Date(expiresAt).toISOString(),
      };
    },
  );
}
