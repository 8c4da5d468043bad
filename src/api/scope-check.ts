import type { FastifyInstance, FastifyRequest } from "fastify";
import { DomainError } from "../domain/errors.js";
import { ADMIN_SCOPE, allows, type RouteScope, scopeOf } from "../domain/scopes.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** What the route needs (`webhooks:read`, `admin`): set for every /v1 route by {@link installScopes}. */
    scope?: RouteScope;
  }
}

/**
 * Gives every route registered under `app` from now on the scope it needs (src/domain/scopes.ts
 * reads it off the method and path; a route may name its own in `config.scope`). A route no rule
 * covers stops the server at start, so no route is ever reachable by a scoped key by oversight.
 */
export function installScopes(app: FastifyInstance): void {
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const own = (route.config as { scope?: RouteScope } | undefined)?.scope;
    const scopes = new Set(methods.map((method) => own ?? scopeOf(String(method), route.url)));
    const [scope] = scopes;
    if (scope === null || scope === undefined || scopes.size > 1) {
      throw new Error(
        `no scope covers ${methods.join(",")} ${route.url}: add a rule to src/domain/scopes.ts`,
      );
    }
    route.config = { ...(route.config as object | undefined), scope } as typeof route.config;
  });
}

/** The one check: the authenticated principal may call this route, or a 403 names what it lacks. */
export function checkScope(request: FastifyRequest): void {
  const principal = request.principal;
  const needed = request.routeOptions.config.scope;
  if (!principal || principal.kind === "admin" || needed === undefined) return;
  if (needed === ADMIN_SCOPE) {
    throw new DomainError("forbidden", "this route needs the admin key", { missing_scope: ADMIN_SCOPE });
  }
  if (allows(principal.scopes, needed)) return;
  const what = principal.kind === "portal" ? "a portal session" : "this API key";
  throw new DomainError("forbidden", `${what} lacks the scope ${needed}`, {
    missing_scope: needed,
    scopes: [...(principal.scopes ?? [])],
  });
}
