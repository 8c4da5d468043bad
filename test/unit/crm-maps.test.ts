import { describe, expect, it } from "vitest";
import {
  toSchema as lawRulerSchema,
  leadToRecord,
  writeToForm,
} from "../../src/integrations/crm/lawruler/map.js";
import { jwtExpiry } from "../../src/integrations/crm/smartadvocate/client.js";
import { nextPosition, readCaseNumber } from "../../src/integrations/crm/smartadvocate/index.js";
import {
  caseToRecord,
  splitName,
  writeToIntake,
  writeToUpdate,
} from "../../src/integrations/crm/smartadvocate/map.js";

describe("LawRuler map", () => {
  it("reads a lead: bookkeeping apart from fields, empty values absent, times as ISO-8601", () => {
    const record = leadToRecord({
      LeadId: 10_001,
      CaseType: "Auto Accident",
      Status: "Signed",
      SubStatus: "",
      StatusTime: "2026-12-01T10:00:00Z",
      ModifiedTime: "2026-12-01T11:00:00Z",
      FirstName: "Ana",
      Email1: "",
      custom101: "2026-11-30",
      ExternalID: "cas_1",
      Success: true,
    });
    expect(record).toMatchObject({
      id: "10001",
      caseType: "Auto Accident",
      status: "Signed",
      substatus: null,
      updatedAt: "2026-12-01T11:00:00.000Z",
      externalId: "cas_1",
      version: null,
    });
    expect(record.fields).toEqual({ FirstName: "Ana", custom101: "2026-11-30", ExternalID: "cas_1" });
  });

  it("writes form fields as text and never lets a field name a control parameter", () => {
    const form = writeToForm(
      {
        object: "case",
        fields: {
          FirstName: "Ana",
          custom103: true,
          Key: "x",
          operation: "DeleteAll",
          LeadID: "1",
          Email1: null,
        },
        caseType: "Auto Accident",
        status: "Signed",
        substatus: "Retainer Sent",
        externalId: "cas_9",
      },
      "create",
    );
    expect(form).toEqual({
      FirstName: "Ana",
      custom103: "Yes",
      CaseType: "Auto Accident",
      Status: "Signed",
      SubStatus: "Retainer Sent",
      ExternalID: "cas_9",
    });
  });

  it("sends an emptied field on update so LawRuler clears it", () => {
    expect(writeToForm({ object: "case", fields: { City: null } }, "update")).toEqual({ City: "" });
  });

  it("reads the schema answers, tolerating junk entries", () => {
    const schema = lawRulerSchema(
      [{ CaseType: "Auto Accident" }, { nope: 1 }],
      [{ Status: "Signed", SubStatuses: ["Retainer Sent", null], CaseTypes: ["Auto Accident"] }, "junk"],
      [{ ApiName: "custom102", Label: "Injury", Type: "Dropdown", Options: ["Back"] }, { Label: "no id" }],
    );
    expect(schema.caseTypes).toEqual([{ id: "Auto Accident", label: "Auto Accident" }]);
    expect(schema.statuses).toEqual([
      {
        id: "Signed",
        label: "Signed",
        substatuses: [{ id: "Retainer Sent", label: "Retainer Sent" }],
        caseTypes: ["Auto Accident"],
      },
    ]);
    expect(schema.fields.find((f) => f.id === "custom102")).toMatchObject({
      custom: true,
      type: "select",
      options: [{ id: "Back", label: "Back" }],
    });
    expect(schema.fields.filter((f) => f.custom)).toHaveLength(1);
  });
});

