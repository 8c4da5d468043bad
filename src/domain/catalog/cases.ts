import { Type } from "@sinclair/typebox";
import {
  CaseType,
  Changes,
  defineEventType,
  FreeForm,
  Id,
  opt,
  Phone,
  PostalAddress,
  StaffMember,
  Text,
  Timestamp,
} from "./common.js";
import type { EventTypeDefinition } from "./types.js";

/** case.* and client.*: the firm's matters and the people behind them. */

const ChangeSource = Text(
  "Who made the change: api, import, enrichment or crm:<connection id> (not `source`, how the record came in).",
);

const caseProperties = {
  case_id: Id("Case id (cas_…)."),
  client_id: opt(Id("Client the case belongs to (cli_…).")),
  case_type: opt(CaseType),
  status: opt(Text("Current status, e.g. new_lead, under_review, signed, rejected, referred_out.")),
  substatus: opt(Text("Finer status within the status, as the firm names it.")),
  title: opt(Text("Short case title.")),
  description: opt(Text("What happened, as captured at intake.")),
  incident_date: opt(Text("Date of the incident (YYYY-MM-DD).")),
  incident_state: opt(Text("Two-letter US state where the incident happened.")),
  source: opt(Text("How the case came in, e.g. call, web_form, referral, import.")),
  campaign_id: opt(Id("Campaign that produced the case (cmp_…).")),
  call_id: opt(Id("Intake call that produced the case (call_…).")),
  assigned_to: opt(StaffMember),
  external_ids: opt(FreeForm("Ids of the case in connected CRMs: CRM name → id.")),
  custom_fields: opt(FreeForm("Firm-defined case fields.")),
  version: opt(Type.Integer({ description: "The record's version after the change." })),
  change_source: opt(ChangeSource),
};

const caseExample = {
  case_id: "cas_3Fh8Kd2P",
  client_id: "cli_9Wm4Rt7Q",
  case_type: "slip_and_fall",
  status: "under_review",
  title: "Delgado v. FreshMart — slip and fall",
  description:
    "Client slipped on spilled liquid in aisle 7 of a FreshMart grocery store; no warning sign; fractured left wrist.",
  incident_date: "2025-05-28",
  incident_state: "IL",
  source: "call",
  campaign_id: "cmp_chicago_premises_2025",
  call_id: "call_Qe6Vb1Zs8u",
  assigned_to: { id: "usr_jpark", name: "Jessica Park", role: "intake_specialist" },
  external_ids: { lawruler: "184467" },
  version: 3,
  change_source: "api",
};

const actor = {
  changed_by: opt(StaffMember),
};

const clientProperties = {
  client_id: Id("Client id (cli_…)."),
  name: opt(Text("Full name.")),
  first_name: opt(Text("First name.")),
  last_name: opt(Text("Last name.")),
  phone: opt(Phone("Primary phone, E.164.")),
  email: opt(Text("Email address.")),
  address: opt(PostalAddress),
  date_of_birth: opt(Text("Date of birth (YYYY-MM-DD).")),
  preferred_language: opt(Text("Preferred language, e.g. en, es.")),
  source: opt(Text("How the client came in, e.g. call, web_form, referral.")),
  external_ids: opt(FreeForm("Ids of the client in connected CRMs: CRM name → id.")),
  phones: opt(
    Type.Array(Type.Object({ number: Phone("E.164."), type: opt(Text("mobile, home, work or other.")) }), {
      description: "Every phone number, the primary (`phone`) first.",
    }),
  ),
  emails: opt(
    Type.Array(Type.String(), { description: "Every email address, the primary (`email`) first." }),
  ),
  addresses: opt(Type.Array(PostalAddress, { description: "Every address, the primary (`address`) first." })),
  opt_out: opt(Type.Boolean({ description: "True when the client no longer wants to be contacted." })),
  custom_fields: opt(FreeForm("Firm-defined client fields.")),
  version: opt(Type.Integer({ description: "The record's version after the change." })),
  change_source: opt(ChangeSource),
};

const clientExample = {
  client_id: "cli_9Wm4Rt7Q",
  name: "Maria Delgado",
  first_name: "Maria",
  last_name: "Delgado",
  phone: "+13125550187",
  email: "maria.delgado@example.com",
  address: { street: "2150 W Division St, Apt 3", city: "Chicago", state: "IL", postal_code: "60622" },
  preferred_language: "en",
  source: "call",
  phones: [{ number: "+13125550187", type: "mobile" }],
  emails: ["maria.delgado@example.com"],
  addresses: [{ street: "2150 W Division St, Apt 3", city: "Chicago", state: "IL", postal_code: "60622" }],
  opt_out: false,
  version: 1,
  change_source: "api",
};

