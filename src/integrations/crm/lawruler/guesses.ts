import type { CrmField } from "../connector.js";

/**
 * What the LawRuler connector assumes without public documentation. LawRuler's API guide ("The
 * Legal CRM API Guide", support.lawruler.com) documents one endpoint per portal,
 * `https://<firm>.lawruler.com/api-legalcrmapp.aspx`, taking URL-encoded form data with the
 * portal's security `Key`; lead creation with contact fields, `CaseType`, `Status` and custom
 * fields; updates by `LeadID` with `overridelead=true`; and `Operation=GetStatus` returning
 * Status, SubStatus and StatusTime. Everything else below is a guess, kept in this one file so a
 * partner with the full guide corrects it here (and in fakes/lawruler.ts, which speaks the same).
 */

/** Documented. */
export const ENDPOINT_PATH = "/api-legalcrmapp.aspx";
export const KEY_FIELD = "Key";
export const LEAD_ID_FIELD = "LeadID";

/** `GetStatus` is documented; the other operations are guesses. */
export const OPERATIONS = {
  getStatus: "GetStatus",
  /** Guess: the whole lead (contact fields, custom fields, case type, status). */
  getLead: "GetLead",
  /** Guess: leads by `CellPhone`, `Email1` or {@link EXTERNAL_ID_FIELD}; answers `{Leads: [...]}`. */
  search: "SearchLeads",
  /** Guess: `[{CaseType}]`. */
  caseTypes: "GetCaseTypes",
  /** Guess: `[{Status, SubStatuses: [..], CaseTypes?: [..]}]`. */
  statuses: "GetStatuses",
  /** Guess: `[{ApiName, Label, Type, Required?, Options?}]`: the portal's custom fields. */
  customFields: "GetCustomFields",
} as const;

/**
 * Guess: a lead field that keeps the sending system's own id, so a create that crashed before we
 * saved the lead id is found again by search rather than posted twice.
 */
export const EXTERNAL_ID_FIELD = "ExternalID";

/**
 * Guess at the answer shapes (JSON with `ReturnJSON=True`): a create answers
 * `{Success: true, LeadId}`, a failure `{Success: false, Message}` with a 4xx status (a wrong key
 * 401 "Invalid API Key"), a lead carries `LeadId`, `CaseType`, `Status`, `SubStatus`,
 * `StatusTime`, `ModifiedTime` (ISO-8601) and its fields flat, by their API names.
 */
export const ANSWER_FIELDS = {
  leadId: "LeadId",
  caseType: "CaseType",
  status: "Status",
  subStatus: "SubStatus",
  statusTime: "StatusTime",
  modifiedTime: "ModifiedTime",
  leads: "Leads",
} as const;

/** The standard lead fields, by the API names the guide lists for posting (documented). */
export const STANDARD_FIELDS: CrmField[] = [
  text("FirstName", "First name"),
  text("LastName", "Last name"),
  text("FullName", "Full name"),
  { ...text("CellPhone", "Cell phone"), type: "phone" },
  { ...text("HomePhone", "Home phone"), type: "phone" },
  { ...text("BusinessPhone", "Business phone"), type: "phone" },
  { ...text("Email1", "Email"), type: "email" },
  { ...text("Email2", "Second email"), type: "email" },
  text("Address1", "Address"),
  text("Address2", "Address line 2"),
  text("City", "City"),
  text("State", "State"),
  text("Zip", "Zip"),
  { ...text("DOB", "Date of birth"), type: "date" },
  text("Summary", "Summary"),
  text("LeadProvider", "Lead provider"),
  text("Hear", "How did you hear about us"),
  text("Language", "Language"),
  text(EXTERNAL_ID_FIELD, "External id"),
];

function text(id: string, label: string): CrmField {
  return { id, label, object: "case", type: "text", custom: false, required: false, readOnly: false };
}
