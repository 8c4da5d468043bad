import { describe, expect, it } from "vitest";
import { intakeRequestOf, nameOf } from "../../src/domain/records/intake.js";

const inbound = {
  call_id: "call_1",
  direction: "inbound",
  from_number: "(312) 555-0187",
  campaign_id: "cmp_1",
  case_type: "auto_accident",
  summary: "Rear-ended.",
  customer: { name: "Maria de la Cruz", email: " Maria@Example.com " },
};

describe("which calls open a lead", () => {
  it("reads an inbound call.ended into a request with the number in E.164", () => {
    expect(intakeRequestOf("call.ended", inbound, "US")).toEqual({
      call_id: "call_1",
      phone: "+13125550187",
      first_name: "Maria de la",
      last_name: "Cruz",
      email: "maria@example.com",
      campaign_id: "cmp_1",
      case_type: "auto_accident",
      summary: "Rear-ended.",
    });
  });

  it("reads a national number in the tenant's region and falls back to the customer's phone", () => {
    const { from_number, ...rest } = inbound;
    expect(
      intakeRequestOf("call.ended", { ...rest, customer: { phone: "020 7946 0958" } }, "GB")?.phone,
    ).toBe("+442079460958");
  });

  it.each([
    ["another event type", "call.started", inbound],
    ["an outbound call", "call.ended", { ...inbound, direction: "outbound" }],
    ["a call without a direction", "call.ended", { ...inbound, direction: undefined }],
    ["an anonymous caller", "call.ended", { ...inbound, from_number: "anonymous" }],
    ["a call without an id", "call.ended", { ...inbound, call_id: "  " }],
  ])("opens nothing for %s", (_what, type, data) => {
    expect(intakeRequestOf(type, data, "US")).toBeNull();
  });

  it("keeps a spoken email that is not an address out of the lead", () => {
    expect(
      intakeRequestOf("call.ended", { ...inbound, customer: { email: "maria at gmail" } }, "US")?.email,
    ).toBeNull();
  });
});

describe("a caller's name", () => {
  it.each([
    [{ first_name: "Ana", last_name: "Ruiz", name: "Ignored Name" }, ["Ana", "Ruiz"]],
    [{ last_name: "Ruiz" }, [null, "Ruiz"]],
    [{ name: "Cher" }, ["Cher", null]],
    [{ name: "  Maria   Delgado " }, ["Maria", "Delgado"]],
    [{}, [null, null]],
    [{ name: 42 }, [null, null]],
  ])("%j → %j", (customer, expected) => {
    expect(nameOf(customer)).toEqual(expected);
  });
});
