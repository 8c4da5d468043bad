import { describe, expect, it } from "vitest";
import { validateEventData } from "../../src/domain/catalog/index.js";
import { type ClientFields, EMPTY_CLIENT } from "../../src/domain/records/client.js";
import { eventLinks, isOwnChange } from "../../src/domain/records/event-links.js";
import { clientMergedEvent, duplicateMatch, mergeClients } from "../../src/domain/records/merge.js";

const client = (fields: Partial<ClientFields>): ClientFields => ({ ...EMPTY_CLIENT, ...fields });
const phone = (number: string, type: "mobile" | "home" | "work" | "other" = "other") => ({ number, type });

function merged(target: Partial<ClientFields>, ...sources: Array<[string, number, Partial<ClientFields>]>) {
  const decision = mergeClients(
    { id: "cli_target", fields: client(target) },
    sources.map(([id, updated_at, fields]) => ({ id, updated_at, fields: client(fields) })),
  );
  if (!decision.ok) throw new Error(`unexpected conflict ${JSON.stringify(decision.conflicts)}`);
  return decision.fields;
}

describe("merging clients", () => {
  it("keeps the target's primary phone and email first and adds the sources' others once", () => {
    const fields = merged({ phones: [phone("+13125550187", "mobile")], emails: ["maria@example.com"] }, [
      "cli_a",
      1,
      { phones: [phone("+13125550199"), phone("+13125550187", "home")], emails: ["m@work.com"] },
    ]);
    expect(fields.phones).toEqual([phone("+13125550187", "mobile"), phone("+13125550199")]);
    expect(fields.emails).toEqual(["maria@example.com", "m@work.com"]);
  });

  it("puts the newest source's contacts before older ones", () => {
    const fields = merged(
      {},
      ["cli_old", 100, { phones: [phone("+13125550101")] }],
      ["cli_new", 200, { phones: [phone("+13125550102")] }],
    );
    expect(fields.phones.map((p) => p.number)).toEqual(["+13125550102", "+13125550101"]);
  });

  it("keeps the target's values and fills its nulls from the newest source that has one", () => {
    const fields = merged(
      { first_name: "Maria", last_name: null, date_of_birth: null },
      ["cli_old", 100, { first_name: "Mary", last_name: "Old", date_of_birth: "1988-04-12" }],
      ["cli_new", 200, { first_name: "M", last_name: "Delgado", preferred_language: "es" }],
    );
    expect(fields).toMatchObject({
      first_name: "Maria",
      last_name: "Delgado",
      date_of_birth: "1988-04-12",
      preferred_language: "es",
      source: null,
    });
  });

  it("breaks equal update times by id: the later-created source counts as newer", () => {
    const fields = merged({}, ["cli_1", 5, { last_name: "First" }], ["cli_2", 5, { last_name: "Second" }]);
    expect(fields.last_name).toBe("Second");
  });

  it("merges custom fields key by key: the target's value wins, its nulls and gaps are filled", () => {
    const fields = merged({ custom_fields: { referral: "radio", injury: null } }, [
      "cli_a",
      1,
      { custom_fields: { referral: "tv", injury: "back", vehicle: "truck" } },
    ]);
    expect(fields.custom_fields).toEqual({ referral: "radio", injury: "back", vehicle: "truck" });
  });

  it("unites addresses, dropping exact repeats", () => {
    const home = { street: "2150 W Division St", city: "Chicago" };
    const work = { street: "1 N State St", city: "Chicago" };
    const fields = merged({ addresses: [home] }, [
      "cli_a",
      1,
      { addresses: [{ city: "Chicago", street: "2150 W Division St" }, work] },
    ]);
    expect(fields.addresses).toEqual([home, work]);
  });

  it("is opted out when any of the merged clients opted out", () => {
    expect(merged({ opt_out: false }, ["cli_a", 1, { opt_out: true }]).opt_out).toBe(true);
    expect(merged({ opt_out: true }, ["cli_a", 1, { opt_out: false }]).opt_out).toBe(true);
    expect(merged({}, ["cli_a", 1, {}]).opt_out).toBe(false);
  });

  it("unites external ids, the same id on the same connection being no conflict", () => {
    const fields = merged({ external_ids: { lawruler: "184467" } }, [
      "cli_a",
      1,
      { external_ids: { lawruler: "184467", clio: "99" } },
    ]);
    expect(fields.external_ids).toEqual({ lawruler: "184467", clio: "99" });
  });

  it("refuses different ids on the same connection, naming each record's id", () => {
    const decision = mergeClients({ id: "cli_t", fields: client({ external_ids: { lawruler: "1" } }) }, [
      { id: "cli_a", updated_at: 1, fields: client({ external_ids: { lawruler: "2", clio: "9" } }) },
    ]);
    expect(decision).toEqual({
      ok: false,
      conflicts: [{ connection: "lawruler", ids: { cli_t: "1", cli_a: "2" } }],
    });
  });

  it("refuses two sources with different ids on a connection the target lacks", () => {
    const decision = mergeClients({ id: "cli_t", fields: client({}) }, [
      { id: "cli_a", updated_at: 1, fields: client({ external_ids: { clio: "1" } }) },
      { id: "cli_b", updated_at: 2, fields: client({ external_ids: { clio: "2" } }) },
    ]);
    expect(decision.ok).toBe(false);
  });

  it("leaves the target as it is when the sources add nothing", () => {
    const target = client({
      first_name: "Maria",
      phones: [phone("+13125550187")],
      emails: ["m@example.com"],
    });
    expect(merged(target, ["cli_a", 1, { phones: [phone("+13125550187")] }])).toEqual(target);
  });

  it("emits client.merged with the survivor and the merged ids, valid for the catalog", () => {
    const event = clientMergedEvent({
      targetId: "cli_t",
      mergedIds: ["cli_a"],
      fields: client({ first_name: "Maria", phones: [phone("+13125550187")] }),
      version: 3,
      at: Date.parse("2026-01-02T03:04:05Z"),
      changeSource: "api",
    });
    expect(event.type).toBe("client.merged");
    expect(event.data).toMatchObject({
      surviving_client_id: "cli_t",
      merged_client_ids: ["cli_a"],
      client: { client_id: "cli_t", phone: "+13125550187", version: 3 },
      change_source: "api",
      merged_at: "2026-01-02T03:04:05.000Z",
    });
    expect(validateEventData("client.merged", event.data)).toEqual([]);
  });
});

