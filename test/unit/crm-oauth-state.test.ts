import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OAUTH_STATE_TTL_MS, signOAuthState, verifyOAuthState } from "../../src/domain/crm/oauth-state.js";
import { REFRESH_WITHIN_MS, tokenDue } from "../../src/integrations/crm/sync/tokens.js";
import { SecretCipher } from "../../src/secrets/cipher.js";

const key = randomBytes(32);
const claims = { tenant_id: "ten_1", connection_id: "crm_1", redirect_uri: "https://sb.example/cb" };
const now = 1_800_000_000_000;

describe("OAuth state", () => {
  it("verifies what it signed, with the claims bound in, until it expires", () => {
    const state = signOAuthState(key, claims, now);
    expect(verifyOAuthState(key, state, now)).toMatchObject({ ok: true, claims });
    expect(verifyOAuthState(key, state, now + OAUTH_STATE_TTL_MS - 1).ok).toBe(true);
    expect(verifyOAuthState(key, state, now + OAUTH_STATE_TTL_MS)).toEqual({ ok: false, reason: "expired" });
  });

  it("two states for the same connection differ (a nonce)", () => {
    expect(signOAuthState(key, claims, now)).not.toBe(signOAuthState(key, claims, now));
  });

  it("refuses another key, an altered payload, a cut signature and junk", () => {
    const state = signOAuthState(key, claims, now);
    const [payload, signature] = state.split(".") as [string, string];
    expect(verifyOAuthState(randomBytes(32), state, now)).toEqual({ ok: false, reason: "bad_signature" });
    const other = Buffer.from(JSON.stringify({ ...claims, tenant_id: "ten_2" })).toString("base64url");
    expect(verifyOAuthState(key, `${other}.${signature}`, now).ok).toBe(false);
    expect(verifyOAuthState(key, `${payload}.${signature.slice(0, 10)}`, now).ok).toBe(false);
    for (const junk of ["", ".", "abc", "a.b.c", `${payload}.`])
      expect(verifyOAuthState(key, junk, now)).toMatchObject({ ok: false });
  });

  it("refuses a signed payload that is not the claims", () => {
    const payload = Buffer.from('{"tenant_id":1}').toString("base64url");
    const mac = createHmac("sha256", key).update(payload).digest("base64url");
    expect(verifyOAuthState(key, `${payload}.${mac}`, now)).toEqual({ ok: false, reason: "malformed" });
  });

  it("the state key is derived per purpose, never the master key itself", () => {
    const master = randomBytes(32);
    const cipher = new SecretCipher(master);
    const a = cipher.deriveKey("crm-oauth-state");
    expect(a).toHaveLength(32);
    expect(a.equals(master)).toBe(false);
    expect(a.equals(cipher.deriveKey("crm-oauth-state"))).toBe(true);
    expect(a.equals(cipher.deriveKey("other"))).toBe(false);
  });
});

describe("token refresh due", () => {
  it("is due within 10 minutes of expiry, not for an unknown expiry", () => {
    expect(tokenDue(null, now)).toBe(false);
    expect(tokenDue(now + REFRESH_WITHIN_MS + 1, now)).toBe(false);
    expect(tokenDue(now + REFRESH_WITHIN_MS, now)).toBe(true);
    expect(tokenDue(now - 1, now)).toBe(true);
  });
});
