import { describe, expect, it } from "vitest";
import {
  eventCatalog,
  eventCategories,
  eventSelectorMatches,
  eventTypeVariables,
  findEventType,
  isCampaignScoped,
  isDateTime,
  isEmail,
  isUri,
  isValidEventSelector,
  suggestEventTypes,
  UnknownEventTypeError,
  validateEventData,
} from "../../src/domain/catalog/index.js";

const REQUIRED_TYPES = [
  "case.created",
  "case.updated",
  "case.status_changed",
  "case.deleted",
  "client.created",
  "client.updated",
  "client.merged",
  "client.opt_out_changed",
  "call.pre_connect",
  "call.started",
  "call.ended",
  "call.analyzed",
  "call.failed",
  "call.voicemail_detected",
  "call.recording_ready",
  "transcript.updated",
  "transfer.started",
  "transfer.bridged",
  "transfer.cancelled",
  "transfer.ended",
  "message.sent",
  "message.delivered",
  "message.received",
  "message.failed",
  "task.assigned",
  "task.completed",
  "task.overdue",
  "form.submitted",
  "campaign.started",
  "campaign.paused",
  "campaign.completed",
  "campaign.quota_reached",
  "lead.created",
  "lead.qualified",
  "appointment.booked",
  "goal.completed",
  "conversation.intent_detected",
  "conversation.entity_captured",
  "webhook.test",
  "webhook.failing",
  "webhook.disabled",
];

function example(type: string): Record<string, unknown> {
  const definition = findEventType(type);
  if (definition === undefined) throw new Error(`missing ${type}`);
  return structuredClone(definition.example);
}

