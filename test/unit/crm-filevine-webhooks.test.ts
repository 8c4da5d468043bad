import { describe, expect, it } from "vitest";
import { CrmError } from "../../src/integrations/crm/connector.js";
import {
  pickEventIds,
  readFilevineEvent,
  subscriptionBody,
} from "../../src/integrations/crm/filevine/webhooks.js";
import { connectWithLabel, oauthAppProvider } from "../../web/src/features/integrations/crm/logic.js";

const offered = [
  { Id: "p1", ObjectType: "Project", EventType: "Updated" },
  { Id: "p2", ObjectType: "Project", EventType: "PhaseChanged" },
  { Id: "f1", ObjectType: "Form", EventType: "Updated" },
  { Id: "c1", ObjectType: "Contact", EventType: "Created" },
  { Id: "n1", ObjectType: "Note", EventType: "Created" },
  { Id: "", ObjectType: "Project", EventType: "Created" },
  { ObjectType: "Contact", EventType: "Updated" },
  null,
];

const body = (event: unknown) => Buffer.from(JSON.stringify(event));

describe("Filevine webhook events", () => {
  it("picks each object's wanted events among those offered, skipping ids it cannot name", () => {
    expect(pickEventIds(offered, "case")).toEqual(["p1", "p2", "f1"]);
    expect(pickEventIds(offered, "client")).toEqual(["c1"]);
    expect(pickEventIds({ not: "a list" }, "case")).toEqual([]);
    expect(subscriptionBody("https://x/h", "client", ["c1"])).toMatchObject({
      Endpoint: "https://x/h",
      EventIds: ["c1"],
    });
  });

  it("reads the record a delivery names: project and form → case, contact → client, else nothing", () => {
    expect(readFilevineEvent(body({ Object: "Project", ObjectId: { ProjectId: 12 }, OrgId: 5 }))).toEqual({
      object: "case",
      id: "12",
    });
    expect(readFilevineEvent(body({ Object: "Form", ObjectId: {}, ProjectId: { Native: 13 } }))).toEqual({
      object: "case",
      id: "13",
    });
    expect(readFilevineEvent(body({ Object: "Contact", ObjectId: { PersonId: "77" } }))).toEqual({
      object: "client",
      id: "77",
    });
    expect(readFilevineEvent(body({ Object: "Note", ObjectId: { NoteId: 1 }, ProjectId: 12 }))).toBeNull();
  });

  it("refuses a body that is no event, names no usable id, or is about another org", () => {
    const stage = (raw: Buffer, org?: string) => {
      try {
        readFilevineEvent(raw, org);
        return null;
      } catch (error) {
        return error instanceof CrmError ? error.stage : "other";
      }
    };
    expect(stage(Buffer.from("not json"))).toBe("validation");
    expect(stage(body([1, 2]))).toBe("validation");
    expect(stage(body({ Object: "Project", ObjectId: { ProjectId: "../1" } }))).toBe("validation");
    expect(stage(body({ Object: "Project", ObjectId: { ProjectId: -4 } }))).toBe("validation");
    expect(stage(body({ Object: "Contact", ObjectId: {} }))).toBe("validation");
    expect(stage(body({ Object: "Project", ObjectId: { ProjectId: 1 }, OrgId: 9 }), "5")).toBe("auth");
    expect(stage(body({ Object: "Project", ObjectId: { ProjectId: 1 }, OrgId: 5 }), "5")).toBeNull();
  });
});

describe("the dashboard's Connect button", () => {
  it("asks an OAuth CRM for its app key and secret only, both required, and names the company", () => {
    const provider = {
      credentials: [
        { name: "access_token", label: "Access token", secret: true, required: true },
        { name: "client_id", label: "App key", secret: false, required: false },
        { name: "client_secret", label: "App secret", secret: true, required: false },
      ],
    };
    expect(oauthAppProvider(provider).credentials).toEqual([
      { name: "client_id", label: "App key", secret: false, required: true },
      { name: "client_secret", label: "App secret", secret: true, required: true },
    ]);
    expect(connectWithLabel("Clio Manage")).toBe("Connect with Clio");
  });
});
