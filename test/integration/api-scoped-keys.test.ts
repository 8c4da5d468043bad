import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PORTAL_KEY_PURPOSE } from "../../src/api/auth.js";
import { signPortalToken } from "../../src/domain/portal-token.js";
import { ADMIN_SCOPE, allows, GRANTABLE_SCOPES, PORTAL_SCOPES } from "../../src/domain/scopes.js";
import { parseMasterKey, SecretCipher } from "../../src/secrets/cipher.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

interface Operation {
  method: string;
  path: string;
  scope: string | null;
  adminOnly: boolean;
  public: boolean;
}

/** Every /v1 operation the running server documents, with the scope it says it needs. */
async function routeTable(sb: TestServer): Promise<Operation[]> {
  const document = (await (await fetch(`${sb.url}/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<string, { security?: Array<Record<string, string[]>>; "x-required-scope"?: string }>
    >;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    if (!path.startsWith("/v1/")) continue;
    for (const [method, operation] of Object.entries(methods)) {
      const security = operation.security ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        scope: operation["x-required-scope"] ?? null,
        adminOnly: security.length === 1 && Object.keys(security[0] ?? {}).join() === "adminKey",
        public: security.length === 0,
      });
    }
  }
  return operations;
}

/**
 * Calls an operation with placeholder path parameters and no body: the scope check runs before
 * validation, so a refused call answers 403 whatever it carries, and an allowed one gets as far
 * as a 404 or 422 without changing anything. Only the status is read (a stream is not awaited).
 */
async function status(sb: TestServer, op: Operation, key: string, headers: Record<string, string> = {}) {
  const url = `${sb.url}${op.path.replace(/\{[^}]+\}/g, "x")}`;
  const controller = new AbortController();
  const response = await fetch(url, {
    method: op.method,
    headers: { authorization: `Bearer ${key}`, ...headers },
    signal: controller.signal,
  });
  const text = response.headers.get("content-type")?.includes("json") ? await response.text() : "";
  controller.abort();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describe.each(storeKinds())("scoped keys and portal sessions on %s", (kind) => {
  let sb: TestServer;
  let tenantA: string;
  let tenantB: string;
  let webhookB: string;

  const createKey = async (tenant: string, body?: Record<string, unknown>) => {
    const res = await sb.call("POST", `/v1/tenants/${tenant}/keys`, { key: ADMIN_KEY, body });
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string; scopes: string[] | null; expires_at: string | null };
  };
  const portalFor = async (tenant: string, body?: Record<string, unknown>) =>
    sb.call("POST", "/v1/portal/sessions", {
      key: ADMIN_KEY,
      headers: { "switchboard-tenant": tenant },
      body,
    });

  beforeAll(async () => {
    sb = await startTestServer(kind, {}, "api");
    tenantA = (await sb.call("POST", "/v1/tenants", { key: ADMIN_KEY, body: { name: "A" } })).body.id;
    tenantB = (await sb.call("POST", "/v1/tenants", { key: ADMIN_KEY, body: { name: "B" } })).body.id;
    const keyB = await createKey(tenantB);
    const created = await sb.call("POST", "/v1/webhooks", {
      key: keyB.key,
      body: { url: "http://127.0.0.1:9/hook" },
    });
    expect(created.status).toBe(201);
    webhookB = created.body.id;
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it("a key is created with scopes and an expiry, and listed with them", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const key = await createKey(tenantA, { scopes: ["events:write", "records:*"], expires_at: expiresAt });
    expect(key).toMatchObject({ scopes: ["events:write", "records:*"], expires_at: expiresAt });
    const listed = await sb.call("GET", `/v1/tenants/${tenantA}/keys`, { key: ADMIN_KEY });
    expect(listed.body.data.find((k: { id: string }) => k.id === key.id)).toMatchObject({
      scopes: ["events:write", "records:*"],
      expires_at: expiresAt,
    });
  });

  it("a key created without scopes has none listed and keeps full power", async () => {
    const key = await createKey(tenantA);
    expect(key).toMatchObject({ scopes: null, expires_at: null });
    for (const [method, path] of [
      ["GET", "/v1/webhooks"],
      ["GET", "/v1/events"],
      ["GET", "/v1/clients"],
      ["GET", "/v1/settings/records"],
      ["GET", "/v1/enrichment/settings"],
    ] as const) {
      expect((await sb.call(method, path, { key: key.key })).status, `${method} ${path}`).toBe(200);
    }
  });

  it("an unknown or repeated scope, an expiry in the past or an unknown field is a 422 naming it", async () => {
    const call = (body: unknown) => sb.call("POST", `/v1/tenants/${tenantA}/keys`, { key: ADMIN_KEY, body });
    const unknown = await call({ scopes: ["webhooks:read", "webhooks:delete"] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.path).toBe("/body/scopes/1");
    const twice = await call({ scopes: ["crm:*", "crm:*"] });
    expect(twice.status).toBe(422);
    expect(twice.body.error.details.path).toBe("/body/scopes/1");
    const past = await call({ expires_at: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(422);
    expect(past.body.error.details.path).toBe("/body/expires_at");
    expect((await call({ scopes: [] })).status).toBe(422);
    expect((await call({ role: "admin" })).status).toBe(422);
  });

  it("every route refuses a key without its scope (403 naming it) and lets one with it through", async () => {
    const table = await routeTable(sb);
    expect(table.length).toBeGreaterThan(100);
    // Every authenticated route declares a scope or is the admin's alone.
    for (const op of table) {
      if (!op.public) expect(op.scope !== null || op.adminOnly, `${op.method} ${op.path}`).toBe(true);
    }
    const keys = new Map<string, { without: string; with: string }>();
    for (const op of table) {
      if (op.scope === null || keys.has(op.scope)) continue;
      const area = op.scope.split(":")[0];
      const others = GRANTABLE_SCOPES.filter((s) => s !== op.scope && s !== `${area}:*`);
      keys.set(op.scope, {
        without: (await createKey(tenantA, { scopes: others })).key,
        with: (await createKey(tenantA, { scopes: [op.scope] })).key,
      });
    }
    const everything = (await createKey(tenantA, { scopes: [...GRANTABLE_SCOPES] })).key;
    let checked = 0;
    for (const op of table) {
      const name = `${op.method} ${op.path}`;
      if (op.adminOnly) {
        const refused = await status(sb, op, everything);
        expect(refused.status, name).toBe(403);
        expect(refused.body.error.details.missing_scope, name).toBe(ADMIN_SCOPE);
        checked++;
        continue;
      }
      if (op.scope === null) continue;
      const pair = keys.get(op.scope);
      if (!pair) throw new Error(`no keys for ${op.scope}`);
      const refused = await status(sb, op, pair.without);
      expect(refused.status, name).toBe(403);
      expect(refused.body.error, name).toMatchObject({
        code: "forbidden",
        details: { missing_scope: op.scope },
      });
      expect(refused.body.error.message, name).toContain(op.scope);
      const allowed = await status(sb, op, pair.with);
      expect([401, 403], `${name} with ${op.scope}`).not.toContain(allowed.status);
      checked++;
    }
    expect(checked).toBe(table.filter((op) => !op.public).length);
  }, 180_000);

  it("a portal session reaches only webhooks and delivery reads, on every route", async () => {
    const token = (await portalFor(tenantA)).body.token as string;
    for (const op of await routeTable(sb)) {
      if (op.public) continue;
      const name = `${op.method} ${op.path}`;
      const answer = await status(sb, op, token);
      if (op.scope !== null && allows(PORTAL_SCOPES, op.scope))
        expect([401, 403], name).not.toContain(answer.status);
      else expect(answer.status, name).toBe(403);
    }
  }, 120_000);

  it("an area's wildcard opens every route of that area", async () => {
    const key = (await createKey(tenantA, { scopes: ["records:*"] })).key;
    expect((await sb.call("GET", "/v1/clients", { key })).status).toBe(200);
    const created = await sb.call("POST", "/v1/clients", { key, body: { first_name: "Ana" } });
    expect(created.status).toBe(201);
    expect((await sb.call("GET", "/v1/webhooks", { key })).status).toBe(403);
  });

  it("an expired key is refused with 401, even while its lookup is cached", async () => {
    const key = await createKey(tenantA, {
      scopes: ["webhooks:read"],
      expires_at: new Date(Date.now() + 1500).toISOString(),
    });
    expect((await sb.call("GET", "/v1/webhooks", { key: key.key })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const refused = await sb.call("GET", "/v1/webhooks", { key: key.key });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: "unauthorized", message: "this API key has expired" });
  });

  it("the admin creates a portal link for the tenant it names, 15 minutes by default", async () => {
    const before = Date.now();
    const res = await portalFor(tenantA);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tenant_id: tenantA, scopes: [...PORTAL_SCOPES] });
    expect(res.body.url).toBe(`${sb.url}/portal#token=${res.body.token}`);
    const lifetime = Date.parse(res.body.expires_at) - before;
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000 + 1000);
    const hour = await portalFor(tenantA, { expires_in: 3600 });
    expect(Date.parse(hour.body.expires_at) - before).toBeLessThanOrEqual(3_600_000 + 1000);
    const tooLong = await portalFor(tenantA, { expires_in: 3601 });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error.details.path).toBe("/body/expires_in");
    const noTenant = await sb.call("POST", "/v1/portal/sessions", { key: ADMIN_KEY });
    expect(noTenant.status).toBe(400);
  });

  it("a tenant key with portal:create makes links for its own tenant; one without it is refused", async () => {
    const allowed = (await createKey(tenantA, { scopes: ["portal:create"] })).key;
    const made = await sb.call("POST", "/v1/portal/sessions", { key: allowed, body: {} });
    expect(made.status).toBe(201);
    expect(made.body.tenant_id).toBe(tenantA);
    const other = (await createKey(tenantA, { scopes: ["webhooks:*"] })).key;
    const refused = await sb.call("POST", "/v1/portal/sessions", { key: other });
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.missing_scope).toBe("portal:create");
  });

  it("a portal session manages its tenant's webhooks and cannot reach another tenant's", async () => {
    const token = (await portalFor(tenantA)).body.token as string;
    const created = await sb.call("POST", "/v1/webhooks", {
      key: token,
      body: { url: "http://127.0.0.1:9/portal" },
    });
    expect(created.status).toBe(201);
    const listed = await sb.call("GET", "/v1/webhooks", { key: token });
    expect(listed.body.data.map((w: { id: string }) => w.id)).toContain(created.body.id);
    expect(listed.body.data.map((w: { id: string }) => w.id)).not.toContain(webhookB);
    // Naming the other tenant changes nothing: only the admin key acts through that header.
    const asB = await sb.call("GET", `/v1/webhooks/${webhookB}`, {
      key: token,
      headers: { "switchboard-tenant": tenantB },
    });
    expect(asB.status).toBe(404);
    const deliveriesB = await sb.call("GET", `/v1/webhooks/${webhookB}/deliveries`, { key: token });
    expect(deliveriesB.status).toBe(404);
    expect((await sb.call("GET", "/v1/events", { key: token })).status).toBe(403);
    expect((await sb.call("POST", "/v1/portal/sessions", { key: token })).status).toBe(403);
  });

  it("an expired or altered portal token is refused with 401", async () => {
    const cipher = new SecretCipher(parseMasterKey(sb.config.masterKey ?? ""));
    const key = cipher.deriveKey(PORTAL_KEY_PURPOSE);
    const soon = signPortalToken(key, tenantA, Date.now() + 800);
    expect((await sb.call("GET", "/v1/webhooks", { key: soon })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 900));
    const expired = await sb.call("GET", "/v1/webhooks", { key: soon });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toBe("this portal session has expired");

    const token = (await portalFor(tenantA)).body.token as string;
    const [payload, signature] = token.slice(4).split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, tenant_id: tenantB })).toString("base64url");
    const altered = await sb.call("GET", "/v1/webhooks", { key: `sbp_${forged}.${signature}` });
    expect(altered.status).toBe(401);
    // Signed by another server's master key: not ours.
    const foreign = signPortalToken(Buffer.alloc(32, 1), tenantA, Date.now() + 60_000);
    expect((await sb.call("GET", "/v1/webhooks", { key: foreign })).status).toBe(401);
  });
});
