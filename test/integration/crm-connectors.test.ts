import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLawRulerFake } from "../../fakes/lawruler.js";
import type { FakeOptions } from "../../fakes/shared.js";
import { startSmartAdvocateFake } from "../../fakes/smartadvocate.js";
import type { Connector, CrmExchange, CrmProvider, CrmWrite } from "../../src/integrations/crm/connector.js";
import { CrmError } from "../../src/integrations/crm/connector.js";
import { crmProvider, crmProviders } from "../../src/integrations/crm/providers.js";
import { smartAdvocateProvider } from "../../src/integrations/crm/smartadvocate/index.js";

/**
 * One conformance suite for every CRM connector in the registry, each against its local fake: the
 * same cases, the vendor differences kept in one {@link Harness} per provider. (No store is involved:
 * connectors speak HTTP only, so this suite has no SQLite/PostgreSQL legs.)
 */

interface Fake {
  url: string;
  credentials: Record<string, string>;
  stats: { requests: number; rateLimited: number };
  setRateLimit(perSecond: number | null): void;
  close(): Promise<void>;
}

interface Harness<F extends Fake = Fake> {
  start(options: FakeOptions): Promise<F>;
  /** Credentials the vendor refuses. */
  wrong(fake: F): Record<string, string>;
  /** Makes the credentials the connector holds stop working (revoked key / changed password). */
  revoke(fake: F): void;
  /** A valid create with a standard and a custom field; `unique` keeps phones and emails apart. */
  sample(unique: number): CrmWrite;
  /** A change to a record written with {@link sample}. */
  change: { fields: Record<string, unknown>; status: string; substatus: string };
  /** A write the vendor rejects, and the words it rejects it with. */
  invalid: { write: CrmWrite; message: string };
  /** A custom field the schema must report, a case type, a status with a substatus. */
  schema: { customField: string; caseType: string; status: string; substatus: string };
  /** The field ids a record's phone and email are under. */
  phoneField: string;
  emailField: string;
  /** Vendor-specific cases (dedupe, token expiry), run after the shared ones. */
  extra?: (context: () => SuiteContext<F>) => void;
}

interface SuiteContext<F extends Fake> {
  fake: F;
  connect(credentials?: Record<string, string>): Connector;
  exchanges: CrmExchange[];
}

const lawruler: Harness<Awaited<ReturnType<typeof startLawRulerFake>>> = {
  start: (options) => startLawRulerFake(options),
  wrong: () => ({ api_key: "NOT-THE-KEY" }),
  revoke: (fake) => fake.rotateKey("ROTATED-KEY-0000"),
  sample: (unique) => ({
    object: "case",
    fields: {
      FirstName: "Ana",
      LastName: `Alvarez${unique}`,
      CellPhone: `+1202555${String(unique).padStart(4, "0")}`,
      Email1: `ana.${unique}@example.com`,
      custom104: "Jane Roe, Esq.",
    },
    caseType: "Auto Accident",
    status: "New Lead",
    substatus: "Not Contacted",
    externalId: `cas_${unique}`,
  }),
  change: { fields: { City: "Austin", custom104: "Rick Roe" }, status: "Signed", substatus: "Retainer Sent" },
  invalid: {
    write: { object: "case", fields: { FirstName: "A", LastName: "B" }, caseType: "Space Law" },
    message: "Invalid Case Type",
  },
  schema: {
    customField: "custom102",
    caseType: "Slip and Fall",
    status: "Signed",
    substatus: "Retainer Signed",
  },
  phoneField: "CellPhone",
  emailField: "Email1",
};

