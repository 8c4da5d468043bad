/**
 * Filevine webhook subscriptions (`POST /fv-app/v2/webhooks/subscription`, `GET
 * /fv-app/v2/webhooks/Events` in the v2 document). Pure helpers; the request is in index.ts. The
 * document does not say how Filevine signs a delivery, so the connector does not read notifications
 * yet (`changeNotifications: false`): subscribing is ready for when it does.
 */

/** The events that change what a case or client record holds: its project, phase, forms, contact. */
export const WANTED_EVENTS: ReadonlyArray<readonly [object: string, event: string]> = [
  ["Project", "Created"],
  ["Project", "Updated"],
  ["Project", "PhaseChanged"],
  ["Form", "Updated"],
  ["Contact", "Created"],
  ["Contact", "Updated"],
];

/** The ids of the wanted events among those Filevine offers (`ApiSubscriptionEventDto`). */
export function pickEventIds(events: unknown): string[] {
  const offered = Array.isArray(events) ? events : [];
  const ids: string[] = [];
  for (const raw of offered) {
    const event = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
    const wanted = WANTED_EVENTS.some(
      ([object, type]) => event.ObjectType === object && event.EventType === type,
    );
    if (wanted && typeof event.Id === "string" && event.Id !== "") ids.push(event.Id);
  }
  return ids;
}

/** `CreateWebhookSubscriptionRequest`. */
export function subscriptionBody(
  url: string,
  eventIds: string[],
): {
  Name: string;
  Description: string;
  EventIds: string[];
  Endpoint: string;
} {
  return {
    Name: "Switchboard CRM sync",
    Description: "Project, phase, form and contact changes for Switchboard",
    EventIds: eventIds,
    Endpoint: url,
  };
}
