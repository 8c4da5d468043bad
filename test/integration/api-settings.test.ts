import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const CASE_TYPES = [
  {
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
  },
  {
    key: "dog_bite",
    label: "Dog bite",
    statuses: [{ key: "intake", label: "Intake", substatuses: [] }],
  },
];

describe.each(storeKinds())("tenant settings on %s", (kind) => {
  let sb: TestServer;
  beforeAll(async () => {
    sb = await startTestServer(kind);
  });
  afterAll(async () => {
    await sb?.stop();
  });

  async function newClient(key: string, body: Record<string, unknown> = { first_name: "Ana" }) {
    const res = await sb.call("POST", "/v1/clients", { key, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  it("answers the defaults to a tenant that never saved settings", async () => {
    const firm = await sb.tenant();
    expect((await sb.call("GET", "/v1/settings/case-types", { key: firm.key })).body).toEqual({
      case_types: [],
    });
    expect((await sb.call("GET", "/v1/settings/custom-fields", { key: firm.key })).body).toEqual({
      clients: [],
      cases: [],
    });
    expect((await sb.call("GET", "/v1/settings/records", { key: firm.key })).body).toEqual({
      intake_from_calls: false,
      default_region: "US",
    });
  });

  it("saves case types, then holds cases to them: default status, 422 naming the valid ones", async () => {
    const firm = await sb.tenant();
    const put = await sb.call("PUT", "/v1/settings/case-types", {
      key: firm.key,
      body: { case_types: CASE_TYPES },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({ case_types: CASE_TYPES });
    expect((await sb.call("GET", "/v1/settings/case-types", { key: firm.key })).body).toEqual({
      case_types: CASE_TYPES,
    });
    const client = await newClient(firm.key);

    const created = await sb.call("POST", "/v1/cases", {
      key: firm.key,
      body: { client_id: client.id, case_type: "dog_bite" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ case_type: "dog_bite", status: "intake", substatus: null });

    const noType = await sb.call("POST", "/v1/cases", { key: firm.key, body: { client_id: client.id } });
    expect(noType.status).toBe(422);
    expect(noType.body.error.details).toMatchObject({
      path: "/body/case_type",
      valid: ["auto_accident", "dog_bite"],
    });
    const badStatus = await sb.call("POST", "/v1/cases", {
      key: firm.key,
      body: { client_id: client.id, case_type: "dog_bite", status: "signed" },
    });
    expect(badStatus.status).toBe(422);
    expect(badStatus.body.error.details).toMatchObject({ path: "/body/status", valid: ["intake"] });
    expect(badStatus.body.error.message).toContain("intake");

    const auto = await sb.call("POST", "/v1/cases", {
      key: firm.key,
      body: { client_id: client.id, case_type: "auto_accident", status: "signed", substatus: "treating" },
    });
    expect(auto.status, JSON.stringify(auto.body)).toBe(201);
    const badSub = await sb.call("PATCH", `/v1/cases/${auto.body.id}`, {
      key: firm.key,
      body: { substatus: "closed" },
    });
    expect(badSub.status).toBe(422);
    expect(badSub.body.error.details).toMatchObject({
      path: "/body/substatus",
      valid: ["awaiting_records", "treating"],
    });
    const moved = await sb.call("PATCH", `/v1/cases/${auto.body.id}`, {
      key: firm.key,
      body: { substatus: "awaiting_records" },
    });
    expect(moved.status).toBe(200);
    // Nothing of the refused writes was stored.
    const list = await sb.call("GET", `/v1/cases?client_id=${client.id}`, { key: firm.key });
    expect(list.body.data).toHaveLength(2);
  });

  it("refuses to remove a case type or status cases still use (409 in_use with counts), allows renames", async () => {
    const firm = await sb.tenant();
    await sb.call("PUT", "/v1/settings/case-types", { key: firm.key, body: { case_types: CASE_TYPES } });
    const client = await newClient(firm.key);
    for (const body of [
      { case_type: "auto_accident", status: "signed" },
      { case_type: "auto_accident", status: "signed" },
      { case_type: "dog_bite" },
    ]) {
      const res = await sb.call("POST", "/v1/cases", {
        key: firm.key,
        body: { client_id: client.id, ...body },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const withoutSigned = [{ ...CASE_TYPES[0], statuses: [CASE_TYPES[0]?.statuses[0]] }];
    const refused = await sb.call("PUT", "/v1/settings/case-types", {
      key: firm.key,
      body: { case_types: withoutSigned },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: "in_use",
      details: {
        in_use: [
          { case_type: "auto_accident", status: "signed", cases: 2 },
          { case_type: "dog_bite", status: "intake", cases: 1 },
        ],
      },
    });
    expect((await sb.call("GET", "/v1/settings/case-types", { key: firm.key })).body.case_types).toEqual(
      CASE_TYPES,
    );

    const renamed = CASE_TYPES.map((t) => ({ ...t, label: `${t.label} (renamed)` }));
    const ok = await sb.call("PUT", "/v1/settings/case-types", {
      key: firm.key,
      body: { case_types: renamed },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.case_types[1].label).toBe("Dog bite (renamed)");
  });

  it("refuses malformed vocabularies with the path of the bad entry and keeps the old one", async () => {
    const firm = await sb.tenant();
    const cases: Array<[unknown, string]> = [
      [{ case_types: [CASE_TYPES[1], CASE_TYPES[1]] }, "/body/case_types/1/key"],
      [{ case_types: [{ key: "Bad Key", label: "x", statuses: [] }] }, "/body/case_types/0/key"],
      [{ case_types: [{ key: "empty", label: "x", statuses: [] }] }, "/body/case_types/0/statuses"],
      [{ case_types: [], extra: true }, "/body"],
      [{ case_types: [{ ...CASE_TYPES[1], color: "red" }] }, "/body/case_types/0"],
    ];
    for (const [body, path] of cases) {
      const res = await sb.call("PUT", "/v1/settings/case-types", { key: firm.key, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.details.path).toBe(path);
    }
    expect((await sb.call("GET", "/v1/settings/case-types", { key: firm.key })).body).toEqual({
      case_types: [],
    });
  });

  it("validates and normalises custom fields by definition, 422 at /body/custom_fields/<key>", async () => {
    const firm = await sb.tenant();
    const definitions = {
      clients: [
        {
          key: "referral",
          label: "Referral",
          type: "select",
          options: ["radio", "tv", "web"],
          required: true,
        },
        {
          key: "spouse_phone",
          label: "Spouse phone",
          type: "phone",
          required: false,
          help_text: "Any format",
        },
        { key: "adjuster_email", label: "Adjuster", type: "email", required: false },
      ],
      cases: [
        { key: "settlement", label: "Settlement", type: "number", required: false },
        { key: "accident_on", label: "Accident date", type: "date", required: false },
        { key: "has_attorney", label: "Has attorney", type: "boolean", required: false },
      ],
    };
    const put = await sb.call("PUT", "/v1/settings/custom-fields", { key: firm.key, body: definitions });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual(definitions);

    const client = await newClient(firm.key, {
      first_name: "Ana",
      custom_fields: { referral: "tv", spouse_phone: "(312) 555-0187", adjuster_email: "Bob@Insurer.COM" },
    });
    expect(client.custom_fields).toEqual({
      referral: "tv",
      spouse_phone: "+13125550187",
      adjuster_email: "bob@insurer.com",
    });
    for (const [custom_fields, path] of [
      [{}, "/body/custom_fields/referral"],
      [{ referral: "billboard" }, "/body/custom_fields/referral"],
      [{ referral: "tv", color: "red" }, "/body/custom_fields/color"],
      [{ referral: "tv", spouse_phone: "12" }, "/body/custom_fields/spouse_phone"],
    ] as const) {
      const res = await sb.call("POST", "/v1/clients", { key: firm.key, body: { custom_fields } });
      expect(res.status, JSON.stringify(custom_fields)).toBe(422);
      expect(res.body.error.details.path).toBe(path);
    }
    // A patch without custom_fields leaves them alone; one with them is checked whole.
    const named = await sb.call("PATCH", `/v1/clients/${client.id}`, {
      key: firm.key,
      body: { last_name: "Ruiz" },
    });
    expect(named.status).toBe(200);
    const dropRequired = await sb.call("PATCH", `/v1/clients/${client.id}`, {
      key: firm.key,
      body: { custom_fields: { spouse_phone: null } },
    });
    expect(dropRequired.status).toBe(422);
    expect(dropRequired.body.error.details.path).toBe("/body/custom_fields/referral");

    const kase = await sb.call("POST", "/v1/cases", {
      key: firm.key,
      body: {
        client_id: client.id,
        custom_fields: { settlement: 25000, accident_on: "2025-06-03", has_attorney: false },
      },
    });
    expect(kase.status, JSON.stringify(kase.body)).toBe(201);
    const badCase = await sb.call("PATCH", `/v1/cases/${kase.body.id}`, {
      key: firm.key,
      body: { custom_fields: { settlement: "25000" } },
    });
    expect(badCase.status).toBe(422);
    expect(badCase.body.error.details.path).toBe("/body/custom_fields/settlement");
    const badDate = await sb.call("PATCH", `/v1/cases/${kase.body.id}`, {
      key: firm.key,
      body: { custom_fields: { accident_on: "2025-02-30" } },
    });
    expect(badDate.body.error.details.path).toBe("/body/custom_fields/accident_on");
    expect((await sb.call("GET", `/v1/cases/${kase.body.id}`, { key: firm.key })).body.version).toBe(1);
  });

  it("keeps stored values when a label is renamed", async () => {
    const firm = await sb.tenant();
    const field = { key: "referral", label: "Referral", type: "text", required: false };
    await sb.call("PUT", "/v1/settings/custom-fields", {
      key: firm.key,
      body: { clients: [field], cases: [] },
    });
    const client = await newClient(firm.key, { custom_fields: { referral: "radio ad" } });
    const renamed = await sb.call("PUT", "/v1/settings/custom-fields", {
      key: firm.key,
      body: { clients: [{ ...field, label: "How did you hear about us?" }], cases: [] },
    });
    expect(renamed.status).toBe(200);
    const read = await sb.call("GET", `/v1/clients/${client.id}`, { key: firm.key });
    expect(read.body.custom_fields).toEqual({ referral: "radio ad" });
    const again = await sb.call("PATCH", `/v1/clients/${client.id}`, {
      key: firm.key,
      body: { custom_fields: { referral: "web" } },
    });
    expect(again.status).toBe(200);
    expect(again.body.custom_fields).toEqual({ referral: "web" });
  });

  it("refuses bad definitions: bad keys, repeated keys, selects without options", async () => {
    const firm = await sb.tenant();
    const def = { key: "a", label: "A", type: "text", required: false };
    for (const [body, path] of [
      [{ clients: [def, def], cases: [] }, "/body/clients/1/key"],
      [{ clients: [], cases: [{ ...def, type: "select" }] }, "/body/cases/0/options"],
      [{ clients: [{ ...def, key: "1abc" }], cases: [] }, "/body/clients/0/key"],
      [{ clients: [{ ...def, type: "money" }], cases: [] }, "/body/clients/0/type"],
      [{ clients: [] }, "/body/cases"],
    ] as const) {
      const res = await sb.call("PUT", "/v1/settings/custom-fields", { key: firm.key, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.details.path).toBe(path);
    }
  });

  it("reads national numbers in the tenant's default region once it is set", async () => {
    const firm = await sb.tenant();
    const before = await sb.call("POST", "/v1/clients", {
      key: firm.key,
      body: { phones: [{ number: "020 7946 0958" }] },
    });
    expect(before.status).toBe(422);
    const patched = await sb.call("PATCH", "/v1/settings/records", {
      key: firm.key,
      body: { default_region: "GB" },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toEqual({ intake_from_calls: false, default_region: "GB" });
    const client = await newClient(firm.key, { phones: [{ number: "020 7946 0958" }] });
    expect(client.phones).toEqual([{ number: "+442079460958", type: "other" }]);
    const found = await sb.call("GET", `/v1/clients?phone=${encodeURIComponent("020 7946 0958")}`, {
      key: firm.key,
    });
    expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([client.id]);

    for (const [body, path] of [
      [{ default_region: "ZZ" }, "/body/default_region"],
      [{ default_region: "gb" }, "/body/default_region"],
      [{ color: "red" }, "/body"],
    ] as const) {
      const res = await sb.call("PATCH", "/v1/settings/records", { key: firm.key, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.details.path).toBe(path);
    }
    const on = await sb.call("PATCH", "/v1/settings/records", {
      key: firm.key,
      body: { intake_from_calls: true },
    });
    expect(on.body).toEqual({ intake_from_calls: true, default_region: "GB" });
  });

  it("keeps each tenant's settings to itself", async () => {
    const firm = await sb.tenant();
    const other = await sb.tenant();
    await sb.call("PUT", "/v1/settings/case-types", { key: firm.key, body: { case_types: CASE_TYPES } });
    await sb.call("PUT", "/v1/settings/custom-fields", {
      key: firm.key,
      body: { clients: [{ key: "x", label: "X", type: "text", required: true }], cases: [] },
    });
    await sb.call("PATCH", "/v1/settings/records", { key: firm.key, body: { default_region: "GB" } });
    expect((await sb.call("GET", "/v1/settings/case-types", { key: other.key })).body).toEqual({
      case_types: [],
    });
    expect((await sb.call("GET", "/v1/settings/custom-fields", { key: other.key })).body).toEqual({
      clients: [],
      cases: [],
    });
    expect((await sb.call("GET", "/v1/settings/records", { key: other.key })).body.default_region).toBe("US");
    // The other tenant's writes follow no vocabulary and read numbers as US.
    const client = await newClient(other.key, {
      phones: [{ number: "312 555 0187" }],
      custom_fields: { y: 1 },
    });
    const kase = await sb.call("POST", "/v1/cases", {
      key: other.key,
      body: { client_id: client.id, case_type: "anything", status: "whatever" },
    });
    expect(kase.status).toBe(201);
    // Its cases do not count against the first tenant's vocabulary changes.
    const emptied = await sb.call("PUT", "/v1/settings/case-types", {
      key: other.key,
      body: { case_types: [] },
    });
    expect(emptied.status).toBe(200);
    expect(
      (await sb.call("PUT", "/v1/settings/case-types", { key: firm.key, body: { case_types: [] } })).status,
    ).toBe(200);
    expect((await sb.call("GET", "/v1/settings/case-types")).status).toBe(401);
  });
});
