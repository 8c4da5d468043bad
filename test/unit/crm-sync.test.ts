import { describe, expect, it } from "vitest";
import {
  casePatchOf,
  clientPatchOf,
  crmStatusOf,
  fromCrmRecord,
  platformStatusOf,
  toCrmWrite,
} from "../../src/domain/crm/apply.js";
import {
  connectionState,
  crmChangeSource,
  decideInbound,
  isEchoToTarget,
  pullSince,
  shouldPush,
} from "../../src/domain/crm/decide.js";
import { canonicalJson, recordHash, recordHashAfterWrite, writeHash } from "../../src/domain/crm/hash.js";
import { type CrmMappings, isPlatformField, staleMappings } from "../../src/domain/crm/mappings.js";
import {
  applySettings,
  DEFAULT_CRM_SETTINGS,
  pullIntervalMs,
  sendsToCrm,
} from "../../src/domain/crm/settings.js";
import type { CaseFields } from "../../src/domain/records/case.js";
import { type ClientFields, EMPTY_CLIENT } from "../../src/domain/records/client.js";
import type { CrmRecord, CrmSchema } from "../../src/integrations/crm/connector.js";

const schema: CrmSchema = {
  fields: [
    {
      id: "FirstName",
      label: "First",
      object: "case",
      type: "text",
      custom: false,
      required: true,
      readOnly: false,
    },
    {
      id: "LastName",
      label: "Last",
      object: "case",
      type: "text",
      custom: false,
      required: false,
      readOnly: false,
    },
    {
      id: "Phone",
      label: "Phone",
      object: "case",
      type: "phone",
      custom: false,
      required: false,
      readOnly: false,
    },
    {
      id: "Email",
      label: "Email",
      object: "case",
      type: "email",
      custom: false,
      required: false,
      readOnly: false,
    },
    {
      id: "Summary",
      label: "Summary",
      object: "case",
      type: "text",
      custom: false,
      required: false,
      readOnly: false,
    },
    {
      id: "Injuries",
      label: "Injuries",
      object: "case",
      type: "number",
      custom: true,
      required: false,
      readOnly: false,
    },
    {
      id: "LeadId",
      label: "Lead id",
      object: "case",
      type: "text",
      custom: false,
      required: false,
      readOnly: true,
    },
  ],
  caseTypes: [
    { id: "MVA", label: "Motor vehicle" },
    { id: "SF", label: "Slip and fall" },
  ],
  statuses: [
    { id: "Open", label: "Open", substatuses: [{ id: "Intake", label: "Intake" }] },
    { id: "Signed", label: "Signed", substatuses: [] },
  ],
};

const mappings: CrmMappings = {
  send_mappings: true,
  fields: [
    { platform_field: "client.first_name", crm_field: "FirstName", direction: "both" },
    { platform_field: "client.last_name", crm_field: "LastName", direction: "both" },
    { platform_field: "client.phone", crm_field: "Phone", direction: "both" },
    { platform_field: "client.email", crm_field: "Email", direction: "to_crm" },
    { platform_field: "description", crm_field: "Summary", direction: "from_crm" },
    { platform_field: "custom_fields.injuries", crm_field: "Injuries", direction: "both" },
  ],
  statuses: [
    { status: "new_lead", crm_status: "Open", crm_substatus: "Intake" },
    { status: "signed", crm_status: "Signed" },
    { status: "signed", substatus: "retainer", crm_status: "Signed" },
  ],
  case_types: [{ case_type: "auto_accident", crm_case_type: "MVA" }],
};

const client: ClientFields = {
  ...EMPTY_CLIENT,
  first_name: "Maria",
  last_name: "Delgado",
  phones: [
    { number: "+13125550143", type: "mobile" },
    { number: "+13125550199", type: "home" },
  ],
  emails: ["maria@example.com"],
  custom_fields: {},
};

const kase: CaseFields = {
  client_id: "cli_1",
  case_type: "auto_accident",
  status: "new_lead",
  substatus: null,
  title: "Delgado",
  description: "rear-ended",
  incident_date: null,
  campaign_id: null,
  call_id: null,
  custom_fields: { injuries: "2" },
  external_ids: {},
  source: null,
};

const crmRecord = (fields: Record<string, unknown>, extra: Partial<CrmRecord> = {}): CrmRecord => ({
  object: "case",
  id: "1001",
  fields,
  caseType: "MVA",
  status: "Open",
  substatus: "Intake",
  updatedAt: null,
  version: null,
  ...extra,
});

