import { describe, expect, it } from "vitest";
import { budgetMonth, decideBudget } from "../../src/domain/enrichment/budget.js";
import { cacheKey } from "../../src/domain/enrichment/cache-key.js";
import { costOf, DEFAULT_PRICES, maxCostOf, toMicros } from "../../src/domain/enrichment/prices.js";
import { applySettings, DEFAULT_ENRICHMENT_SETTINGS } from "../../src/domain/enrichment/settings.js";
import { accepts } from "../../src/domain/enrichment/types.js";
import { mergeFound, nextStep, type WaterfallProvider } from "../../src/domain/enrichment/waterfall.js";
import { handEditedFields, planWrites } from "../../src/domain/enrichment/write-rules.js";

const providers: WaterfallProvider[] = [
  { name: "twilio_lookup", priority: 3, capabilities: { accepts: [["phone"]], gives: ["demographics"] } },
  {
    name: "pdl",
    priority: 1,
    capabilities: { accepts: [["phone"], ["email"]], gives: ["phone", "email", "address", "demographics"] },
  },
  {
    name: "enformion",
    priority: 2,
    capabilities: {
      accepts: [
        ["name", "phone"],
        ["phone", "email"],
      ],
      gives: ["email", "address"],
    },
  },
];

describe("waterfall", () => {
  it("asks providers in priority order, each only for what is missing and within its reach", () => {
    const state = { input: { phone: "+14155550134" }, found: {}, tried: [] as string[] };
    expect(nextStep(providers, ["email", "demographics"], state)).toEqual({
      provider: "pdl",
      ask: ["email", "demographics"],
    });
    state.tried.push("pdl");
    state.found = { date_of_birth: "1986-04-12" };
    // enformion needs two inputs: with a phone alone it is passed over; twilio only gives demographics (found).
    expect(nextStep(providers, ["email", "demographics"], state)).toBeNull();
  });

  it("what one provider found lets the next look up by it", () => {
    const state = {
      input: { phone: "+14155550134" },
      found: { first_name: "Maria", last_name: "Delgado" },
      tried: ["pdl"],
    };
    expect(nextStep(providers, ["email"], state)).toEqual({ provider: "enformion", ask: ["email"] });
  });

  it("stops as soon as everything wanted is found", () => {
    const found = { emails: ["a@example.com"], addresses: [{ street: "1 Main St", postal_code: "94102" }] };
    expect(
      nextStep(providers, ["email", "address"], { input: { phone: "+1415" }, found, tried: [] }),
    ).toBeNull();
  });

  it("skips a provider that cannot look up the input", () => {
    expect(accepts(providers[2]!.capabilities, { email: "a@example.com" })).toBe(false);
    expect(nextStep(providers, ["email"], { input: {}, found: {}, tried: [] })).toBeNull();
  });

  it("keeps the earlier provider's single values and only the kinds each was asked for", () => {
    const merged = mergeFound(
      { first_name: "Maria", last_name: "Delgado", emails: ["a@example.com"] },
      {
        first_name: "M",
        last_name: "D",
        emails: ["A@example.com", "b@example.com"],
        phones: [{ number: "+1", type: "other" }],
      },
      ["email", "demographics"],
    );
    expect(merged).toEqual({
      first_name: "Maria",
      last_name: "Delgado",
      emails: ["a@example.com", "b@example.com"],
    });
  });
});

describe("write rules", () => {
  const empty = {
    phones: [],
    emails: [],
    addresses: [],
    first_name: null,
    last_name: null,
    date_of_birth: null,
  };
  const found = { emails: ["found@example.com"], first_name: "Maria", date_of_birth: "1986-04-12" };

  it("fill_empty writes only empty fields", () => {
    const current = { ...empty, emails: ["mine@example.com"], first_name: "Mary" };
    const plan = planWrites(current, found, ["email", "demographics"], "fill_empty", new Set());
    expect(plan.written).toEqual(["date_of_birth"]);
    expect(plan.patch).toEqual({ date_of_birth: "1986-04-12" });
  });

  it("overwrite replaces values and puts a found email first", () => {
    const current = { ...empty, emails: ["mine@example.com"], first_name: "Mary" };
    const plan = planWrites(current, found, ["email", "demographics"], "overwrite", new Set());
    expect(plan.patch).toEqual({
      emails: ["found@example.com", "mine@example.com"],
      first_name: "Maria",
      date_of_birth: "1986-04-12",
    });
  });

  it("never overwrites a field a person edited by hand, even with overwrite", () => {
    const current = { ...empty, first_name: "Mary" };
    const plan = planWrites(current, found, ["email", "demographics"], "overwrite", new Set(["first_name"]));
    expect(plan.written).not.toContain("first_name");
  });

  it("writes nothing for kinds not wanted, and nothing already there", () => {
    expect(planWrites(empty, found, ["phone"], "overwrite", new Set()).written).toEqual([]);
    const same = { ...empty, emails: ["found@example.com"] };
    expect(planWrites(same, found, ["email"], "overwrite", new Set()).written).toEqual([]);
  });

  it("hand edits are API changes of enriched fields", () => {
    const edited = handEditedFields([
      { change_source: "api", fields: ["first_name", "opt_out"] },
      { change_source: "enrichment", fields: ["emails"] },
      { change_source: "import", fields: ["last_name"] },
    ]);
    expect([...edited]).toEqual(["first_name"]);
  });
});

