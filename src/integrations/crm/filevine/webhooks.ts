import { CrmError, type CrmObject } from "../connector.js";

/**
 * Filevine webhook subscriptions (`POST /fv-app/v2/webhooks/subscription`, `PUT …/{id}`, `GET
 * /fv-app/v2/webhooks/Events` in the v2 document): one subscription per object, naming the events
 * Filevine offers for it. Filevine posts each event to the subscription's endpoint as JSON: the
 * object and event, `ObjectId` with the ids it concerns, `ProjectId` and `OrgId` (the v2 document
 * describes the subscription, not the delivery; the event list's `SamplePayloads` show it). Pure
 * helpers; the requests are in subscriptions.ts and the delivery's token check in notify-token.ts.
 */

/** The events that change what a case or client record holds: its project, phase, forms, contact. */
export const WANTED_EVENTS: Readonly<
  Record<CrmObject, ReadonlyArray<readonly [object: string, event: string]>>
> = {
  case: [
    ["Project", "Created"],
    ["Project", "Updated"],
    ["Project", "PhaseChanged"],
    ["Form", "Updated"],
  ],
  client: [
    ["Contact", "Created"],
    ["Contact", "Updated"],
  ],
};

/** The ids of an object's wanted events among those Filevine offers (`ApiSubscriptionEventDto`). */
export function pickEventIds(events: unknown, object: CrmObject): string[] {
  const offered = Array.isArray(events) ? events : [];
  const ids: string[] = [];
  for (const raw of offered) {
    const event = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
    const wanted = WANTED_EVENTS[object].some(
      ([name, type]) => event.ObjectType === name && event.EventType === type,
    );
    if (wanted && typeof event.Id === "string" && event.Id !== "") ids.push(event.Id);
  }
  return ids;
}

/** `CreateWebhookSubscriptionRequest` (and `UpdateWebhookSubscriptionRequest`, the same fields). */
export function subscriptionBody(
  url: string,
  object: CrmObject,
  eventIds: string[],
): {
  Name: string;
  Description: string;
  EventIds: string[];
  Endpoint: string;
} {
  return {
    Name: object === "case" ? "Switchboard CRM sync: projects" : "Switchboard CRM sync: contacts",
    Description:
      object === "case"
        ? "Project, phase and form changes for Switchboard"
        : "Contact changes for Switchboard",
    EventIds: eventIds,
    Endpoint: url,
  };
}

function idOf(value: unknown): string | null {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return String(value);
  if (typeof value === "string" && /^\d{1,12}$/.test(value)) return value;
  // An `Identifier` (`{Native, Partner}`) where a bare id was expected.
  if (value && typeof value === "object") return idOf((value as Record<string, unknown>).Native);
  return null;
}

/**
 * A delivery's body → the record it is about; null for an event about something we do not sync
 * (a note, a document). `orgId`, when the connection names one, must be the delivery's org.
 * Throws `validation` for a body that is not a Filevine event.
 */
export function readFilevineEvent(body: Buffer, orgId?: string): { object: CrmObject; id: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new CrmError("validation", "the Filevine notification is not JSON");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new CrmError("validation", "the Filevine notification is not an event");
  const event = parsed as Record<string, unknown>;
  if (orgId && idOf(event.OrgId) !== orgId)
    throw new CrmError("auth", "the Filevine notification is about another org");
  const ids =
    event.ObjectId && typeof event.ObjectId === "object" ? (event.ObjectId as Record<string, unknown>) : {};
  if (event.Object === "Project" || event.Object === "Form") {
    const id = idOf(ids.ProjectId) ?? idOf(event.ProjectId);
    if (!id) throw new CrmError("validation", "the Filevine notification names no project");
    return { object: "case", id };
  }
  if (event.Object === "Contact") {
    const id = idOf(ids.PersonId) ?? idOf(ids.ContactId);
    if (!id) throw new CrmError("validation", "the Filevine notification names no contact");
    return { object: "client", id };
  }
  return null;
}