describe("CRM settings", () => {
  it("fills defaults and applies a partial patch", () => {
    const s = applySettings(DEFAULT_CRM_SETTINGS, { direction: "from_crm" });
    expect(s).toEqual({ ...DEFAULT_CRM_SETTINGS, direction: "from_crm" });
    expect(sendsToCrm(s)).toBe(false);
    expect(sendsToCrm({ ...s, direction: "both", enabled: false })).toBe(false);
    expect(sendsToCrm({ ...s, direction: "to_crm" })).toBe(true);
  });
  it("polls realtime connections every 30 s", () => {
    expect(pullIntervalMs("realtime")).toBe(30_000);
    expect(pullIntervalMs("hourly")).toBe(3_600_000);
    expect(pullIntervalMs("daily")).toBe(86_400_000);
  });
});

describe("mapping validation against the CRM schema", () => {
  it("accepts valid mappings", () => {
    expect(staleMappings(mappings, schema, { objects: ["case"] })).toEqual([]);
  });
  it("reports unknown CRM fields, statuses, substatuses and case types by path", () => {
    const bad: CrmMappings = {
      send_mappings: true,
      fields: [
        { platform_field: "client.first_name", crm_field: "Gone", direction: "both" },
        { platform_field: "nonsense", crm_field: "Summary", direction: "both" },
        { platform_field: "title", crm_field: "LeadId", direction: "to_crm" },
        { platform_field: "title", crm_field: "LeadId", direction: "from_crm" },
        { platform_field: "title", crm_field: "Summary", direction: "both" },
        { platform_field: "description", crm_field: "Summary", direction: "both" },
      ],
      statuses: [
        { status: "x", crm_status: "Nope" },
        { status: "y", crm_status: "Open", crm_substatus: "Nope" },
      ],
      case_types: [{ case_type: "a", crm_case_type: "Nope" }],
    };
    const stale = staleMappings(bad, schema, { objects: ["case"] });
    expect(stale.map((s) => s.path)).toEqual([
      "/fields/0",
      "/fields/1",
      "/fields/2",
      "/fields/5",
      "/statuses/0",
      "/statuses/1",
      "/case_types/0",
    ]);
    expect(stale[2]?.reason).toMatch(/read-only/);
    expect(stale[3]?.reason).toMatch(/mapped twice/);
  });
  it("refuses fields of an object the CRM does not keep", () => {
    const withClient: CrmSchema = {
      ...schema,
      fields: [
        ...schema.fields,
        {
          id: "c1",
          label: "c",
          object: "client",
          type: "text",
          custom: false,
          required: false,
          readOnly: false,
        },
      ],
    };
    const m: CrmMappings = {
      ...mappings,
      fields: [{ platform_field: "first_name", crm_field: "c1", direction: "both" }],
    };
    expect(staleMappings(m, withClient, { objects: ["case"] })[0]?.reason).toMatch(/keeps no client/);
    expect(staleMappings(m, withClient, { objects: ["client", "case"] })).toEqual([]);
  });
  it("knows platform field paths, custom fields and client fields on a case", () => {
    expect(isPlatformField("client", "phone")).toBe(true);
    expect(isPlatformField("client", "custom_fields.score")).toBe(true);
    expect(isPlatformField("client", "client.phone")).toBe(false);
    expect(isPlatformField("case", "client.address.city")).toBe(true);
    expect(isPlatformField("case", "client.client.phone")).toBe(false);
    expect(isPlatformField("case", "phone")).toBe(false);
    expect(isPlatformField("case", "custom_fields.")).toBe(false);
  });
});

describe("platform → CRM write", () => {
  it("maps client fields on the case, custom fields typed, case type and status", () => {
    const write = toCrmWrite("case", { client, case: kase }, mappings, schema);
    expect(write).toEqual({
      object: "case",
      fields: {
        FirstName: "Maria",
        LastName: "Delgado",
        Phone: "+13125550143",
        Email: "maria@example.com",
        Injuries: 2,
      },
      caseType: "MVA",
      status: "Open",
      substatus: "Intake",
    });
  });
  it("prefers an exact substatus mapping, then the status alone, and leaves unmapped ones out", () => {
    expect(crmStatusOf(mappings, "signed", "retainer")).toEqual({ status: "Signed", substatus: null });
    expect(crmStatusOf(mappings, "signed", "other")).toEqual({ status: "Signed", substatus: null });
    expect(crmStatusOf(mappings, "rejected", null)).toBeNull();
    const write = toCrmWrite(
      "case",
      { client, case: { ...kase, status: "rejected", case_type: null } },
      mappings,
      schema,
    );
    expect(write.status).toBeUndefined();
    expect(write.caseType).toBeUndefined();
  });
  it("sends nothing mapped with send_mappings off", () => {
    expect(toCrmWrite("case", { client, case: kase }, { ...mappings, send_mappings: false }, schema)).toEqual(
      {
        object: "case",
        fields: {},
      },
    );
  });
  it("writes empty values as null and never writes read-only fields", () => {
    const m: CrmMappings = {
      ...mappings,
      fields: [
        { platform_field: "client.email", crm_field: "Email", direction: "both" },
        { platform_field: "title", crm_field: "LeadId", direction: "both" },
      ],
    };
    const write = toCrmWrite("case", { client: { ...client, emails: [] }, case: kase }, m, schema);
    expect(write.fields).toEqual({ Email: null });
  });
});

