import { Type } from "@sinclair/typebox";
import {
  CaseType,
  Customer,
  defineEventType,
  FreeForm,
  Id,
  LeadScore,
  opt,
  StaffMember,
  Text,
  Timestamp,
} from "./common.js";
import type { EventTypeDefinition } from "./types.js";

/** campaign.*, lead.* and goal.completed: outreach campaigns and what they produce. */

const CampaignStats = Type.Object(
  {
    leads_total: opt(Type.Integer({ minimum: 0, description: "Leads in the campaign." })),
    calls_placed: opt(Type.Integer({ minimum: 0, description: "Calls placed so far." })),
    calls_answered: opt(Type.Integer({ minimum: 0, description: "Calls a person answered." })),
    leads_qualified: opt(Type.Integer({ minimum: 0, description: "Leads that qualified." })),
    transfers: opt(Type.Integer({ minimum: 0, description: "Calls transferred to the firm." })),
    appointments: opt(Type.Integer({ minimum: 0, description: "Appointments booked." })),
  },
  { description: "Campaign counters at the time of the event." },
);

const campaignProperties = {
  campaign_id: Id("Campaign id (cmp_…)."),
  name: opt(Text("Campaign name.")),
  campaign_type: opt(Text("e.g. inbound_intake, outbound_followup, reactivation.")),
  case_type: opt(CaseType),
  agent_id: opt(Id("AI agent running the campaign (agt_…).")),
  stats: opt(CampaignStats),
};

const campaignExample = {
  campaign_id: "cmp_houston_workcomp_q3",
  name: "Houston workers' comp follow-up — Q3",
  campaign_type: "outbound_followup",
  case_type: "workers_comp",
  agent_id: "agt_leo_followup",
};

const leadProperties = {
  lead_id: Id("Lead id (lead_…)."),
  customer: opt(Customer),
  case_type: opt(CaseType),
  source: opt(Text("Where the lead came from, e.g. call, web_form, referral, import.")),
  campaign_id: opt(Id("Campaign (cmp_…).")),
  call_id: opt(Id("Call that produced the lead (call_…).")),
  agent_id: opt(Id("AI agent that handled the lead (agt_…).")),
  lead_score: opt(LeadScore),
  incident_date: opt(Text("Date of the incident (YYYY-MM-DD).")),
  incident_state: opt(Text("Two-letter US state where the incident happened.")),
  summary: opt(Text("What happened, in a few sentences.")),
};

const leadExample = {
  lead_id: "lead_6Tz1Hc9M",
  customer: { name: "Darnell Jackson", phone: "+17135550199", email: "djackson@example.com" },
  case_type: "workers_comp",
  source: "call",
  campaign_id: "cmp_houston_workcomp_q3",
  call_id: "call_Wd4Kq7Rm2s",
  agent_id: "agt_leo_followup",
  incident_date: "2025-05-19",
  incident_state: "TX",
  summary:
    "Warehouse worker injured his shoulder lifting pallets; employer's insurer denied the claim and he has been off work three weeks.",
};

