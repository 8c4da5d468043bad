/** The dashboard's pure records helpers: custom field values, list edits, vocabulary, payloads. */
import { describe, expect, it } from "vitest";
import { statusesFor, statusLabel, substatusLabel } from "../../web/src/features/cases/vocabulary.js";
import { displayValue, toFormValues, toStoredValues } from "../../web/src/features/records/custom-values.js";
import { withoutUnchangedNulls } from "../../web/src/features/records/payload.js";
import { duplicateKey, keyOf, move, removeAt } from "../../web/src/features/settings/ordered.js";

describe("custom field values", () => {
  const fields = [
    { key: "amount", label: "Amount", type: "number" as const, required: true },
    { key: "injured", label: "Injured", type: "boolean" as const, required: false },
    { key: "plan", label: "Plan", type: "select" as const, options: ["a", "b"], required: false },
  ];

  it("reads stored values as form values, filling defined fields and keeping undefined keys as text", () => {
    expect(toFormValues({ amount: 12.5, extra: { x: 1 }, injured: "true" }, fields)).toEqual({
      amount: "12.5",
      extra: '{"x":1}',
      injured: true,
      plan: "",
    });
  });

  it("sends numbers as numbers, leaves empty values out and flags required, non-numbers and unknown choices", () => {
    const ok = toStoredValues({ amount: " 42 ", injured: false, plan: "", note: "x" }, fields, {});
    expect(ok).toEqual({ custom_fields: { amount: 42, note: "x" }, errors: {} });
    const bad = toStoredValues({ amount: "", plan: "c" }, fields, {});
    expect(bad.errors).toEqual({ amount: "Amount is required.", plan: "Pick one of: a, b." });
    expect(toStoredValues({ amount: "12abc" }, fields, {}).errors.amount).toBe("Enter a number.");
  });

  it("keeps an unchecked box that was stored, and the type of an undefined numeric key", () => {
    expect(
      toStoredValues({ injured: false, count: "3" }, [], { injured: true, count: 2 }).custom_fields,
    ).toEqual({
      injured: false,
      count: 3,
    });
  });

  it("displays booleans as Yes / No and empties as a dash", () => {
    expect(displayValue(true, undefined)).toBe("Yes");
    expect(displayValue("false", fields[1])).toBe("No");
    expect(displayValue(null, undefined)).toBe("—");
    expect(displayValue(7, undefined)).toBe("7");
  });
});

describe("ordered list edits", () => {
  it("moves within bounds and leaves the list as it is past an end", () => {
    expect(move(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(move(["a", "b"], 0, -1)).toEqual(["a", "b"]);
    expect(move(["a", "b"], 1, 1)).toEqual(["a", "b"]);
    expect(removeAt(["a", "b", "c"], 1)).toEqual(["a", "c"]);
  });

  it("derives keys from labels and finds keys used twice", () => {
    expect(keyOf("  Slip & Fall — Premises ")).toBe("slip_fall_premises");
    expect(keyOf("Café")).toBe("cafe");
    expect(duplicateKey([{ key: "a" }, { key: "b" }, { key: "a" }])).toBe("a");
    expect(duplicateKey([{ key: "a" }])).toBeNull();
  });
});

describe("case-type vocabulary", () => {
  const types = [
    {
      key: "auto",
      label: "Auto",
      statuses: [{ key: "signed", label: "Signed", substatuses: [{ key: "sent", label: "Retainer sent" }] }],
    },
    {
      key: "slip",
      label: "Slip",
      statuses: [
        { key: "signed", label: "Signed up", substatuses: [] },
        { key: "lost", label: "Lost", substatuses: [] },
      ],
    },
  ];

  it("offers a type's own statuses, or every status once when the type is unknown", () => {
    expect(statusesFor(types, "auto").map((s) => s.key)).toEqual(["signed"]);
    expect(statusesFor(types, null).map((s) => s.key)).toEqual(["signed", "lost"]);
    expect(statusesFor(types, "other").map((s) => s.label)).toEqual(["Signed", "Lost"]);
  });

  it("labels keys, falling back to the key itself", () => {
    expect(statusLabel(types, "slip", "signed")).toBe("Signed up");
    expect(statusLabel(types, "auto", "gone")).toBe("gone");
    expect(substatusLabel(types, "auto", "signed", "sent")).toBe("Retainer sent");
    expect(substatusLabel(types, "auto", "signed", null)).toBe("");
  });
});

describe("payload", () => {
  it("drops nulls that change nothing and keeps nulls that clear a value", () => {
    const body = { a: null, b: null, c: "x" };
    expect(withoutUnchangedNulls(body, null)).toEqual({ c: "x" });
    expect(withoutUnchangedNulls(body, { a: "old", b: null })).toEqual({ a: null, c: "x" });
  });
});