const smartadvocate: Harness<Awaited<ReturnType<typeof startSmartAdvocateFake>>> = {
  start: (options) => startSmartAdvocateFake(options),
  wrong: (fake) => ({ username: fake.credentials.username ?? "", password: "not-the-password" }),
  revoke: (fake) => fake.changePassword("changed-by-the-firm"),
  sample: (unique) => ({
    object: "case",
    fields: {
      "first name": "Ana",
      "last name": `Alvarez${unique}`,
      phone: `+1202555${String(unique).padStart(4, "0")}`,
      email: `ana.${unique}@example.com`,
      "Police Report Number": `PR-${unique}`,
    },
    caseType: "Auto Accident",
    status: "Intake",
    externalId: `cas_${unique}`,
  }),
  change: {
    fields: { City: "Austin", "Treating Physician": "Dr. Rivera" },
    status: "Signed Up",
    substatus: "Awaiting Records",
  },
  invalid: {
    write: { object: "case", fields: { "first name": "A", "last name": "B" }, caseType: "Space Law" },
    message: "Invalid CaseType: Space Law",
  },
  schema: {
    customField: "Injury Type",
    caseType: "Premises Liability",
    status: "Signed Up",
    substatus: "Records Received",
  },
  phoneField: "phone",
  emailField: "email",
  extra: (suite) => {
    it("answers its own 3-day dedupe as an existing record, not a new one", async () => {
      const { fake, connect } = suite();
      const day = 86_400_000;
      const recent = fake.records.seed(
        { "first name": "Rita", "last name": "Recent", email: "rita.recent@example.com" },
        { createdDate: new Date(Date.now() - day).toISOString() },
      );
      const old = fake.records.seed(
        { "first name": "Otto", "last name": "Old", phone: "2025559876" },
        { createdDate: new Date(Date.now() - 4 * day).toISOString() },
      );
      const connector = connect();
      const again = await connector.create({
        object: "case",
        fields: { "first name": "Rita", "last name": "Recent", email: "Rita.Recent@example.com" },
      });
      expect(again).toMatchObject({ existing: true, record: { id: recent.caseNumber } });
      const fresh = await connector.create({
        object: "case",
        fields: { "first name": "Otto", "last name": "Old", phone: "+12025559876" },
      });
      expect(fresh.existing).toBe(false);
      expect(fresh.record.id).not.toBe(old.caseNumber);
    });

    it("reads back a change made in SmartAdvocate itself", async () => {
      const { fake, connect } = suite();
      const connector = connect();
      const { record } = await connector.create(smartadvocate.sample(900));
      fake.records.edit(
        record.id,
        { City: "Boston" },
        { caseStatus: "Litigation", secondStatus: "Discovery" },
      );
      const read = await connector.get("case", record.id);
      expect(read).toMatchObject({
        status: "Litigation",
        substatus: "Discovery",
        fields: { City: "Boston" },
      });
      expect(Date.parse(read?.updatedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(record.updatedAt ?? ""));
    });

    it("reuses its token, and logs in again once when the token is refused", async () => {
      const { fake, connect } = suite();
      const connector = connect();
      const before = fake.logins;
      await connector.get("case", "1");
      await connector.get("case", "2");
      await connector.loadSchema();
      expect(fake.logins - before).toBe(1);
      fake.expireTokens();
      await expect(connector.get("case", "3")).resolves.toBeNull();
      expect(fake.logins - before).toBe(2);
    });

    it("logs in again before the token's expiry instead of waiting for a 401", async () => {
      const { fake, connect, exchanges } = suite();
      fake.tokenTtlSeconds = 31; // 30 s of it is our safety margin: usable for about one second
      try {
        const connector = connect();
        const before = fake.logins;
        await connector.get("case", "1");
        await new Promise((done) => setTimeout(done, 1_200));
        exchanges.length = 0;
        await connector.get("case", "1");
        expect(fake.logins - before).toBe(2);
        expect(exchanges.map((e) => e.response?.status)).toEqual([200, 200]);
      } finally {
        fake.tokenTtlSeconds = 3600;
      }
    });

    it("never skips a case when another is edited while the feed is paged", async () => {
      const feed = await startSmartAdvocateFake({ seed: 250 });
      try {
        const connector = smartAdvocateProvider.connect({
          baseUrl: feed.url,
          credentials: feed.credentials,
          dispatcher,
          timeoutMs: 5_000,
        });
        const seen = new Set<string>();
        let page = await connector.listChanged("case", null, null);
        for (const r of page.records) seen.add(r.id);
        // An edit moves the first case of page one to the end of the feed.
        const first = feed.records.cases.get(page.records[0]?.id ?? "");
        if (first) feed.records.apply(first, { City: "Austin" });
        let pages = 1;
        while (page.nextCursor && pages < 20) {
          page = await connector.listChanged("case", null, page.nextCursor);
          for (const r of page.records) seen.add(r.id);
          pages += 1;
        }
        expect([...feed.records.cases.keys()].filter((n) => !seen.has(n))).toEqual([]);
      } finally {
        await feed.close();
      }
    });

    it("names the SmartAdvocate user the login answered for", async () => {
      const { fake, connect } = suite();
      await expect(connect().test()).resolves.toEqual({ account: fake.credentials.username });
    });
  },
};

const HARNESSES = { lawruler, smartadvocate } as unknown as Record<string, Harness>;

const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
afterAll(() => dispatcher.close());

it("every provider in the registry has a harness here", () => {
  expect(
    crmProviders()
      .map((p) => p.name)
      .sort(),
  ).toEqual(Object.keys(HARNESSES).sort());
});

for (const provider of crmProviders()) {
  const harness = HARNESSES[provider.name];
  if (!harness) continue;
  describe(`CRM connector conformance: ${provider.name}`, () => {
    let fake: Fake;
    const exchanges: CrmExchange[] = [];
    let unique = 0;
    const connect = (credentials?: Record<string, string>) =>
      (crmProvider(provider.name) as CrmProvider).connect({
        baseUrl: fake.url,
        credentials: credentials ?? { ...fake.credentials },
        dispatcher,
        timeoutMs: 5_000,
        onExchange: (exchange) => exchanges.push(exchange),
      });

    beforeAll(async () => {
      fake = await harness.start({ seed: 50 });
    });
    afterAll(() => fake.close());

    it("describes itself: credentials, base URL, capabilities", () => {
      expect(provider.credentials.length).toBeGreaterThan(0);
      expect(provider.capabilities.objects).toContain("case");
      expect(provider.capabilities.push).toBe(true);
    });

    it("accepts good credentials and refuses wrong ones with an auth error", async () => {
      expect(await connect().test()).toHaveProperty("account");
      const refused = await connect(harness.wrong(fake))
        .test()
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(CrmError);
      expect((refused as CrmError).stage).toBe("auth");
      expect((refused as CrmError).retryable).toBe(false);
    });

    it("never reports a credential in an exchange", async () => {
      exchanges.length = 0;
      await connect().test();
      expect(exchanges.length).toBeGreaterThan(0);
      const seen = JSON.stringify(exchanges);
      for (const field of provider.credentials.filter((c) => c.secret)) {
        expect(seen).not.toContain(fake.credentials[field.name]);
      }
      expect(seen).not.toMatch(/Bearer [^[]/);
    });

    it("loads the schema: standard and custom fields, case types, statuses with substatuses", async () => {
      const schema = await connect().loadSchema();
      const custom = schema.fields.find((f) => f.id === harness.schema.customField);
      expect(custom).toMatchObject({ custom: true });
      expect(schema.fields.find((f) => f.id === harness.phoneField)).toMatchObject({ custom: false });
      expect(schema.caseTypes.map((t) => t.id)).toContain(harness.schema.caseType);
      const status = schema.statuses.find((s) => s.id === harness.schema.status);
      expect(status?.substatuses.map((s) => s.id)).toContain(harness.schema.substatus);
    });

    it("creates a record, reads it back and updates it", async () => {
      const connector = connect();
      const write = harness.sample(++unique);
      const created = await connector.create(write);
      expect(created.existing).toBe(false);
      expect(created.record.id).not.toBe("");
      expect(created.record.caseType).toBe(write.caseType);
      expect(created.record.status).toBe(write.status);
      for (const [field, value] of Object.entries(write.fields))
        expect(created.record.fields[field]).toBe(value);

      const read = await connector.get("case", created.record.id);
      expect(read?.fields).toEqual(created.record.fields);
      expect(read?.updatedAt).toEqual(expect.any(String));

      const updated = await connector.update({
        ...write,
        id: created.record.id,
        fields: { ...write.fields, ...harness.change.fields },
        status: harness.change.status,
        substatus: harness.change.substatus,
        precondition: created.record.version,
      });
      expect(updated.status).toBe(harness.change.status);
      expect(updated.substatus).toBe(harness.change.substatus);
      for (const [field, value] of Object.entries(harness.change.fields))
        expect(updated.fields[field]).toBe(value);
    });

    it("answers null for a record the CRM does not have", async () => {
      await expect(connect().get("case", "999999999")).resolves.toBeNull();
    });

    it("finds records by external id, phone and email", async () => {
      const connector = connect();
      const write = harness.sample(++unique);
      const { record } = await connector.create(write);
      const byExternal = await connector.search({ object: "case", externalId: write.externalId ?? "" });
      expect(byExternal.map((r) => r.id)).toEqual([record.id]);
      const byPhone = await connector.search({
        object: "case",
        phone: String(write.fields[harness.phoneField]),
      });
      expect(byPhone.map((r) => r.id)).toContain(record.id);
      const byEmail = await connector.search({
        object: "case",
        email: String(write.fields[harness.emailField]),
      });
      expect(byEmail.map((r) => r.id)).toContain(record.id);
      await expect(connector.search({ object: "case", email: "nobody-at-all@example.org" })).resolves.toEqual(
        [],
      );
    });

    it("reports a validation error in the CRM's own words", async () => {
      const error = await connect()
        .create(harness.invalid.write)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrmError);
      expect((error as CrmError).stage).toBe("validation");
      expect((error as CrmError).vendorMessage).toContain(harness.invalid.message);
    });

    it("lists changed records page by page where the CRM has a feed, else says unsupported", async () => {
      const connector = connect();
      if (!provider.capabilities.listChanges) {
        const error = await connector.listChanged("case", null, null).catch((e: unknown) => e);
        expect((error as CrmError).stage).toBe("unsupported");
        return;
      }
      const since = new Date(Date.now() - 1000).toISOString();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await connector.create(harness.sample(++unique))).record.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await connector.listChanged("case", since, cursor);
        seen.push(...page.records.map((r) => r.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 100);
      for (const id of ids) expect(seen).toContain(id);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it("turns the CRM's 429 into rate_limited with its Retry-After", async () => {
      const connector = connect();
      fake.setRateLimit(2);
      try {
        let error: unknown = null;
        for (let i = 0; i < 10 && !error; i++) {
          await connector.get("case", "1").catch((e: unknown) => {
            error = e;
          });
        }
        expect(error).toBeInstanceOf(CrmError);
        expect((error as CrmError).stage).toBe("rate_limited");
        expect((error as CrmError).retryAfterMs).toBeGreaterThanOrEqual(1000);
        expect((error as CrmError).retryable).toBe(true);
        expect(fake.stats.rateLimited).toBeGreaterThan(0);
      } finally {
        fake.setRateLimit(null);
      }
    });

    it("reports a CRM that cannot be reached as transient", async () => {
      const connector = (crmProvider(provider.name) as CrmProvider).connect({
        baseUrl: "http://127.0.0.1:9",
        credentials: { ...fake.credentials },
        dispatcher,
        timeoutMs: 2_000,
      });
      const error = await connector.get("case", "1").catch((e: unknown) => e);
      expect((error as CrmError).stage).toBe("transient");
    });

    it("reports a CRM slower than the timeout as transient, with the exchange logged", async () => {
      const slow = await harness.start({ latencyMs: 400 });
      try {
        const logged: CrmExchange[] = [];
        const connector = (crmProvider(provider.name) as CrmProvider).connect({
          baseUrl: slow.url,
          credentials: { ...slow.credentials },
          dispatcher,
          timeoutMs: 100,
          onExchange: (exchange) => logged.push(exchange),
        });
        const error = await connector.get("case", "1").catch((e: unknown) => e);
        expect((error as CrmError).stage).toBe("transient");
        expect(logged.at(-1)).toMatchObject({ response: null, error: expect.any(String) });
      } finally {
        await slow.close();
      }
    });

    harness.extra?.(() => ({ fake, connect, exchanges }));

    // Last: it changes the fake's credentials for good.
    it("fails with auth once the credentials it holds are revoked", async () => {
      const connector = connect();
      await connector.test();
      harness.revoke(fake);
      const error = await connector.get("case", "1").catch((e: unknown) => e);
      expect((error as CrmError).stage).toBe("auth");
    });
  });
}
