import {
  type FakeAnswer,
  type FakeOptions,
  type FakeRequest,
  FIRST_NAMES,
  Index,
  json,
  LAST_NAMES,
  phoneKey,
  type RunningFake,
  seeded,
  serveFake,
} from "./shared.js";

/**
 * A local LawRuler portal: `POST /api-legalcrmapp.aspx` with URL-encoded form data and the portal's
 * security `Key`, as LawRuler's API guide documents (lead create, update by `LeadID` with
 * `overridelead`, `Operation=GetStatus`). The other operations and the JSON answer shapes are the
 * guesses in src/integrations/crm/lawruler/guesses.ts; keep the two in step.
 */

export interface LawRulerLead {
  LeadId: number;
  CaseType: string | null;
  Status: string;
  SubStatus: string | null;
  StatusTime: string;
  ModifiedTime: string;
  /** Contact and custom fields by API name, as posted. */
  fields: Record<string, string>;
}

export interface LawRulerCustomFieldDefinition {
  ApiName: string;
  Label: string;
  Type: "Text" | "Number" | "Date" | "Dropdown" | "Checkbox";
  Required?: boolean;
  Options?: string[];
}

export const LAWRULER_CASE_TYPES = ["Auto Accident", "Slip and Fall", "Medical Malpractice", "Workers Comp"];
export const LAWRULER_STATUSES: { Status: string; SubStatuses: string[]; CaseTypes?: string[] }[] = [
  { Status: "New Lead", SubStatuses: ["Not Contacted", "Left Voicemail"] },
  { Status: "Under Review", SubStatuses: ["Awaiting Documents", "Attorney Review"] },
  { Status: "Signed", SubStatuses: ["Retainer Sent", "Retainer Signed"] },
  { Status: "Rejected", SubStatuses: ["No Case", "Statute Expired"] },
  { Status: "Referred Out", SubStatuses: [], CaseTypes: ["Medical Malpractice"] },
];
export const LAWRULER_CUSTOM_FIELDS: LawRulerCustomFieldDefinition[] = [
  { ApiName: "custom101", Label: "Accident date", Type: "Date" },
  {
    ApiName: "custom102",
    Label: "Injury type",
    Type: "Dropdown",
    Options: ["Back", "Neck", "Head", "Other"],
  },
  { ApiName: "custom103", Label: "Police report filed", Type: "Checkbox" },
  { ApiName: "custom104", Label: "Referring attorney", Type: "Text" },
];

const STANDARD = new Set([
  "FirstName",
  "LastName",
  "FullName",
  "CellPhone",
  "HomePhone",
  "BusinessPhone",
  "Email1",
  "Email2",
  "Address1",
  "Address2",
  "City",
  "State",
  "Zip",
  "DOB",
  "Summary",
  "LeadProvider",
  "Hear",
  "Language",
  "ExternalID",
  "Tags",
  "Conversation",
]);
const CONTROL = new Set([
  "Key",
  "Operation",
  "LeadID",
  "overridelead",
  "ReturnJSON",
  "ReturnXML",
  "dupcheck",
]);

export class LawRulerRecords {
  readonly leads = new Map<number, LawRulerLead>();
  private nextId = 10_001;
  private readonly byPhone = new Index<number>();
  private readonly byEmail = new Index<number>();
  private readonly byExternalId = new Index<number>();
  caseTypes = [...LAWRULER_CASE_TYPES];
  statuses = LAWRULER_STATUSES.map((s) => ({ ...s, SubStatuses: [...s.SubStatuses] }));
  customFields = LAWRULER_CUSTOM_FIELDS.map((f) => ({ ...f }));

  /** Adds a lead as if someone typed it into the portal; returns it. */
  seed(
    fields: Record<string, string>,
    extra: Partial<Omit<LawRulerLead, "fields" | "LeadId">> = {},
  ): LawRulerLead {
    const now = new Date().toISOString();
    const lead: LawRulerLead = {
      LeadId: this.nextId++,
      CaseType: extra.CaseType ?? null,
      Status: extra.Status ?? "New Lead",
      SubStatus: extra.SubStatus ?? null,
      StatusTime: extra.StatusTime ?? now,
      ModifiedTime: extra.ModifiedTime ?? now,
      fields: {},
    };
    this.leads.set(lead.LeadId, lead);
    this.setFields(lead, fields);
    return lead;
  }

