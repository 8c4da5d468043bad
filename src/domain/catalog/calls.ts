import { Type } from "@sinclair/typebox";
import {
  CaseType,
  Customer,
  Direction,
  defineEventType,
  FreeForm,
  Id,
  LeadScore,
  opt,
  Phone,
  Seconds,
  StringList,
  Text,
  Timestamp,
  Transcript,
  Url,
} from "./common.js";
import type { EventTypeDefinition } from "./types.js";

/** What every call.* event carries (when known). */
export const callIdentity = {
  call_id: Id("Call id (call_…)."),
  direction: opt(Direction),
  from_number: opt(Phone("Number that placed the call, E.164.")),
  to_number: opt(Phone("Number that was called, E.164.")),
  agent_id: opt(Id("AI agent that handled the call (agt_…).")),
  agent_name: opt(Text("AI agent's display name.")),
  campaign_id: opt(Id("Campaign the call belongs to (cmp_…).")),
  customer: opt(Customer),
  client_id: opt(Id("Client record linked to the call (cli_…).")),
  case_id: opt(Id("Case linked to the call (cas_…).")),
  started_at: opt(Timestamp("When the call started.")),
};

/** What a finished intake call carries: length, conversation, analysis and outcome. */
export const callResult = {
  ...callIdentity,
  duration: opt(Seconds("Talk time in seconds.")),
  answered: opt(Type.Boolean({ description: "Whether a person picked up." })),
  ended_at: opt(Timestamp("When the call ended.")),
  end_reason: opt(Text("Why the call ended, e.g. customer_hangup, agent_hangup, transferred, no_answer.")),
  transcript: opt(Transcript),
  summary: opt(Text("Short summary of the conversation.")),
  lead_score: opt(LeadScore),
  intent: opt(Text("Main reason for the call, e.g. new_case_inquiry, case_status, speak_to_attorney.")),
  recording_url: opt(Url("Where the recording can be downloaded.")),
  outcome: opt(
    Text("Result of the call, e.g. qualified, not_qualified, callback_requested, existing_client."),
  ),
  disposition: opt(Text("Disposition code set by the agent, e.g. transferred_to_intake, appointment_set.")),
  case_type: opt(CaseType),
  next_steps: opt(Type.Union([Text("Next steps as text."), StringList("Next steps, one per entry.")])),
};

const maria = { name: "Maria Delgado", phone: "+13125550187", email: "maria.delgado@example.com" };

const intakeTranscript = [
  {
    role: "agent",
    text: "Thank you for calling Hartwell & Associates, this is Ava. How can I help you today?",
    at_s: 0.4,
  },
  {
    role: "customer",
    text: "Hi, I was rear-ended on I-90 last Tuesday and I think I need a lawyer.",
    at_s: 5.1,
  },
  { role: "agent", text: "I'm sorry to hear that. Were you hurt, and did you get medical care?", at_s: 11.8 },
  {
    role: "customer",
    text: "I went to the ER at Northwestern that night for my neck and back. I'm in physical therapy now.",
    at_s: 16.2,
  },
];

/** A finished call, without its transcript (call.analyzed does not repeat it). */
const callOutcomeExample = {
  call_id: "call_7Hq2mX9kT4",
  direction: "inbound" as const,
  from_number: "+13125550187",
  to_number: "+18885550123",
  agent_id: "agt_ava_intake",
  agent_name: "Ava (Intake)",
  campaign_id: "cmp_chicago_auto_2025",
  customer: maria,
  started_at: "2025-06-10T14:02:11Z",
  ended_at: "2025-06-10T14:09:03Z",
  duration: 412,
  answered: true,
  end_reason: "transferred",
  summary:
    "Maria was rear-ended on I-90 near the Ohio Street exit on June 3; she was treated at the ER for neck and back pain and is in physical therapy. The other driver was cited. She has no attorney.",
  lead_score: "hot" as const,
  intent: "new_case_inquiry",
  recording_url: "https://media.switchboard.example/recordings/rec_K2v8Lp3n.mp3",
  outcome: "qualified",
  disposition: "transferred_to_intake",
  case_type: "auto_accident",
  next_steps: ["Send retainer agreement for e-signature", "Request the Chicago PD crash report"],
};

