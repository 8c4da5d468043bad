import type { FastifyRequest } from "fastify";
import { DomainError } from "../domain/errors.js";
import { hashApiKey } from "../domain/ids.js";
import type { Store } from "../store/index.js";

export type Principal =
  | { kind: "admin"; tenantId: string | null }
  | { kind: "tenant"; tenantId: string; keyId: string };

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const ADMIN_KEY_SETTING = "admin_key_hash";
/** Tenant keys are looked up once per this long per process; revocation reaches other nodes within it. */
const KEY_CACHE_MS = 5_000;

export class Authenticator {
  private readonly cache = new Map<string, { tenantId: string; keyId: string; until: number }>();
  private adminHash: string | null = null;

  constructor(private readonly store: Store) {}

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
    const cached = this.cache.get(hash);
    if (cached && cached.until > now)
      return { kind: "tenant", tenantId: cached.tenantId, keyId: cached.keyId };
    const key = await this.store.tenants.findKeyByHash(hash);
    if (!key || key.revoked_at !== null) {
      this.cache.delete(hash);
      throw new DomainError("unauthorized", "invalid or revoked API key");
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { tenantId: key.tenant_id, keyId: key.id, until: now + KEY_CACHE_MS });
    return { kind: "tenant", tenantId: key.tenant_id, keyId: key.id };
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