  get(id: number): LawRulerLead | undefined {
    return this.leads.get(id);
  }

  /** Changes a lead as a user in the portal would (bumps its modified time). */
  edit(
    id: number,
    fields: Record<string, string>,
    extra: Partial<Pick<LawRulerLead, "Status" | "SubStatus" | "CaseType">> = {},
  ): void {
    const lead = this.leads.get(id);
    if (!lead) throw new Error(`no lead ${id}`);
    this.setFields(lead, fields);
    const now = new Date().toISOString();
    if (extra.Status !== undefined && extra.Status !== lead.Status) lead.StatusTime = now;
    Object.assign(lead, extra);
    lead.ModifiedTime = now;
  }

  setFields(lead: LawRulerLead, fields: Record<string, string>): void {
    this.byPhone.remove(phoneKey(lead.fields.CellPhone ?? ""), lead.LeadId);
    this.byEmail.remove(lead.fields.Email1?.toLowerCase(), lead.LeadId);
    this.byExternalId.remove(lead.fields.ExternalID, lead.LeadId);
    for (const [name, value] of Object.entries(fields)) {
      if (value === "") delete lead.fields[name];
      else lead.fields[name] = value;
    }
    this.byPhone.add(phoneKey(lead.fields.CellPhone ?? ""), lead.LeadId);
    this.byEmail.add(lead.fields.Email1?.toLowerCase(), lead.LeadId);
    this.byExternalId.add(lead.fields.ExternalID, lead.LeadId);
  }

  search(criteria: { phone?: string; email?: string; externalId?: string }): LawRulerLead[] {
    const ids = new Set<number>();
    if (criteria.externalId) for (const id of this.byExternalId.get(criteria.externalId)) ids.add(id);
    if (criteria.phone) for (const id of this.byPhone.get(phoneKey(criteria.phone))) ids.add(id);
    if (criteria.email) for (const id of this.byEmail.get(criteria.email.toLowerCase())) ids.add(id);
    return [...ids].sort((a, b) => a - b).flatMap((id) => this.leads.get(id) ?? []);
  }
}

/** A lead as the (guessed) JSON answer shows it: bookkeeping and fields flat. */
function present(lead: LawRulerLead): Record<string, unknown> {
  return {
    LeadId: lead.LeadId,
    CaseType: lead.CaseType,
    Status: lead.Status,
    SubStatus: lead.SubStatus,
    StatusTime: lead.StatusTime,
    ModifiedTime: lead.ModifiedTime,
    ...lead.fields,
  };
}

function refuse(status: number, message: string): FakeAnswer {
  return json(status, { Success: false, Message: message });
}

export interface LawRulerFake extends RunningFake<LawRulerRecords> {
  /** The portal issues a new security key: the old one stops working at once. */
  rotateKey(key: string): void;
}

