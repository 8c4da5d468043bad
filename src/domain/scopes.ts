/**
 * What an API key may do. A scope is `<area>:<access>` (`webhooks:read`, `records:write`,
 * `portal:create`); a key holds a list of them, where `<area>:*` grants every access of an area.
 * A key created without scopes has none listed and keeps full power, as every key had before
 * scopes existed.
 *
 * Every /v1 route needs exactly one scope, and this file is the one place that says which:
 * {@link scopeOf} reads it off the route's method and path with the rules below, so a new route
 * under an existing area is covered without anyone remembering to, and a route under a new area
 * makes the server refuse to start until a rule names it (see src/api/scope-check.ts). Pure.
 */

/** The areas of the API and the accesses each has, in the order they are documented. */
export const SCOPE_AREAS = {
  events: ["read", "write"],
  webhooks: ["read", "write"],
  destinations: ["read", "write"],
  deliveries: ["read", "write"],
  listen: ["read", "write"],
  records: ["read", "write"],
  jobs: ["read"],
  settings: ["read", "write"],
  crm: ["read", "write"],
  enrichment: ["read", "write"],
  scheduling: ["read", "write"],
  portal: ["create"],
} as const satisfies Record<string, readonly string[]>;

export type ScopeArea = keyof typeof SCOPE_AREAS;

/** Every scope a route can need, e.g. `webhooks:read`. */
export const SCOPES: readonly string[] = Object.entries(SCOPE_AREAS).flatMap(([area, accesses]) =>
  accesses.map((access) => `${area}:${access}`),
);

/** What a key may be given: a scope, or `<area>:*`. */
export const GRANTABLE_SCOPES: readonly string[] = [
  ...SCOPES,
  ...Object.keys(SCOPE_AREAS).map((area) => `${area}:*`),
];

/** Routes only the admin key may call (tenants and their keys); no scope opens them. */
export const ADMIN_SCOPE = "admin";

/** What a route needs: a scope from {@link SCOPES}, or {@link ADMIN_SCOPE}. */
export type RouteScope = string;

/** What the dashboard's embeddable portal may do: one tenant's webhooks and their deliveries, read-only. */
export const PORTAL_SCOPES: readonly string[] = ["webhooks:*", "deliveries:read"];

const isGrantable = (scope: string): boolean => GRANTABLE_SCOPES.includes(scope);

/**
 * Checks a requested scope list: each must be grantable, no duplicates. Null when it is fine,
 * otherwise the first bad entry's index and why.
 */
export function scopeListProblem(scopes: readonly string[]): { index: number; message: string } | null {
  const seen = new Set<string>();
  for (const [index, scope] of scopes.entries()) {
    if (!isGrantable(scope)) return { index, message: `"${scope}" is not a scope` };
    if (seen.has(scope)) return { index, message: `"${scope}" is listed twice` };
    seen.add(scope);
  }
  return null;
}

/** True when `granted` (null: a key without scopes, full power) covers `needed`. */
export function allows(granted: readonly string[] | null, needed: RouteScope): boolean {
  if (needed === ADMIN_SCOPE) return false;
  if (granted === null) return true;
  const area = needed.slice(0, needed.indexOf(":"));
  return granted.includes(needed) || granted.includes(`${area}:*`);
}

/** The access a method asks for: reading never changes anything; every other method writes. */
const accessOf = (method: string): "read" | "write" =>
  method === "GET" || method === "HEAD" ? "read" : "write";

/**
 * Routes whose area is not their first path segment, first match wins. Patterns match the route's
 * path as Fastify declares it (`/v1/webhooks/:id/deliveries`).
 */
const RULES: ReadonlyArray<{ pattern: RegExp; area: ScopeArea | typeof ADMIN_SCOPE; access?: string }> = [
  { pattern: /^\/v1\/tenants(\/|$)/, area: ADMIN_SCOPE },
  { pattern: /^\/v1\/portal\/sessions$/, area: "portal", access: "create" },
  // The catalog is what a webhook subscribes to: the webhook forms (and the portal) read it.
  { pattern: /^\/v1\/event-types(\/|$)/, area: "webhooks" },
  // Presets fill the new-webhook form.
  { pattern: /^\/v1\/webhook-presets$/, area: "webhooks" },
  // A live `switchboard listen` session: its temporary target and its stream.
  { pattern: /^\/v1\/listeners(\/|$)/, area: "listen" },
  { pattern: /^\/v1\/deliveries\/stream(\/|$)/, area: "listen" },
  // A target's deliveries, and replaying them, are deliveries whichever kind the target is.
  { pattern: /^\/v1\/[a-z/-]+\/:[a-z_]+\/(deliveries|replay)$/, area: "deliveries" },
  // A client's enrichment is enrichment's, not the records'.
  { pattern: /^\/v1\/clients\/:[a-z_]+\/(enrich|enrichment)$/, area: "enrichment" },
  { pattern: /^\/v1\/(clients|cases|imports)(\/|$)/, area: "records" },
];

/**
 * The scope a route needs, or null when no rule covers it (the server refuses to start then).
 * `POST /v1/webhooks` → `webhooks:write`; `GET /v1/webhooks/:id/deliveries` → `deliveries:read`.
 */
export function scopeOf(method: string, url: string): RouteScope | null {
  const verb = method.toUpperCase();
  for (const rule of RULES) {
    if (!rule.pattern.test(url)) continue;
    if (rule.area === ADMIN_SCOPE) return ADMIN_SCOPE;
    return `${rule.area}:${rule.access ?? accessOf(verb)}`;
  }
  const area = /^\/v1\/([a-z-]+)/.exec(url)?.[1];
  if (area === undefined || !(area in SCOPE_AREAS)) return null;
  const accesses: readonly string[] = SCOPE_AREAS[area as ScopeArea];
  const access = accessOf(verb);
  return accesses.includes(access) ? `${area}:${access}` : null;
}
