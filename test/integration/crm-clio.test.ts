import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClioFake, startClioFake } from "../../fakes/clio.js";
import { clioProvider, createClioWebhook, renewClioWebhook } from "../../src/integrations/crm/clio/index.js";
import {
  authorizeUrl,
  CLIO_REGIONS,
  codeExchangeForm,
  requestTokens,
} from "../../src/integrations/crm/clio/oauth.js";
import { signNotification, webhookBody } from "../../src/integrations/crm/clio/webhooks.js";
import type { ConnectorContext, CrmExchange } from "../../src/integrations/crm/connector.js";
import { CrmError } from "../../src/integrations/crm/connector.js";
import { hasVendorSpec, OpenApiDocument } from "../helpers/openapi.js";

/**
 * Clio-specific behaviour beyond the shared conformance suite: the OAuth token life cycle, IF-MATCH
 * conflicts, paging through meta.paging.next, webhooks and their signatures, and every request the
 * connector sends (and every answer the fake gives) held to Clio's own OpenAPI document.
 */

const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
afterAll(() => dispatcher.close());

let fake: ClioFake;
beforeAll(async () => {
  fake = await startClioFake({ seed: 5 });
});
afterAll(() => fake.close());

function context(overrides: Partial<ConnectorContext> = {}): ConnectorContext {
  return {
    baseUrl: fake.url,
    credentials: { ...fake.credentials },
    dispatcher,
    timeoutMs: 5_000,
    ...overrides,
  };
}

const sample = (unique: number) => ({
  object: "case" as const,
  fields: {
    description: `Matter ${unique}`,
    "client.first_name": "Iris",
    "client.last_name": `Ito${unique}`,
    "client.phone": `+1415555${String(unique).padStart(4, "0")}`,
    "client.email": `iris.${unique}@example.com`,
    "5001": `PR-${unique}`,
  },
  caseType: "11",
  status: "open",
  substatus: "101",
  externalId: `cas_clio_${unique}`,
});

