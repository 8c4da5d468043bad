/**
 * Destination presets: the method, body template, headers, success rule (and, where the service
 * fixes them, events, retry and URL) that make a webhook talk to a well-known receiver. A create
 * with `preset: "<name>"` starts from these; any field the request gives wins. Pure data.
 */
import { type Static, Type } from "@sinclair/typebox";
import { KAISA_DEFAULT_BODY } from "./kaisa.js";
import {
  type HttpMethod,
  PresetNameSchema,
  type RetryPolicy,
  type SuccessConditions,
  type WebhookBody,
  WebhookBodySchema,
  WebhookRetrySchema,
  WebhookSuccessSchema,
} from "./webhook.js";

/** A preset as `GET /v1/webhook-presets` shows it. */
export const WebhookPresetSchema = Type.Object(
  {
    name: PresetNameSchema,
    title: Type.String(),
    description: Type.String(),
    /** What the URL looks like (the receiver issues it), or the fixed URL of an API. */
    url_hint: Type.String(),
    /** True when the URL is the service's own API (`url_hint` is then the URL to use). */
    fixed_url: Type.Boolean(),
    /** The auth the service requires, if any (the user supplies the credential). */
    auth: Type.Union([Type.Literal("bearer"), Type.Null()]),
    events: Type.Array(Type.String()),
    method: Type.Union([
      Type.Literal("POST"),
      Type.Literal("GET"),
      Type.Literal("PUT"),
      Type.Literal("DELETE"),
    ]),
    headers: Type.Record(Type.String(), Type.String()),
    body: WebhookBodySchema,
    success: WebhookSuccessSchema,
    retry: Type.Union([WebhookRetrySchema, Type.Null()]),
    /** Where the user gets the URL or credential, in a line. */
    setup: Type.String(),
  },
  { title: "WebhookPreset" },
);
export type WebhookPreset = Static<typeof WebhookPresetSchema>;

/** A one-line description of a call or lead, for chat messages (Liquid). */
const HEADLINE =
  "{{ event }}{% if data.customer.name %} · {{ data.customer.name }}{% endif %}" +
  "{% if data.from_number %} · {{ data.from_number }}{% endif %}" +
  "{% if data.duration %} · {{ data.duration }} s{% endif %}" +
  "{% if data.lead_score %} · {{ data.lead_score }}{% endif %}";

const SUMMARY =
  "{% if data.summary %}{{ data.summary }}{% else %}Event {{ id }} at {{ timestamp }}{% endif %}";

const slack: WebhookPreset = {
  name: "slack",
  title: "Slack",
  description: "Posts a message to a channel through a Slack incoming webhook.",
  url_hint: "https://hooks.slack.com/services/T…/B…/…",
  fixed_url: false,
  auth: null,
  events: [],
  method: "POST",
  headers: {},
  // Slack's incoming webhooks take `{"text": …}` (mrkdwn) and answer 200 with the text "ok".
  body: { format: "json", template: { text: `*${HEADLINE}*\n${SUMMARY}` } },
  success: { status_codes: [200] },
  retry: null,
  setup: "Slack: Apps → Incoming Webhooks → Add New Webhook to Workspace, pick the channel, copy the URL.",
};

const teams: WebhookPreset = {
  name: "teams",
  title: "Microsoft Teams",
  description:
    "Posts an Adaptive Card to a channel through a Teams workflow (“Post to a channel when a webhook request is received”).",
  url_hint: "https://prod-00.westus.logic.azure.com/workflows/…/triggers/manual/paths/invoke?…",
  fixed_url: false,
  auth: null,
  events: [],
  method: "POST",
  headers: {},
  // The workflow's trigger takes a message with an Adaptive Card attachment and answers 202.
  body: {
    format: "json",
    template: {
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          contentUrl: null,
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
            body: [
              { type: "TextBlock", text: HEADLINE, weight: "Bolder", wrap: true },
              { type: "TextBlock", text: SUMMARY, wrap: true },
            ],
          },
        },
      ],
    },
  },
  success: { status_codes: [200, 202] },
  retry: null,
  setup:
    "Teams: the channel's ••• → Workflows → “Post to a channel when a webhook request is received”, copy the URL.",
};

const googleSheets: WebhookPreset = {
  name: "google_sheets",
  title: "Google Sheets",
  description: "Appends one row per event through an Apps Script web app bound to the sheet.",
  url_hint: "https://script.google.com/macros/s/…/exec",
  fixed_url: false,
  auth: null,
  events: [],
  method: "POST",
  headers: {},
  // Flat fields, one per column; the Apps Script (docs/api.md) appends them in this order.
  body: {
    format: "json",
    template: {
      timestamp: "{{ timestamp }}",
      event: "{{ event }}",
      id: "{{ id }}",
      call_id: "{{ data.call_id }}",
      customer_name: "{{ data.customer.name }}",
      from_number: "{{ data.from_number }}",
      to_number: "{{ data.to_number }}",
      duration: "{{ data.duration }}",
      lead_score: "{{ data.lead_score }}",
      summary: "{{ data.summary }}",
    },
  },
  // Apps Script runs doPost, then answers 302 to the script's output on googleusercontent.com;
  // redirects are not followed, so the 302 itself means the row was written.
  success: { status_codes: [200, 302] },
  retry: null,
  setup:
    "Sheets: Extensions → Apps Script, paste the doPost from the docs, Deploy → New deployment → Web app (access: Anyone), copy the /exec URL.",
};

