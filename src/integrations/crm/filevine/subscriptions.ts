import type { ConnectorContext, CrmNotifications, CrmObject, CrmSubscription } from "../connector.js";
import { CrmError } from "../connector.js";
import { FilevineClient } from "./client.js";
import { asText, object } from "./map.js";
import { pickEventIds, subscriptionBody } from "./webhooks.js";

/**
 * Filevine's webhook subscriptions as the engine keeps them: one per object. They do not expire,
 * so "renewing" one re-asserts it (`PUT …/subscription/{id}` with our endpoint and events) on each
 * run of the renewal job; one deleted in Filevine meanwhile (404) is created again.
 */

export interface FilevineSubscription {
  id: string;
  eventIds: string[];
  keyId: string | null;
}

async function wantedEvents(client: FilevineClient, kind: CrmObject): Promise<string[]> {
  const eventIds = pickEventIds(await client.json("GET", "/webhooks/Events"), kind);
  if (eventIds.length === 0)
    throw new CrmError(
      "unsupported",
      `Filevine offers none of the ${kind === "case" ? "project" : "contact"} events`,
    );
  return eventIds;
}

/** Subscribes `url` to the events Filevine offers for the object's records. */
export async function createFilevineSubscription(
  context: ConnectorContext,
  options: { url: string; object: CrmObject },
): Promise<FilevineSubscription> {
  const client = new FilevineClient(context);
  const eventIds = await wantedEvents(client, options.object);
  const answer = object(
    await client.json("POST", "/webhooks/subscription", {
      body: subscriptionBody(options.url, options.object, eventIds),
    }),
  );
  const id = asText(answer.Id);
  if (!id) throw new CrmError("transient", "Filevine answered the new subscription without its id");
  return { id, eventIds, keyId: asText(answer.KeyId) };
}

/** Puts our endpoint and events back on the subscription; a new one when Filevine lost it. */
export async function renewFilevineSubscription(
  context: ConnectorContext,
  options: { id: string; url: string; object: CrmObject },
): Promise<FilevineSubscription> {
  // Subscription ids are GUIDs: anything else must not reach the path.
  if (!/^[0-9a-f-]{36}$/i.test(options.id)) return createFilevineSubscription(context, options);
  const client = new FilevineClient(context);
  const eventIds = await wantedEvents(client, options.object);
  try {
    const answer = object(
      await client.json("PUT", `/webhooks/subscription/${options.id}`, {
        body: subscriptionBody(options.url, options.object, eventIds),
      }),
    );
    return { id: asText(answer.Id) ?? options.id, eventIds, keyId: asText(answer.KeyId) };
  } catch (error) {
    if (error instanceof CrmError && error.stage === "not_found")
      return createFilevineSubscription(context, options);
    throw error;
  }
}

export const filevineNotifications: CrmNotifications = {
  handshakeHeader: null,
  // Deliveries carry a token signed by Filevine's identity service: no secret to store.
  secretCredential: "webhook_key_id",
  async subscribe(context, { url, object: kind }) {
    const created = await createFilevineSubscription(context, { url, object: kind });
    return { object: kind, id: created.id, expiresAt: null, secret: null };
  },
  async renew(context, subscription: CrmSubscription, options) {
    const renewed = await renewFilevineSubscription(context, {
      id: subscription.id,
      url: options.url,
      object: subscription.object,
    });
    return { object: subscription.object, id: renewed.id, expiresAt: null };
  },
  // Nothing expires: each renewal run checks the subscription is still there and still ours.
  needsRenewal: () => true,
};