describe("event catalog contents", () => {
  it("contains every required event type", () => {
    const names = eventCatalog.map((definition) => definition.name);
    for (const type of REQUIRED_TYPES) expect(names).toContain(type);
  });

  it("names every type category.action, with category matching the name, and no duplicates", () => {
    const names = new Set<string>();
    for (const definition of eventCatalog) {
      expect(definition.name).toMatch(/^[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*$/);
      expect(definition.category).toBe(definition.name.split(".")[0]);
      expect(names.has(definition.name)).toBe(false);
      names.add(definition.name);
    }
  });

  it("is sorted by name", () => {
    const names = eventCatalog.map((definition) => definition.name);
    expect(names).toEqual([...names].sort());
  });

  it("gives every type a one-sentence description and an object schema", () => {
    for (const definition of eventCatalog) {
      expect(definition.description).toMatch(/^[A-Z].{10,200}\.$/);
      expect(definition.schema.type).toBe("object");
      // Forward compatible: the platform may add fields.
      expect(definition.schema.additionalProperties).not.toBe(false);
    }
  });

  it("has an example for every type that validates against its schema", () => {
    for (const definition of eventCatalog) {
      expect(validateEventData(definition.name, definition.example), definition.name).toEqual([]);
    }
  });

  it("serializes schemas and examples as plain JSON", () => {
    const json = JSON.parse(JSON.stringify(eventCatalog)) as Array<{ schema: { properties: object } }>;
    expect(json).toHaveLength(eventCatalog.length);
    expect(json[0]?.schema.properties).toBeTypeOf("object");
  });

  it("freezes the examples so callers cannot change the catalog", () => {
    const definition = findEventType("call.ended");
    expect(Object.isFrozen(definition?.example)).toBe(true);
    expect(Object.isFrozen(eventCatalog)).toBe(true);
  });

  it("requires ids but not optional details", () => {
    expect(validateEventData("call.ended", { call_id: "call_1" })).toEqual([]);
    expect(validateEventData("call.recording_ready", { call_id: "call_1" }).map((e) => e.path)).toEqual([
      "/recording_id",
      "/recording_url",
    ]);
    expect(validateEventData("case.updated", { case_id: "cas_1" }).map((e) => e.path)).toEqual(["/changes"]);
    expect(
      validateEventData("client.merged", { surviving_client_id: "cli_1", merged_client_ids: ["cli_2"] }),
    ).toEqual([]);
    expect(validateEventData("webhook.disabled", { webhook_id: "wh_1" }).map((e) => e.path)).toEqual([
      "/reason",
    ]);
  });

  it("carries the intake call fields on call.ended", () => {
    const properties = Object.keys(findEventType("call.ended")?.schema.properties ?? {});
    for (const field of [
      "call_id",
      "direction",
      "from_number",
      "to_number",
      "duration",
      "answered",
      "agent_id",
      "campaign_id",
      "customer",
      "transcript",
      "summary",
      "lead_score",
      "intent",
      "recording_url",
      "outcome",
      "disposition",
      "case_type",
      "next_steps",
      "started_at",
      "ended_at",
    ]) {
      expect(properties).toContain(field);
    }
  });

  it("lists categories sorted and unique", () => {
    const categories = eventCategories();
    expect(categories).toEqual([...new Set(categories)].sort());
    expect(categories).toContain("call");
    expect(categories).toContain("webhook");
  });
});

describe("validateEventData", () => {
  it("reports a wrong type with the JSON-pointer path of the field", () => {
    const data = { ...example("call.ended"), duration: "412" };
    expect(validateEventData("call.ended", data)).toEqual([
      { path: "/duration", message: "Expected integer" },
    ]);
  });

  it("reports nested paths", () => {
    const data = { ...example("call.ended"), customer: { name: "Maria Delgado", phone: 13125550187 } };
    expect(validateEventData("call.ended", data).map((e) => e.path)).toEqual(["/customer/phone"]);
  });

  it("reports a missing required property once", () => {
    const { call_id: _, ...data } = example("call.ended");
    expect(validateEventData("call.ended", data)).toEqual([
      { path: "/call_id", message: "Expected required property" },
    ]);
  });

  it("reports the root path when data is not an object", () => {
    for (const data of [null, [], "call", 42]) {
      expect(validateEventData("call.ended", data)).toEqual([{ path: "", message: "Expected object" }]);
    }
  });

  it("lists the allowed values of an enumeration", () => {
    const errors = validateEventData("call.ended", { call_id: "call_1", lead_score: "scorching" });
    expect(errors).toEqual([{ path: "/lead_score", message: 'Expected one of "hot", "warm", "cold"' }]);
    expect(validateEventData("call.ended", { call_id: "call_1", direction: "sideways" })[0]?.path).toBe(
      "/direction",
    );
  });

  it("accepts a transcript as text or as turns, and points into a broken turn", () => {
    expect(validateEventData("call.ended", { call_id: "c", transcript: "Agent: Hello." })).toEqual([]);
    const errors = validateEventData("call.ended", {
      call_id: "c",
      transcript: [
        { role: "agent", text: "Hello" },
        { role: "customer", text: 7 },
      ],
    });
    expect(errors).toEqual([{ path: "/transcript/1/text", message: "Expected string" }]);
    expect(validateEventData("call.ended", { call_id: "c", transcript: 5 })).toEqual([
      { path: "/transcript", message: "Expected string or array" },
    ]);
  });

  it("checks date-time and uri formats", () => {
    const errors = validateEventData("call.ended", {
      call_id: "c",
      started_at: "yesterday",
      recording_url: "recordings/rec_1.mp3",
    });
    expect(errors.map((e) => e.path).sort()).toEqual(["/recording_url", "/started_at"]);
  });

  it("allows properties the schema does not know", () => {
    expect(validateEventData("call.ended", { ...example("call.ended"), sip_call_id: "abc@pbx" })).toEqual([]);
  });

  it("accepts any change values in a changes map but checks their shape", () => {
    expect(
      validateEventData("case.updated", {
        case_id: "cas_1",
        changes: { status: { old: null, new: "signed" } },
      }),
    ).toEqual([]);
    expect(validateEventData("case.updated", { case_id: "cas_1", changes: { status: "signed" } })).toEqual([
      { path: "/changes/status", message: "Expected object" },
    ]);
  });

  it("escapes JSON-pointer path segments", () => {
    const errors = validateEventData("case.updated", { case_id: "cas_1", changes: { "a/b": 1 } });
    expect(errors[0]?.path).toBe("/changes/a~1b");
  });

  it("throws for an unknown type, with suggestions", () => {
    expect(() => validateEventData("call.end", {})).toThrow(UnknownEventTypeError);
    try {
      validateEventData("call.end", {});
    } catch (error) {
      expect((error as UnknownEventTypeError).suggestions[0]).toBe("call.ended");
      expect((error as Error).message).toContain("call.ended");
    }
  });
});

describe("formats", () => {
  it("recognises RFC 3339 date-times", () => {
    for (const value of [
      "2025-06-10T14:02:11Z",
      "2025-06-10T14:02:11.123-05:00",
      "2024-02-29T00:00:00+00:00",
    ]) {
      expect(isDateTime(value), value).toBe(true);
    }
    for (const value of [
      "2025-06-10",
      "2025-06-10T14:02:11",
      "2025-02-29T00:00:00Z",
      "2025-13-01T00:00:00Z",
    ]) {
      expect(isDateTime(value), value).toBe(false);
    }
  });

  it("recognises absolute URIs and plausible emails", () => {
    expect(isUri("https://media.switchboard.example/rec.mp3")).toBe(true);
    expect(isUri("/relative/path")).toBe(false);
    expect(isUri("https://exa mple.com")).toBe(false);
    expect(isEmail("maria.delgado@example.com")).toBe(true);
    expect(isEmail("maria at example dot com")).toBe(false);
  });
});

describe("suggestEventTypes", () => {
  it("suggests the completed name for a truncated action", () => {
    expect(suggestEventTypes("call.end")[0]).toBe("call.ended");
  });

  it("fixes a typo in the category", () => {
    expect(suggestEventTypes("calls.ended")[0]).toBe("call.ended");
    expect(suggestEventTypes("clinet.merged")[0]).toBe("client.merged");
  });

  it("fixes typos and transpositions in the action", () => {
    expect(suggestEventTypes("message.recieved")[0]).toBe("message.received");
    expect(suggestEventTypes("webhook.tset")[0]).toBe("webhook.test");
    expect(suggestEventTypes("case.status_change")[0]).toBe("case.status_changed");
  });

  it("tolerates other separators and case", () => {
    expect(suggestEventTypes("Call_Ended")[0]).toBe("call.ended");
    expect(suggestEventTypes("call:pre-connect")[0]).toBe("call.pre_connect");
  });

  it("matches on the action or the category alone", () => {
    expect(suggestEventTypes("ended")).toEqual(expect.arrayContaining(["call.ended", "transfer.ended"]));
    expect(suggestEventTypes("lead")).toEqual(["lead.created", "lead.qualified"]);
  });

  it("returns at most three catalog names, and none for nonsense", () => {
    expect(suggestEventTypes("call").length).toBeLessThanOrEqual(3);
    for (const name of suggestEventTypes("transfer.bridge")) expect(findEventType(name)).toBeDefined();
    expect(suggestEventTypes("zzzzzzzzzz")).toEqual([]);
    expect(suggestEventTypes("")).toEqual([]);
  });
});

describe("event selectors", () => {
  it("matches exact names, category wildcards and *", () => {
    expect(eventSelectorMatches("call.ended", "call.ended")).toBe(true);
    expect(eventSelectorMatches("call.ended", "call.started")).toBe(false);
    expect(eventSelectorMatches("call.*", "call.ended")).toBe(true);
    expect(eventSelectorMatches("call.*", "transcript.updated")).toBe(false);
    expect(eventSelectorMatches("call.*", "callback.requested")).toBe(false);
    expect(eventSelectorMatches("*", "webhook.test")).toBe(true);
  });

  it("accepts selectors that name catalog types or categories", () => {
    expect(isValidEventSelector("*")).toBe(true);
    expect(isValidEventSelector("call.*")).toBe(true);
    expect(isValidEventSelector("transfer.bridged")).toBe(true);
    expect(isValidEventSelector("call.end")).toBe(false);
    expect(isValidEventSelector("calls.*")).toBe(false);
    expect(isValidEventSelector("call.")).toBe(false);
    expect(isValidEventSelector("*.ended")).toBe(false);
    expect(isValidEventSelector("")).toBe(false);
  });
});

describe("isCampaignScoped", () => {
  it("is true for call, transcript, transfer, conversation and campaign events only", () => {
    expect(isCampaignScoped("call.ended")).toBe(true);
    expect(isCampaignScoped("transcript.updated")).toBe(true);
    expect(isCampaignScoped("transfer.bridged")).toBe(true);
    expect(isCampaignScoped("case.created")).toBe(false);
    expect(isCampaignScoped("message.received")).toBe(false);
    expect(isCampaignScoped("campaign.paused")).toBe(true);
    expect(isCampaignScoped("conversation.intent_detected")).toBe(true);
    expect(isCampaignScoped("webhook.test")).toBe(false);
  });
});

describe("eventTypeVariables", () => {
  it("lists the envelope and the data paths of call.ended", () => {
    const variables = eventTypeVariables("call.ended");
    expect(variables.slice(0, 3)).toEqual(["id", "event", "timestamp"]);
    expect(variables).toContain("data.call_id");
    expect(variables).toContain("data.customer.name");
    expect(variables).toContain("data.customer.phone");
    expect(variables).toContain("data.duration");
    // Objects are walked, not offered as a whole; arrays and unions are one variable.
    expect(variables).not.toContain("data.customer");
    expect(variables).toContain("data.transcript");
    expect(variables.some((v) => v.startsWith("data.transcript."))).toBe(false);
  });

  it("offers maps such as changes as one variable", () => {
    expect(eventTypeVariables("case.updated")).toContain("data.changes");
  });

  it("throws for an unknown type", () => {
    expect(() => eventTypeVariables("call.nope")).toThrow(UnknownEventTypeError);
  });
});
