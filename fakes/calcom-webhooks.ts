/**
 * Cal.com's booking webhooks as the fake sends them: `{triggerEvent, createdAt, payload}` with the
 * booking's uid, times, attendees, organizer and metadata, signed with `X-Cal-Signature-256` (the
 * hex HMAC-SHA256 of the body, keyed by the subscription's secret).
 */
import { createHmac } from "node:crypto";
import type { FakeBooking, FakeEventType } from "./calcom-schedule.js";

export interface WebhookSubscriber {
  subscriberUrl: string;
  triggers: string[];
  active: boolean;
  secret: string | null;
}

export function webhookBody(
  trigger: string,
  booking: FakeBooking,
  context: {
    me: { id: number; name: string; email: string; timeZone: string };
    eventTypes: FakeEventType[];
    now: number;
  },
  extra: Record<string, unknown> = {},
): string {
  const type = context.eventTypes.find((e) => e.id === booking.eventTypeId);
  const { me } = context;
  return JSON.stringify({
    triggerEvent: trigger,
    createdAt: new Date(context.now).toISOString(),
    payload: {
      type: type?.slug ?? "",
      title: booking.title,
      startTime: booking.start,
      endTime: booking.end,
      organizer: { id: me.id, name: me.name, email: me.email, timeZone: me.timeZone },
      attendees: booking.attendees.map((a) => ({ ...a, language: { locale: a.language ?? "en" } })),
      location: booking.location,
      uid: booking.uid,
      bookingId: booking.id,
      eventTypeId: booking.eventTypeId,
      metadata: booking.metadata,
      status: booking.status === "accepted" ? "ACCEPTED" : "CANCELLED",
      cancellationReason: booking.cancellationReason,
      ...extra,
    },
  });
}

/** Posts the body to every active subscriber of the trigger; answers their statuses (0: unreachable). */
export async function deliverWebhook(
  subscribers: readonly WebhookSubscriber[],
  trigger: string,
  body: string,
): Promise<number[]> {
  const statuses: number[] = [];
  for (const hook of subscribers) {
    if (!hook.active || !hook.triggers.includes(trigger)) continue;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (hook.secret)
      headers["x-cal-signature-256"] = createHmac("sha256", hook.secret).update(body).digest("hex");
    const answer = await fetch(hook.subscriberUrl, { method: "POST", headers, body }).catch(() => null);
    statuses.push(answer?.status ?? 0);
  }
  return statuses;
}
