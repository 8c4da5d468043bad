import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.js";
import { emptyCase } from "../../src/domain/records/case.js";
import {
  applyCustomFields,
  type CustomFieldDefinition,
  validateDefinitions,
} from "../../src/domain/records/custom-fields.js";
import {
  applyCaseVocabulary,
  applyRecordsSettings,
  type CaseTypeDefinition,
  DEFAULT_TENANT_SETTINGS,
  firstCaseState,
  readTenantSettings,
  strandedCases,
  validateCaseTypes,
} from "../../src/domain/records/vocabulary.js";

function failure(fn: () => unknown): { path: unknown; details: Record<string, unknown> | undefined } {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return { path: error.details?.path, details: error.details };
    throw error;
  }
  throw new Error("expected a validation error");
}

const AUTO: CaseTypeDefinition = {
  key: "auto_accident",
  label: "Auto accident",
  statuses: [
    { key: "new_lead", label: "New lead", substatuses: [] },
    {
      key: "signed",
      label: "Signed",
      substatuses: [
        { key: "awaiting_records", label: "Awaiting records" },
        { key: "treating", label: "Treating" },
      ],
    },
  ],
};
const DOG: CaseTypeDefinition = {
  key: "dog_bite",
  label: "Dog bite",
  statuses: [{ key: "intake", label: "Intake", substatuses: [] }],
};
const TYPES = [AUTO, DOG];

describe("case vocabulary", () => {
  const create = (input: Record<string, unknown>) =>
    applyCaseVocabulary(TYPES, { ...emptyCase("cli_1"), ...input }, { creating: true, input }, "/body");

  it("enforces nothing when the tenant has no case types", () => {
    const fields = { ...emptyCase("cli_1"), case_type: "anything", status: "whatever", substatus: "x" };
    expect(applyCaseVocabulary([], fields, { creating: true, input: {} }, "/body")).toEqual(fields);
  });

  it("gives a new case its type's first status when none is sent", () => {
    expect(create({ case_type: "dog_bite" }).status).toBe("intake");
    expect(create({ case_type: "auto_accident" }).status).toBe("new_lead");
  });

  it("keeps a status and substatus that belong to the type", () => {
    const fields = create({ case_type: "auto_accident", status: "signed", substatus: "treating" });
    expect(fields).toMatchObject({ status: "signed", substatus: "treating" });
  });

  it("refuses a missing or unknown case type, naming the valid ones", () => {
    expect(failure(() => create({}))).toMatchObject({
      path: "/body/case_type",
      details: { valid: ["auto_accident", "dog_bite"] },
    });
    expect(failure(() => create({ case_type: "slip" }))).toMatchObject({
      path: "/body/case_type",
      details: { valid: ["auto_accident", "dog_bite"] },
    });
  });

  it("refuses a status of another type, naming this type's statuses", () => {
    expect(failure(() => create({ case_type: "dog_bite", status: "signed" }))).toMatchObject({
      path: "/body/status",
      details: { case_type: "dog_bite", valid: ["intake"] },
    });
  });

  it("refuses a substatus of another status, and any substatus where there are none", () => {
    expect(
      failure(() => create({ case_type: "auto_accident", status: "signed", substatus: "nope" })),
    ).toMatchObject({ path: "/body/substatus", details: { valid: ["awaiting_records", "treating"] } });
    expect(
      failure(() => create({ case_type: "auto_accident", status: "new_lead", substatus: "treating" })),
    ).toMatchObject({ path: "/body/substatus", details: { valid: [] } });
  });

  it("leaves a patch that names none of type, status, substatus unchecked (older cases stay editable)", () => {
    const legacy = { ...emptyCase("cli_1"), case_type: null, status: "legacy" };
    expect(applyCaseVocabulary(TYPES, legacy, { creating: false, input: { title: "x" } }, "/body")).toBe(
      legacy,
    );
  });

  it("checks a patch that changes the type against the new type's statuses", () => {
    const current = { ...emptyCase("cli_1"), case_type: "auto_accident", status: "signed" };
    const next = { ...current, case_type: "dog_bite" };
    expect(
      failure(() =>
        applyCaseVocabulary(TYPES, next, { creating: false, input: { case_type: "dog_bite" } }, "/body"),
      ),
    ).toMatchObject({ path: "/body/status", details: { valid: ["intake"] } });
  });

  it("finds keys listed twice at every level", () => {
    expect(failure(() => validateCaseTypes([AUTO, AUTO], "/body/case_types")).path).toBe(
      "/body/case_types/1/key",
    );
    const twiceStatus = { ...DOG, statuses: [DOG.statuses[0], DOG.statuses[0]] } as CaseTypeDefinition;
    expect(failure(() => validateCaseTypes([twiceStatus], "/p")).path).toBe("/p/0/statuses/1/key");
    const sub = { key: "a", label: "A" };
    const twiceSub = { ...DOG, statuses: [{ key: "s", label: "S", substatuses: [sub, sub] }] };
    expect(failure(() => validateCaseTypes([twiceSub], "/p")).path).toBe("/p/0/statuses/0/substatuses/1/key");
    expect(() => validateCaseTypes(TYPES, "/p")).not.toThrow();
  });

  it("starts intake cases in the first type's first status, or the default without types", () => {
    expect(firstCaseState(TYPES, "new_lead")).toEqual({ case_type: "auto_accident", status: "new_lead" });
    expect(firstCaseState([DOG], "new_lead")).toEqual({ case_type: "dog_bite", status: "intake" });
    expect(firstCaseState([], "new_lead")).toEqual({ case_type: null, status: "new_lead" });
  });
});

