import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLIO_CLIENT, type ClioFake, startClioFake } from "../../fakes/clio.js";
import { signOAuthState } from "../../src/domain/crm/oauth-state.js";
import { parseMasterKey, SecretCipher } from "../../src/secrets/cipher.js";
import { eventually } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/**
 * Clio's Connect flow through the API against the Clio fake: start → the fake's authorize page →
 * the public callback → tokens stored encrypted → the connection works; forged and expired states;
 * the token refresh job, and a revoked refresh token turning the connection failing.
 */

const CLIO_MAPPINGS = {
  send_mappings: true,
  fields: [
    { platform_field: "client.first_name", crm_field: "client.first_name", direction: "both" },
    { platform_field: "client.last_name", crm_field: "client.last_name", direction: "both" },
    { platform_field: "client.phone", crm_field: "client.phone", direction: "both" },
    { platform_field: "client.email", crm_field: "client.email", direction: "both" },
  ],
  statuses: [],
  case_types: [{ case_type: "auto_accident", crm_case_type: "11" }],
};

describe.each(storeKinds())("Clio OAuth through the API on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  let fake: ClioFake;

  beforeAll(async () => {
    // The refresh job looks every 300 ms here (5 minutes by default).
    sb = await startTestServer(kind, { SWITCHBOARD_CRM_TOKEN_REFRESH_MS: "300" });
    fake = await startClioFake();
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
  });
  afterAll(async () => {
    await fake?.close();
    await sb?.stop();
  });

  const call = (method: string, path: string, body?: unknown) => sb.call(method, path, { key, body });

  /** A connection naming only Clio's app: it waits to be authorized. */
  async function createAppOnly(on: ClioFake = fake): Promise<string> {
    const created = await call("POST", "/v1/crm/connections", {
      provider: "clio",
      base_url: on.url,
      credentials: { ...CLIO_CLIENT },
      settings: { direction: "to_crm", frequency: "hourly" },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  /** Start → the fake's authorize page → the callback URL Clio sends the browser to. */
  async function authorize(id: string): Promise<string> {
    const started = await call("POST", `/v1/crm/connections/${id}/oauth/start`);
    expect(started.status).toBe(200);
    const page = await fetch(started.body.authorize_url, { redirect: "manual" });
    expect(page.status).toBe(302);
    const back = page.headers.get("location") ?? "";
    expect(back.startsWith(`${sb.url}/v1/crm/oauth/callback?`)).toBe(true);
    return back;
  }

  it("connects: start, authorize, callback; tokens stored encrypted; a push reaches Clio", async () => {
    const id = await createAppOnly();
    const waiting = await call("GET", `/v1/crm/connections/${id}/status`);
    expect(waiting.body.message).toContain("waiting for someone to connect");

    const started = await call("POST", `/v1/crm/connections/${id}/oauth/start`);
    const authorizeUrl = new URL(started.body.authorize_url);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${fake.url}/oauth/authorize`);
    expect(authorizeUrl.searchParams.get("client_id")).toBe(CLIO_CLIENT.client_id);
    expect(authorizeUrl.searchParams.get("redirect_uri")).toBe(`${sb.url}/v1/crm/oauth/callback`);
    expect(Date.parse(started.body.expires_at) - Date.now()).toBeGreaterThan(9 * 60_000);

    // The browser comes back without our API key; the answer sends it to the dashboard's page.
    const back = await authorize(id);
    const landed = await fetch(back, { redirect: "manual" });
    expect(landed.status).toBe(303);
    expect(landed.headers.get("location")).toBe(`/integrations/crm/${id}?connected=1`);

    const got = await call("GET", `/v1/crm/connections/${id}`);
    expect(got.body.credentials.access_token).toMatch(/^••••[0-9a-f]{4}$/);
    expect(got.body.credentials.refresh_token).toMatch(/^••••/);
    const exchange = fake.log.findLast((e) => e.path === "/oauth/token");
    const issued = JSON.parse(exchange?.response ?? "{}") as { access_token: string; refresh_token: string };
    expect(JSON.stringify(got.body)).not.toContain(issued.access_token);
    expect(JSON.stringify(got.body)).not.toContain(issued.refresh_token);
    const status = await call("GET", `/v1/crm/connections/${id}/status`);
    expect(status.body).toMatchObject({ state: "idle", message: null });
    expect((await call("POST", `/v1/crm/connections/${id}/test`)).body).toEqual({
      ok: true,
      account: "Fake Clio User",
    });

    // A push with the tokens the callback stored.
    expect((await call("PUT", `/v1/crm/connections/${id}/mappings`, CLIO_MAPPINGS)).status).toBe(200);
    const client = await call("POST", "/v1/clients", {
      first_name: "Olga",
      last_name: "Oauthson",
      phones: [{ number: "+13125550188" }],
    });
    const kase = await call("POST", "/v1/cases", { client_id: client.body.id, case_type: "auto_accident" });
    const link = await eventually(async () => {
      const links = await call("GET", `/v1/crm/connections/${id}/links`);
      return links.body.data.find((l: { platform_id: string }) => l.platform_id === kase.body.id);
    });
    const matter = fake.records.matters.get(Number(link.crm_id));
    expect(matter).toBeDefined();
    const pushed = fake.log.findLast((e) => e.method === "POST" && e.path === "/api/v4/matters.json");
    expect(pushed?.headers.authorization).toBe(`Bearer ${issued.access_token}`);
  });

  it("answers JSON to Accept: application/json; a reused code answers 400 and connects nothing", async () => {
    const id = await createAppOnly();
    const back = await authorize(id);
    const first = await fetch(back, { headers: { accept: "application/json" } });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ connected: true, connection_id: id });
    const tokensBefore = (await call("GET", `/v1/crm/connections/${id}`)).body.credentials;
    const again = await fetch(back, { headers: { accept: "application/json" } });
    expect(again.status).toBe(400);
    const body = (await again.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error.code).toBe("invalid_oauth_code");
    expect(body.error.details).toMatchObject({ reason: "code_refused" });
    expect(body.error.message).toContain("invalid or was used");
    // The connection keeps the tokens of the first use.
    expect((await call("GET", `/v1/crm/connections/${id}`)).body.credentials).toEqual(tokensBefore);

    // The spent code with another waiting connection's genuine state connects nothing either.
    const other = await createAppOnly();
    const state = new URL(await authorize(other)).searchParams.get("state") ?? "";
    const code = new URL(back).searchParams.get("code") ?? "";
    const reused = await fetch(
      `${sb.url}/v1/crm/oauth/callback?code=${code}&state=${encodeURIComponent(state)}`,
      { headers: { accept: "application/json" } },
    );
    expect(reused.status).toBe(400);
    const waiting = await call("GET", `/v1/crm/connections/${other}/status`);
    expect(waiting.body.message).toContain("waiting for someone to connect");
    expect((await call("GET", `/v1/crm/connections/${other}`)).body.credentials.access_token).toBeUndefined();
  });

  it("a forged, altered, missing or expired state answers 400 and connects nothing", async () => {
    const id = await createAppOnly();
    const back = new URL(await authorize(id));
    const state = back.searchParams.get("state") ?? "";
    const code = back.searchParams.get("code") ?? "";
    const callback = (query: string) =>
      fetch(`${sb.url}/v1/crm/oauth/callback?${query}`, { headers: { accept: "application/json" } });

    const [payload] = state.split(".");
    const forged = `${payload}.${Buffer.from("not the signature").toString("base64url")}`;
    const altered = `${Buffer.from('{"tenant_id":"ten_x"}').toString("base64url")}.${state.split(".")[1]}`;
    const cipher = new SecretCipher(parseMasterKey(sb.config.masterKey ?? ""));
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
    const expired = signOAuthState(cipher.deriveKey("crm-oauth-state"), claims, Date.now() - 11 * 60_000);
    for (const [bad, reason] of [
      [forged, "bad_signature"],
      [altered, "bad_signature"],
      ["", "malformed"],
      [expired, "expired"],
    ] as const) {
      const res = await callback(`code=${code}&state=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; details: { reason: string } } };
      expect(body.error).toMatchObject({ code: "invalid_oauth_state", details: { reason } });
    }
    const status = await call("GET", `/v1/crm/connections/${id}/status`);
    expect(status.body.message).toContain("waiting for someone to connect");
    // The code was never spent: the genuine state still connects.
    expect((await callback(`code=${code}&state=${encodeURIComponent(state)}`)).status).toBe(200);
  });

  it("the refresh job refreshes a token about to expire and stores the new one", async () => {
    const created = await call("POST", "/v1/crm/connections", {
      provider: "clio",
      base_url: fake.url,
      credentials: {
        access_token: fake.credentials.access_token,
        refresh_token: fake.credentials.refresh_token,
        ...CLIO_CLIENT,
        expires_at: new Date(Date.now() + 5 * 60_000).toISOString(),
      },
      settings: { direction: "to_crm", frequency: "hourly" },
    });
    expect(created.status).toBe(201);
    const before = fake.refreshes;
    await eventually(async () => fake.refreshes > before);
    // Stored: later runs find a token good for 30 days and leave it be.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(fake.refreshes).toBe(before + 1);
    const id = created.body.id as string;
    expect((await call("POST", `/v1/crm/connections/${id}/test`)).status).toBe(200);
  });

  it("a revoked refresh token turns the connection failing, with Clio's words and crm.sync_failed", async () => {
    const other = await startClioFake();
    try {
      const created = await call("POST", "/v1/crm/connections", {
        provider: "clio",
        base_url: other.url,
        credentials: {
          ...CLIO_CLIENT,
          access_token: other.credentials.access_token,
          refresh_token: other.credentials.refresh_token,
          expires_at: new Date(Date.now() + 60_000).toISOString(),
        },
        settings: { direction: "to_crm", frequency: "hourly" },
      });
      const id = created.body.id as string;
      other.revokeTokens();
      const status = await eventually(async () => {
        const res = await call("GET", `/v1/crm/connections/${id}/status`);
        return res.body.state === "failing" ? res.body : undefined;
      });
      expect(status.message).toContain("reconnect the Clio account");
      expect(status.message).toContain("The refresh token is invalid or was revoked");
      const events = await eventually(async () => {
        const res = await call("GET", "/v1/events?type=crm.sync_failed&limit=10");
        return res.body.data.length > 0 ? res.body.data : undefined;
      });
      expect(events[0].data).toMatchObject({ connection_id: id, provider: "clio" });
      // Reconnecting clears it.
      const back = await authorize(id);
      expect((await fetch(back, { headers: { accept: "application/json" } })).status).toBe(200);
      const after = await call("GET", `/v1/crm/connections/${id}/status`);
      expect(after.body).toMatchObject({ state: "idle", message: null });
    } finally {
      await other.close();
    }
  });
});
