import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A portal session: what a platform embeds for one of its firms so the firm manages its own
 * webhooks and reads their deliveries in our dashboard, without ever holding an API key. The
 * token is stateless — signed with HMAC-SHA256 under a key derived from the master key, carrying
 * its tenant and expiry — so it needs no table and every node verifies it alike; the price is
 * that one cannot be revoked before it expires, which is why it lives at most an hour.
 * Form: `sbp_<base64url(JSON claims)>.<base64url(HMAC)>`. Pure; the caller passes key and clock.
 */

export const PORTAL_TOKEN_PREFIX = "sbp_";
export const PORTAL_DEFAULT_TTL_S = 15 * 60;
export const PORTAL_MAX_TTL_S = 60 * 60;
export const PORTAL_MIN_TTL_S = 60;

export interface PortalClaims {
  tenant_id: string;
  /** Epoch ms. */
  expires_at: number;
  /** Makes two sessions for the same tenant differ. */
  nonce: string;
}

export type PortalTokenCheck =
  | { ok: true; claims: PortalClaims }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

function mac(key: Buffer, payload: string): Buffer {
  return createHmac("sha256", key).update(payload).digest();
}

export function signPortalToken(key: Buffer, tenantId: string, expiresAt: number): string {
  const claims: PortalClaims = {
    tenant_id: tenantId,
    expires_at: expiresAt,
    nonce: randomBytes(9).toString("base64url"),
  };
  const payload = Buffer.from(JSON.stringify(claims), "utf8").toString("base64url");
  return `${PORTAL_TOKEN_PREFIX}${payload}.${mac(key, payload).toString("base64url")}`;
}

function isClaims(value: unknown): value is PortalClaims {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.tenant_id === "string" && typeof v.expires_at === "number" && typeof v.nonce === "string";
}

export function verifyPortalToken(key: Buffer, token: string, now: number): PortalTokenCheck {
  if (!token.startsWith(PORTAL_TOKEN_PREFIX)) return { ok: false, reason: "malformed" };
  const parts = token.slice(PORTAL_TOKEN_PREFIX.length).split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: "malformed" };
  const [payload, signature] = parts as [string, string];
  const given = Buffer.from(signature, "base64url");
  const expected = mac(key, payload);
  // Checked before the payload is parsed: nothing unsigned is read.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad_signature" };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!isClaims(claims)) return { ok: false, reason: "malformed" };
  if (claims.expires_at <= now) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}