describe("cache key", () => {
  it("is the same for the same provider and inputs however they are written", () => {
    expect(cacheKey("pdl", { email: " Maria@Example.com ", first_name: "maria" })).toBe(
      cacheKey("pdl", { first_name: "MARIA", email: "maria@example.com" }),
    );
  });
  it("differs by provider and by input", () => {
    expect(cacheKey("pdl", { phone: "+14155550134" })).not.toBe(
      cacheKey("trestle", { phone: "+14155550134" }),
    );
    expect(cacheKey("pdl", { phone: "+14155550134" })).not.toBe(cacheKey("pdl", { phone: "+14155550135" }));
  });
});

describe("budget", () => {
  const limits = { monthlyBudget: toMicros(1), maxCostPerLookup: toMicros(0.3) };
  it("allows a lookup that fits", () =>
    expect(decideBudget(limits, toMicros(0.72), toMicros(0.28))).toEqual({ allowed: true }));
  it("refuses one that would pass the month's budget by a micro-dollar", () =>
    expect(decideBudget(limits, toMicros(0.72) + 1, toMicros(0.28))).toEqual({
      allowed: false,
      reason: "over_monthly_budget",
    }));
  it("refuses one over the per-lookup cap", () =>
    expect(decideBudget(limits, 0, toMicros(0.31))).toEqual({ allowed: false, reason: "over_lookup_cap" }));
  it("free lookups always go ahead; null means no limit", () => {
    expect(decideBudget({ monthlyBudget: 0, maxCostPerLookup: 0 }, 10, 0)).toEqual({ allowed: true });
    expect(decideBudget({ monthlyBudget: null, maxCostPerLookup: null }, 1e12, 1e9)).toEqual({
      allowed: true,
    });
  });
  it("the month is the tenant's calendar month", () => {
    const at = Date.parse("2026-12-01T05:00:00Z");
    expect(budgetMonth(at, "UTC")).toBe("2026-12");
    expect(budgetMonth(at, "America/Los_Angeles")).toBe("2026-11");
    expect(budgetMonth(at, "Not/A_Zone")).toBe("2026-12");
  });
});

describe("prices", () => {
  it("charge per match, per request and per field package", () => {
    expect(costOf(DEFAULT_PRICES.pdl!, { match: false, fields: [] })).toBe(0);
    expect(costOf(DEFAULT_PRICES.pdl!, { match: true, fields: [] })).toBe(280_000);
    expect(costOf(DEFAULT_PRICES.trestle!, { match: false, fields: [] })).toBe(70_000);
    expect(
      costOf(DEFAULT_PRICES.twilio_lookup!, {
        match: false,
        fields: ["line_type_intelligence", "caller_name"],
      }),
    ).toBe(18_000);
    expect(maxCostOf(DEFAULT_PRICES.twilio_lookup!, ["caller_name"])).toBe(10_000);
  });
});

describe("settings", () => {
  it("refuses negative budgets with the field named", () => {
    expect(() => applySettings(DEFAULT_ENRICHMENT_SETTINGS, { monthly_budget: -5 })).toThrow(
      /monthly_budget: must be zero or more/,
    );
    expect(() => applySettings(DEFAULT_ENRICHMENT_SETTINGS, { max_cost_per_lookup: -0.01 })).toThrow(
      /max_cost_per_lookup/,
    );
  });
  it("merges triggers and data kinds", () => {
    const next = applySettings(DEFAULT_ENRICHMENT_SETTINGS, {
      triggers: { ...DEFAULT_ENRICHMENT_SETTINGS.triggers, call: true },
      monthly_budget: null,
    });
    expect(next.triggers.call).toBe(true);
    expect(next.monthly_budget).toBeNull();
  });
});
