import { Type } from "@sinclair/typebox";
import { Customer, Direction, defineEventType, Id, opt, Phone, Text, Timestamp, Url } from "./common.js";
import type { EventTypeDefinition } from "./types.js";

/** message.*: SMS (and other text channels) between the firm's agents and its contacts. */

const messageProperties = {
  message_id: Id("Message id (msg_…)."),
  conversation_id: opt(Id("Thread the message belongs to (conv_…).")),
  channel: opt(Text("Channel: sms, mms or email.")),
  direction: opt(Direction),
  from_number: opt(Phone("Sender's number, E.164.")),
  to_number: opt(Phone("Recipient's number, E.164.")),
  body: opt(Text("Message text.")),
  media_urls: opt(Type.Array(Url("Attachment URL."), { description: "Attachments (photos, documents)." })),
  customer: opt(Customer),
  client_id: opt(Id("Client record (cli_…) when known.")),
  case_id: opt(Id("Case (cas_…) the message is about.")),
  agent_id: opt(Id("AI agent that sent or handled the message (agt_…).")),
  campaign_id: opt(Id("Campaign (cmp_…).")),
  segments: opt(Type.Integer({ minimum: 1, description: "Number of SMS segments billed." })),
};

const outbound = {
  message_id: "msg_5Kp9Dw2Lx",
  conversation_id: "conv_8Ja2Wq6T",
  channel: "sms",
  direction: "outbound" as const,
  from_number: "+14045550100",
  to_number: "+14045550134",
  body: "Hi Tanya, this is Hartwell & Associates. Your free consultation is confirmed for Thu Jun 12 at 2:00 PM. Reply STOP to opt out.",
  customer: { name: "Tanya Brooks", phone: "+14045550134" },
  client_id: "cli_5Jc3Xp8D",
  agent_id: "agt_ava_intake",
  campaign_id: "cmp_atlanta_slipfall_2025",
  segments: 1,
};

export const messageEvents: EventTypeDefinition[] = [
  defineEventType(
    "message.sent",
    "A text message was sent to a contact and handed to the carrier.",
    Type.Object({ ...messageProperties, sent_at: opt(Timestamp("When it was sent.")) }),
    { ...outbound, sent_at: "2025-06-10T18:20:03Z" },
  ),
  defineEventType(
    "message.delivered",
    "The carrier confirmed a text message reached the contact's phone.",
    Type.Object({
      ...messageProperties,
      sent_at: opt(Timestamp("When it was sent.")),
      delivered_at: opt(Timestamp("When the carrier confirmed delivery.")),
    }),
    { ...outbound, sent_at: "2025-06-10T18:20:03Z", delivered_at: "2025-06-10T18:20:05Z" },
  ),
  defineEventType(
    "message.received",
    "A contact sent a text message to one of the firm's numbers.",
    Type.Object({ ...messageProperties, received_at: opt(Timestamp("When it arrived.")) }),
    {
      message_id: "msg_7Rt1Gh4Ny",
      conversation_id: "conv_8Ja2Wq6T",
      channel: "mms",
      direction: "inbound",
      from_number: "+14045550134",
      to_number: "+14045550100",
      body: "Here are the photos of the wet floor and my ankle from the day it happened.",
      media_urls: [
        "https://media.switchboard.example/mms/msg_7Rt1Gh4Ny/1.jpg",
        "https://media.switchboard.example/mms/msg_7Rt1Gh4Ny/2.jpg",
      ],
      customer: { name: "Tanya Brooks", phone: "+14045550134" },
      client_id: "cli_5Jc3Xp8D",
      case_id: "cas_6Bn2Tq9W",
      received_at: "2025-06-10T18:31:47Z",
    },
  ),
  defineEventType(
    "message.failed",
    "A text message could not be delivered, for example the number is a landline or has opted out.",
    Type.Object({
      ...messageProperties,
      error_code: opt(Text("Carrier error code, e.g. 30006.")),
      error_message: opt(Text("What went wrong.")),
      failed_at: opt(Timestamp("When the failure was reported.")),
    }),
    {
      ...outbound,
      message_id: "msg_2Lm8Cv5Rz",
      to_number: "+14045550177",
      customer: { name: "Robert Chen", phone: "+14045550177" },
      client_id: "cli_1Qw7Er3T",
      body: "Hi Robert, this is Hartwell & Associates following up on your workers' comp claim. Reply STOP to opt out.",
      error_code: "30006",
      error_message: "Landline or unreachable carrier",
      failed_at: "2025-06-10T18:20:09Z",
    },
  ),
];