describe("Clio OAuth", () => {
  it("builds the authorize URL on the region's host", () => {
    expect(Object.values(CLIO_REGIONS)).toEqual([
      "https://app.clio.com",
      "https://eu.app.clio.com",
      "https://ca.app.clio.com",
      "https://au.app.clio.com",
    ]);
    const url = new URL(
      authorizeUrl({ region: "eu", clientId: "app", redirectUri: "https://sb.example/cb", state: "s1" }),
    );
    expect(url.origin + url.pathname).toBe("https://eu.app.clio.com/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: "app",
      redirect_uri: "https://sb.example/cb",
      state: "s1",
    });
  });

  it("trades a code for tokens once; the same code again is refused as auth", async () => {
    const redirectUri = "https://sb.example/v1/crm/oauth/callback";
    const code = fake.issueCode(redirectUri);
    const form = codeExchangeForm({
      clientId: "fake-clio-app",
      clientSecret: "fake-clio-app-secret",
      code,
      redirectUri,
    });
    const exchanges: CrmExchange[] = [];
    const tokens = await requestTokens(context({ onExchange: (e) => exchanges.push(e) }), form);
    expect(tokens.access_token).toMatch(/^[0-9a-f]{32}$/);
    expect(tokens.refresh_token).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(tokens.expires_at ?? "")).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const again = await requestTokens(context(), form).catch((e: unknown) => e);
    expect(again).toMatchObject({
      stage: "auth",
      vendorMessage: expect.stringContaining("invalid or was used"),
    });
    const logged = JSON.stringify(exchanges);
    for (const secret of [code, tokens.access_token, tokens.refresh_token ?? "", "fake-clio-app-secret"])
      expect(logged).not.toContain(secret);
  });

  it("refreshes an access token Clio refuses with 401, once, and reports the new tokens", async () => {
    const changed: Record<string, string>[] = [];
    const connector = clioProvider.connect(
      context({ onCredentialsChanged: async (c) => void changed.push(c) }),
    );
    await connector.test();
    fake.expireAccessTokens();
    const before = fake.refreshes;
    await Promise.all([connector.get("case", "1"), connector.get("case", "2"), connector.test()]);
    expect(fake.refreshes - before).toBe(1);
    expect(changed).toHaveLength(1);
    expect(changed[0]?.access_token).not.toBe(fake.credentials.access_token);
    expect(changed[0]?.refresh_token).toBe(fake.credentials.refresh_token);
    expect(Date.parse(changed[0]?.expires_at ?? "")).toBeGreaterThan(Date.now());
  });

  it("refreshes before a known expiry instead of waiting for a 401", async () => {
    const changed: Record<string, string>[] = [];
    const exchanges: CrmExchange[] = [];
    const connector = clioProvider.connect(
      context({
        credentials: { ...fake.credentials, expires_at: new Date(Date.now() + 60_000).toISOString() },
        onCredentialsChanged: async (c) => void changed.push(c),
        onExchange: (e) => exchanges.push(e),
      }),
    );
    await connector.test();
    expect(changed).toHaveLength(1);
    expect(exchanges.map((e) => e.response?.status)).toEqual([200, 200]);
  });

  it("a revoked refresh token fails with auth, saying to reconnect, in Clio's words", async () => {
    const other = await startClioFake();
    try {
      const changed: Record<string, string>[] = [];
      const connector = clioProvider.connect({
        ...context(),
        baseUrl: other.url,
        credentials: { ...other.credentials },
        onCredentialsChanged: async (c) => void changed.push(c),
      });
      await connector.test();
      other.revokeTokens();
      const error = await connector.get("case", "1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrmError);
      expect(error).toMatchObject({ stage: "auth", status: 400 });
      expect((error as CrmError).message).toMatch(/reconnect the Clio account/);
      expect((error as CrmError).vendorMessage).toContain("invalid or was revoked");
      expect(changed).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("a direct token without a refresh token fails with auth on 401, without trying to refresh", async () => {
    const connector = clioProvider.connect(context({ credentials: { access_token: "revoked-or-wrong" } }));
    const error = await connector.test().catch((e: unknown) => e);
    expect(error).toMatchObject({ stage: "auth", status: 401 });
  });
});

describe("Clio records", () => {
  it("answers a stale IF-MATCH etag with conflict, and a fresh one with the update", async () => {
    const connector = clioProvider.connect(context());
    const { record } = await connector.create(sample(1));
    const first = await connector.update({
      ...sample(1),
      id: record.id,
      fields: { location: "Denver" },
      precondition: record.version,
    });
    expect(first.fields.location).toBe("Denver");
    expect(first.version).not.toBe(record.version);
    const stale = await connector
      .update({ ...sample(1), id: record.id, fields: { location: "Reno" }, precondition: record.version })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(CrmError);
    expect((stale as CrmError).stage).toBe("conflict");
    expect((stale as CrmError).status).toBe(412);
    expect((await connector.get("case", record.id))?.fields.location).toBe("Denver");
  });

  it("writes a case's changed client fields to its client contact, after the matter", async () => {
    const connector = clioProvider.connect(context());
    const { record } = await connector.create(sample(3));
    const updated = await connector.update({
      ...sample(3),
      id: record.id,
      fields: { ...sample(3).fields, "client.phone": "+14155559999", "client.email": "new@example.com" },
    });
    expect(updated.fields).toMatchObject({
      "client.phone": "+14155559999",
      "client.email": "new@example.com",
    });
    const contact = fake.records.contacts.get(Number(record.clientId));
    expect(contact?.phone_numbers as unknown[]).toHaveLength(1);
    // Unchanged client fields cost no contact write.
    const before = fake.log.filter(
      (e) => e.method === "PATCH" && e.path.startsWith("/api/v4/contacts/"),
    ).length;
    await connector.update({ ...sample(3), id: record.id, fields: { ...updated.fields, location: "Reno" } });
    expect(
      fake.log.filter((e) => e.method === "PATCH" && e.path.startsWith("/api/v4/contacts/")).length,
    ).toBe(before);
  });

  it("changes a custom value in place and clears an emptied one", async () => {
    const connector = clioProvider.connect(context());
    const { record } = await connector.create(sample(2));
    const updated = await connector.update({
      object: "case",
      id: record.id,
      fields: { "5001": "PR-changed", "5002": "Dr. Ames" },
    });
    expect(updated.fields).toMatchObject({ "5001": "PR-changed", "5002": "Dr. Ames" });
    const matter = fake.records.matters.get(Number(record.id));
    expect(matter?.custom_field_values as unknown[]).toHaveLength(3); // 5001, 5002 and the external id
    const cleared = await connector.update({ object: "case", id: record.id, fields: { "5002": null } });
    expect(cleared.fields["5002"]).toBeUndefined();
  });

  it("creates, reads, updates and finds a client (a Person contact)", async () => {
    const connector = clioProvider.connect(context());
    const { record } = await connector.create({
      object: "client",
      fields: {
        first_name: "Hugo",
        last_name: "Hill",
        phone: "+13035550999",
        email: "hugo.hill@example.com",
        city: "Denver",
        "6002": "es",
      },
      externalId: "cli_77",
    });
    expect(record.fields).toMatchObject({
      first_name: "Hugo",
      phone: "+13035550999",
      city: "Denver",
      "6002": "es",
    });
    expect(record.externalId).toBe("cli_77");
    const updated = await connector.update({
      object: "client",
      id: record.id,
      fields: { phone: "+13035550998", city: "Boulder" },
    });
    expect(updated.fields).toMatchObject({ phone: "+13035550998", city: "Boulder" });
    const contact = fake.records.contacts.get(Number(record.id));
    expect(contact?.phone_numbers as unknown[]).toHaveLength(1);
    expect((await connector.search({ object: "client", externalId: "cli_77" })).map((r) => r.id)).toEqual([
      record.id,
    ]);
    expect((await connector.search({ object: "client", phone: "(303) 555-0998" })).map((r) => r.id)).toEqual([
      record.id,
    ]);
  });

  it("pages through meta.paging.next until Clio gives none", async () => {
    const big = await startClioFake({ seed: 450 });
    try {
      const connector = clioProvider.connect({
        ...context(),
        baseUrl: big.url,
        credentials: big.credentials,
      });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await connector.listChanged("case", null, cursor);
        seen.push(...page.records.map((r) => r.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(450);
      expect(seen).toEqual([...seen].sort((a, b) => Number(a) - Number(b)));
      const requested = big.log.filter((e) => e.path === "/api/v4/matters.json");
      expect(requested[0]?.query.get("order")).toBe("id(asc)");
      expect(requested[1]?.query.get("page_token")).toEqual(expect.any(String));
      const foreign = await connector
        .listChanged("case", null, "https://evil.example/api/v4/matters.json")
        .catch((e: unknown) => e);
      expect((foreign as CrmError).stage).toBe("validation");
    } finally {
      await big.close();
    }
  });

  it("reads Clio's 429 as rate_limited with Retry-After, and reports 50 requests a minute", async () => {
    expect(clioProvider.capabilities.rateLimitPerSecond).toBeCloseTo(50 / 60);
    fake.setRateLimit(1);
    try {
      const connector = clioProvider.connect(context());
      let error: unknown = null;
      for (let i = 0; i < 5 && !error; i++)
        await connector.get("case", "1").catch((e: unknown) => (error = e));
      expect(error).toMatchObject({ stage: "rate_limited", status: 429 });
      expect((error as CrmError).retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(fake.stats.rateLimited).toBeGreaterThan(0);
    } finally {
      fake.setRateLimit(null);
    }
  });
});

describe("Clio webhooks", () => {
  it("creates a webhook for at most 31 days and returns its shared secret", async () => {
    const hook = await createClioWebhook(context(), {
      url: "https://sb.example/v1/crm/hooks/crm_1",
      object: "case",
    });
    expect(hook.sharedSecret).toMatch(/^[0-9a-f]{40}$/);
    expect(Date.parse(hook.expiresAt ?? "")).toBeLessThanOrEqual(Date.now() + 31 * 86_400_000);
    const body = webhookBody({
      url: "https://x.example",
      object: "client",
      now: 0,
      lifetimeMs: 90 * 86_400_000,
    });
    expect(body.data).toMatchObject({ model: "contact", events: ["created", "updated", "deleted"] });
    expect(Date.parse(body.data.expires_at)).toBeLessThanOrEqual(31 * 86_400_000);
  });

  it("verifies X-Hook-Signature, answers the handshake with nothing changed, refuses a bad signature", () => {
    const connector = clioProvider.connect(context());
    const secret = fake.credentials.webhook_secret ?? "";
    const body = Buffer.from(
      JSON.stringify({ data: { id: 1234, display_number: "01234-Ito" }, meta: { event: "updated" } }),
    );
    expect(
      connector.readNotification?.({ "X-Hook-Signature": signNotification(secret, body) }, body),
    ).toEqual({
      object: "case",
      id: "1234",
    });
    const contact = Buffer.from(JSON.stringify({ data: { id: 55, type: "Person" } }));
    expect(
      connector.readNotification?.({ "x-hook-signature": signNotification(secret, contact) }, contact),
    ).toEqual({
      object: "client",
      id: "55",
    });
    expect(connector.readNotification?.({ "x-hook-secret": "handshake-secret" }, Buffer.from(""))).toBeNull();
    for (const signature of [signNotification("wrong", body), "", "zz"]) {
      expect(() => connector.readNotification?.({ "x-hook-signature": signature }, body)).toThrow(
        /X-Hook-Signature/,
      );
    }
    const tampered = Buffer.from(body.toString().replace("1234", "9999"));
    expect(() =>
      connector.readNotification?.({ "x-hook-signature": signNotification(secret, body) }, tampered),
    ).toThrow(CrmError);
  });
});

describe.skipIf(!hasVendorSpec("clio-v4-openapi.json"))(
  "Clio requests and answers held to Clio's OpenAPI document",
  () => {
    it("every request the connector sends and every answer the fake gives conforms", async () => {
      const spec = new OpenApiDocument("clio-v4-openapi.json");
      const tour = await startClioFake({ seed: 3 });
      try {
        const connector = clioProvider.connect({
          ...context(),
          baseUrl: tour.url,
          credentials: tour.credentials,
        });
        await connector.test();
        await connector.loadSchema();
        const { record } = await connector.create(sample(10));
        await connector.get("case", record.id);
        await connector.get("case", "99999999");
        await connector.update({
          ...sample(10),
          id: record.id,
          fields: { location: "Austin", "5001": null },
          precondition: record.version,
        });
        await connector
          .update({ ...sample(10), id: record.id, precondition: record.version })
          .catch(() => null);
        await connector.search({
          object: "case",
          externalId: "cas_clio_10",
          phone: "+14155550010",
          email: "iris.10@example.com",
        });
        const client = await connector.create({
          object: "client",
          fields: { first_name: "Al", last_name: "Bo", email: "al@example.com", street: "1 Main" },
          externalId: "c1",
        });
        await connector.update({
          object: "client",
          id: client.record.id,
          fields: { email: "al2@example.com", "6002": "en" },
        });
        await connector.search({ object: "client", externalId: "c1" });
        await connector.listChanged("case", new Date(Date.now() - 60_000).toISOString(), null);
        await connector.listChanged("client", null, null);
        const hook = await createClioWebhook(
          { ...context(), baseUrl: tour.url, credentials: tour.credentials },
          { url: "https://sb.example/h", object: "case" },
        );
        await renewClioWebhook(
          { ...context(), baseUrl: tour.url, credentials: tour.credentials },
          { id: hook.id },
        );
        await connector
          .create({
            object: "case",
            fields: { description: "x" },
            clientId: client.record.id,
            caseType: "999",
          })
          .catch(() => null);
        tour.expireAccessTokens();
        await connector.get("case", record.id);

        const api = tour.log.filter((e) => e.path.startsWith("/api/v4/"));
        expect(api.length).toBeGreaterThan(15);
        const problems = api.flatMap((e) => [
          ...spec.validateRequest(e),
          ...spec.validateResponse(e.method, e.path, e.status, e.response),
        ]);
        expect(problems).toEqual([]);
        // Every status the tour met, so the answers above were not only the happy ones.
        expect(new Set(api.map((e) => e.status))).toEqual(new Set([200, 201, 401, 404, 412, 422]));
      } finally {
        await tour.close();
      }
    });

    it("the validator refuses what Clio's document refuses", () => {
      const spec = new OpenApiDocument("clio-v4-openapi.json");
      const request = (path: string, query: string, body = "", method = "GET") => ({
        method,
        path,
        query: new URLSearchParams(query),
        headers: {},
        body,
      });
      expect(spec.validateRequest(request("/api/v4/matters.json", "order=id(asc)&limit=200"))).toEqual([]);
      expect(spec.validateRequest(request("/api/v4/matterz.json", ""))).toEqual([
        expect.stringContaining("no such operation"),
      ]);
      expect(
        spec.validateRequest(request("/api/v4/matters.json", "order=updated_at(sideways)")),
      ).toHaveLength(1);
      expect(spec.validateRequest(request("/api/v4/matters.json", "updated_after=2026-01-01"))).toHaveLength(
        1,
      );
      expect(
        spec.validateRequest(
          request("/api/v4/matters.json", "", JSON.stringify({ data: { description: "x" } }), "POST"),
        ),
      ).toEqual([expect.stringContaining("client")]);
    });
  },
);
