import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEnformionFake } from "../../fakes/enformion.js";
import type { FakeMode, VendorFake } from "../../fakes/enrichment-fake.js";
import { FAKE_PERSON } from "../../fakes/enrichment-fake.js";
import { startPdlFake } from "../../fakes/pdl.js";
import { startTrestleFake } from "../../fakes/trestle.js";
import { startTwilioLookupFake } from "../../fakes/twilio-lookup.js";
import { createGuardedLookup } from "../../src/delivery/guarded-lookup.js";
import { DEFAULT_PRICES } from "../../src/domain/enrichment/prices.js";
import type { LookupInput } from "../../src/domain/enrichment/types.js";
import type { EnrichmentProvider } from "../../src/integrations/enrichment/provider.js";
import { ENRICHMENT_PROVIDERS } from "../../src/integrations/enrichment/registry.js";

interface Case {
  provider: EnrichmentProvider;
  start: () => Promise<VendorFake<Record<string, string>>>;
  input: LookupInput;
  /** What a full match gives, at least. */
  full: (data: Record<string, unknown>) => void;
}

const phoneOnly: LookupInput = { phone: FAKE_PERSON.phone };
const cases: Case[] = [
  {
    provider: ENRICHMENT_PROVIDERS.pdl,
    start: () => startPdlFake(),
    input: phoneOnly,
    full: (data) =>
      expect(data).toMatchObject({
        emails: [FAKE_PERSON.email],
        addresses: [{ street: FAKE_PERSON.street, postal_code: FAKE_PERSON.postal_code }],
        date_of_birth: FAKE_PERSON.date_of_birth,
      }),
  },
  {
    provider: ENRICHMENT_PROVIDERS.enformion,
    start: () => startEnformionFake(),
    input: { phone: FAKE_PERSON.phone, first_name: "Maria", last_name: "Delgado" },
    full: (data) =>
      expect(data).toMatchObject({
        emails: [FAKE_PERSON.email],
        phones: [{ number: FAKE_PERSON.phone, type: "mobile" }],
        addresses: [{ street: FAKE_PERSON.street, city: FAKE_PERSON.city }],
      }),
  },
  {
    provider: ENRICHMENT_PROVIDERS.trestle,
    start: () => startTrestleFake(),
    input: phoneOnly,
    full: (data) =>
      expect(data).toMatchObject({
        first_name: "Maria",
        addresses: [{ street: FAKE_PERSON.street, state: "CA" }],
        demographics: { line_type: "Mobile", age_range: "35-39" },
      }),
  },
  {
    provider: ENRICHMENT_PROVIDERS.twilio_lookup,
    start: () => startTwilioLookupFake(),
    input: phoneOnly,
    full: (data) =>
      expect(data).toMatchObject({
        first_name: "Maria",
        last_name: "Delgado",
        demographics: { line_type: "mobile", caller_name: "MARIA DELGADO" },
      }),
  },
];

describe.each(cases)("$provider.name against its fake", ({ provider, start, input, full }) => {
  let fake: VendorFake<Record<string, string>>;
  const lookup = (mode: FakeMode, credentials?: Record<string, string>) => {
    fake.set({ mode, retryAfterS: 7 });
    return provider.lookup(
      { baseUrl: fake.url, credentials: credentials ?? fake.credentials, timeoutMs: 2_000 },
      input,
      ["phone", "email", "address", "demographics"],
    );
  };
  beforeAll(async () => {
    fake = await start();
  });
  afterAll(() => fake.close());

  it("a match is found with the person's data, a confidence and a cost", async () => {
    const outcome = await lookup("match");
    if (!outcome.ok) throw new Error(outcome.failure.message);
    expect(outcome.result.outcome).toBe("found");
    full(outcome.result.data as Record<string, unknown>);
    expect(outcome.result.confidence).toBeGreaterThan(0);
    expect(outcome.result.confidence).toBeLessThanOrEqual(1);
    const price = DEFAULT_PRICES[provider.name];
    if (!price) throw new Error("no price");
    expect(provider.costOf(outcome.result, price)).toBeGreaterThan(0);
  });

  it("a partial match gives fewer fields and still counts as found", async () => {
    const outcome = await lookup("partial");
    if (!outcome.ok) throw new Error(outcome.failure.message);
    expect(outcome.result.outcome).toBe("found");
    expect(outcome.result.data.date_of_birth).toBeUndefined();
  });

  it("no match is not_found; match-priced vendors charge nothing for it", async () => {
    const outcome = await lookup("no_match");
    if (!outcome.ok) throw new Error(outcome.failure.message);
    expect(outcome.result.outcome).toBe("not_found");
    const price = DEFAULT_PRICES[provider.name];
    if (!price) throw new Error("no price");
    const cost = provider.costOf(outcome.result, price);
    if (price.per_request === 0 && Object.keys(price.per_field).length === 0) expect(cost).toBe(0);
  });

  it("401 is an auth failure naming the vendor; the credential never appears in the attempt log", async () => {
    const outcome = await lookup(
      "match",
      Object.fromEntries(Object.keys(fake.credentials).map((k) => [k, "wrong-secret-value"])),
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure.kind).toBe("auth");
    expect(outcome.failure.status).toBe(401);
    expect(outcome.failure.message).toMatch(new RegExp(provider.label));
    expect(JSON.stringify(outcome.exchange)).not.toContain("wrong-secret-value");
    const good = await lookup("match");
    for (const secret of Object.values(fake.credentials).filter((v) => v.length > 12)) {
      expect(JSON.stringify(good.exchange)).not.toContain(secret);
    }
    expect(JSON.stringify(good.exchange)).not.toContain(FAKE_PERSON.phone.slice(2));
  });

  it("429 is rate_limited with the vendor's Retry-After", async () => {
    const outcome = await lookup("rate_limited");
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure).toMatchObject({ kind: "rate_limited", status: 429, retryAfterS: 7 });
  });

  it("5xx is transient", async () => {
    const outcome = await lookup("error");
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure).toMatchObject({ kind: "transient", status: 503 });
  });

  it("an answer in the wrong shape is malformed", async () => {
    const outcome = await lookup("malformed");
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure.kind).toBe("malformed");
  });
});

describe("vendor requests and the destination guard", () => {
  it("refuses a loopback base_url unless private targets are allowed", async () => {
    const fake = await startPdlFake();
    const dispatcher = new Agent({ connect: { lookup: createGuardedLookup({ allowPrivate: false }) } });
    try {
      const blocked = await ENRICHMENT_PROVIDERS.pdl.lookup(
        {
          baseUrl: fake.url,
          credentials: fake.credentials,
          timeoutMs: 2_000,
          network: { dispatcher, allowPrivate: false },
        },
        { phone: FAKE_PERSON.phone },
        ["email"],
      );
      expect(blocked.ok).toBe(false);
      if (!blocked.ok) expect(blocked.failure.message).toMatch(/destination blocked/);
      expect(fake.stats.requests).toBe(0);
      const allowed = await ENRICHMENT_PROVIDERS.pdl.lookup(
        {
          baseUrl: fake.url,
          credentials: fake.credentials,
          timeoutMs: 2_000,
          network: { dispatcher, allowPrivate: true },
        },
        { phone: FAKE_PERSON.phone },
        ["email"],
      );
      expect(allowed.ok).toBe(true);
    } finally {
      await dispatcher.close();
      await fake.close();
    }
  });
});
