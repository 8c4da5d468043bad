import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The `state` of a CRM's OAuth authorization-code flow: it rides through the CRM's authorize page
 * and comes back on the callback, which is public (the person's browser carries it, not our API
 * key). So it is signed (HMAC-SHA256 with a key derived from the master key), expires after
 * {@link OAUTH_STATE_TTL_MS}, and binds the tenant, the connection and the redirect URI the code
 * was issued for: a forged or altered state connects nothing, and the callback needs no session.
 * Form: `base64url(JSON claims).base64url(HMAC)`. Pure; the caller passes the key and the clock.
 */

export const OAUTH_STATE_TTL_MS = 10 * 60_000;

export interface OAuthStateClaims {
  tenant_id: string;
  connection_id: string;
  /** The redirect URI sent to the authorize page: the token request must repeat it exactly. */
  redirect_uri: string;
  /** Epoch ms. */
  expires_at: number;
  /** Makes two states for the same connection differ. */
  nonce: string;
}

export type OAuthStateCheck =
  | { ok: true; claims: OAuthStateClaims }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

function mac(key: Buffer, payload: string): Buffer {
  return createHmac("sha256", key).update(payload).digest();
}

export function signOAuthState(
  key: Buffer,
  claims: Omit<OAuthStateClaims, "expires_at" | "nonce">,
  now: number,
): string {
  const full: OAuthStateClaims = {
    ...claims,
    expires_at: now + OAUTH_STATE_TTL_MS,
    nonce: randomBytes(9).toString("base64url"),
  };
  const payload = Buffer.from(JSON.stringify(full), "utf8").toString("base64url");
  return `${payload}.${mac(key, payload).toString("base64url")}`;
}

function isClaims(value: unknown): value is OAuthStateClaims {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.tenant_id === "string" &&
    typeof v.connection_id === "string" &&
    typeof v.redirect_uri === "string" &&
    typeof v.expires_at === "number" &&
    typeof v.nonce === "string"
  );
}

export function verifyOAuthState(key: Buffer, state: string, now: number): OAuthStateCheck {
  const parts = state.split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: "malformed" };
  const [payload, signature] = parts as [string, string];
  const given = Buffer.from(signature, "base64url");
  const expected = mac(key, payload);
  // Checked before the payload is even parsed: nothing unsigned is read.
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
