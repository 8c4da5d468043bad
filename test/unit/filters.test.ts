import { describe, expect, it } from "vitest";
import {
  cachedMatcher,
  compileMatch,
  type MatchEnvelope,
  validateMatchQuery,
} from "../../src/domain/filters.js";
import { type RoutableEvent, webhookMatchesEvent } from "../../src/domain/routing.js";

const envelope = (data: Record<string, unknown>, over: Partial<MatchEnvelope> = {}): MatchEnvelope => ({
  id: "evt_1",
  event: "call.ended",
  timestamp: "2025-06-10T14:09:03.000Z",
  campaign_id: "cmp_1",
  case_type: "auto_accident",
  data,
  ...over,
});

const matches = (
  query: Record<string, unknown>,
  data: Record<string, unknown>,
  over?: Partial<MatchEnvelope>,
) => compileMatch(query)(envelope(data, over));

describe("filters.match evaluation", () => {
  it("the issue's example: $in and $gte on data fields", () => {
    const query = { "data.lead_score": { $in: ["hot", "warm"] }, "data.duration": { $gte: 60 } };
    expect(matches(query, { lead_score: "hot", duration: 60 })).toBe(true);
    expect(matches(query, { lead_score: "warm", duration: 412 })).toBe(true);
    expect(matches(query, { lead_score: "cold", duration: 412 })).toBe(false);
    expect(matches(query, { lead_score: "hot", duration: 59 })).toBe(false);
    expect(matches(query, { lead_score: "hot" })).toBe(false);
  });

  it("equality, $ne, $nin, $exists, $lt/$lte/$gt on nested paths", () => {
    expect(matches({ "data.direction": "outbound" }, { direction: "outbound" })).toBe(true);
    expect(matches({ "data.direction": "outbound" }, { direction: "inbound" })).toBe(false);
    expect(matches({ "data.customer.email": { $exists: true } }, { customer: { email: "a@b.c" } })).toBe(
      true,
    );
    expect(matches({ "data.customer.email": { $exists: true } }, { customer: {} })).toBe(false);
    expect(matches({ "data.outcome": { $ne: "spam" } }, { outcome: "qualified" })).toBe(true);
    expect(matches({ "data.outcome": { $nin: ["spam", "wrong_number"] } }, { outcome: "spam" })).toBe(false);
    expect(matches({ "data.duration": { $gt: 10, $lt: 20 } }, { duration: 15 })).toBe(true);
    expect(matches({ "data.duration": { $gt: 10, $lte: 20 } }, { duration: 21 })).toBe(false);
  });

  it("logical operators, arrays and regular expressions", () => {
    const query = { $or: [{ "data.lead_score": "hot" }, { "data.qualified": true }] };
    expect(matches(query, { lead_score: "cold", qualified: true })).toBe(true);
    expect(matches(query, { lead_score: "cold", qualified: false })).toBe(false);
    expect(matches({ $nor: [{ "data.answered": false }] }, { answered: true })).toBe(true);
    expect(matches({ "data.tags": { $all: ["vip", "es"] } }, { tags: ["es", "vip", "x"] })).toBe(true);
    expect(matches({ "data.tags": { $size: 2 } }, { tags: ["a", "b"] })).toBe(true);
    expect(matches({ "data.tags": "vip" }, { tags: ["vip"] })).toBe(true);
    expect(
      matches(
        { "data.transcript": { $elemMatch: { role: "customer", text: { $regex: "lawyer" } } } },
        {
          transcript: [{ role: "customer", text: "I need a lawyer" }],
        },
      ),
    ).toBe(true);
    expect(matches({ "data.summary": { $regex: "^rear", $options: "i" } }, { summary: "Rear-ended" })).toBe(
      true,
    );
    expect(matches({ "data.duration": { $not: { $gte: 60 } } }, { duration: 30 })).toBe(true);
    expect(matches({ "data.duration": { $type: "number" } }, { duration: "30" })).toBe(false);
    expect(matches({ "data.duration": { $mod: [2, 0] } }, { duration: 30 })).toBe(true);
  });

  it("sees the envelope fields as well as data", () => {
    expect(matches({ event: "call.ended", case_type: "auto_accident" }, {})).toBe(true);
    expect(matches({ event: { $in: ["call.analyzed"] } }, {})).toBe(false);
    expect(matches({ campaign_id: "cmp_2" }, {})).toBe(false);
  });
});