describe("stranded cases", () => {
  const usage = [
    { case_type: "auto_accident", status: "signed", count: 3 },
    { case_type: "auto_accident", status: "new_lead", count: 2 },
    { case_type: "dog_bite", status: "intake", count: 1 },
    { case_type: null, status: "new_lead", count: 9 },
    { case_type: "other", status: "x", count: 4 },
  ];

  it("counts cases on a removed status or a removed type", () => {
    const withoutSigned = { ...AUTO, statuses: [AUTO.statuses[0]] } as CaseTypeDefinition;
    expect(strandedCases(TYPES, [withoutSigned], usage)).toEqual([
      { case_type: "auto_accident", status: "signed", cases: 3 },
      { case_type: "dog_bite", status: "intake", cases: 1 },
    ]);
  });

  it("strands nothing when only labels change or statuses are added", () => {
    const renamed = TYPES.map((t) => ({ ...t, label: `${t.label}!` }));
    expect(strandedCases(TYPES, renamed, usage)).toEqual([]);
    const added = [...TYPES, { key: "slip", label: "Slip", statuses: DOG.statuses }];
    expect(strandedCases(TYPES, added, usage)).toEqual([]);
  });

  it("strands nothing when the first vocabulary is set (nothing was enforced before)", () => {
    expect(strandedCases([], [DOG], usage)).toEqual([]);
  });

  it("ignores removed pairs no case uses", () => {
    expect(
      strandedCases(
        TYPES,
        [AUTO],
        usage.filter((u) => u.case_type !== "dog_bite"),
      ),
    ).toEqual([]);
  });
});

describe("custom field definitions", () => {
  const def = (over: Partial<CustomFieldDefinition>): CustomFieldDefinition => ({
    key: "field",
    label: "Field",
    type: "text",
    required: false,
    ...over,
  });

  it("accepts distinct keys and selects with options", () => {
    expect(() =>
      validateDefinitions([def({ key: "a" }), def({ key: "b", type: "select", options: ["x", "y"] })], "/p"),
    ).not.toThrow();
  });

  it("refuses a key defined twice, a select without options, repeated options, options on a non-select", () => {
    expect(failure(() => validateDefinitions([def({}), def({})], "/p")).path).toBe("/p/1/key");
    expect(failure(() => validateDefinitions([def({ type: "select" })], "/p")).path).toBe("/p/0/options");
    expect(failure(() => validateDefinitions([def({ type: "select", options: [] })], "/p")).path).toBe(
      "/p/0/options",
    );
    expect(
      failure(() => validateDefinitions([def({ type: "select", options: ["a", "a"] })], "/p")).path,
    ).toBe("/p/0/options/1");
    expect(failure(() => validateDefinitions([def({ type: "number", options: ["1"] })], "/p")).path).toBe(
      "/p/0/options",
    );
  });
});

