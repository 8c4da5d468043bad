import { Type } from "@sinclair/typebox";
import { callIdentity } from "./calls.js";
import {
  CaseType,
  defineEventType,
  Id,
  opt,
  Phone,
  Seconds,
  Text,
  Timestamp,
  Transcript,
  TranscriptTurn,
} from "./common.js";
import type { EventTypeDefinition } from "./types.js";

/** transcript.*, transfer.* and conversation.*: what happens during a live conversation. */

const liveCall = {
  call_id: "call_7Hq2mX9kT4",
  direction: "inbound" as const,
  from_number: "+13125550187",
  to_number: "+18885550123",
  agent_id: "agt_ava_intake",
  campaign_id: "cmp_chicago_auto_2025",
  customer: { name: "Maria Delgado", phone: "+13125550187", email: "maria.delgado@example.com" },
};

const transferProperties = {
  ...callIdentity,
  transfer_id: Id("Transfer id (xfer_…)."),
  transfer_type: opt(Text("warm (the agent introduces the caller) or cold (direct hand-off).")),
  target_number: opt(Phone("Number the call is transferred to, E.164.")),
  target_name: opt(Text("Who the call is transferred to, e.g. an intake specialist or attorney.")),
  reason: opt(Text("Why the agent transferred, e.g. qualified_lead, caller_request.")),
  case_type: opt(CaseType),
  transfer_started_at: opt(Timestamp("When the transfer began dialing.")),
};

const transferExample = {
  ...liveCall,
  transfer_id: "xfer_9TgW4kLm",
  transfer_type: "warm",
  target_number: "+13125550100",
  target_name: "Jessica Park, Intake Specialist",
  reason: "qualified_lead",
  case_type: "auto_accident",
  transfer_started_at: "2025-06-10T14:07:45Z",
};

const conversationContext = {
  conversation_id: Id("Conversation id (conv_…): one call or one SMS thread."),
  channel: opt(Text("Where the conversation happens: voice or sms.")),
  call_id: opt(Id("Call id (call_…) when the conversation is a call.")),
  agent_id: opt(Id("AI agent in the conversation (agt_…).")),
  campaign_id: opt(Id("Campaign (cmp_…).")),
  client_id: opt(Id("Client record (cli_…) when known.")),
  detected_at: opt(Timestamp("When it was detected.")),
};

export const conversationEvents: EventTypeDefinition[] = [
  defineEventType(
    "transcript.updated",
    "New lines were added to the live transcript of a call in progress.",
    Type.Object({
      ...callIdentity,
      transcript: opt(Transcript),
      new_turns: opt(Type.Array(TranscriptTurn, { description: "The turns added since the last update." })),
      sequence: opt(Type.Integer({ minimum: 0, description: "Increases with every update of this call." })),
      is_final: opt(Type.Boolean({ description: "True on the last update, when the call has ended." })),
    }),
    {
      ...liveCall,
      new_turns: [
        {
          role: "customer",
          text: "The other driver got a ticket. I have the police report number.",
          at_s: 48.3,
        },
      ],
      sequence: 7,
      is_final: false,
    },
  ),
  defineEventType(
    "transfer.started",
    "The AI agent started transferring a caller to a person at the firm.",
    Type.Object(transferProperties),
    transferExample,
  ),
  defineEventType(
    "transfer.bridged",
    "The person at the firm answered and the caller is now connected to them.",
    Type.Object({
      ...transferProperties,
      bridged_at: opt(Timestamp("When both sides were connected.")),
      wait_time: opt(Seconds("Seconds the caller waited before the target answered.")),
    }),
    { ...transferExample, bridged_at: "2025-06-10T14:08:02Z", wait_time: 17 },
  ),
  defineEventType(
    "transfer.cancelled",
    "A transfer was abandoned before the caller was connected, for example nobody answered.",
    Type.Object({
      ...transferProperties,
      cancel_reason: opt(Text("Why: no_answer, busy, caller_hung_up, outside_business_hours.")),
      cancelled_at: opt(Timestamp("When the transfer was abandoned.")),
      fallback: opt(Text("What the agent did instead, e.g. scheduled_callback, took_message.")),
    }),
    {
      ...transferExample,
      cancel_reason: "no_answer",
      cancelled_at: "2025-06-10T14:08:30Z",
      fallback: "scheduled_callback",
    },
  ),
  defineEventType(
    "transfer.ended",
    "A connected transfer has finished: the caller and the person at the firm hung up.",
    Type.Object({
      ...transferProperties,
      bridged_at: opt(Timestamp("When both sides were connected.")),
      ended_at: opt(Timestamp("When the transferred call ended.")),
      duration: opt(Seconds("Seconds the caller spoke with the transfer target.")),
      ended_by: opt(Text("Who hung up first: caller or target.")),
    }),
    {
      ...transferExample,
      bridged_at: "2025-06-10T14:08:02Z",
      ended_at: "2025-06-10T14:21:40Z",
      duration: 818,
      ended_by: "target",
    },
  ),
  defineEventType(
    "conversation.intent_detected",
    "The AI recognised what the caller or texter wants, for example to start a new case or check on one.",
    Type.Object({
      ...conversationContext,
      intent: Text("The intent, e.g. new_case_inquiry, case_status, speak_to_attorney, billing_question."),
      confidence: opt(Type.Number({ minimum: 0, maximum: 1, description: "Confidence from 0 to 1." })),
      utterance: opt(Text("What the person said that revealed the intent.")),
    }),
    {
      conversation_id: "conv_4RbN8xQe",
      channel: "voice",
      call_id: "call_7Hq2mX9kT4",
      agent_id: "agt_ava_intake",
      campaign_id: "cmp_chicago_auto_2025",
      intent: "new_case_inquiry",
      confidence: 0.94,
      utterance: "I was rear-ended on I-90 last Tuesday and I think I need a lawyer.",
      detected_at: "2025-06-10T14:02:19Z",
    },
  ),
  defineEventType(
    "conversation.entity_captured",
    "The AI captured a piece of case information from the conversation, such as the incident date or injuries.",
    Type.Object({
      ...conversationContext,
      entity: Text("What was captured, e.g. incident_date, injury_type, insurance_carrier, employer_name."),
      value: opt(Type.Unknown({ description: "The captured value (text, number, date, list…)." })),
      confidence: opt(Type.Number({ minimum: 0, maximum: 1, description: "Confidence from 0 to 1." })),
      utterance: opt(Text("What the person said.")),
    }),
    {
      conversation_id: "conv_4RbN8xQe",
      channel: "voice",
      call_id: "call_7Hq2mX9kT4",
      agent_id: "agt_ava_intake",
      campaign_id: "cmp_chicago_auto_2025",
      entity: "incident_date",
      value: "2025-06-03",
      confidence: 0.9,
      utterance: "It happened last Tuesday, June third, around five in the evening.",
      detected_at: "2025-06-10T14:03:05Z",
    },
  ),
];
