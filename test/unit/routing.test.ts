import { describe, expect, it } from "vitest";
import { type RoutableEvent, stringField, webhookMatchesEvent } from "../../src/domain/routing.js";
import type { WebhookRouting } from "../../src/domain/webhook.js";

const hook = (over: Partial<WebhookRouting> = {}): WebhookRouting => ({
  enabled: true,
  events: [],
  campaign_id: null,
  filters: {},
  ...over,
});

const event = (type: string, over: Partial<RoutableEvent> = {}): RoutableEvent => ({
  type,
  campaign_id: null,
  case_type: null,
  data: {},
  ...over,
});

describe("webhookMatchesEvent: event types", () => {
  it("an empty events list matches every type, including types the catalog does not have yet", () => {
    expect(webhookMatchesEvent(hook(), event("call.ended"))).toBe(true);
    expect(webhookMatchesEvent(hook(), event("message.received"))).toBe(true);
    expect(webhookMatchesEvent(hook(), event("invoice.paid"))).toBe(true);
  });

  it("an exact name matches only that type", () => {
    const h = hook({ events: ["call.ended"] });
    expect(webhookMatchesEvent(h, event("call.ended"))).toBe(true);
    expect(webhookMatchesEvent(h, event("call.started"))).toBe(false);
    expect(webhookMatchesEvent(h, event("call.ended.extra"))).toBe(false);
  });

  it("a category wildcard matches every type of the category and nothing else", () => {
    const h = hook({ events: ["call.*"] });
    expect(webhookMatchesEvent(h, event("call.ended"))).toBe(true);
    expect(webhookMatchesEvent(h, event("call.recording_ready"))).toBe(true);
    expect(webhookMatchesEvent(h, event("callback.requested"))).toBe(false);
    expect(webhookMatchesEvent(h, event("case.created"))).toBe(false);
  });

  it("a category wildcard also matches a type of that category added later", () => {
    expect(webhookMatchesEvent(hook({ events: ["call.*"] }), event("call.hold_started"))).toBe(true);
  });

  it("* matches everything", () => {
    expect(webhookMatchesEvent(hook({ events: ["*"] }), event("form.submitted"))).toBe(true);
  });

  it("any one of several selectors is enough", () => {
    const h = hook({ events: ["case.created", "message.*"] });
    expect(webhookMatchesEvent(h, event("case.created"))).toBe(true);
    expect(webhookMatchesEvent(h, event("message.sent"))).toBe(true);
    expect(webhookMatchesEvent(h, event("case.updated"))).toBe(false);
  });
});

describe("webhookMatchesEvent: campaign scope", () => {
  const scoped = hook({ campaign_id: "cmp_a" });

  it("a campaign-scoped webhook gets call events of its campaign only", () => {
    expect(webhookMatchesEvent(scoped, event("call.ended", { campaign_id: "cmp_a" }))).toBe(true);
    expect(webhookMatchesEvent(scoped, event("call.ended", { campaign_id: "cmp_b" }))).toBe(false);
  });

  it("a campaign-scoped webhook does not get a call event without a campaign", () => {
    expect(webhookMatchesEvent(scoped, event("call.ended"))).toBe(false);
  });

  it("campaign scope applies to transcript and transfer events too", () => {
    expect(webhookMatchesEvent(scoped, event("transcript.updated", { campaign_id: "cmp_b" }))).toBe(false);
    expect(webhookMatchesEvent(scoped, event("transfer.started", { campaign_id: "cmp_b" }))).toBe(false);
    expect(webhookMatchesEvent(scoped, event("transcript.updated", { campaign_id: "cmp_a" }))).toBe(true);
    expect(webhookMatchesEvent(scoped, event("transfer.bridged", { campaign_id: "cmp_a" }))).toBe(true);
  });

  it("campaign events reach a campaign-scoped webhook of their own campaign only (issue 19)", () => {
    expect(webhookMatchesEvent(scoped, event("campaign.started", { campaign_id: "cmp_b" }))).toBe(false);
    expect(webhookMatchesEvent(scoped, event("campaign.started", { campaign_id: "cmp_a" }))).toBe(true);
    expect(webhookMatchesEvent(scoped, event("campaign.paused"))).toBe(false);
    expect(webhookMatchesEvent(scoped, event("conversation.intent_detected", { campaign_id: "cmp_b" }))).toBe(
      false,
    );
  });

  it("a message, task or form event of another campaign does not reach a campaign-scoped webhook", () => {
    expect(webhookMatchesEvent(scoped, event("message.received", { campaign_id: "cmp_b" }))).toBe(false);
    expect(webhookMatchesEvent(scoped, event("task.assigned", { campaign_id: "cmp_b" }))).toBe(false);
    expect(webhookMatchesEvent(scoped, event("form.submitted", { campaign_id: "cmp_b" }))).toBe(false);
    expect(webhookMatchesEvent(scoped, event("form.submitted", { campaign_id: "cmp_a" }))).toBe(true);
  });

  it("tenant-wide events without a campaign reach a campaign-scoped webhook", () => {
    for (const type of [
      "message.received",
      "task.assigned",
      "form.submitted",
      "case.created",
      "webhook.test",
    ]) {
      expect(webhookMatchesEvent(scoped, event(type)), type).toBe(true);
    }
  });

  it("an unscoped webhook gets call events of every campaign", () => {
    expect(webhookMatchesEvent(hook(), event("call.ended", { campaign_id: "cmp_z" }))).toBe(true);
  });

  it("filters.campaign_ids admits call events of a listed campaign only", () => {
    const h = hook({ filters: { campaign_ids: ["cmp_a", "cmp_b"] } });
    expect(webhookMatchesEvent(h, event("call.ended", { campaign_id: "cmp_b" }))).toBe(true);
    expect(webhookMatchesEvent(h, event("call.ended", { campaign_id: "cmp_c" }))).toBe(false);
    expect(webhookMatchesEvent(h, event("call.ended"))).toBe(false);
    expect(webhookMatchesEvent(h, event("transfer.ended", { campaign_id: "cmp_c" }))).toBe(false);
  });

  it("filters.campaign_ids applies to every event that carries a campaign", () => {
    const h = hook({ filters: { campaign_ids: ["cmp_a"] } });
    expect(webhookMatchesEvent(h, event("message.sent", { campaign_id: "cmp_c" }))).toBe(false);
    expect(webhookMatchesEvent(h, event("campaign.completed", { campaign_id: "cmp_c" }))).toBe(false);
    expect(webhookMatchesEvent(h, event("message.sent"))).toBe(true);
  });

  it("an empty filters.campaign_ids list admits every campaign", () => {
    const h = hook({ filters: { campaign_ids: [] } });
    expect(webhookMatchesEvent(h, event("call.ended", { campaign_id: "cmp_c" }))).toBe(true);
  });

  it("campaign_id and filters.campaign_ids must both admit the event", () => {
    const h = hook({ campaign_id: "cmp_a", filters: { campaign_ids: ["cmp_b"] } });
    expect(webhookMatchesEvent(h, event("call.ended", { campaign_id: "cmp_a" }))).toBe(false);
    expect(webhookMatchesEvent(h, event("call.ended", { campaign_id: "cmp_b" }))).toBe(false);
  });
});