export const campaignEvents: EventTypeDefinition[] = [
  defineEventType(
    "campaign.started",
    "A calling campaign started (or resumed) placing or taking calls.",
    Type.Object({
      ...campaignProperties,
      started_by: opt(StaffMember),
      started_at: opt(Timestamp("When it started.")),
    }),
    {
      ...campaignExample,
      stats: { leads_total: 1250, calls_placed: 0 },
      started_by: { id: "usr_mreyes", name: "Marisol Reyes", role: "intake_manager" },
      started_at: "2025-07-01T13:00:00Z",
    },
  ),
  defineEventType(
    "campaign.paused",
    "A campaign stopped placing calls for now, by hand or automatically (for example outside calling hours).",
    Type.Object({
      ...campaignProperties,
      reason: opt(Text("Why: manual, outside_calling_hours, quota_reached, low_balance.")),
      paused_by: opt(StaffMember),
      paused_at: opt(Timestamp("When it paused.")),
      resumes_at: opt(Timestamp("When it will resume on its own, if scheduled.")),
    }),
    {
      ...campaignExample,
      stats: {
        leads_total: 1250,
        calls_placed: 486,
        calls_answered: 211,
        leads_qualified: 37,
        transfers: 22,
      },
      reason: "outside_calling_hours",
      paused_at: "2025-07-01T01:00:00Z",
      resumes_at: "2025-07-01T14:00:00Z",
    },
  ),
  defineEventType(
    "campaign.completed",
    "A campaign finished: every lead has been worked or its end date passed.",
    Type.Object({ ...campaignProperties, completed_at: opt(Timestamp("When it finished.")) }),
    {
      ...campaignExample,
      stats: {
        leads_total: 1250,
        calls_placed: 3120,
        calls_answered: 1044,
        leads_qualified: 141,
        transfers: 96,
        appointments: 58,
      },
      completed_at: "2025-09-30T22:00:00Z",
    },
  ),
  defineEventType(
    "campaign.quota_reached",
    "A campaign hit one of its limits, such as a daily call cap or the number of qualified leads wanted.",
    Type.Object({
      ...campaignProperties,
      quota: opt(Text("Which limit, e.g. daily_calls, qualified_leads, monthly_minutes.")),
      limit: opt(Type.Number({ description: "The limit." })),
      value: opt(Type.Number({ description: "The value that reached it." })),
      period: opt(Text("The period the limit applies to, e.g. day, month, campaign.")),
      reached_at: opt(Timestamp("When the limit was reached.")),
    }),
    {
      ...campaignExample,
      quota: "daily_calls",
      limit: 500,
      value: 500,
      period: "day",
      reached_at: "2025-07-02T20:47:13Z",
    },
  ),
  defineEventType(
    "lead.created",
    "A new potential client (lead) was captured from a call, form, referral or import.",
    Type.Object({ ...leadProperties, created_at: opt(Timestamp("When the lead was created.")) }),
    { ...leadExample, lead_score: "warm", created_at: "2025-06-09T19:33:40Z" },
  ),
  defineEventType(
    "lead.qualified",
    "A lead met the firm's intake criteria and is worth a consultation.",
    Type.Object({
      ...leadProperties,
      criteria: opt(FreeForm("Qualification answers: criterion → answer.")),
      qualified_at: opt(Timestamp("When the lead qualified.")),
    }),
    {
      ...leadExample,
      lead_score: "hot",
      criteria: {
        injured_at_work: true,
        within_statute_of_limitations: true,
        has_attorney: false,
        sought_medical_treatment: true,
      },
      qualified_at: "2025-06-09T19:41:02Z",
    },
  ),
  defineEventType(
    "goal.completed",
    "A call or conversation reached one of the agent's goals, such as collecting incident details or booking a consultation.",
    Type.Object({
      goal_id: Id("Goal id (goal_…)."),
      goal_name: opt(Text("Goal name.")),
      call_id: opt(Id("Call in which it was reached (call_…).")),
      conversation_id: opt(Id("Conversation (conv_…).")),
      agent_id: opt(Id("AI agent (agt_…).")),
      campaign_id: opt(Id("Campaign (cmp_…).")),
      customer: opt(Customer),
      case_type: opt(CaseType),
      value: opt(Type.Number({ description: "Value the firm assigned to the goal." })),
      completed_at: opt(Timestamp("When the goal was reached.")),
    }),
    {
      goal_id: "goal_book_consult",
      goal_name: "Book a free consultation",
      call_id: "call_7Hq2mX9kT4",
      agent_id: "agt_ava_intake",
      campaign_id: "cmp_chicago_auto_2025",
      customer: { name: "Maria Delgado", phone: "+13125550187" },
      case_type: "auto_accident",
      value: 250,
      completed_at: "2025-06-10T14:07:31Z",
    },
  ),
];