const zapier: WebhookPreset = {
  name: "zapier",
  title: "Zapier",
  description: "Starts a Zap from a “Webhooks by Zapier → Catch Hook” trigger with the whole event.",
  url_hint: "https://hooks.zapier.com/hooks/catch/…/…/",
  fixed_url: false,
  auth: null,
  events: [],
  method: "POST",
  headers: {},
  // The standard envelope: Zapier splits nested fields itself (data__from_number).
  body: { format: "json" },
  // A catch hook answers 200 with {"status": "success", "id": …}.
  success: { status_codes: [200], response_key: "status", expected_value: "success" },
  retry: null,
  setup: "Zapier: new Zap → trigger Webhooks by Zapier → Catch Hook, copy the URL.",
};

const make: WebhookPreset = {
  name: "make",
  title: "Make",
  description: "Starts a Make scenario from a “Webhooks → Custom webhook” trigger with the whole event.",
  url_hint: "https://hook.eu1.make.com/…",
  fixed_url: false,
  auth: null,
  events: [],
  method: "POST",
  headers: {},
  body: { format: "json" },
  // A custom webhook answers 200 "Accepted" (or what the scenario's Webhook response says).
  success: { status_codes: [200] },
  retry: null,
  setup: "Make: new scenario → Webhooks → Custom webhook → Add, copy the address.",
};

const hubspot: WebhookPreset = {
  name: "hubspot",
  title: "HubSpot",
  description:
    "Creates or updates a HubSpot contact (by email) for every new lead, through the CRM contacts batch upsert API.",
  url_hint: "https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert",
  fixed_url: true,
  auth: "bearer",
  events: ["lead.created"],
  method: "POST",
  headers: {},
  // HubSpot's upsert: one input keyed by the email property; the name is split at its first space.
  body: {
    format: "json",
    template: {
      inputs: [
        {
          idProperty: "email",
          id: "{{ data.customer.email }}",
          properties: {
            email: "{{ data.customer.email }}",
            firstname: "{{ data.customer.name | split: ' ' | first }}",
            lastname: "{{ data.customer.name | split: ' ' | slice: 1, 100 | join: ' ' }}",
            phone: "{{ data.customer.phone }}",
          },
        },
      ],
    },
  },
  // 200 with {"status": "COMPLETE"}; 207 means some inputs failed, which is not a success here.
  success: { status_codes: [200], response_key: "status", expected_value: "COMPLETE" },
  retry: null,
  setup:
    "HubSpot: Settings → Integrations → Private Apps → Create, scope crm.objects.contacts.write, copy the access token into auth (bearer).",
};

const kaisa: WebhookPreset = {
  name: "kaisa",
  title: "Kaisa-compatible receiver",
  description:
    "Sends Kaisa's default form body (every Kaisa macro) with Kaisa's formats, for receivers written for Kaisa's webhook.",
  url_hint: "https://your-receiver.example/kaisa",
  fixed_url: false,
  auth: null,
  events: ["call.pre_connect", "call.ended", "message.received"],
  method: "POST",
  headers: {},
  body: { format: "form", template: KAISA_DEFAULT_BODY, macros: "kaisa" },
  // Kaisa counts only 200 OK and retries every 30 minutes for 7 days.
  success: { status_codes: [200] },
  retry: { preset: "every_30m_for_7d" },
  setup: "Paste the receiver's URL; add body.sign for Kaisa's signature option.",
};

export const WEBHOOK_PRESETS: readonly WebhookPreset[] = [
  slack,
  teams,
  googleSheets,
  zapier,
  make,
  hubspot,
  kaisa,
];

export function findPreset(name: string): WebhookPreset | undefined {
  return WEBHOOK_PRESETS.find((preset) => preset.name === name);
}

/** The fields a preset gives a new webhook, to be overridden by the request's own. */
export interface PresetDefaults {
  events: string[];
  method: HttpMethod;
  headers: Record<string, string>;
  body: WebhookBody;
  success: SuccessConditions;
  retry?: RetryPolicy;
}

export function presetDefaults(preset: WebhookPreset): PresetDefaults {
  return {
    events: [...preset.events],
    method: preset.method,
    headers: { ...preset.headers },
    body: structuredClone(preset.body),
    success: structuredClone(preset.success),
    ...(preset.retry ? { retry: { ...preset.retry } } : {}),
  };
}