describe("custom field values", () => {
  const defs: CustomFieldDefinition[] = [
    { key: "referral", label: "Referral", type: "text", required: true },
    { key: "settlement", label: "Settlement", type: "number", required: false },
    { key: "accident_on", label: "Accident date", type: "date", required: false },
    { key: "has_attorney", label: "Has attorney", type: "boolean", required: false },
    { key: "venue", label: "Venue", type: "select", options: ["cook", "dupage"], required: false },
    { key: "spouse_phone", label: "Spouse phone", type: "phone", required: false },
    { key: "adjuster_email", label: "Adjuster", type: "email", required: false },
  ];
  const apply = (values: Record<string, unknown>, enforceRequired = true, region: "US" | "GB" = "US") =>
    applyCustomFields(defs, values, { region, enforceRequired }, "/body/custom_fields");

  it("accepts any object when nothing is defined", () => {
    const values = { anything: [1, { x: 2 }] };
    expect(applyCustomFields([], values, { region: "US", enforceRequired: true }, "/p")).toBe(values);
  });

  it("normalises every type: trimmed text, E.164 phones in the tenant's region, lower-cased emails", () => {
    expect(
      apply({
        referral: "  radio ",
        settlement: 12500.5,
        accident_on: "2025-06-03",
        has_attorney: false,
        venue: "cook",
        spouse_phone: "(312) 555-0187",
        adjuster_email: " Adjuster@Example.COM ",
      }),
    ).toEqual({
      referral: "radio",
      settlement: 12500.5,
      accident_on: "2025-06-03",
      has_attorney: false,
      venue: "cook",
      spouse_phone: "+13125550187",
      adjuster_email: "adjuster@example.com",
    });
    expect(apply({ referral: "tv", spouse_phone: "020 7946 0958" }, true, "GB").spouse_phone).toBe(
      "+442079460958",
    );
  });

  it.each([
    ["settlement", "12"],
    ["settlement", Number.NaN],
    ["accident_on", "2025-02-30"],
    ["accident_on", "06/03/2025"],
    ["has_attorney", "false"],
    ["venue", "kane"],
    ["venue", 1],
    ["spouse_phone", "555"],
    ["adjuster_email", "not-an-email"],
    ["referral", 42],
  ])("refuses %s = %j at its path", (key, value) => {
    expect(failure(() => apply({ referral: "x", [key]: value })).path).toBe(`/body/custom_fields/${key}`);
  });

  it("refuses unknown keys, naming the defined ones", () => {
    expect(failure(() => apply({ referral: "x", color: "red" }))).toMatchObject({
      path: "/body/custom_fields/color",
      details: { valid: defs.map((d) => d.key) },
    });
  });

  it("requires required fields; blank text and null count as missing", () => {
    expect(failure(() => apply({})).path).toBe("/body/custom_fields/referral");
    expect(failure(() => apply({ referral: "   " })).path).toBe("/body/custom_fields/referral");
    expect(failure(() => apply({ referral: null })).path).toBe("/body/custom_fields/referral");
  });

  it("drops null optional values and lets records made without a person skip required fields", () => {
    expect(apply({ referral: "x", venue: null })).toEqual({ referral: "x" });
    expect(apply({}, false)).toEqual({});
  });
});

describe("records settings", () => {
  it("reads a missing or partial document as the defaults", () => {
    expect(readTenantSettings(null)).toEqual(DEFAULT_TENANT_SETTINGS);
    expect(readTenantSettings({ records: { intake_from_calls: true } })).toEqual({
      ...DEFAULT_TENANT_SETTINGS,
      records: { intake_from_calls: true, default_region: "US" },
    });
    expect(readTenantSettings({ records: { default_region: "ZZ" } }).records.default_region).toBe("US");
  });

  it("patches one field at a time and refuses a region libphonenumber does not know", () => {
    const current = DEFAULT_TENANT_SETTINGS.records;
    expect(applyRecordsSettings(current, { default_region: "GB" }, "/body")).toEqual({
      intake_from_calls: false,
      default_region: "GB",
    });
    expect(applyRecordsSettings(current, { intake_from_calls: true }, "/body").default_region).toBe("US");
    expect(failure(() => applyRecordsSettings(current, { default_region: "ZZ" }, "/body")).path).toBe(
      "/body/default_region",
    );
  });
});
