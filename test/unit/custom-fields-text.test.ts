import { describe, expect, it } from "vitest";
import { type CustomFieldDefinition, customFieldsFromText } from "../../src/domain/records/custom-fields.js";

const defs: CustomFieldDefinition[] = [
  { key: "score", label: "Score", type: "number", required: false },
  { key: "vip", label: "VIP", type: "boolean", required: false },
  { key: "note", label: "Note", type: "text", required: false },
];

describe("customFieldsFromText", () => {
  it.each([
    ["7", 7],
    [" -2.5 ", -2.5],
    ["0", 0],
  ])("reads the number %j", (text, value) => {
    expect(customFieldsFromText(defs, { score: text }).score).toBe(value);
  });

  it.each(["1e3", "0x10", "7 apples", "", "Infinity", "1.", ".5"])(
    "leaves %j as text for the check to refuse",
    (text) => {
      expect(customFieldsFromText(defs, { score: text }).score).toBe(text);
    },
  );

  it.each([
    ["true", true],
    ["YES", true],
    ["1", true],
    ["False", false],
    ["no", false],
    ["0", false],
  ])("reads the boolean %j", (text, value) => {
    expect(customFieldsFromText(defs, { vip: text }).vip).toBe(value);
  });

  it("leaves typed values, text fields and keys without a definition as they are", () => {
    const values = { score: 3, vip: "maybe", note: "42", other: "true" };
    expect(customFieldsFromText(defs, values)).toEqual(values);
    expect(customFieldsFromText([], { score: "7" })).toEqual({ score: "7" });
  });
});