describe("SmartAdvocate map", () => {
  it("splits CaseInfo's 'Last, First' names", () => {
    expect(splitName("Tim, Berton")).toEqual({ first: "Berton", last: "Tim" });
    expect(splitName("Madonna")).toEqual({ first: null, last: "Madonna" });
    expect(splitName("Smith, John, Jr.")).toEqual({ first: "John, Jr.", last: "Smith" });
  });

  it("reads the documented CaseInfo: the name when no contact keys, the latest second status", () => {
    const record = caseToRecord({
      caseID: 516_718,
      caseNumber: "9000002",
      caseType: "ATS-Guatemala",
      caseStatus: "UM Arb Filed",
      plaintiffs: [
        { id: 1, name: "Other, Person", primary: false },
        { id: 620_837, name: "Tim, Berton", role: "(P)-Point of Contact", primary: true },
      ],
      secondStatuses: [
        { statusID: 1, fromDate: "2021-04-30T16:37:00Z", statusName: "To Dial" },
        { statusID: 2, fromDate: "2021-05-30T16:37:00Z", statusName: "Do not dial" },
      ],
      createdDate: "2019-01-03T16:06:34.663Z",
      modifiedDate: "2021-08-03T20:22:58.41Z",
    });
    expect(record).toMatchObject({
      id: "9000002",
      caseType: "ATS-Guatemala",
      status: "UM Arb Filed",
      substatus: "Do not dial",
      updatedAt: "2021-08-03T20:22:58.410Z",
      externalId: null,
    });
    expect(record.fields).toEqual({ "first name": "Berton", "last name": "Tim" });
  });

  it("reads UDFs by name and leaves empty ones out", () => {
    const record = caseToRecord({
      caseNumber: "1",
      plaintiffs: [{ firstName: "Ana", lastName: "Diaz", phone: "2025550100", email: null }],
      userDefinedFields: [
        { udfName: "Injury Type", value: "Back" },
        { udfName: "Empty", value: "" },
      ],
    });
    expect(record.fields).toEqual({
      "first name": "Ana",
      "last name": "Diaz",
      phone: "2025550100",
      "Injury Type": "Back",
    });
  });

  it("posts an intake without empty fields, and an update that clears them", () => {
    const write = {
      object: "case" as const,
      fields: { "first name": "Ana", City: "", "Injury Type": "Back" },
      caseType: "Auto Accident",
      status: "Signed Up",
      substatus: "Awaiting Records",
      externalId: "cas_1",
    };
    expect(writeToIntake(write)).toEqual({
      "first name": "Ana",
      "Injury Type": "Back",
      CaseType: "Auto Accident",
      Id: "cas_1",
    });
    expect(writeToUpdate(write)).toEqual({
      "first name": "Ana",
      City: null,
      "Injury Type": "Back",
      CaseType: "Auto Accident",
      caseStatus: "Signed Up",
      secondStatus: "Awaiting Records",
      Id: "cas_1",
    });
  });

  it("reads the intake's case number in the shapes it may come in", () => {
    expect(readCaseNumber("9000123")).toBe("9000123");
    expect(readCaseNumber('"9000123"')).toBe("9000123");
    expect(readCaseNumber("9000123\n")).toBe("9000123");
    expect(readCaseNumber('{"caseNumber": 9000123}')).toBe("9000123");
    expect(readCaseNumber("")).toBeNull();
    expect(readCaseNumber("<html>error</html>")).toBeNull();
    expect(readCaseNumber("{}")).toBeNull();
  });

  it("reads a JWT's expiry, and none from a token without one", () => {
    const token = (payload: object) =>
      `e30.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.sig`;
    expect(jwtExpiry(token({ exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
    expect(jwtExpiry(token({ iat: 1 }))).toBeNull();
    expect(jwtExpiry("not-a-jwt")).toBeNull();
    expect(jwtExpiry("a.!!!.c")).toBeNull();
  });

  it("goes on from the last modified time seen, or to the next page when a whole page shares one time", () => {
    const rec = (id: string, updatedAt: string) => ({
      object: "case" as const,
      id,
      fields: {},
      updatedAt,
      version: null,
    });
    const t1 = "2026-12-01T10:00:00.000Z";
    const t2 = "2026-12-01T10:00:01.000Z";
    expect(
      nextPosition({ from: null, seen: [], page: 1 }, [rec("a", t1), rec("b", t2), rec("c", t2)]),
    ).toEqual({
      from: t2,
      seen: ["b", "c"],
      page: 1,
    });
    expect(nextPosition({ from: t2, seen: ["b"], page: 1 }, [rec("c", t2), rec("d", t2)])).toEqual({
      from: t2,
      seen: ["b", "c", "d"],
      page: 2,
    });
  });
});
