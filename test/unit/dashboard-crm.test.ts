/** The dashboard's pure CRM helpers: mappable fields, stale rows, credentials to send, state badges. */
import { describe, expect, it } from "vitest";
import { CASE_MAPPABLE, CLIENT_MAPPABLE } from "../../src/domain/crm/mappings.js";
import {
  CASE_FIELDS,
  CLIENT_FIELDS,
  credentialsToSend,
  crmFieldOptions,
  platformFieldOptions,
  staleByRow,
  staleOfDetails,
  stateBadge,
} from "../../web/src/features/integrations/crm/logic.js";
import { targetApi, targetPath } from "../../web/src/features/targets/paths.js";

describe("platform fields a mapping may name", () => {
  it("are the domain's lists (copied to keep TypeBox out of the bundle)", () => {
    expect([...CLIENT_FIELDS]).toEqual([...CLIENT_MAPPABLE]);
    expect([...CASE_FIELDS]).toEqual([...CASE_MAPPABLE]);
  });

  const custom = {
    clients: [{ key: "referral", label: "Referral" }],
    cases: [{ key: "injury", label: "Injury" }],
  };

  it("prefix the client's fields with client. on a CRM that keeps only cases", () => {
    const values = platformFieldOptions(["case"], custom).map((o) => o.value);
    expect(values).toContain("client.first_name");
    expect(values).toContain("client.custom_fields.referral");
    expect(values).toContain("title");
    expect(values).toContain("custom_fields.injury");
    expect(values).not.toContain("first_name");
  });

  it("name the client's fields as they are on a CRM that keeps clients, and no case fields without cases", () => {
    const values = platformFieldOptions(["client"], custom).map((o) => o.value);
    expect(values).toContain("first_name");
    expect(values).toContain("custom_fields.referral");
    expect(values).not.toContain("title");
    expect(values).not.toContain("custom_fields.injury");
  });

  it("work without custom field settings (a server without that route)", () => {
    expect(platformFieldOptions(["client", "case"], null)).toHaveLength(
      CLIENT_FIELDS.length + CASE_FIELDS.length,
    );
    expect(platformFieldOptions([], null)).toEqual([]);
  });
});

describe("CRM field options", () => {
  it("list only the record kinds the CRM keeps, flagging custom and read-only fields", () => {
    const options = crmFieldOptions(
      [
        {
          id: "FirstName",
          label: "First name",
          object: "case",
          type: "text",
          custom: false,
          required: true,
          readOnly: false,
        },
        {
          id: "custom102",
          label: "Injury",
          object: "case",
          type: "select",
          custom: true,
          required: false,
          readOnly: false,
        },
        {
          id: "Created",
          label: "Created",
          object: "case",
          type: "datetime",
          custom: false,
          required: false,
          readOnly: true,
        },
        {
          id: "Email",
          label: "Email",
          object: "client",
          type: "email",
          custom: false,
          required: false,
          readOnly: false,
        },
      ],
      ["case"],
    );
    expect(options).toEqual([
      { value: "FirstName", label: "First name (case)" },
      { value: "custom102", label: "Injury (case, custom)" },
      { value: "Created", label: "Created (case, read-only)" },
    ]);
  });
});

describe("stale mappings by row", () => {
  it("reads refresh paths and a 422's /body paths, including a nested input, joining reasons of one row", () => {
    const rows = staleByRow([
      { path: "/fields/2", reason: 'the CRM has no field "x"' },
      { path: "/body/fields/2", reason: "mapped twice" },
      { path: "/body/statuses/0", reason: 'no status "Gone"' },
      { path: "/body/case_types/1/crm_case_type", reason: "too short" },
      { path: "/body/send_mappings", reason: "ignored: not a row" },
      { path: "/fields/-1", reason: "ignored: no such row" },
    ]);
    expect(rows.fields.get(2)).toBe('the CRM has no field "x"; mapped twice');
    expect(rows.statuses.get(0)).toBe('no status "Gone"');
    expect(rows.case_types.get(1)).toBe("too short");
    expect(rows.fields.size + rows.statuses.size + rows.case_types.size).toBe(3);
  });

  it("takes details.stale from a 422, else the one path validation named, else nothing", () => {
    const stale = [{ path: "/body/fields/0", reason: "gone" }, { path: 3 }, null];
    expect(staleOfDetails({ path: "/body/fields/0", stale }, "msg")).toEqual([
      { path: "/body/fields/0", reason: "gone" },
    ]);
    expect(staleOfDetails({ path: "/body/fields/1/crm_field" }, "too short")).toEqual([
      { path: "/body/fields/1/crm_field", reason: "too short" },
    ]);
    expect(staleOfDetails(undefined, "msg")).toEqual([]);
  });
});

describe("credentials to send", () => {
  const provider = {
    credentials: [
      { name: "username", label: "User name", secret: false, required: true },
      { name: "password", label: "Password", secret: true, required: true },
      { name: "pin", label: "PIN", secret: true, required: false },
    ],
  };

  it("on create, sends what was typed (trimmed) and names every missing required one", () => {
    expect(credentialsToSend(provider, { username: " ana ", pin: "" }, true)).toEqual({
      credentials: { username: "ana" },
      missing: ["password"],
    });
  });

  it("on save, leaves out what was left empty so the server keeps the saved secret", () => {
    expect(credentialsToSend(provider, { password: "  " }, false)).toEqual({ credentials: {}, missing: [] });
    expect(credentialsToSend(provider, { password: "new-secret", other: "x" }, false)).toEqual({
      credentials: { password: "new-secret" },
      missing: [],
    });
  });
});

describe("state badges", () => {
  it("say every state in words", () => {
    expect(stateBadge("none").label).toBe("Not connected");
    expect(stateBadge("idle").label).toBe("Connected · idle");
    expect(stateBadge("syncing").className).toContain("badge-pending");
    expect(stateBadge("failing").className).toContain("badge-failed");
    expect(stateBadge("paused").label).toBe("Paused");
  });
});

describe("a CRM connection as a delivery target", () => {
  it("links to its page and reads its deliveries from the CRM connection routes", () => {
    expect(targetPath("crm_01ABC")).toBe("/integrations/crm/crm_01ABC");
    expect(targetApi("crm_01ABC")).toBe("/v1/crm/connections/crm_01ABC");
    // Webhooks and destinations are unchanged.
    expect(targetApi("wh_1")).toBe("/v1/webhooks/wh_1");
    expect(targetApi("dst_1")).toBe("/v1/destinations/dst_1");
  });
});