describe("webhookMatchesEvent: filters", () => {
  it("case_types admits listed case types only", () => {
    const h = hook({ filters: { case_types: ["auto_accident"] } });
    expect(webhookMatchesEvent(h, event("case.created", { case_type: "auto_accident" }))).toBe(true);
    expect(webhookMatchesEvent(h, event("case.created", { case_type: "slip_and_fall" }))).toBe(false);
  });

  it("case_types is strict: an event without a case type does not match", () => {
    const h = hook({ filters: { case_types: ["auto_accident"] } });
    expect(webhookMatchesEvent(h, event("case.created"))).toBe(false);
  });

  it("case_types applies to every category, messages included", () => {
    const h = hook({ filters: { case_types: ["auto_accident"] } });
    expect(webhookMatchesEvent(h, event("message.received", { case_type: "dog_bite" }))).toBe(false);
  });

  it("case_types compares exactly (case-sensitive)", () => {
    const h = hook({ filters: { case_types: ["auto_accident"] } });
    expect(webhookMatchesEvent(h, event("case.created", { case_type: "Auto_Accident" }))).toBe(false);
  });

  it("directions admits the listed direction taken from data", () => {
    const h = hook({ filters: { directions: ["inbound"] } });
    expect(webhookMatchesEvent(h, event("call.ended", { data: { direction: "inbound" } }))).toBe(true);
    expect(webhookMatchesEvent(h, event("call.ended", { data: { direction: "outbound" } }))).toBe(false);
    expect(webhookMatchesEvent(h, event("call.ended"))).toBe(false);
  });

  it("agent_ids admits events handled by a listed agent", () => {
    const h = hook({ filters: { agent_ids: ["agt_ava"] } });
    expect(webhookMatchesEvent(h, event("call.ended", { data: { agent_id: "agt_ava" } }))).toBe(true);
    expect(webhookMatchesEvent(h, event("call.ended", { data: { agent_id: "agt_bob" } }))).toBe(false);
    expect(webhookMatchesEvent(h, event("call.ended"))).toBe(false);
  });

  it("lead_scores admits events with a listed lead score", () => {
    const h = hook({ filters: { lead_scores: ["hot", "warm"] } });
    expect(webhookMatchesEvent(h, event("call.analyzed", { data: { lead_score: "hot" } }))).toBe(true);
    expect(webhookMatchesEvent(h, event("call.analyzed", { data: { lead_score: "cold" } }))).toBe(false);
  });

  it("a data field that is not a string does not satisfy a filter", () => {
    const h = hook({ filters: { agent_ids: ["1"] } });
    expect(webhookMatchesEvent(h, event("call.ended", { data: { agent_id: 1 } }))).toBe(false);
  });

  it("every set filter must admit the event", () => {
    const h = hook({ filters: { directions: ["inbound"], agent_ids: ["agt_ava"] } });
    const both = event("call.ended", { data: { direction: "inbound", agent_id: "agt_ava" } });
    const one = event("call.ended", { data: { direction: "inbound", agent_id: "agt_bob" } });
    expect(webhookMatchesEvent(h, both)).toBe(true);
    expect(webhookMatchesEvent(h, one)).toBe(false);
  });
});

describe("webhookMatchesEvent: enabled", () => {
  it("a disabled webhook matches nothing", () => {
    expect(webhookMatchesEvent(hook({ enabled: false }), event("call.ended"))).toBe(false);
    expect(webhookMatchesEvent(hook({ enabled: false, events: ["*"] }), event("case.created"))).toBe(false);
  });
});

describe("stringField", () => {
  it("returns a string field and null for anything else", () => {
    expect(stringField({ a: "x" }, "a")).toBe("x");
    expect(stringField({ a: 1 }, "a")).toBeNull();
    expect(stringField({}, "a")).toBeNull();
  });
});