export const callEvents: EventTypeDefinition[] = [
  defineEventType(
    "call.pre_connect",
    "A call is about to connect to an AI agent, so your system can look up the caller before the conversation starts.",
    Type.Object({
      ...callIdentity,
      known_caller: opt(Type.Boolean({ description: "Whether the number matches an existing client." })),
    }),
    {
      call_id: "call_7Hq2mX9kT4",
      direction: "inbound",
      from_number: "+13125550187",
      to_number: "+18885550123",
      agent_id: "agt_ava_intake",
      campaign_id: "cmp_chicago_auto_2025",
      customer: { phone: "+13125550187" },
      known_caller: false,
    },
  ),
  defineEventType(
    "call.started",
    "A call between an AI agent and a caller has connected.",
    Type.Object({ ...callIdentity }),
    {
      call_id: "call_7Hq2mX9kT4",
      direction: "inbound",
      from_number: "+13125550187",
      to_number: "+18885550123",
      agent_id: "agt_ava_intake",
      agent_name: "Ava (Intake)",
      campaign_id: "cmp_chicago_auto_2025",
      customer: { phone: "+13125550187" },
      started_at: "2025-06-10T14:02:11Z",
    },
  ),
  defineEventType(
    "call.ended",
    "A call has finished; includes its length, transcript, recording and outcome.",
    Type.Object({ ...callResult }),
    { ...callOutcomeExample, transcript: intakeTranscript },
  ),
  defineEventType(
    "call.analyzed",
    "The AI finished analysing a call: summary, lead score, case type and the details captured from the caller.",
    Type.Object({
      ...callResult,
      sentiment: opt(Text("Overall caller sentiment: positive, neutral or negative.")),
      qualified: opt(Type.Boolean({ description: "Whether the caller meets the firm's intake criteria." })),
      extracted: opt(FreeForm("Details captured during the call: field name → value.")),
      analyzed_at: opt(Timestamp("When the analysis finished.")),
    }),
    {
      ...callOutcomeExample,
      sentiment: "neutral",
      qualified: true,
      extracted: {
        incident_date: "2025-06-03",
        incident_location: "I-90 eastbound near Ohio Street, Chicago, IL",
        injuries: ["neck strain", "lower back pain"],
        medical_treatment: true,
        police_report_filed: true,
        at_fault: false,
        has_attorney: false,
        insurance_carrier: "State Farm",
      },
      analyzed_at: "2025-06-10T14:09:41Z",
    },
  ),
  defineEventType(
    "call.failed",
    "A call could not be completed, for example the number was busy, invalid or the carrier rejected it.",
    Type.Object({
      ...callIdentity,
      failure_reason: opt(Text("Why it failed, e.g. busy, no_answer, invalid_number, carrier_error.")),
      error_code: opt(Text("Carrier or SIP error code, e.g. 486.")),
      error_message: opt(Text("Error text from the carrier.")),
      failed_at: opt(Timestamp("When the call failed.")),
      attempt: opt(Type.Integer({ minimum: 1, description: "Dial attempt number for this lead." })),
    }),
    {
      call_id: "call_Pz3wQ8rV1n",
      direction: "outbound",
      from_number: "+17135550142",
      to_number: "+17135550199",
      agent_id: "agt_leo_followup",
      campaign_id: "cmp_houston_workcomp_q3",
      customer: { name: "Darnell Jackson", phone: "+17135550199" },
      failure_reason: "busy",
      error_code: "486",
      error_message: "Busy Here",
      failed_at: "2025-06-10T15:20:07Z",
      attempt: 2,
    },
  ),
  defineEventType(
    "call.voicemail_detected",
    "An outbound call reached voicemail; says whether the agent left a message.",
    Type.Object({
      ...callIdentity,
      detected_at: opt(Timestamp("When voicemail was detected.")),
      voicemail_left: opt(Type.Boolean({ description: "Whether the agent left a message." })),
      message: opt(Text("The message the agent left.")),
    }),
    {
      call_id: "call_Ln5tB2cY8e",
      direction: "outbound",
      from_number: "+16025550110",
      to_number: "+16025550163",
      agent_id: "agt_leo_followup",
      campaign_id: "cmp_phoenix_dogbite_followup",
      customer: { name: "Kevin O'Brien", phone: "+16025550163" },
      started_at: "2025-06-11T16:45:02Z",
      detected_at: "2025-06-11T16:45:24Z",
      voicemail_left: true,
      message:
        "Hi Kevin, this is Leo from Desert Injury Law returning your call about the dog bite. Please call us back at 602-555-0110.",
    },
  ),
  defineEventType(
    "call.recording_ready",
    "A call's recording has been processed and can be downloaded.",
    Type.Object({
      call_id: Id("Call id (call_…)."),
      recording_id: Id("Recording id (rec_…)."),
      recording_url: Url("Where the recording can be downloaded."),
      duration: opt(Seconds("Length of the recording in seconds.")),
      campaign_id: opt(Id("Campaign the call belongs to (cmp_…).")),
      content_type: opt(Text("Media type, e.g. audio/mpeg.")),
      size_bytes: opt(Type.Integer({ minimum: 0, description: "File size in bytes." })),
      expires_at: opt(Timestamp("When the download link stops working.")),
    }),
    {
      call_id: "call_7Hq2mX9kT4",
      recording_id: "rec_K2v8Lp3n",
      recording_url: "https://media.switchboard.example/recordings/rec_K2v8Lp3n.mp3",
      duration: 412,
      campaign_id: "cmp_chicago_auto_2025",
      content_type: "audio/mpeg",
      size_bytes: 3296000,
      expires_at: "2025-07-10T14:09:03Z",
    },
  ),
];
