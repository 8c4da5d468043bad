import { describe, expect, it } from "vitest";
import {
  toSchema as clioSchema,
  customFieldValues,
  matterToRecord,
  writeToContact,
  writeToMatter,
} from "../../src/integrations/crm/clio/map.js";
import { readTokens } from "../../src/integrations/crm/clio/oauth.js";
import {
  readClioNotification,
  signNotification,
  verifySignature,
  WEBHOOK_MAX_LIFETIME_MS,
  webhookBody,
  webhookNeedsRenewal,
} from "../../src/integrations/crm/clio/webhooks.js";
import { activityDate } from "../../src/integrations/crm/filevine/index.js";
import {
  toSchema as filevineSchema,
  projectToRecord,
  writeToForms,
  writeToProject,
} from "../../src/integrations/crm/filevine/map.js";

const DAY = 86_400_000;

describe("Clio map", () => {
  it("reads a matter: status lowercased, stage and practice area ids, client fields, custom values by field id", () => {
    const record = matterToRecord({
      id: 12,
      etag: '"e1"',
      description: "Ito v. Acme",
      status: "Pending",
      client_reference: "cas_1",
      updated_at: "2026-01-02T03:04:05-07:00",
      client: { id: 7, first_name: "Iris", last_name: "Ito", primary_phone_number: "+14155550100" },
      practice_area: { id: 11 },
      matter_stage: { id: 102 },
      custom_field_values: [
        { id: "text_line-1", value: "PR-1", custom_field: { id: 5001 } },
        { id: "text_line-2", value: "", custom_field: { id: 5002 } },
      ],
    });
    expect(record).toMatchObject({
      id: "12",
      status: "pending",
      substatus: "102",
      caseType: "11",
      clientId: "7",
      externalId: "cas_1",
      version: '"e1"',
      updatedAt: "2026-01-02T10:04:05.000Z",
      fields: {
        description: "Ito v. Acme",
        "client.first_name": "Iris",
        "client.phone": "+14155550100",
        "5001": "PR-1",
      },
    });
    expect(record.fields).not.toHaveProperty("5002");
  });

  it("changes a held custom value by its value id, destroys an emptied one, adds a new one", () => {
    const held = [
      { id: "text_line-31", custom_field: { id: 5001 } },
      { id: "text_line-32", custom_field: { id: 5002 } },
    ];
    expect(
      customFieldValues({ "5001": "new", "5002": null, "5003": 4, description: "not custom" }, held),
    ).toEqual([
      { id: 31, value: "new" },
      { id: 32, _destroy: true },
      { custom_field: { id: 5003 }, value: "4" },
    ]);
    // Clearing a value Clio does not hold sends nothing.
    expect(customFieldValues({ "5009": "" }, held)).toEqual([]);
  });

  it("writes a matter: lowercase status, ids as objects, empties cleared only on update", () => {
    const write = {
      object: "case" as const,
      fields: { description: "D", location: "" },
      status: "Closed",
      caseType: "11",
      substatus: "104",
      externalId: "cas_9",
    };
    expect(writeToMatter(write, { create: false, clientId: "7", externalIdField: "5004" })).toEqual({
      description: "D",
      location: null,
      client: { id: 7 },
      client_reference: "cas_9",
      status: "closed",
      practice_area: { id: 11 },
      matter_stage: { id: 104 },
      custom_field_values: [{ custom_field: { id: 5004 }, value: "cas_9" }],
    });
    expect(writeToMatter(write, { create: true })).not.toHaveProperty("location");
  });

  it("writes a Person contact with a name, and changes the primary phone in place on update", () => {
    expect(
      writeToContact(
        { object: "client", fields: { first_name: "A", last_name: "B", phone: "1" } },
        { create: true },
      ),
    ).toEqual({
      first_name: "A",
      last_name: "B",
      type: "Person",
      name: "A B",
      phone_numbers: [{ name: "Mobile", number: "1", default_number: true }],
    });
    const existing = { phone_numbers: [{ id: 3, number: "0", primary: true }] };
    expect(
      writeToContact({ object: "client", fields: { phone: "2" } }, { create: false, existing }).phone_numbers,
    ).toEqual([{ id: 3, number: "2" }]);
  });

  it("builds the schema: deleted custom fields left out, picklist options, stages labelled with their area", () => {
    const schema = clioSchema(
      [
        {
          id: 1,
          name: "Injury",
          parent_type: "Matter",
          field_type: "picklist",
          picklist_options: [{ id: 9, option: "Back" }],
        },
        { id: 2, name: "Old", parent_type: "Matter", field_type: "text_line", deleted: true },
        { id: 3, name: "Language", parent_type: "Contact", field_type: "text_line" },
      ],
      [{ id: 11, name: "Personal Injury" }],
      [{ id: 101, name: "Intake", practice_area_id: "11" }],
    );
    const custom = schema.fields.filter((f) => f.custom);
    expect(custom).toEqual([
      expect.objectContaining({
        id: "1",
        object: "case",
        type: "select",
        options: [{ id: "9", label: "Back" }],
      }),
      expect.objectContaining({ id: "3", object: "client", type: "text" }),
    ]);
    expect(schema.statuses.map((s) => s.id)).toEqual(["open", "pending", "closed"]);
    expect(schema.statuses[0]?.substatuses).toEqual([{ id: "101", label: "Intake (Personal Injury)" }]);
  });

  it("reads token answers: expiry from expires_in, no refresh token on a refresh", () => {
    expect(readTokens({ access_token: "a", expires_in: 60 }, 0)).toEqual({
      access_token: "a",
      refresh_token: null,
      expires_at: "1970-01-01T00:01:00.000Z",
    });
    expect(readTokens({ error: "invalid_grant" }, 0)).toBeNull();
  });
});