describe("CRM record → platform patch", () => {
  it("reads only fields mapped from the CRM, with statuses and case types", () => {
    const values = fromCrmRecord(
      crmRecord({
        FirstName: "Mariana",
        Phone: "+13125550100",
        Email: "x@y.z",
        Summary: "t-boned",
        Injuries: 3,
      }),
      mappings,
      schema,
    );
    expect(values).toEqual({
      client: { first_name: "Mariana", phone: "+13125550100" },
      case: { description: "t-boned", "custom_fields.injuries": 3 },
      caseType: "auto_accident",
      status: { status: "new_lead", substatus: null },
    });
  });
  it("maps a CRM status back exact-substatus first, unmapped status left alone", () => {
    expect(platformStatusOf(mappings, "Open", "Intake")).toEqual({ status: "new_lead", substatus: null });
    expect(platformStatusOf(mappings, "Open", "Other")).toBeNull();
    expect(platformStatusOf(mappings, "Signed", null)).toEqual({ status: "signed", substatus: null });
  });
  it("patches only what differs: primary phone replaced, other phones kept", () => {
    const patch = clientPatchOf(client, { first_name: "Maria", phone: "+13125550199" });
    expect(patch).toEqual({
      phones: [{ number: "+13125550199", type: "mobile" }],
    });
    expect(clientPatchOf(client, { first_name: "Maria", phone: "+13125550143" })).toBeNull();
  });
  it("splits a full name, lower-cases emails, sets address parts and custom fields", () => {
    const patch = clientPatchOf(client, {
      name: "Ana María Ruiz",
      email: "ANA@EXAMPLE.COM",
      "address.city": "Chicago",
      "custom_fields.score": 7,
    });
    expect(patch).toEqual({
      first_name: "Ana",
      last_name: "María Ruiz",
      emails: ["ana@example.com"],
      addresses: [{ city: "Chicago" }],
      custom_fields: { score: 7 },
    });
  });
  it("an emptied CRM field empties the platform field; an empty phone never wipes ours", () => {
    expect(clientPatchOf(client, { last_name: "", phone: null })).toEqual({ last_name: null });
  });
  it("a case patch carries status, substatus, type and custom fields", () => {
    const patch = casePatchOf(kase, {
      case: { description: "rear-ended", "custom_fields.injuries": 3 },
      caseType: "auto_accident",
      status: { status: "signed", substatus: "retainer" },
    });
    expect(patch).toEqual({ custom_fields: { injuries: 3 }, status: "signed", substatus: "retainer" });
    expect(casePatchOf(kase, { case: { description: "rear-ended" } })).toBeNull();
  });
});

describe("content hashes", () => {
  it("canonical JSON ignores key order and undefined", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: undefined }] })).toBe('{"a":[{"d":1}],"b":1}');
  });
  it("a write hashes the same whatever the spelling of empty values and numbers", () => {
    const a = writeHash({ object: "case", fields: { A: 1, B: null }, status: "Open" });
    const b = writeHash({ object: "case", fields: { B: "", A: "1" }, status: "Open" });
    expect(a).toBe(b);
    expect(writeHash({ object: "case", fields: { A: 2 }, status: "Open" })).not.toBe(a);
  });
  it("a record hash looks only at mapped fields", () => {
    const r = crmRecord({ FirstName: "Maria", Unmapped: "x" });
    const h = recordHash(r, mappings, schema);
    expect(
      recordHash(
        { ...r, fields: { FirstName: "Maria", Unmapped: "y" }, updatedAt: "2026-01-01T00:00:00Z" },
        mappings,
        schema,
      ),
    ).toBe(h);
    expect(recordHash({ ...r, fields: { FirstName: "Mario" } }, mappings, schema)).not.toBe(h);
    expect(recordHash({ ...r, status: "Signed" }, mappings, schema)).not.toBe(h);
  });
  it("after a write, the hash counts what we wrote even when the answer omits it", () => {
    const write = toCrmWrite("case", { client, case: kase }, mappings, schema);
    const answer = crmRecord({});
    const full = crmRecord({ ...write.fields, Summary: null });
    expect(recordHashAfterWrite(answer, write, mappings, schema)).toBe(recordHash(full, mappings, schema));
  });
});

