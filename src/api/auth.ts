import type { FastifyRequest } from "fastify";
import { DomainError } from "../domain/errors.js";
import { hashApiKey } from "../domain/ids.js";
import { PORTAL_TOKEN_PREFIX, verifyPortalToken } from "../domain/portal-token.js";
import { PORTAL_SCOPES } from "../domain/scopes.js";
import type { Store } from "../store/index.js";

/**
 * Who is asking. `scopes` is what a tenant key or a portal session may do (null: a key without
 * scopes, full power); the admin key is not scoped.
 */
export type Principal =
  | { kind: "admin"; tenantId: string | null }
  | { kind: "tenant"; tenantId: string; keyId: string; scopes: readonly string[] | null }
  | { kind: "portal"; tenantId: string; scopes: readonly string[]; expiresAt: number };

/** What signs portal session tokens, derived from the master key (SecretCipher.deriveKey). */
export const PORTAL_KEY_PURPOSE = "portal-session";

interface CachedKey {
  tenantId: string;
  keyId: string;
  scopes: readonly string[] | null;
  expiresAt: number | null;
  until: number;
}

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const ADMIN_KEY_SETTING = "admin_key_hash";
/** Tenant keys are looked up once per this long per process; revocation reaches other nodes within it. */
const KEY_CACHE_MS = 5_000;

export class Authenticator {
  private readonly cache = new Map<string, CachedKey>();
  private adminHash: string | null = null;

  /** `portalKey` verifies portal session tokens (`sbp_…`); without it they are refused. */
  constructor(
    private readonly store: Store,
    private readonly portalKey: Buffer | null = null,
  ) {}

  /**
   * Makes sure an admin key exists. A configured key replaces the stored hash; otherwise a key is
   * generated on first start and returned so the caller can print it once (only its hash is kept).
   */
  async ensureAdminKey(configured: string | null, generate: () => string): Promise<string | null> {
    if (configured !== null) {
      this.adminHash = hashApiKey(configured);
      await this.store.settings.set(ADMIN_KEY_SETTING, this.adminHash);
      return null;
    }
    const candidate = generate();
    const stored = await this.store.settings.setIfAbsent(ADMIN_KEY_SETTING, hashApiKey(candidate));
    this.adminHash = stored;
    return stored === hashApiKey(candidate) ? candidate : null;
  }

  forget(keyId: string): void {
    for (const [hash, entry] of this.cache) if (entry.keyId === keyId) this.cache.delete(hash);
  }

  async authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1])
      throw new DomainError("unauthorized", "missing or malformed Authorization: Bearer <key>");
    if (match[1].startsWith(PORTAL_TOKEN_PREFIX)) return this.portal(match[1]);
    const hash = hashApiKey(match[1]);
    if (this.adminHash === null) this.adminHash = await this.store.settings.get(ADMIN_KEY_SETTING);
    if (hash === this.adminHash) {
      const acting = request.headers["switchboard-tenant"];
      if (acting === undefined) return { kind: "admin", tenantId: null };
      if (typeof acting !== "string" || !(await this.store.tenants.get(acting))) {
        throw new DomainError("not_found", "tenant named by Switchboard-Tenant not found");
      }
      return { kind: "admin", tenantId: acting };
    }
    const now = Date.now();
    let entry = this.cache.get(hash);
    if (!entry || entry.until <= now) {
      const key = await this.store.tenants.findKeyByHash(hash);
      if (!key || key.revoked_at !== null) {
        this.cache.delete(hash);
        throw new DomainError("unauthorized", "invalid or revoked API key");
      }
      if (this.cache.size > 10_000) this.cache.clear();
      entry = {
        tenantId: key.tenant_id,
        keyId: key.id,
        scopes: key.scopes,
        expiresAt: key.expires_at,
        until: now + KEY_CACHE_MS,
      };
      this.cache.set(hash, entry);
    }
    // Checked on every request, cached or not: a key stops working at its expiry, to the millisecond.
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      throw new DomainError("unauthorized", "this API key has expired", {
        expired_at: new Date(entry.expiresAt).toISOString(),
      });
    }
    return { kind: "tenant", tenantId: entry.tenantId, keyId: entry.keyId, scopes: entry.scopes };
  }

  private async portal(token: string): Promise<Principal> {
    if (this.portalKey === null) throw new DomainError("unauthorized", "portal sessions are not enabled");
    const check = verifyPortalToken(this.portalKey, token, Date.now());
    if (!check.ok) {
      throw new DomainError(
        "unauthorized",
        check.reason === "expired" ? "this portal session has expired" : "invalid portal session",
      );
    }
    // A tenant removed since the link was made takes its portal with it.
    if (!(await this.store.tenants.get(check.claims.tenant_id)))
      throw new DomainError("unauthorized", "invalid portal session");
    return {
      kind: "portal",
      tenantId: check.claims.tenant_id,
      scopes: PORTAL_SCOPES,
      expiresAt: check.claims.expires_at,
    };
  }
}

export function requireAdmin(request: FastifyRequest): void {
  if (request.principal?.kind !== "admin")
    throw new DomainError("forbidden", "this route needs the admin key");
}

/** The tenant a tenant-scoped route acts for. */
export function tenantOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) throw new DomainError("unauthorized", "missing API key");
  if (principal.tenantId === null) {
    throw new DomainError(
      "tenant_required",
      "the admin key must name a tenant with the Switchboard-Tenant header",
    );
  }
  return principal.tenantId;
}
