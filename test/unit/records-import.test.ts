import { describe, expect, it } from "vitest";
import { emptyCase } from "../../src/domain/records/case.js";
import { EMPTY_CLIENT } from "../../src/domain/records/client.js";
import {
  caseExportRow,
  clientExportRow,
  csvField,
  csvHeader,
  csvLine,
  exportColumns,
} from "../../src/domain/records/export-rows.js";
import {
  cleanHeaders,
  headerWords,
  isImportField,
  mapColumns,
  suggestColumns,
} from "../../src/domain/records/import-columns.js";
import { checkText, decodeUpload } from "../../src/domain/records/import-encoding.js";
import { clientIndex } from "../../src/domain/records/import-match.js";
import {
  casePatchFor,
  clientPatchFor,
  type ImportCell,
  readCaseRow,
  readClientRow,
} from "../../src/domain/records/import-rows.js";

const cells = (values: Record<string, unknown>): ImportCell[] =>
  Object.entries(values).map(([field, value]) => ({ field, header: field.toUpperCase(), value }));

describe("import columns", () => {
  it("knows the record fields and keyed custom fields and external ids", () => {
    expect(isImportField("clients", "phone_3")).toBe(true);
    expect(isImportField("clients", "custom_fields.referral")).toBe(true);
    expect(isImportField("clients", "external_ids.lawruler")).toBe(true);
    expect(isImportField("clients", "custom_fields.")).toBe(false);
    expect(isImportField("clients", "custom_fields.bad key")).toBe(false);
    expect(isImportField("clients", "case_type")).toBe(false);
    expect(isImportField("cases", "client_phone")).toBe(true);
    expect(isImportField("cases", "first_name")).toBe(false);
  });

  it("maps headers that are field names to themselves and ignores the rest without a map", () => {
    const mapping = mapColumns("clients", ["first_name", "Notes", "phone"], undefined);
    expect(mapping).toEqual({
      ok: true,
      columns: [
        { index: 0, header: "first_name", field: "first_name" },
        { index: 2, header: "phone", field: "phone" },
      ],
    });
  });

  it("follows a column map and names the bad entry: unknown field, missing header, a field twice", () => {
    const headers = ["Name", "Tel", "Cell"];
    expect(mapColumns("clients", headers, { Name: "first_name", Tel: "phone" })).toMatchObject({ ok: true });
    expect(mapColumns("clients", headers, { Name: "nickname" })).toEqual({
      ok: false,
      problem: { path: "/columns/Name", message: 'unknown field "nickname" for clients' },
    });
    expect(mapColumns("clients", headers, { "A/B": "first_name" })).toMatchObject({
      ok: false,
      problem: { path: "/columns/A~1B" },
    });
    expect(mapColumns("clients", headers, { Tel: "phone", Cell: "phone" })).toMatchObject({
      ok: false,
      problem: { message: 'the columns "Tel" and "Cell" both fill phone' },
    });
  });

  it("requires an identifying column: a name, phone or email for clients, a client or case key for cases", () => {
    expect(mapColumns("clients", ["notes"], undefined)).toMatchObject({
      ok: false,
      problem: { path: "/data" },
    });
    expect(mapColumns("clients", ["email"], undefined)).toMatchObject({ ok: true });
    expect(mapColumns("cases", ["title", "status"], undefined)).toMatchObject({ ok: false });
    expect(mapColumns("cases", ["client_email", "title"], undefined)).toMatchObject({ ok: true });
  });

  it("cleans headers and refuses a repeated one", () => {
    expect(cleanHeaders([" first_name ", "", "phone"])).toEqual({
      headers: ["first_name", "", "phone"],
      problem: null,
    });
    expect(cleanHeaders(["phone", " phone"]).problem?.message).toBe('the header "phone" appears twice');
  });

  it("suggests fields for common headers, each field once", () => {
    expect(headerWords("  E-Mail Address ")).toBe("e_mail_address");
    expect(
      suggestColumns("clients", [
        "First Name",
        "Surname",
        "Mobile",
        "Cell",
        "ZIP Code",
        "DOB",
        "Referral",
        "",
      ]),
    ).toEqual({
      "First Name": "first_name",
      Surname: "last_name",
      Mobile: "phone",
      Cell: null,
      "ZIP Code": "postal_code",
      DOB: "date_of_birth",
      Referral: null,
    });
    expect(suggestColumns("cases", ["Practice Area", "Status", "custom_fields.court"])).toEqual({
      "Practice Area": "case_type",
      Status: "status",
      "custom_fields.court": "custom_fields.court",
    });
  });
});

