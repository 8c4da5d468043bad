import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findInputProblem, MAX_INPUT_DEPTH, textProblem } from "../../src/domain/json-input.js";

/** `levels` containers, alternating arrays and objects, around a string. */
function nested(levels: number, leaf: unknown = "x"): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
}

describe("input rules: depth", () => {
  it("accepts any value up to the depth limit and refuses any deeper one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_INPUT_DEPTH * 3 }), (levels) => {
        const problem = findInputProblem(nested(levels));
        if (levels <= MAX_INPUT_DEPTH) expect(problem).toBeNull();
        else expect(problem?.message).toContain(`deeper than ${MAX_INPUT_DEPTH}`);
      }),
    );
  });

  it("names the path of the first container past the limit", () => {
    const problem = findInputProblem({ data: nested(MAX_INPUT_DEPTH) });
    expect(problem?.path).toMatch(/^\/data(\/(0|k))+$/);
    expect(problem?.path.split("/").length).toBe(MAX_INPUT_DEPTH + 1);
  });

  it("handles 100 000 levels without running out of stack", () => {
    expect(findInputProblem(nested(100_000))?.message).toContain("deeper than");
  });

  it("accepts arbitrary JSON of modest depth", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        const problem = findInputProblem(value);
        if (problem) expect(problem.message).toContain("__proto__");
      }),
    );
  });
});

describe("input rules: keys", () => {
  it("refuses __proto__ anywhere", () => {
    expect(findInputProblem(JSON.parse('{"a":[{"__proto__":{}}]}'))?.path).toBe("/a/0/__proto__");
  });
});

describe("input rules: text", () => {
  const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

  it("refuses a NUL or a lone surrogate anywhere in a string, and nothing else", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), lone, (a, b, half) => {
        expect(textProblem(`${a}${b}`)).toBeNull();
        expect(textProblem(`${a}\u0000${b}`)).toContain("NUL");
        expect(textProblem(`${a}${half}${b}`)).toContain("surrogate");
      }),
    );
  });

  it("accepts well-formed pairs (emoji, astral scripts)", () => {
    expect(textProblem("😀 𝄞 𠀀")).toBeNull();
    expect(textProblem("\ud83d\ude00")).toBeNull();
    expect(textProblem("\ude00\ud83d")).toContain("surrogate");
  });

  it("finds bad text in nested values and keys, with its path", () => {
    expect(findInputProblem({ a: [{ b: "x\udfffy" }] })?.path).toBe("/a/0/b");
    expect(findInputProblem({ a: { "k\u0000": 1 } })?.path).toBe("/a/k\u0000");
    expect(findInputProblem({ "a/b": ["\ud800"] })?.path).toBe("/a~1b/0");
  });
});