describe("sync decisions", () => {
  const link = { platform_hash: "p1", crm_hash: "c1", synced_at: 0 };
  it("never routes a CRM's own change back to it, but to other connections", () => {
    const data = { change_source: crmChangeSource("crm_a") };
    expect(isEchoToTarget({ kind: "crm", id: "crm_a" }, data)).toBe(true);
    expect(isEchoToTarget({ kind: "crm", id: "crm_b" }, data)).toBe(false);
    expect(isEchoToTarget({ kind: "webhook", id: "crm_a" }, data)).toBe(false);
    expect(isEchoToTarget({ kind: "crm", id: "crm_a" }, { change_source: "api" })).toBe(false);
    expect(isEchoToTarget({ kind: "crm", id: "crm_a" }, null)).toBe(false);
  });
  it("pushes unlinked records and records whose mapped content moved", () => {
    expect(shouldPush(null, "p1")).toBe(true);
    expect(shouldPush(link, "p1")).toBe(false);
    expect(shouldPush(link, "p2")).toBe(true);
  });
  it("drops an inbound record whose hash is our last write (echo)", () => {
    expect(
      decideInbound({
        link,
        platformHash: "p2",
        crmHash: "c1",
        policy: "crm_wins",
        platformUpdatedAt: 1,
        crmUpdatedAt: 2,
      }),
    ).toEqual({ action: "unchanged" });
  });
  it("applies a CRM change when the platform did not change", () => {
    expect(
      decideInbound({
        link,
        platformHash: "p1",
        crmHash: "c2",
        policy: "platform_wins",
        platformUpdatedAt: 1,
        crmUpdatedAt: 2,
      }),
    ).toEqual({ action: "apply", conflict: false });
    expect(
      decideInbound({
        link: null,
        platformHash: null,
        crmHash: "c2",
        policy: "platform_wins",
        platformUpdatedAt: null,
        crmUpdatedAt: null,
      }),
    ).toEqual({ action: "apply", conflict: false });
  });
  it("settles a conflict by policy", () => {
    const facts = { link, platformHash: "p2", crmHash: "c2", platformUpdatedAt: 1000 };
    expect(decideInbound({ ...facts, policy: "crm_wins", crmUpdatedAt: 0 })).toEqual({
      action: "apply",
      conflict: true,
    });
    expect(decideInbound({ ...facts, policy: "platform_wins", crmUpdatedAt: 5000 })).toEqual({
      action: "keep_platform",
      conflict: true,
    });
    expect(decideInbound({ ...facts, policy: "newest", crmUpdatedAt: 2000 })).toEqual({
      action: "apply",
      conflict: true,
    });
    expect(decideInbound({ ...facts, policy: "newest", crmUpdatedAt: 500 })).toEqual({
      action: "keep_platform",
      conflict: true,
    });
    // A tie, or a CRM that does not say when: the platform's known time wins.
    expect(decideInbound({ ...facts, policy: "newest", crmUpdatedAt: 1000 }).action).toBe("keep_platform");
    expect(decideInbound({ ...facts, policy: "newest", crmUpdatedAt: null }).action).toBe("keep_platform");
  });
  it("reads from the checkpoint less the overlap window", () => {
    expect(pullSince(null, 60_000)).toBeNull();
    expect(pullSince("2026-01-01T00:01:00.000Z", 60_000)).toBe("2026-01-01T00:00:00.000Z");
    expect(pullSince("garbage", 60_000)).toBeNull();
  });
  it("derives the connection state", () => {
    expect(connectionState({ enabled: false, running: true, consecutiveFailures: 9 })).toBe("paused");
    expect(connectionState({ enabled: true, running: true, consecutiveFailures: 3 })).toBe("failing");
    expect(connectionState({ enabled: true, running: true, consecutiveFailures: 2 })).toBe("syncing");
    expect(connectionState({ enabled: true, running: false, consecutiveFailures: 0 })).toBe("idle");
  });
});