describe("filters.match validation", () => {
  it("accepts well-formed queries", () => {
    expect(
      validateMatchQuery({ "data.lead_score": { $in: ["hot"] }, "data.duration": { $gte: 60 } }),
    ).toBeNull();
    expect(validateMatchQuery({ $and: [{ "data.a": 1 }, { "data.b": { $exists: false } }] })).toBeNull();
    expect(validateMatchQuery({ "data.customer": { name: "Maria" } })).toBeNull();
  });

  it("refuses operators that run code or are unknown", () => {
    for (const op of ["$where", "$function", "$expr", "$accumulator", "$jsonSchema", "$text", "$bogus"]) {
      const problem = validateMatchQuery({ [op]: "return true" });
      expect(problem, op).not.toBeNull();
      expect(problem?.message).toContain(`operator ${op} is not supported`);
      expect(problem?.path).toBe(`/${op}`);
    }
    expect(validateMatchQuery({ "data.x": { $where: "this.x > 1" } })?.path).toBe("/data.x/$where");
    expect(validateMatchQuery({ $or: [{ "data.x": { $function: {} } }] })?.path).toBe(
      "/$or/0/data.x/$function",
    );
  });

  it("refuses malformed operands", () => {
    expect(validateMatchQuery({ "data.x": { $in: "hot" } })?.message).toContain("takes an array");
    expect(validateMatchQuery({ $or: [] })?.message).toContain("non-empty array");
    expect(validateMatchQuery({ "data.x": { $exists: "yes" } })?.message).toContain("true or false");
    expect(validateMatchQuery({ "data.x": { $regex: "(" } })?.message).toContain(
      "not a valid RE2 regular expression",
    );
    expect(validateMatchQuery({ "data.x": { $regex: "a".repeat(201) } })?.message).toContain("longer than");
    expect(validateMatchQuery({ "data.x": { $type: "function" } })?.message).toContain("$type takes");
    expect(validateMatchQuery({ "data.x": { $options: "i" } })?.message).toContain("next to $regex");
    expect(validateMatchQuery({ "data.x": { $gt: 1, y: 2 } })?.message).toContain("mixes operators");
    expect(validateMatchQuery({ "data.x": { $eq: { $gt: 1 } } })?.message).toContain(
      "not allowed in a value",
    );
    expect(validateMatchQuery({ "data..x": 1 })?.message).toContain("not a valid field path");
    expect(validateMatchQuery([1, 2])?.message).toBe("must be an object");
  });

  it("a stored query that is no longer valid matches nothing rather than everything", () => {
    expect(compileMatch({ $where: "true" })(envelope({}))).toBe(false);
  });

  it("caches one compiled matcher per webhook version", () => {
    const a = cachedMatcher("wh_1:1", { "data.a": 1 });
    expect(cachedMatcher("wh_1:1", { "data.a": 1 })).toBe(a);
    const b = cachedMatcher("wh_1:2", { "data.a": 2 });
    expect(b).not.toBe(a);
    expect(b(envelope({ a: 2 }))).toBe(true);
  });
});

describe("filters.match in routing", () => {
  const event = (data: Record<string, unknown>): RoutableEvent => ({
    type: "call.ended",
    campaign_id: null,
    case_type: null,
    data,
    id: "evt_1",
    occurred_at: Date.parse("2025-06-10T14:09:03Z"),
  });
  const hook = (match: Record<string, unknown>) => ({
    enabled: true,
    events: [],
    campaign_id: null,
    filters: { match },
  });

  it("routes only events the query admits, with or without a precompiled matcher", () => {
    const match = { "data.lead_score": { $in: ["hot", "warm"] }, "data.duration": { $gte: 60 } };
    expect(webhookMatchesEvent(hook(match), event({ lead_score: "hot", duration: 90 }))).toBe(true);
    expect(webhookMatchesEvent(hook(match), event({ lead_score: "cold", duration: 90 }))).toBe(false);
    const precompiled = { ...hook(match), matcher: compileMatch(match) };
    expect(webhookMatchesEvent(precompiled, event({ lead_score: "warm", duration: 60 }))).toBe(true);
    expect(webhookMatchesEvent(hook({ timestamp: { $gte: "2025-06-10" } }), event({}))).toBe(true);
    expect(webhookMatchesEvent(hook({ id: "evt_2" }), event({}))).toBe(false);
  });

  it("combines with the other filters (all must admit the event)", () => {
    const h = {
      ...hook({ "data.duration": { $gte: 60 } }),
      filters: { directions: ["outbound" as const], match: { "data.duration": { $gte: 60 } } },
    };
    expect(webhookMatchesEvent(h, event({ direction: "outbound", duration: 61 }))).toBe(true);
    expect(webhookMatchesEvent(h, event({ direction: "inbound", duration: 61 }))).toBe(false);
  });
});
