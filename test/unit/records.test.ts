import { describe, expect, it } from "vitest";
import { validateEventData } from "../../src/domain/catalog/index.js";
import { DomainError } from "../../src/domain/errors.js";
import { applyCaseInput, emptyCase } from "../../src/domain/records/case.js";
import { changesBetween, sameValue } from "../../src/domain/records/changes.js";
import { applyClientInput, EMPTY_CLIENT, normaliseEmail } from "../../src/domain/records/client.js";
import { isCalendarDate } from "../../src/domain/records/dates.js";
import { caseEvents, clientEvents } from "../../src/domain/records/events.js";
import { phoneRegion, toE164 } from "../../src/domain/records/phone.js";

function pathOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.details?.path;
    throw error;
  }
  return undefined;
}

describe("phone numbers", () => {
  it.each([
    "(312) 555-0187",
    "312.555.0187",
    "312-555-0187",
    "+1 312 555 0187",
    "1 (312) 555-0187",
    " +13125550187 ",
    "001 312 555 0187",
  ])("reads %s as +13125550187", (input) => {
    expect(toE164(input, "US")).toBe("+13125550187");
  });

  it("reads a national number in the given region and an international one anywhere", () => {
    expect(toE164("020 7946 0958", "GB")).toBe("+442079460958");
    expect(toE164("0044 20 7946 0958", "US")).toBe("+442079460958");
  });

  it.each(["", "12", "555-0187", "not a number", "+1 000 000 0000"])("rejects %j", (input) => {
    expect(toE164(input, "US")).toBeNull();
  });

  it("defaults the region to the US when the country is unknown", () => {
    expect(phoneRegion(undefined)).toBe("US");
    expect(phoneRegion("zz")).toBe("US");
    expect(phoneRegion("ca")).toBe("CA");
  });
});

describe("dates and emails", () => {
  it("accepts only real YYYY-MM-DD dates", () => {
    expect(isCalendarDate("1984-02-29")).toBe(true);
    expect(isCalendarDate("1985-02-29")).toBe(false);
    expect(isCalendarDate("2025-13-01")).toBe(false);
    expect(isCalendarDate("2025-1-01")).toBe(false);
    expect(isCalendarDate("2025-01-01T00:00:00Z")).toBe(false);
  });

  it("lower-cases and trims emails and rejects non-addresses", () => {
    expect(normaliseEmail("  Maria.Delgado@Example.COM ")).toBe("maria.delgado@example.com");
    expect(normaliseEmail("maria@localhost")).toBeNull();
    expect(normaliseEmail("two words@example.com")).toBeNull();
  });
});

describe("applying a client body", () => {
  it("normalises phones and emails, drops duplicates and defaults the phone type", () => {
    const client = applyClientInput(
      EMPTY_CLIENT,
      {
        first_name: "  Maria ",
        phones: [
          { number: "(312) 555-0187", type: "mobile" },
          { number: "+1 312 555 0187" },
          { number: "773-555-0101" },
        ],
        emails: ["Maria@Example.com", "maria@example.com"],
      },
      "US",
    );
    expect(client.first_name).toBe("Maria");
    expect(client.phones).toEqual([
      { number: "+13125550187", type: "mobile" },
      { number: "+17735550101", type: "other" },
    ]);
    expect(client.emails).toEqual(["maria@example.com"]);
  });

  it("names the JSON path of a bad phone, email or date", () => {
    expect(
      pathOf(() =>
        applyClientInput(EMPTY_CLIENT, { phones: [{ number: "+13125550187" }, { number: "12" }] }, "US"),
      ),
    ).toBe("/body/phones/1/number");
    expect(pathOf(() => applyClientInput(EMPTY_CLIENT, { emails: ["nope"] }, "US"))).toBe("/body/emails/0");
    expect(pathOf(() => applyClientInput(EMPTY_CLIENT, { date_of_birth: "1985-02-29" }, "US"))).toBe(
      "/body/date_of_birth",
    );
  });

  it("leaves fields the patch does not name and clears those set to null or blank", () => {
    const before = applyClientInput(EMPTY_CLIENT, { first_name: "Maria", last_name: "Delgado" }, "US");
    const after = applyClientInput(before, { last_name: null, preferred_language: " " }, "US");
    expect(after).toMatchObject({ first_name: "Maria", last_name: null, preferred_language: null });
  });
});