describe("Clio webhooks", () => {
  it("caps the lifetime inside 31 days and renews 3 days before expiry", () => {
    const body = webhookBody({ url: "https://h", object: "case", now: 0, lifetimeMs: 400 * DAY });
    expect(Date.parse(body.data.expires_at)).toBeLessThan(WEBHOOK_MAX_LIFETIME_MS);
    expect(body.data.fields).toContain("display_number");
    expect(webhookNeedsRenewal(new Date(10 * DAY).toISOString(), 0)).toBe(false);
    expect(webhookNeedsRenewal(new Date(2 * DAY).toISOString(), 0)).toBe(true);
    expect(webhookNeedsRenewal(null, 0)).toBe(true);
  });

  it("verifies signatures of the raw body, case-insensitively, and nothing else", () => {
    const body = Buffer.from('{"data":{"id":1}}');
    const signature = signNotification("s", body);
    expect(verifySignature("s", body, signature)).toBe(true);
    expect(verifySignature("s", body, signature.toUpperCase())).toBe(true);
    expect(verifySignature("s", body, undefined)).toBe(false);
    expect(verifySignature("s", body, signature.slice(0, 10))).toBe(false);
    expect(verifySignature("t", body, signature)).toBe(false);
    expect(() => readClioNotification(undefined, { "x-hook-signature": signature }, body)).toThrow(
      /no webhook secret/,
    );
    const empty = Buffer.from('{"data":{}}');
    expect(() =>
      readClioNotification("s", { "x-hook-signature": signNotification("s", empty) }, empty),
    ).toThrow(/names no record/);
  });
});

describe("Filevine map", () => {
  it("reads a project: phase as status, type as case type, section forms as section.field", () => {
    const record = projectToRecord(
      {
        ProjectId: { Native: 5 },
        ProjectTypeId: { Native: 31 },
        PhaseId: { Native: 402 },
        ClientId: { Native: 9 },
        ClientFirstName: "Iris",
        ProjectName: "P",
        Number: "cas_1",
        LastActivity: "2026-01-01T00:00:00Z",
      },
      { Phones: [{ Number: "+1" }], Emails: [{ Address: "i@example.com" }] },
      { intake: { OrgId: 1, policeReportNumber: "PR", injuryType: null } },
    );
    expect(record).toMatchObject({
      id: "5",
      caseType: "31",
      status: "402",
      substatus: null,
      clientId: "9",
      externalId: "cas_1",
      version: null,
      fields: {
        ProjectName: "P",
        "client.first_name": "Iris",
        "client.phone": "+1",
        "client.email": "i@example.com",
        "intake.policeReportNumber": "PR",
      },
    });
    expect(record.fields).not.toHaveProperty("intake.OrgId");
    expect(record.fields).not.toHaveProperty("intake.injuryType");
  });

  it("groups custom values by section, leaving out client fields, and writes identifiers as Native", () => {
    expect(
      writeToForms({
        object: "case",
        fields: { "intake.a": 1, "intake.b": "", "other.c": "x", "client.phone": "1", ProjectName: "P" },
      }),
    ).toEqual({
      intake: { a: 1, b: null },
      other: { c: "x" },
    });
    expect(
      writeToProject(
        { object: "case", fields: {}, caseType: "31", status: "401" },
        { create: true, clientId: "9" },
      ),
    ).toEqual({
      ProjectTypeId: { Native: 31 },
      ClientId: { Native: 9 },
      PhaseId: { Native: 401 },
      ProjectName: "New project",
    });
  });

  it("builds the schema from project types, phases and non-collection sections", () => {
    const schema = filevineSchema([
      {
        type: { ProjectTypeId: { Native: 31 }, Name: "PI" },
        phases: [{ PhaseId: { Native: 401 }, Name: "Intake" }],
        sections: [
          {
            SectionSelector: "intake",
            Name: "Intake",
            CustomFields: [
              { FieldSelector: "kind", Name: "Kind", CustomFieldType: "Dropdown", DropdownItems: ["A"] },
            ],
          },
          { SectionSelector: "meds", IsCollection: true, CustomFields: [{ FieldSelector: "x" }] },
        ],
      },
    ]);
    expect(schema.caseTypes).toEqual([{ id: "31", label: "PI" }]);
    expect(schema.statuses).toEqual([{ id: "401", label: "Intake", substatuses: [], caseTypes: ["31"] }]);
    expect(schema.fields.filter((f) => f.custom)).toEqual([
      expect.objectContaining({ id: "intake.kind", type: "select", options: [{ id: "A", label: "A" }] }),
    ]);
  });

  it("asks for changes from the day before since (a date only)", () => {
    expect(activityDate("2026-03-01T12:00:00Z")).toBe("2026-02-28");
  });
});
