import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileMatch, type MatchEnvelope, validateMatchQuery } from "../../src/domain/filters.js";

const envelope = (text: string): MatchEnvelope => ({
  event: "call.ended",
  campaign_id: null,
  case_type: null,
  data: { text },
});

/** Patterns that take exponential time on a backtracking engine. */
const PATHOLOGICAL = ["(a|a)+$", "(a|aa)+$", "(?:b|b)*c", "(a+)+$", "(a*)*b", "(.*a){20}", "^(\\w+\\s?)*$"];

describe("$regex runs in linear time (RE2)", () => {
  it.each(PATHOLOGICAL)("%s against a long hostile input finishes fast", (pattern) => {
    const match = compileMatch({ "data.text": { $regex: pattern } });
    const input = `${"a".repeat(50_000)}!`;
    const started = performance.now();
    match(envelope(input));
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("any nesting of alternations and quantifiers over any input stays fast", () => {
    const atom = fc.constantFrom("a", "aa", "b", ".", "\\w", "[ab]");
    const pattern: fc.Arbitrary<string> = fc.letrec<{ re: string }>((tie) => ({
      re: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        atom,
        fc.tuple(tie("re"), tie("re")).map(([x, y]) => `(${x}|${y})`),
        fc.tuple(tie("re"), fc.constantFrom("+", "*", "?", "{2,5}")).map(([x, q]) => `(?:${x})${q}`),
        fc.tuple(tie("re"), tie("re")).map(([x, y]) => `${x}${y}`),
      ),
    })).re;
    fc.assert(
      fc.property(pattern, fc.constantFrom("a", "ab", "b"), (re, unit) => {
        const query = { "data.text": { $regex: `${re}$` } };
        if (validateMatchQuery(query) !== null) return; // over the length limit
        const match = compileMatch(query);
        const started = performance.now();
        match(envelope(`${unit.repeat(5_000)}!`));
        expect(performance.now() - started).toBeLessThan(100);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ["(a)\\1", "backreference"],
    ["a(?=b)", "lookahead"],
    ["a(?!b)", "negative lookahead"],
    ["(?<=a)b", "lookbehind"],
    ["(", "unbalanced"],
  ])("refuses %s (%s) when saved", (pattern) => {
    expect(validateMatchQuery({ "data.x": { $regex: pattern } })?.message).toContain(
      "not a valid RE2 regular expression",
    );
  });

  it("keeps flags and ordinary patterns working", () => {
    const rear = compileMatch({ "data.text": { $regex: "^rear", $options: "i" } });
    expect(rear(envelope("Rear-ended"))).toBe(true);
    expect(rear(envelope("front"))).toBe(false);
    const multi = compileMatch({ "data.text": { $regex: "^b$", $options: "m" } });
    expect(multi(envelope("a\nb\nc"))).toBe(true);
    const dot = compileMatch({ "data.text": { $regex: "a.b", $options: "s" } });
    expect(dot(envelope("a\nb"))).toBe(true);
    const nonString = compileMatch({ "data.text": { $regex: "1" } });
    expect(nonString({ ...envelope(""), data: { text: 1 } })).toBe(false);
  });
});