describe("import rows", () => {
  it("reads a client row: E.164 phones, lower-cased emails, booleans, dates, keyed fields", () => {
    const reading = readClientRow(
      cells({
        first_name: " Maria ",
        phone: "(312) 555-0187",
        phones: "773.555.0142; +1 312 555 0187",
        email: "Maria@Example.com",
        opt_out: "Yes",
        date_of_birth: "1988-04-12",
        postal_code: "60622",
        external_id: "184467",
        "custom_fields.referral": "radio",
        "custom_fields.empty": "  ",
      }),
      "US",
      "lawruler",
    );
    expect(reading).toEqual({
      ok: true,
      row: {
        keys: {
          id: null,
          externalIds: { lawruler: "184467" },
          phones: ["+13125550187", "+17735550142"],
          emails: ["maria@example.com"],
        },
        set: { first_name: "Maria", date_of_birth: "1988-04-12", opt_out: true },
        phones: ["+13125550187", "+17735550142"],
        emails: ["maria@example.com"],
        address: { postal_code: "60622" },
        customFields: { referral: "radio" },
        externalIds: { lawruler: "184467" },
      },
    });
  });

  it("names every bad cell of a row by its column", () => {
    const reading = readClientRow(
      cells({
        phone: "12",
        email: "nope",
        date_of_birth: "1988-02-30",
        opt_out: "maybe",
        first_name: "x".repeat(201),
      }),
      "US",
      "import",
    );
    expect(reading.ok).toBe(false);
    if (reading.ok) return;
    expect(reading.problems.map((p) => [p.path, p.code])).toEqual([
      ["/PHONE", "invalid_phone"],
      ["/EMAIL", "invalid_email"],
      ["/FIRST_NAME", "too_long"],
      ["/DATE_OF_BIRTH", "invalid_date"],
      ["/OPT_OUT", "invalid_boolean"],
    ]);
  });

  it("refuses a row that sets nothing and a JSON value that is not text", () => {
    expect(readClientRow(cells({ first_name: "", phone: null }), "US", "import")).toMatchObject({
      ok: false,
      problems: [{ code: "empty_row" }],
    });
    expect(readClientRow(cells({ first_name: { a: 1 } }), "US", "import")).toMatchObject({
      ok: false,
      problems: [{ path: "/FIRST_NAME", code: "invalid_value" }],
    });
  });

  it("applies a row over a client: its phones first, others kept, address parts and custom fields merged", () => {
    const current = {
      ...EMPTY_CLIENT,
      first_name: "Maria",
      phones: [
        { number: "+13125550187", type: "mobile" as const },
        { number: "+17735550142", type: "home" as const },
      ],
      emails: ["old@example.com"],
      addresses: [{ street: "1 Main St", city: "Chicago" }],
      custom_fields: { referral: "radio", score: 3 },
      external_ids: { clio: "9" },
    };
    const reading = readClientRow(
      cells({ phone: "7735550142", city: "Evanston", "custom_fields.score": "4", external_id: "LR-1" }),
      "US",
      "lawruler",
    );
    if (!reading.ok) throw new Error("unexpected");
    expect(clientPatchFor(current, reading.row)).toEqual({
      phones: [
        { number: "+17735550142", type: "home" },
        { number: "+13125550187", type: "mobile" },
      ],
      addresses: [{ street: "1 Main St", city: "Evanston" }],
      custom_fields: { referral: "radio", score: "4" },
      external_ids: { clio: "9", lawruler: "LR-1" },
    });
  });

  it("reads a case row with its client reference and merges it over a case", () => {
    const reading = readCaseRow(
      cells({
        client_phone: "312-555-0187",
        client_external_id: "LR-1",
        status: "signed",
        incident_date: "2024-05-01",
        "custom_fields.court": "Cook",
        external_id: "C-1",
      }),
      "US",
      "lawruler",
    );
    if (!reading.ok) throw new Error(JSON.stringify(reading.problems));
    expect(reading.row.client).toEqual({ externalId: ["lawruler", "LR-1"], phone: "+13125550187" });
    const current = { ...emptyCase("cli_1"), custom_fields: { venue: "state" } };
    expect(casePatchFor(current, reading.row)).toEqual({
      status: "signed",
      incident_date: "2024-05-01",
      custom_fields: { venue: "state", court: "Cook" },
      external_ids: { lawruler: "C-1" },
    });
    expect(readCaseRow(cells({ incident_date: "May 1" }), "US", "import")).toMatchObject({
      ok: false,
      problems: [{ path: "/INCIDENT_DATE", code: "invalid_date" }],
    });
  });
});

