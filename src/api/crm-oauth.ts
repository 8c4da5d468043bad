import { Type } from "@sinclair/typebox";
import {
  OAUTH_STATE_TTL_MS,
  type OAuthStateCheck,
  signOAuthState,
  verifyOAuthState,
} from "../domain/crm/oauth-state.js";
import { DomainError, notFound } from "../domain/errors.js";
import { CrmError, type CrmOAuth } from "../integrations/crm/connector.js";
import type { LoadedConnection } from "../integrations/crm/sync/connections.js";
import { subscribeNow } from "../integrations/crm/sync/subscriptions.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { crmRefused } from "./crm.js";
import { Id } from "./schemas.js";

/** The callback's path: the redirect URI registered with the CRM's app is the public URL + this. */
export const OAUTH_CALLBACK_PATH = "/v1/crm/oauth/callback";

/** Where the person lands after connecting: the dashboard's page of the connection. */
export function dashboardConnectionPath(connectionId: string): string {
  return `/integrations/crm/${encodeURIComponent(connectionId)}?connected=1`;
}

const STATE_KEY_PURPOSE = "crm-oauth-state";

function oauthOf(loaded: LoadedConnection): CrmOAuth {
  const { oauth } = loaded.provider;
  if (!oauth) {
    throw new DomainError("conflict", `${loaded.provider.label} connects with credentials, not OAuth`, {
      reason: "oauth_unsupported",
    });
  }
  return oauth;
}

function stateRefused(check: Exclude<OAuthStateCheck, { ok: true }>): DomainError {
  const why = {
    malformed: "is not one we issued",
    bad_signature: "does not verify (it was altered or forged)",
    expired: "has expired (start the connection again)",
  }[check.reason];
  return new DomainError("invalid_oauth_state", `the OAuth state ${why}; nothing was connected`, {
    reason: check.reason,
  });
}

/**
 * `POST /v1/crm/connections/{id}/oauth/start` (API key): the CRM's authorize URL for a connection
 * that names its app (client id and secret), with a signed `state` valid for 10 minutes that binds
 * the tenant, the connection and the redirect URI.
 */
export async function crmOAuthStartRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.post(
    "/v1/crm/connections/:id/oauth/start",
    {
      schema: {
        tags: ["crm"],
        summary: "Start connecting an OAuth CRM (Clio): the authorize URL to send the person to",
        params: Type.Object({ id: Id("crm") }),
        response: {
          200: Type.Object({
            authorize_url: Type.String(),
            redirect_uri: Type.String(),
            expires_at: Type.String({ format: "date-time" }),
          }),
        },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const loaded = await ctx.crm.connectors.load(tenantId, request.params.id);
      if (!loaded) throw notFound("CRM connection");
      const oauth = oauthOf(loaded);
      if (!oauth.canStart(loaded.config.credentials)) {
        throw new DomainError(
          "conflict",
          `${loaded.provider.label} needs the app's client_id and client_secret before it can be connected`,
          { reason: "missing_client_credentials" },
        );
      }
      const base = ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;
      const redirectUri = `${base}${OAUTH_CALLBACK_PATH}`;
      const now = Date.now();
      const state = signOAuthState(
        ctx.cipher.deriveKey(STATE_KEY_PURPOSE),
        { tenant_id: tenantId, connection_id: loaded.connection.id, redirect_uri: redirectUri },
        now,
      );
      return {
        authorize_url: oauth.authorizeUrl({
          baseUrl: loaded.config.base_url,
          credentials: loaded.config.credentials,
          redirectUri,
          state,
        }),
        redirect_uri: redirectUri,
        expires_at: new Date(now + OAUTH_STATE_TTL_MS).toISOString(),
      };
    },
  );
}

/**
 * `GET /v1/crm/oauth/callback?code=&state=` (public: the person's browser comes back from the CRM
 * without our API key; the signed state says whose connection it is). Verifies the state, trades
 * the code for tokens, stores them encrypted and marks the connection connected; then redirects
 * to the dashboard's connection page, or answers JSON to `Accept: application/json`.
 */
export async function crmOAuthCallbackRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.get(
    OAUTH_CALLBACK_PATH,
    {
      schema: {
        tags: ["crm"],
        summary: "Where the CRM sends the person back after they authorized the connection",
        security: [],
        querystring: Type.Object({
          code: Type.Optional(Type.String({ maxLength: 2048 })),
          state: Type.Optional(Type.String({ maxLength: 4096 })),
          error: Type.Optional(Type.String({ maxLength: 256 })),
          error_description: Type.Optional(Type.String({ maxLength: 2048 })),
        }),
        response: {
          200: Type.Object({ connected: Type.Literal(true), connection_id: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const { code, state, error, error_description } = request.query;
      const check: OAuthStateCheck = state
        ? verifyOAuthState(ctx.cipher.deriveKey(STATE_KEY_PURPOSE), state, Date.now())
        : { ok: false, reason: "malformed" };
      if (!check.ok) throw stateRefused(check);
      const { claims } = check;
      const loaded = await ctx.crm.connectors.load(claims.tenant_id, claims.connection_id);
      if (!loaded) throw notFound("CRM connection");
      const oauth = oauthOf(loaded);
      if (error || !code) {
        // The person declined on the CRM's page, or the CRM sent no code: its words, nothing stored.
        const said = error_description ?? error ?? "no authorization code";
        throw new DomainError("crm_refused", `${loaded.provider.label} refused (auth): ${said}`, {
          stage: "auth",
          vendor_message: said,
          vendor_status: null,
        });
      }
      let tokens: Record<string, string>;
      try {
        tokens = await oauth.exchangeCode(ctx.crm.connectors.context(loaded), {
          code,
          redirectUri: claims.redirect_uri,
        });
      } catch (refused) {
        // OAuth's token endpoint answers 400 (`invalid_grant`) for a code used already, expired or
        // issued for another redirect: the callback request is what is wrong, so it is a 400 too.
        if (refused instanceof CrmError && refused.status === 400) {
          const said = refused.vendorMessage ?? refused.message;
          throw new DomainError(
            "invalid_oauth_code",
            `${loaded.provider.label} refused the authorization code (used already or expired): ${said}; nothing was connected`,
            { reason: "code_refused", vendor_message: refused.vendorMessage },
          );
        }
        throw crmRefused(loaded.provider, refused);
      }
      const now = Date.now();
      const saved = await ctx.crm.connectors.saveCredentials(claims.tenant_id, loaded.connection.id, tokens, {
        status: "connected",
        message: null,
        at: now,
      });
      if (!saved) throw notFound("CRM connection");
      // A reconnect ends the failing streak the refused token started.
      await ctx.store.crm.update(loaded.connection.id, { consecutive_failures: 0 }, now);
      await ctx.crm.scheduleFor(loaded.connection, { initial: false });
      await subscribeNow(ctx.crm, claims.tenant_id, loaded.connection.id, ctx.config.publicUrl);
      if (request.headers.accept?.includes("application/json")) {
        return { connected: true as const, connection_id: loaded.connection.id };
      }
      return reply.redirect(dashboardConnectionPath(loaded.connection.id), 303);
    },
  );
}