export async function startLawRulerFake(options: FakeOptions = {}): Promise<LawRulerFake> {
  let key = "LRKEY0123456789ABCDEF0123456789";
  const records = new LawRulerRecords();
  const random = seeded(42);
  for (let i = 0; i < (options.seed ?? 0); i++) {
    const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)] ?? "Ana";
    const last = LAST_NAMES[Math.floor(random() * LAST_NAMES.length)] ?? "Alvarez";
    records.seed(
      {
        FirstName: first,
        LastName: last,
        CellPhone: `555${String(1_000_000 + i).slice(-7)}`,
        Email1: `${first}.${last}.${i}@example.com`.toLowerCase(),
      },
      { CaseType: LAWRULER_CASE_TYPES[i % LAWRULER_CASE_TYPES.length] ?? null },
    );
  }

  const handle = (request: FakeRequest): FakeAnswer => {
    if (request.url.pathname.toLowerCase() !== "/api-legalcrmapp.aspx") return refuse(404, "Not Found");
    // LawRuler takes form data; query parameters work too (its sample posting URLs use them).
    const form = new URLSearchParams(request.url.search);
    if (request.method === "POST") {
      const type = String(request.headers["content-type"] ?? "");
      if (
        request.body &&
        !type.includes("application/x-www-form-urlencoded") &&
        !type.includes("multipart/form-data")
      ) {
        return refuse(400, "Request must be URL-encoded form data");
      }
      for (const [name, value] of new URLSearchParams(request.body)) form.set(name, value);
    } else if (request.method !== "GET") {
      return refuse(405, "Method Not Allowed");
    }
    if (form.get("Key") !== key) return refuse(401, "Invalid API Key");
    const operation = form.get("Operation");
    const leadIdText = form.get("LeadID");
    const lead = leadIdText ? records.get(Number(leadIdText)) : undefined;
    switch (operation) {
      case "GetStatus":
        if (!lead) return refuse(404, "Lead Not Found");
        return json(200, {
          LeadId: lead.LeadId,
          Status: lead.Status,
          SubStatus: lead.SubStatus,
          StatusTime: lead.StatusTime,
        });
      case "GetLead":
        if (!lead) return refuse(404, "Lead Not Found");
        return json(200, present(lead));
      case "SearchLeads": {
        const found = records.search({
          phone: form.get("CellPhone") ?? undefined,
          email: form.get("Email1") ?? undefined,
          externalId: form.get("ExternalID") ?? undefined,
        });
        return json(200, { Leads: found.map(present) });
      }
      case "GetCaseTypes":
        return json(
          200,
          records.caseTypes.map((CaseType) => ({ CaseType })),
        );
      case "GetStatuses":
        return json(200, records.statuses);
      case "GetCustomFields":
        return json(200, records.customFields);
      case null:
        break;
      default:
        return refuse(400, `Unknown Operation: ${operation}`);
    }

    // A create, or an update when the post names a lead.
    const fields: Record<string, string> = {};
    for (const [name, value] of form) {
      if (CONTROL.has(name) || name === "CaseType" || name === "Status" || name === "SubStatus") continue;
      if (!STANDARD.has(name) && !records.customFields.some((f) => f.ApiName === name)) {
        return refuse(400, `Invalid Field: ${name}`);
      }
      fields[name] = value;
    }
    const caseType = form.get("CaseType");
    if (caseType && !records.caseTypes.includes(caseType)) return refuse(400, "Invalid Case Type");
    const status = form.get("Status");
    const subStatus = form.get("SubStatus");
    const statusEntry = status ? records.statuses.find((s) => s.Status === status) : undefined;
    if (status && !statusEntry) return refuse(400, "Invalid Status");
    if (subStatus) {
      const of = statusEntry ?? records.statuses.find((s) => s.Status === lead?.Status);
      if (!of?.SubStatuses.includes(subStatus)) return refuse(400, "Invalid Sub Status");
    }
    if (
      fields.Email1 !== undefined &&
      fields.Email1 !== "" &&
      !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(fields.Email1)
    ) {
      return refuse(400, "Invalid Email Address");
    }

    if (leadIdText) {
      if (!lead) return refuse(404, "Lead Not Found");
      if (form.get("overridelead") !== "true")
        return refuse(409, "Lead exists; set overridelead=true to update it");
      const extra: Partial<Pick<LawRulerLead, "Status" | "SubStatus" | "CaseType">> = {};
      if (caseType) extra.CaseType = caseType;
      if (status) extra.Status = status;
      if (subStatus) extra.SubStatus = subStatus;
      else if (status && status !== lead.Status) extra.SubStatus = null;
      records.edit(lead.LeadId, fields, extra);
      return json(200, { Success: true, LeadId: lead.LeadId, Message: "Lead Updated" });
    }
    const hasName = (fields.FirstName && fields.LastName) || fields.FullName;
    if (!hasName) return refuse(400, "FirstName and LastName (or FullName) are required");
    const created = records.seed(fields, {
      CaseType: caseType,
      Status: status ?? "New Lead",
      SubStatus: subStatus,
    });
    return json(200, { Success: true, LeadId: created.LeadId, Message: "Lead Created" });
  };

  const served = await serveFake(options, handle, (retryAfterS) =>
    json(429, { Success: false, Message: "Too many requests" }, { "retry-after": String(retryAfterS) }),
  );
  const credentials = { api_key: key };
  return {
    ...served,
    credentials,
    records,
    rotateKey(next) {
      key = next;
      credentials.api_key = next;
    },
  };
}