export const caseEvents: EventTypeDefinition[] = [
  defineEventType(
    "case.created",
    "A new case (matter) was opened, usually from an intake call or a web form.",
    Type.Object({ ...caseProperties, created_at: opt(Timestamp("When the case was created.")) }),
    { ...caseExample, status: "new_lead", created_at: "2025-06-10T14:10:12Z" },
  ),
  defineEventType(
    "case.updated",
    "Details of a case changed; `changes` lists each changed field with its old and new value.",
    Type.Object({
      ...caseProperties,
      changes: Changes,
      ...actor,
      updated_at: opt(Timestamp("When the change was made.")),
    }),
    {
      ...caseExample,
      changes: {
        incident_date: { old: null, new: "2025-05-28" },
        description: {
          old: "Slip and fall at grocery store.",
          new: caseExample.description,
        },
      },
      changed_by: { id: "usr_jpark", name: "Jessica Park", role: "intake_specialist" },
      updated_at: "2025-06-11T09:31:44Z",
    },
  ),
  defineEventType(
    "case.status_changed",
    "A case moved to a new status, for example from under review to signed.",
    Type.Object({
      ...caseProperties,
      old_status: opt(Type.Union([Type.String(), Type.Null()], { description: "Previous status." })),
      new_status: Text("New status."),
      old_substatus: opt(Type.Union([Type.String(), Type.Null()], { description: "Previous substatus." })),
      new_substatus: opt(Text("New substatus.")),
      changes: opt(Changes),
      reason: opt(Text("Why the status changed.")),
      ...actor,
      changed_at: opt(Timestamp("When the status changed.")),
    }),
    {
      ...caseExample,
      status: "signed",
      old_status: "under_review",
      new_status: "signed",
      reason: "Retainer agreement signed via e-signature",
      changed_by: { id: "usr_dhartwell", name: "Daniel Hartwell", role: "attorney" },
      changed_at: "2025-06-12T16:05:00Z",
    },
  ),
  defineEventType(
    "case.deleted",
    "A case was deleted.",
    Type.Object({
      case_id: Id("Case id (cas_…)."),
      client_id: opt(Id("Client the case belonged to (cli_…).")),
      case_type: opt(CaseType),
      reason: opt(Text("Why it was deleted, e.g. duplicate, created_in_error.")),
      deleted_by: opt(StaffMember),
      deleted_at: opt(Timestamp("When the case was deleted.")),
      change_source: opt(ChangeSource),
    }),
    {
      case_id: "cas_7Ya1Mv5C",
      client_id: "cli_9Wm4Rt7Q",
      case_type: "slip_and_fall",
      reason: "duplicate",
      deleted_by: { id: "usr_jpark", name: "Jessica Park", role: "intake_specialist" },
      deleted_at: "2025-06-11T09:35:10Z",
      change_source: "api",
    },
  ),
  defineEventType(
    "client.created",
    "A new client (contact) record was created.",
    Type.Object({ ...clientProperties, created_at: opt(Timestamp("When the client was created.")) }),
    { ...clientExample, created_at: "2025-06-10T14:10:11Z" },
  ),
  defineEventType(
    "client.updated",
    "A client's details changed; `changes` lists each changed field with its old and new value.",
    Type.Object({
      ...clientProperties,
      changes: Changes,
      ...actor,
      updated_at: opt(Timestamp("When the change was made.")),
    }),
    {
      ...clientExample,
      changes: {
        email: { old: "maria.delgado@exmaple.com", new: "maria.delgado@example.com" },
        preferred_language: { old: null, new: "en" },
      },
      changed_by: { id: "usr_jpark", name: "Jessica Park", role: "intake_specialist" },
      updated_at: "2025-06-11T09:30:02Z",
    },
  ),
  defineEventType(
    "client.merged",
    "Duplicate client records were merged into one; the merged records no longer exist.",
    Type.Object({
      surviving_client_id: Id("The client record that remains (cli_…)."),
      merged_client_ids: Type.Array(Type.String(), {
        minItems: 1,
        description: "Client records merged into it, now gone.",
      }),
      client: opt(Type.Object(clientProperties, { description: "The surviving record after the merge." })),
      change_source: opt(ChangeSource),
      merged_by: opt(StaffMember),
      merged_at: opt(Timestamp("When the records were merged.")),
    }),
    {
      surviving_client_id: "cli_9Wm4Rt7Q",
      merged_client_ids: ["cli_2Hk6Ns0L"],
      client: clientExample,
      change_source: "api",
      merged_by: { id: "usr_jpark", name: "Jessica Park", role: "intake_specialist" },
      merged_at: "2025-06-11T10:02:37Z",
    },
  ),
  defineEventType(
    "client.opt_out_changed",
    "A client opted out of (or back into) calls, texts or emails, for example by replying STOP.",
    Type.Object({
      client_id: Id("Client id (cli_…)."),
      opted_out: Type.Boolean({ description: "True when the client no longer wants to be contacted." }),
      channel: opt(Text("Which channel: sms, call, email or all.")),
      phone: opt(Phone("The number concerned, E.164.")),
      email: opt(Text("The email address concerned.")),
      source: opt(Text("How it changed, e.g. stop_keyword, verbal_request, staff, api.")),
      changed_at: opt(Timestamp("When it changed.")),
      change_source: opt(ChangeSource),
    }),
    {
      client_id: "cli_5Jc3Xp8D",
      opted_out: true,
      channel: "sms",
      phone: "+14045550134",
      source: "stop_keyword",
      changed_at: "2025-06-10T18:22:51Z",
      change_source: "api",
    },
  ),
  defineEventType(
    "client.deleted",
    "A client was deleted.",
    Type.Object({
      client_id: Id("Client id (cli_…)."),
      deleted_at: opt(Timestamp("When the client was deleted.")),
      change_source: opt(ChangeSource),
    }),
    { client_id: "cli_2Hk6Ns0L", deleted_at: "2025-06-11T09:40:00Z", change_source: "api" },
  ),
];
