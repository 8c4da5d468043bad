import type { CrmField } from "../connector.js";

/**
 * What the SmartAdvocate connector assumes. Documented in SmartAdvocate's public knowledge base
 * (smartadvocate.atlassian.net, "CaseSync API" and "Case Creation via Simple HTTP POST"):
 * - `POST /CaseSyncAPI/Users/authenticate {Username, Password}` → `{username, userID, token}`, a JWT
 *   sent as `Authorization: Bearer` on every other call;
 * - `GET /CaseSyncAPI/case/CaseInfo?Casenumber=` → an array of cases: caseID, caseNumber, caseTypeID,
 *   caseType, caseStatusID, caseStatus, caseStatusFrom, officeID, officeName, plaintiffs[{id, name
 *   ("Last, First"), role, contactID, primary, primaryContact}], secondStatuses[{statusID, fromDate,
 *   statusTypeName, statusName}], createdDate, modifiedDate;
 * - the intake post's field names ("first name", "last name", "phone", "email", "CaseType", "Id",
 *   …), extra fields matched to user-defined fields (UDFs) by exact name, the answer being the case
 *   number, and the dedupe: the same email or phone as a case created in the last 3 days answers
 *   that case's number.
 * Everything else below is a guess, kept in this one file (and mirrored by fakes/smartadvocate.ts)
 * so a partner with the full Postman collection corrects it here.
 */

export const DEFAULT_BASE_URL = "https://app.smartadvocate.com";

/** Documented. */
export const AUTHENTICATE_PATH = "/CaseSyncAPI/Users/authenticate";
export const CASE_INFO_PATH = "/CaseSyncAPI/case/CaseInfo";

/** Guess: the intake post as JSON under CaseSyncAPI, answering the case number as text. */
export const INTAKE_PATH = "/CaseSyncAPI/case/intake";
/** Guess: `PUT` with the intake's field names, plus `caseStatus` and `secondStatus`. */
export const updatePath = (caseId: string): string => `/CaseSyncAPI/case/${encodeURIComponent(caseId)}`;
/** Guess: cases by `Id` (our external id), `phone` or `email`; an array like CaseInfo's. */
export const SEARCH_PATH = "/CaseSyncAPI/case/search";
/**
 * Guess: cases modified at or after `FromDate`, oldest first, `PageNumber` (from 1) and `PageSize`,
 * answering `{cases: [...], totalCount}`.
 */
export const MODIFIED_PATH = "/CaseSyncAPI/case/modified";
export const PAGE_SIZE = 100;
/** Guess: `[{caseTypeID, caseType}]`. */
export const CASE_TYPES_PATH = "/CaseSyncAPI/case/caseTypes";
/** Guess: `[{caseStatusID, caseStatus, secondStatuses: [{statusID, statusName}]}]`. */
export const STATUSES_PATH = "/CaseSyncAPI/case/statuses";
/** Guess: `[{udfName, udfType, options?}]`: the firm's user-defined case fields. */
export const UDFS_PATH = "/CaseSyncAPI/case/udfs";

/**
 * Guess: CaseInfo's primary plaintiff also carries `firstName`, `lastName`, `phone`, `email`,
 * `address`, `city`, `state`, `zip`, `dob`, `gender`; the case carries `userDefinedFields:
 * [{udfName, value}]` and `intakeId` (the `Id` it was posted with). Without them a read would
 * have only the plaintiff's name.
 */
export const PLAINTIFF_FIELDS: Record<string, string> = {
  "first name": "firstName",
  "last name": "lastName",
  phone: "phone",
  email: "email",
  Address: "address",
  City: "city",
  State: "state",
  Zip: "zip",
  DOB: "dob",
  Gender: "gender",
};

/** Documented intake field names that carry our external id and the case type. */
export const EXTERNAL_ID_FIELD = "Id";
export const CASE_TYPE_FIELD = "CaseType";
/** Guess: the update's names for the status and the (dialer-style) second status. */
export const STATUS_FIELD = "caseStatus";
export const SECOND_STATUS_FIELD = "secondStatus";

/**
 * The intake answers an existing case number for the 3-day dedupe without saying so; we call the
 * answer existing when the case was created this long before we posted. Guess at the clock skew
 * between us and SmartAdvocate; a new case misread as existing is still linked, never duplicated.
 */
export const DEDUPE_CLOCK_SKEW_MS = 30_000;

/** Re-authenticate this long before the JWT's `exp`, so a request never races the expiry. */
export const TOKEN_EXPIRY_MARGIN_MS = 30_000;

/** The standard intake fields a read gives back (documented names). */
export const STANDARD_FIELDS: CrmField[] = Object.keys(PLAINTIFF_FIELDS).map((id) => ({
  id,
  label: id.charAt(0).toUpperCase() + id.slice(1),
  object: "case",
  type: id === "phone" ? "phone" : id === "email" ? "email" : id === "DOB" ? "date" : "text",
  custom: false,
  required: id === "first name" || id === "last name",
  readOnly: false,
}));
