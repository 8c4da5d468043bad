import { describe, expect, it } from "vitest";
import { PORTAL_DEFAULT_TTL_S, signPortalToken, verifyPortalToken } from "../../src/domain/portal-token.js";
import {
  ADMIN_SCOPE,
  allows,
  GRANTABLE_SCOPES,
  PORTAL_SCOPES,
  SCOPES,
  scopeListProblem,
  scopeOf,
} from "../../src/domain/scopes.js";

describe("the scope a route needs", () => {
  it.each([
    ["GET", "/v1/webhooks", "webhooks:read"],
    ["POST", "/v1/webhooks", "webhooks:write"],
    ["PATCH", "/v1/webhooks/:id", "webhooks:write"],
    ["HEAD", "/v1/webhooks/:id", "webhooks:read"],
    ["POST", "/v1/webhooks/:id/test", "webhooks:write"],
    ["GET", "/v1/webhooks/:id/deliveries", "deliveries:read"],
    ["POST", "/v1/webhooks/:id/replay", "deliveries:write"],
    ["GET", "/v1/crm/connections/:id/deliveries", "deliveries:read"],
    ["POST", "/v1/destinations/:id/replay", "deliveries:write"],
    ["POST", "/v1/deliveries/:id/retry", "deliveries:write"],
    ["GET", "/v1/deliveries/stream", "listen:read"],
    ["POST", "/v1/deliveries/stream/results", "listen:write"],
    ["DELETE", "/v1/listeners/:id", "listen:write"],
    ["GET", "/v1/event-types/:type", "webhooks:read"],
    ["POST", "/v1/events/batch", "events:write"],
    ["GET", "/v1/clients/export", "records:read"],
    ["POST", "/v1/clients/:id/merge", "records:write"],
    ["POST", "/v1/imports/preview", "records:write"],
    ["POST", "/v1/clients/:id/enrich", "enrichment:write"],
    ["GET", "/v1/clients/:id/enrichment", "enrichment:read"],
    ["PUT", "/v1/settings/case-types", "settings:write"],
    ["POST", "/v1/crm/connections/:id/oauth/start", "crm:write"],
    ["GET", "/v1/scheduling/availability", "scheduling:read"],
    ["GET", "/v1/jobs/:id", "jobs:read"],
    ["POST", "/v1/portal/sessions", "portal:create"],
    ["POST", "/v1/tenants/:id/keys", ADMIN_SCOPE],
    ["GET", "/v1/tenants", ADMIN_SCOPE],
  ])("%s %s needs %s", (method, url, scope) => {
    expect(scopeOf(method, url)).toBe(scope);
  });

  it("a route under an area no rule knows has none, so the server refuses to start", () => {
    expect(scopeOf("GET", "/v1/invoices")).toBeNull();
    expect(scopeOf("POST", "/v1/jobs")).toBeNull(); // jobs are read-only
    expect(scopeOf("GET", "/healthz")).toBeNull();
  });

  it("every scope a route can need is grantable, and so is each area's wildcard", () => {
    for (const scope of SCOPES) expect(GRANTABLE_SCOPES).toContain(scope);
    expect(GRANTABLE_SCOPES).toContain("records:*");
    expect(GRANTABLE_SCOPES).not.toContain(ADMIN_SCOPE);
  });
});

describe("what a key's scopes allow", () => {
  it("a key without scopes keeps full power, except the admin's routes", () => {
    expect(allows(null, "records:write")).toBe(true);
    expect(allows(null, ADMIN_SCOPE)).toBe(false);
  });

  it("a listed scope allows exactly itself: read does not imply write, nor one area another", () => {
    expect(allows(["webhooks:read"], "webhooks:read")).toBe(true);
    expect(allows(["webhooks:read"], "webhooks:write")).toBe(false);
    expect(allows(["webhooks:read"], "deliveries:read")).toBe(false);
    expect(allows([], "webhooks:read")).toBe(false);
  });

  it("an area's wildcard allows every access of that area and no other", () => {
    expect(allows(["records:*"], "records:read")).toBe(true);
    expect(allows(["records:*"], "records:write")).toBe(true);
    expect(allows(["records:*"], "crm:read")).toBe(false);
    expect(allows(["records:*"], ADMIN_SCOPE)).toBe(false);
  });

  it("the portal reaches webhooks and reads deliveries, nothing else", () => {
    const reached = SCOPES.filter((scope) => allows(PORTAL_SCOPES, scope));
    expect(reached).toEqual(["webhooks:read", "webhooks:write", "deliveries:read"]);
  });

  it("a requested scope list names its first bad entry", () => {
    expect(scopeListProblem(["events:write", "records:*"])).toBeNull();
    expect(scopeListProblem(["events:write", "events:delete"])).toEqual({
      index: 1,
      message: '"events:delete" is not a scope',
    });
    expect(scopeListProblem(["admin"])?.index).toBe(0);
    expect(scopeListProblem(["crm:*", "crm:*"])).toEqual({ index: 1, message: '"crm:*" is listed twice' });
  });
});

describe("portal session tokens", () => {
  const key = Buffer.alloc(32, 7);
  const now = Date.UTC(2026, 5, 1, 12);

  it("a token verifies under its key until it expires, with its tenant", () => {
    const token = signPortalToken(key, "ten_A", now + PORTAL_DEFAULT_TTL_S * 1000);
    expect(token).toMatch(/^sbp_[\w-]+\.[\w-]+$/);
    const check = verifyPortalToken(key, token, now + 60_000);
    expect(check).toMatchObject({ ok: true, claims: { tenant_id: "ten_A" } });
    expect(verifyPortalToken(key, token, now + PORTAL_DEFAULT_TTL_S * 1000)).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("another key, or a payload changed to another tenant, fails the signature", () => {
    const token = signPortalToken(key, "ten_A", now + 60_000);
    expect(verifyPortalToken(Buffer.alloc(32, 8), token, now)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    const [payload, signature] = token.slice(4).split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, tenant_id: "ten_B" })).toString("base64url");
    expect(verifyPortalToken(key, `sbp_${forged}.${signature}`, now)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("anything not shaped like a token is malformed", () => {
    for (const token of ["", "sbp_", "sbp_abc", "sk_abc.def", "sbp_a.b.c"]) {
      expect(verifyPortalToken(key, token, now)).toEqual({ ok: false, reason: "malformed" });
    }
  });
});