describe("duplicate matches", () => {
  it("names what two clients share", () => {
    const a = client({ phones: [phone("+13125550187")], emails: ["m@example.com"] });
    expect(duplicateMatch(a, client({ phones: [phone("+13125550187")] }))).toEqual(["phone"]);
    expect(duplicateMatch(a, client({ emails: ["m@example.com"] }))).toEqual(["email"]);
    expect(duplicateMatch(a, a)).toEqual(["phone", "email"]);
    expect(duplicateMatch(a, client({ phones: [phone("+13125550100")] }))).toEqual([]);
  });
});

describe("event links", () => {
  it("reads client and case ids from record events, without a phone", () => {
    expect(
      eventLinks("case.updated", { case_id: "cas_1", client_id: "cli_1", phone: "+13125550187" }),
    ).toEqual({
      client_id: "cli_1",
      case_id: "cas_1",
      phone: null,
    });
    expect(
      eventLinks("client.merged", { surviving_client_id: "cli_9", merged_client_ids: ["cli_2"] }),
    ).toEqual({
      client_id: "cli_9",
      case_id: null,
      phone: null,
    });
  });

  it("takes the caller of an inbound call and the callee of an outbound one", () => {
    const call = { from_number: "+13125550187", to_number: "+18885550123" };
    expect(eventLinks("call.ended", { ...call, direction: "inbound" }).phone).toBe("+13125550187");
    expect(eventLinks("call.ended", { ...call }).phone).toBe("+13125550187");
    expect(eventLinks("sms.sent", { ...call, direction: "outbound" }).phone).toBe("+18885550123");
  });

  it("prefers the customer's phone and client id when the event names them", () => {
    const links = eventLinks("call.analyzed", {
      direction: "outbound",
      to_number: "+18885550123",
      customer: { phone: "+13125550187", client_id: "cli_7" },
    });
    expect(links).toEqual({ client_id: "cli_7", case_id: null, phone: "+13125550187" });
  });

  it("ignores numbers that are not E.164 and values that are not strings", () => {
    expect(eventLinks("call.ended", { from_number: "(312) 555-0187" }).phone).toBeNull();
    expect(eventLinks("call.ended", { client_id: 42, case_id: "" })).toEqual({
      client_id: null,
      case_id: null,
      phone: null,
    });
    expect(eventLinks("call.ended", null)).toEqual({ client_id: null, case_id: null, phone: null });
  });
});

describe("own changes on a timeline", () => {
  const client = { kind: "client", id: "cli_1" } as const;
  const theCase = { kind: "case", id: "cas_1" } as const;

  it("counts the record's own events and a merge into it", () => {
    expect(isOwnChange({ type: "client.updated", data: { client_id: "cli_1" } }, client)).toBe(true);
    expect(isOwnChange({ type: "client.merged", data: { surviving_client_id: "cli_1" } }, client)).toBe(true);
    expect(
      isOwnChange({ type: "case.status_changed", data: { case_id: "cas_1", client_id: "cli_1" } }, theCase),
    ).toBe(true);
  });

  it("counts other records' events, and events emptied by retention, as references", () => {
    expect(
      isOwnChange({ type: "case.created", data: { case_id: "cas_1", client_id: "cli_1" } }, client),
    ).toBe(false);
    expect(isOwnChange({ type: "client.updated", data: { client_id: "cli_2" } }, client)).toBe(false);
    expect(isOwnChange({ type: "call.ended", data: { client_id: "cli_1" } }, client)).toBe(false);
    expect(isOwnChange({ type: "client.updated", data: null }, client)).toBe(false);
  });
});
