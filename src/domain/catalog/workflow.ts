import { Type } from "@sinclair/typebox";
import {
  CaseType,
  Customer,
  defineEventType,
  FreeForm,
  Id,
  opt,
  StaffMember,
  Text,
  Timestamp,
  Url,
} from "./common.js";
import type { EventTypeDefinition } from "./types.js";

/** task.*, form.submitted and appointment.*: the firm's follow-up work. */

const taskProperties = {
  task_id: Id("Task id (tsk_…)."),
  title: opt(Text("What needs doing.")),
  description: opt(Text("Details.")),
  task_type: opt(Text("Kind of task, e.g. callback, document_request, medical_records, sign_retainer.")),
  priority: opt(Text("low, normal, high or urgent.")),
  assignee: opt(StaffMember),
  assigned_by: opt(StaffMember),
  case_id: opt(Id("Case the task belongs to (cas_…).")),
  client_id: opt(Id("Client the task is about (cli_…).")),
  call_id: opt(Id("Call that created the task (call_…).")),
  due_at: opt(Timestamp("When the task is due.")),
};

const taskExample = {
  task_id: "tsk_4Vx8Nb2K",
  title: "Call back Maria Delgado about her medical records release",
  task_type: "callback",
  priority: "high",
  assignee: {
    id: "usr_jpark",
    name: "Jessica Park",
    email: "jpark@hartwell-law.example",
    role: "intake_specialist",
  },
  case_id: "cas_3Fh8Kd2P",
  client_id: "cli_9Wm4Rt7Q",
  call_id: "call_7Hq2mX9kT4",
  due_at: "2025-06-11T17:00:00-05:00",
};

const appointmentProperties = {
  appointment_id: Id("Appointment id (apt_…)."),
  starts_at: opt(Timestamp("Start time.")),
  ends_at: opt(Timestamp("End time.")),
  timezone: opt(Text("IANA timezone the appointment was booked in, e.g. America/Chicago.")),
  title: opt(Text("Appointment title.")),
  appointment_type: opt(Text("e.g. free_consultation, signing, follow_up.")),
  location: opt(Text("Office address, phone or video link.")),
  customer: opt(Customer),
  attendee: opt(StaffMember),
  call_id: opt(Id("Call during which it was booked (call_…).")),
  agent_id: opt(Id("AI agent that booked it (agt_…).")),
  campaign_id: opt(Id("Campaign (cmp_…).")),
  client_id: opt(Id("Client the appointment is with (cli_…).")),
  case_id: opt(Id("Case (cas_…).")),
  case_type: opt(CaseType),
  provider: opt(Text("Scheduling provider, e.g. calcom.")),
  provider_booking_id: opt(Text("The booking's id at the provider.")),
};

const appointmentExample = {
  appointment_id: "apt_2Pd7Sm4X",
  starts_at: "2025-06-12T14:00:00-05:00",
  ends_at: "2025-06-12T14:30:00-05:00",
  timezone: "America/Chicago",
  title: "Free consultation — Maria Delgado (auto accident)",
  appointment_type: "free_consultation",
  location: "Phone: +13125550187",
  customer: { name: "Maria Delgado", phone: "+13125550187", email: "maria.delgado@example.com" },
  attendee: { id: "usr_dhartwell", name: "Daniel Hartwell", role: "attorney" },
  call_id: "call_7Hq2mX9kT4",
  agent_id: "agt_ava_intake",
  campaign_id: "cmp_chicago_auto_2025",
  client_id: "cli_9Wm4Rt7Q",
  case_type: "auto_accident",
  provider: "calcom",
  provider_booking_id: "8841032",
};

