import { Type } from "@sinclair/typebox";
import { defineEventType, Id, opt, Seconds, Text, Timestamp } from "./common.js";
import type { EventTypeDefinition } from "./types.js";

/** webhook.*: events Switchboard emits about the firm's own webhooks. */

const webhookProperties = {
  webhook_id: Id("Webhook id (wh_…)."),
  url: opt(Text("The webhook's destination URL.")),
  description: opt(Text("The webhook's description.")),
};

const failureProperties = {
  ...webhookProperties,
  failing_since: opt(Timestamp("Time of the first failed delivery in the current run of failures.")),
  failed_deliveries: opt(Type.Integer({ minimum: 0, description: "Deliveries that failed since then." })),
  last_status_code: opt(
    Type.Union([Type.Integer(), Type.Null()], { description: "HTTP status of the last attempt, if any." }),
  ),
  last_error: opt(Text("Error of the last attempt, e.g. timeout, connection refused.")),
  auto_disable_after: opt(Seconds("Seconds of continuous failure after which the webhook is disabled.")),
};

const failureExample = {
  webhook_id: "wh_3Jd8Ks2Vq",
  url: "https://crm.hartwell-law.example/hooks/switchboard",
  description: "Send qualified intake calls to LawRuler",
  failing_since: "2025-06-08T02:14:00Z",
  failed_deliveries: 184,
  last_status_code: 503,
  last_error: "HTTP 503 Service Unavailable",
  auto_disable_after: 432000,
};

export const platformEvents: EventTypeDefinition[] = [
  defineEventType(
    "webhook.test",
    "A test event sent from the dashboard or API to check that a webhook endpoint receives and verifies deliveries.",
    Type.Object({
      ...webhookProperties,
      message: opt(Text("A human-readable note that this is a test.")),
      test: opt(Type.Boolean({ description: "Always true." })),
      requested_at: opt(Timestamp("When the test was requested.")),
    }),
    {
      webhook_id: "wh_3Jd8Ks2Vq",
      url: "https://crm.hartwell-law.example/hooks/switchboard",
      message: "This is a test event from Switchboard. If you can read this, your endpoint is working.",
      test: true,
      requested_at: "2025-06-10T12:00:00Z",
    },
  ),
  defineEventType(
    "webhook.failing",
    "Every delivery to a webhook has failed for half of the auto-disable period; fix the endpoint or it will be disabled.",
    Type.Object({
      ...failureProperties,
      disables_at: opt(Timestamp("When the webhook will be disabled if failures continue.")),
    }),
    { ...failureExample, disables_at: "2025-06-13T02:14:00Z" },
  ),
  defineEventType(
    "webhook.disabled",
    "A webhook was disabled automatically because its deliveries kept failing; re-enable it once the endpoint works.",
    Type.Object({
      ...failureProperties,
      reason: Text("Why it was disabled, e.g. failing_too_long."),
      message: opt(Text("A human-readable explanation.")),
      disabled_at: opt(Timestamp("When it was disabled.")),
    }),
    {
      ...failureExample,
      failed_deliveries: 412,
      reason: "failing_too_long",
      message: "Every delivery failed for 5 days (since 2025-06-08 02:14 UTC), so the webhook was disabled.",
      disabled_at: "2025-06-13T02:14:00Z",
    },
  ),
];