describe("finding a row's record", () => {
  const client = (id: string, phones: string[], emails: string[], external: Record<string, string> = {}) => ({
    ...EMPTY_CLIENT,
    id,
    phones: phones.map((number) => ({ number, type: "other" as const })),
    emails,
    external_ids: external,
  });

  it("tries id, then external id of the connection, then phones, then emails", () => {
    const index = clientIndex<ReturnType<typeof client>>();
    index.put(client("cli_a", ["+13125550101"], ["a@example.com"], { lawruler: "1" }));
    index.put(client("cli_b", ["+13125550102"], ["b@example.com"], { clio: "1" }));
    const keys = { id: null, externalIds: {}, phones: [] as string[], emails: [] as string[] };
    expect(index.find({ ...keys, id: "cli_b", phones: ["+13125550101"] })?.id).toBe("cli_b");
    expect(index.find({ ...keys, externalIds: { clio: "1" }, phones: ["+13125550101"] })?.id).toBe("cli_b");
    expect(index.find({ ...keys, externalIds: { other: "1" } })).toBeNull();
    expect(index.find({ ...keys, phones: ["+13125550102"], emails: ["a@example.com"] })?.id).toBe("cli_b");
    expect(index.find({ ...keys, id: "cli_unknown", emails: ["a@example.com"] })?.id).toBe("cli_a");
    expect(index.findReference({ email: "b@example.com" })?.id).toBe("cli_b");
  });
});

describe("file encoding", () => {
  it("reads UTF-8 with or without a byte-order mark", () => {
    expect(decodeUpload(Buffer.from("\uFEFFname\nJosé", "utf8"))).toEqual({ ok: true, text: "name\nJosé" });
  });

  it("refuses UTF-16 (with or without a BOM) and invalid UTF-8 with how to fix it", () => {
    const bom = decodeUpload(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name\nx", "utf16le")]));
    expect(bom).toMatchObject({
      ok: false,
      message: expect.stringMatching(/UTF-16.*save the file as UTF-8/),
    });
    expect(decodeUpload(Buffer.from("first_name,phone\nx,1", "utf16le"))).toMatchObject({ ok: false });
    expect(decodeUpload(Buffer.from("name\nJos\xe9", "latin1"))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not valid UTF-8/),
    });
  });

  it("refuses text that arrived in JSON with replacement characters or NULs", () => {
    expect(checkText("a\uFFFDb")).toMatchObject({ ok: false });
    expect(checkText("a\u0000b")).toMatchObject({ ok: false });
    expect(checkText("\uFEFFa")).toEqual({ ok: true, text: "a" });
  });
});

describe("export rows", () => {
  it("quotes CSV fields only when they need it", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(" padded")).toBe('" padded"');
  });

  it("writes a client under the import's column names, keyed fields as their own columns", () => {
    const row = clientExportRow({
      ...EMPTY_CLIENT,
      id: "cli_1",
      first_name: "Maria",
      phones: [
        { number: "+13125550187", type: "mobile" },
        { number: "+17735550142", type: "home" },
      ],
      emails: ["m@example.com"],
      addresses: [{ city: "Chicago" }],
      custom_fields: { score: 4, tags: ["a", "b"] },
      external_ids: { lawruler: "7" },
      created_at: 0,
      updated_at: 0,
    });
    const columns = exportColumns("clients", {
      customFields: new Set(["tags", "score"]),
      externalIds: new Set(["lawruler"]),
    });
    expect(columns.slice(-6)).toEqual([
      "source",
      "external_ids.lawruler",
      "custom_fields.score",
      "custom_fields.tags",
      "created_at",
      "updated_at",
    ]);
    expect(csvHeader(["id", "custom_fields.x"])).toBe("id,custom_fields.x\r\n");
    expect(csvLine(columns, row)).toBe(
      'cli_1,Maria,,+13125550187,+17735550142,m@example.com,,,Chicago,,,,,false,,7,4,"[""a"",""b""]",' +
        "1970-01-01T00:00:00.000Z,1970-01-01T00:00:00.000Z\r\n",
    );
    expect(
      columns.every((c) => isImportField("clients", c) || c === "created_at" || c === "updated_at"),
    ).toBe(true);
  });

  it("writes a case with every column an import of cases takes", () => {
    const row = caseExportRow({ ...emptyCase("cli_1"), id: "cas_1", created_at: 0, updated_at: 0 });
    expect(row).toMatchObject({ id: "cas_1", client_id: "cli_1", status: "new_lead", custom_fields: {} });
    const columns = exportColumns("cases", { customFields: new Set(), externalIds: new Set() });
    expect(columns.every((c) => isImportField("cases", c) || c === "created_at" || c === "updated_at")).toBe(
      true,
    );
  });
});