export const workflowEvents: EventTypeDefinition[] = [
  defineEventType(
    "task.assigned",
    "A follow-up task was assigned to a member of the firm.",
    Type.Object({ ...taskProperties, assigned_at: opt(Timestamp("When it was assigned.")) }),
    {
      ...taskExample,
      assigned_by: { id: "usr_dhartwell", name: "Daniel Hartwell", role: "attorney" },
      assigned_at: "2025-06-10T14:12:30Z",
    },
  ),
  defineEventType(
    "task.completed",
    "A follow-up task was marked done.",
    Type.Object({
      ...taskProperties,
      completed_by: opt(StaffMember),
      completed_at: opt(Timestamp("When it was completed.")),
      notes: opt(Text("Completion notes.")),
    }),
    {
      ...taskExample,
      completed_by: { id: "usr_jpark", name: "Jessica Park", role: "intake_specialist" },
      completed_at: "2025-06-11T15:42:10Z",
      notes: "Client signed the HIPAA release; request sent to Northwestern Memorial.",
    },
  ),
  defineEventType(
    "task.overdue",
    "A follow-up task passed its due time without being completed.",
    Type.Object({
      ...taskProperties,
      overdue_since: opt(Timestamp("When it became overdue (its due time).")),
    }),
    { ...taskExample, overdue_since: "2025-06-11T17:00:00-05:00" },
  ),
  defineEventType(
    "form.submitted",
    "Someone submitted one of the firm's web intake forms.",
    Type.Object({
      form_id: Id("Form id (frm_…)."),
      submission_id: Id("Submission id (sub_…)."),
      form_name: opt(Text("Form name.")),
      fields: opt(FreeForm("Submitted answers: field name → value.")),
      customer: opt(Customer),
      case_type: opt(CaseType),
      campaign_id: opt(Id("Campaign the form belongs to (cmp_…).")),
      page_url: opt(Url("Page the form was submitted from.")),
      utm: opt(FreeForm("Marketing attribution: utm_source, utm_medium, utm_campaign, …")),
      submitted_at: opt(Timestamp("When it was submitted.")),
    }),
    {
      form_id: "frm_free_case_review",
      submission_id: "sub_8Hn3Lk6Q",
      form_name: "Free Case Review",
      fields: {
        first_name: "Andre",
        last_name: "Williams",
        phone: "(214) 555-0158",
        email: "andre.williams@example.com",
        accident_type: "Dog bite",
        incident_date: "2025-06-01",
        description: "Neighbor's dog bit my 9-year-old son on the arm; he needed stitches.",
        consent_to_contact: true,
      },
      customer: { name: "Andre Williams", phone: "+12145550158", email: "andre.williams@example.com" },
      case_type: "dog_bite",
      campaign_id: "cmp_dallas_dogbite_web",
      page_url: "https://www.hartwell-law.example/dog-bite-lawyer",
      utm: { utm_source: "google", utm_medium: "cpc", utm_campaign: "dallas-dog-bite" },
      submitted_at: "2025-06-10T21:14:09Z",
    },
  ),
  defineEventType(
    "appointment.booked",
    "An appointment, such as a free consultation with an attorney, was booked.",
    Type.Object(appointmentProperties),
    appointmentExample,
  ),
  defineEventType(
    "appointment.rescheduled",
    "A booked appointment was moved to another time (through Switchboard or in the scheduling provider).",
    Type.Object({
      ...appointmentProperties,
      previous_starts_at: opt(Timestamp("Where it started before the move.")),
      previous_ends_at: opt(Timestamp("Where it ended before the move.")),
      reason: opt(Text("Why it was moved, when someone said.")),
    }),
    {
      ...appointmentExample,
      starts_at: "2025-06-13T10:00:00-05:00",
      ends_at: "2025-06-13T10:30:00-05:00",
      previous_starts_at: "2025-06-12T14:00:00-05:00",
      previous_ends_at: "2025-06-12T14:30:00-05:00",
      reason: "Client has a doctor's appointment on Thursday afternoon",
      provider_booking_id: "Kx8sJd02mQa7",
    },
  ),
  defineEventType(
    "appointment.cancelled",
    "A booked appointment was cancelled (through Switchboard or in the scheduling provider).",
    Type.Object({ ...appointmentProperties, reason: opt(Text("Why it was cancelled, when someone said.")) }),
    { ...appointmentExample, reason: "Client retained another firm" },
  ),
];
