import { eventSelectorMatches, isCampaignScoped } from "./catalog/index.js";
import { compileMatch, type EventMatcher } from "./filters.js";
import type { WebhookRouting } from "./webhook.js";

/** What routing looks at on an event (campaign and case type already taken from data if absent). */
export interface RoutableEvent {
  type: string;
  campaign_id: string | null;
  case_type: string | null;
  data: Record<string, unknown>;
  /** For `filters.match` queries over the envelope. */
  id?: string;
  occurred_at?: number;
}

/** A webhook's routing settings with its `filters.match` query compiled (once per version). */
export type CompiledRouting = WebhookRouting & { matcher?: EventMatcher };

/** A string field of event data, or null when absent or not a string. */
export function stringField(data: Record<string, unknown>, key: string): string | null {
  const value = data[key];
  return typeof value === "string" ? value : null;
}

/** A filter list that is set (non-empty) admits only events whose value is in it. */
function admits(list: readonly string[] | undefined, value: string | null): boolean {
  if (!list || list.length === 0) return true;
  return value !== null && list.includes(value);
}

/**
 * Campaign scope. A webhook with a `campaign_id` (or a non-empty `filters.campaign_ids`) gets the
 * events of that campaign (those campaigns) only, whatever their type — `campaign.started` of
 * another campaign included (issue 19). An event without a campaign reaches it only when it is
 * tenant-wide (a message, task, form, case, client, … with no campaign): call, transcript,
 * transfer, conversation and campaign events without one belong to no campaign, so not to this one.
 */
export function campaignAdmits(webhook: WebhookRouting, event: RoutableEvent): boolean {
  const campaignIds = webhook.filters.campaign_ids;
  const scoped = webhook.campaign_id !== null || (campaignIds !== undefined && campaignIds.length > 0);
  if (!scoped) return true;
  if (event.campaign_id === null) return !isCampaignScoped(event.type);
  if (webhook.campaign_id !== null && webhook.campaign_id !== event.campaign_id) return false;
  return admits(campaignIds, event.campaign_id);
}

/**
 * Does this event get a delivery at this webhook?
 * - `events`: empty means every type, including types added later; entries may be `call.*`.
 * - Campaign scope (`campaign_id`, `filters.campaign_ids`): see {@link campaignAdmits}.
 * - `filters.case_types`, `directions`, `agent_ids`, `lead_scores`: when set, the event must
 *   carry one of the listed values (an event without that field does not match).
 * - `filters.match`: a MongoDB-style query over the envelope (`event`, `id`, `timestamp`, `data`,
 *   `campaign_id`, `case_type`); pass `matcher` precompiled on hot paths, else it is compiled here.
 */
export function webhookMatchesEvent(webhook: CompiledRouting, event: RoutableEvent): boolean {
  if (!webhook.enabled) return false;
  if (
    webhook.events.length > 0 &&
    !webhook.events.some((selector) => eventSelectorMatches(selector, event.type))
  ) {
    return false;
  }
  const filters = webhook.filters;
  if (!campaignAdmits(webhook, event)) return false;
  if (!admits(filters.case_types, event.case_type)) return false;
  if (!admits(filters.directions, stringField(event.data, "direction"))) return false;
  if (!admits(filters.agent_ids, stringField(event.data, "agent_id"))) return false;
  if (!admits(filters.lead_scores, stringField(event.data, "lead_score"))) return false;
  if (filters.match !== undefined) {
    const matcher = webhook.matcher ?? compileMatch(filters.match);
    const envelope = {
      event: event.type,
      type: event.type,
      campaign_id: event.campaign_id,
      case_type: event.case_type,
      data: event.data,
      ...(event.id !== undefined ? { id: event.id } : {}),
      ...(event.occurred_at !== undefined ? { timestamp: new Date(event.occurred_at).toISOString() } : {}),
    };
    if (!matcher(envelope)) return false;
  }
  return true;
}