describe("applying a case body", () => {
  it("starts as new_lead and checks the incident date", () => {
    expect(applyCaseInput(emptyCase("cli_1"), {}).status).toBe("new_lead");
    expect(pathOf(() => applyCaseInput(emptyCase("cli_1"), { incident_date: "2025-02-30" }))).toBe(
      "/body/incident_date",
    );
    expect(pathOf(() => applyCaseInput(emptyCase("cli_1"), { status: "  " }))).toBe("/body/status");
  });
});

describe("change sets", () => {
  it("lists each changed field with old and new, null for unset", () => {
    const before = { ...EMPTY_CLIENT, first_name: "Maria" };
    const after = { ...EMPTY_CLIENT, first_name: "María", preferred_language: "es" };
    expect(changesBetween(before, after, ["first_name", "last_name", "preferred_language"])).toEqual({
      first_name: { old: "Maria", new: "María" },
      preferred_language: { old: null, new: "es" },
    });
  });

  it("compares lists in order and objects whatever their key order", () => {
    expect(sameValue({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue([], {})).toBe(false);
  });
});

describe("record events", () => {
  const maria = applyClientInput(
    EMPTY_CLIENT,
    {
      first_name: "Maria",
      last_name: "Delgado",
      phones: [{ number: "312 555 0187" }],
      emails: ["maria@example.com"],
    },
    "US",
  );
  const change = { id: "cli_1", version: 2, at: Date.UTC(2025, 5, 10), changeSource: "api" };

  it("emits client.created with the record, valid against the catalog", () => {
    const [event, ...rest] = clientEvents({ ...change, before: null, after: maria, version: 1 });
    expect(rest).toEqual([]);
    expect(event?.type).toBe("client.created");
    expect(event?.data).toMatchObject({
      client_id: "cli_1",
      name: "Maria Delgado",
      phone: "+13125550187",
      email: "maria@example.com",
      change_source: "api",
      version: 1,
    });
    expect(validateEventData("client.created", event?.data ?? {})).toEqual([]);
  });

  it("emits client.updated with changes, and client.opt_out_changed when opt_out flips", () => {
    // A stored record carries its tenant and times: they stay out of the event.
    const after = { ...maria, opt_out: true, preferred_language: "es", tenant_id: "ten_1", created_at: 1 };
    const events = clientEvents({ ...change, before: maria, after });
    expect(events.map((e) => e.type)).toEqual(["client.updated", "client.opt_out_changed"]);
    expect(events[0]?.data.changes).toEqual({
      preferred_language: { old: null, new: "es" },
      opt_out: { old: false, new: true },
    });
    expect(events[0]?.data).not.toHaveProperty("tenant_id");
    expect(events[0]?.data).not.toHaveProperty("created_at");
    expect(events[1]?.data).toMatchObject({ client_id: "cli_1", opted_out: true, phone: "+13125550187" });
    for (const e of events) expect(validateEventData(e.type, e.data)).toEqual([]);
  });

  it("emits nothing for a write that changes nothing, and client.deleted for a delete", () => {
    expect(clientEvents({ ...change, before: maria, after: { ...maria } })).toEqual([]);
    const [deleted] = clientEvents({ ...change, before: maria, after: null });
    expect(deleted?.type).toBe("client.deleted");
    expect(validateEventData("client.deleted", deleted?.data ?? {})).toEqual([]);
  });

  it("emits case.updated and case.status_changed when the status or substatus moves", () => {
    const before = applyCaseInput(emptyCase("cli_1"), { case_type: "auto_accident" });
    const after = applyCaseInput(before, { status: "signed", substatus: "retainer_sent", title: "Delgado" });
    const events = caseEvents({ ...change, id: "cas_1", before, after });
    expect(events.map((e) => e.type)).toEqual(["case.updated", "case.status_changed"]);
    expect(events[1]?.data).toMatchObject({
      old_status: "new_lead",
      new_status: "signed",
      new_substatus: "retainer_sent",
      changes: { status: { old: "new_lead", new: "signed" }, substatus: { old: null, new: "retainer_sent" } },
    });
    for (const e of events) expect(validateEventData(e.type, e.data)).toEqual([]);
    const onlyTitle = caseEvents({
      ...change,
      id: "cas_1",
      before: after,
      after: { ...after, title: "Delgado v. X" },
    });
    expect(onlyTitle.map((e) => e.type)).toEqual(["case.updated"]);
  });

  it("emits case.created and case.deleted valid against the catalog", () => {
    const record = emptyCase("cli_1");
    for (const e of [
      ...caseEvents({ ...change, id: "cas_1", before: null, after: record }),
      ...caseEvents({ ...change, id: "cas_1", before: record, after: null }),
    ]) {
      expect(validateEventData(e.type, e.data)).toEqual([]);
    }
  });
});
