/**
 * Routing in a target's form (webhook or destination): which events, campaign and filters reach
 * it. The server validates both kinds with the same schema, so both forms share these fields.
 */
import type { EventType, Filters } from "../../../api";
import { splitList } from "../../../ui/format";
import { CAMPAIGN_CATEGORIES, categoryOf } from "../../catalog/catalog";
import { type FieldErrors, jsonObject } from "./numbers";

export interface RoutingState {
  allEvents: boolean;
  events: string[];
  campaignId: string;
  campaignIds: string;
  caseTypes: string;
  inbound: boolean;
  outbound: boolean;
  agentIds: string;
  leadScores: string;
  match: string;
}

export function emptyRouting(): RoutingState {
  return {
    allEvents: true,
    events: [],
    campaignId: "",
    campaignIds: "",
    caseTypes: "",
    inbound: false,
    outbound: false,
    agentIds: "",
    leadScores: "",
    match: "",
  };
}

/** A stored target's routing → form state. */
export function routingFromTarget(t: {
  events: string[];
  campaign_id: string | null;
  filters: Filters;
}): RoutingState {
  return {
    allEvents: t.events.length === 0 || t.events.includes("*"),
    events: t.events.filter((e) => e !== "*"),
    campaignId: t.campaign_id ?? "",
    campaignIds: (t.filters.campaign_ids ?? []).join(", "),
    caseTypes: (t.filters.case_types ?? []).join(", "),
    inbound: t.filters.directions?.includes("inbound") ?? false,
    outbound: t.filters.directions?.includes("outbound") ?? false,
    agentIds: (t.filters.agent_ids ?? []).join(", "),
    leadScores: (t.filters.lead_scores ?? []).join(", "),
    match: t.filters.match ? JSON.stringify(t.filters.match, null, 2) : "",
  };
}

/** Writes `events`, `campaign_id` and `filters` of the request body; errors by field. */
export function routingPayload(
  state: RoutingState,
  body: Record<string, unknown>,
  errors: FieldErrors,
): void {
  if (!state.allEvents && state.events.length === 0) {
    errors.events = "Pick at least one event, or choose “All events”.";
  }
  body.events = state.allEvents ? [] : state.events;

  const filters: Record<string, unknown> = {};
  if (campaignScopeAllowed(state)) {
    body.campaign_id = state.campaignId.trim() === "" ? null : state.campaignId.trim();
    const campaignIds = splitList(state.campaignIds);
    if (campaignIds.length > 0) filters.campaign_ids = campaignIds;
  } else {
    body.campaign_id = null;
  }
  const caseTypes = splitList(state.caseTypes);
  if (caseTypes.length > 0) filters.case_types = caseTypes;
  const directions = [...(state.inbound ? ["inbound"] : []), ...(state.outbound ? ["outbound"] : [])];
  if (directions.length > 0) filters.directions = directions;
  const agentIds = splitList(state.agentIds);
  if (agentIds.length > 0) filters.agent_ids = agentIds;
  const leadScores = splitList(state.leadScores);
  if (leadScores.length > 0) filters.lead_scores = leadScores;
  if (state.match.trim() !== "") {
    const match = jsonObject(errors, "filters.match", "The match query", state.match);
    if (match) filters.match = match;
  }
  body.filters = filters;
}

/** Campaign scope applies only when every picked event is a call, transcript or transfer event. */
export function campaignScopeAllowed(state: Pick<RoutingState, "allEvents" | "events">): boolean {
  return (
    !state.allEvents &&
    state.events.length > 0 &&
    state.events.every((selector) => CAMPAIGN_CATEGORIES.includes(categoryOf(selector)))
  );
}

/** The concrete types the picked selectors stand for (all types when every event is picked). */
export function concreteTypes(
  state: Pick<RoutingState, "allEvents" | "events">,
  types: EventType[],
): string[] {
  if (state.allEvents) return types.map((t) => t.name);
  return types
    .filter((t) =>
      state.events.some((s) => s === t.name || (s.endsWith(".*") && t.category === s.slice(0, -2))),
    )
    .map((t) => t.name);
}
