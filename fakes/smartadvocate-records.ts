import { Index, phoneKey } from "./shared.js";

/**
 * What the local SmartAdvocate keeps: cases with their plaintiff, UDFs and statuses, indexed by
 * phone, email and intake id, and the 3-day dedupe. fakes/smartadvocate.ts serves them over HTTP.
 */

export const DAY_MS = 86_400_000;
const DEDUPE_WINDOW_MS = 3 * DAY_MS;

export interface SmartAdvocateCase {
  caseID: number;
  caseNumber: string;
  caseTypeID: number;
  caseType: string;
  caseStatusID: number;
  caseStatus: string;
  caseStatusFrom: string;
  plaintiff: {
    id: number;
    contactID: number;
    firstName: string;
    lastName: string;
    phone: string | null;
    email: string | null;
    address: string | null;
    city: string | null;
    state: string | null;
    zip: string | null;
    dob: string | null;
    gender: string | null;
  };
  secondStatuses: { statusID: number; fromDate: string; statusTypeName: string; statusName: string }[];
  udfs: Record<string, string>;
  /** Posted fields that matched no UDF: appended to the incident facts, as SmartAdvocate does. */
  incidentFacts: string;
  intakeId: string | null;
  createdDate: string;
  modifiedDate: string;
}

export const SMARTADVOCATE_CASE_TYPES = [
  "Auto Accident",
  "Premises Liability",
  "Medical Malpractice",
  "Talcum Powder",
];
export const SMARTADVOCATE_STATUSES: { caseStatus: string; secondStatuses: string[] }[] = [
  { caseStatus: "Intake", secondStatuses: ["To Dial", "In the Dialer", "Do not dial"] },
  { caseStatus: "Signed Up", secondStatuses: ["Awaiting Records", "Records Received"] },
  { caseStatus: "Litigation", secondStatuses: ["Complaint Filed", "Discovery"] },
  { caseStatus: "Declined", secondStatuses: [] },
];
export const SMARTADVOCATE_UDFS: { udfName: string; udfType: string; options?: string[] }[] = [
  { udfName: "Accident Date", udfType: "Date" },
  { udfName: "Injury Type", udfType: "Combo", options: ["Back", "Neck", "Head", "Other"] },
  { udfName: "Police Report Number", udfType: "Text" },
  { udfName: "Treating Physician", udfType: "Text" },
];

/** Intake field name → plaintiff key (documented names, guessed keys). */
export const PLAINTIFF: Record<string, keyof SmartAdvocateCase["plaintiff"]> = {
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

export class SmartAdvocateRecords {
  readonly cases = new Map<string, SmartAdvocateCase>();
  private readonly byCaseId = new Map<number, SmartAdvocateCase>();
  private nextNumber = 9_000_001;
  private nextId = 516_001;
  private readonly byPhone = new Index<string>();
  private readonly byEmail = new Index<string>();
  private readonly byIntakeId = new Index<string>();
  /** Sorted by (modifiedDate, caseID) lazily for the modified feed. */
  private order: SmartAdvocateCase[] | null = null;
  caseTypes = [...SMARTADVOCATE_CASE_TYPES];
  statuses = SMARTADVOCATE_STATUSES.map((s) => ({ ...s, secondStatuses: [...s.secondStatuses] }));
  udfs = SMARTADVOCATE_UDFS.map((u) => ({ ...u }));

  /** Adds a case as if someone entered it in SmartAdvocate; `createdDate` may be in the past. */
  seed(
    fields: Record<string, string>,
    extra: { caseType?: string; caseStatus?: string; createdDate?: string; intakeId?: string | null } = {},
  ): SmartAdvocateCase {
    const now = new Date().toISOString();
    const created = extra.createdDate ?? now;
    const caseType = extra.caseType ?? SMARTADVOCATE_CASE_TYPES[0] ?? "Auto Accident";
    const status = extra.caseStatus ?? "Intake";
    const id = this.nextId++;
    const record: SmartAdvocateCase = {
      caseID: id,
      caseNumber: String(this.nextNumber++),
      caseTypeID: 1200 + Math.max(0, this.caseTypes.indexOf(caseType)),
      caseType,
      caseStatusID:
        800 +
        Math.max(
          0,
          this.statuses.findIndex((s) => s.caseStatus === status),
        ),
      caseStatus: status,
      caseStatusFrom: created,
      plaintiff: {
        id: id + 100_000,
        contactID: id + 1_000_000,
        firstName: "",
        lastName: "",
        phone: null,
        email: null,
        address: null,
        city: null,
        state: null,
        zip: null,
        dob: null,
        gender: null,
      },
      secondStatuses: [],
      udfs: {},
      incidentFacts: "",
      intakeId: extra.intakeId ?? null,
      createdDate: created,
      modifiedDate: created,
    };
    this.cases.set(record.caseNumber, record);
    this.byCaseId.set(record.caseID, record);
    this.byIntakeId.add(record.intakeId, record.caseNumber);
    this.apply(record, fields);
    record.modifiedDate = created;
    return record;
  }

  byId(caseID: number): SmartAdvocateCase | undefined {
    return this.byCaseId.get(caseID);
  }

  /** Writes intake-named fields (plaintiff fields, UDFs by exact name, the rest to incident facts). */
  apply(record: SmartAdvocateCase, fields: Record<string, string | null>): void {
    this.byPhone.remove(phoneKey(record.plaintiff.phone ?? ""), record.caseNumber);
    this.byEmail.remove(record.plaintiff.email?.toLowerCase(), record.caseNumber);
    for (const [name, value] of Object.entries(fields)) {
      const key = PLAINTIFF[name];
      if (key === "id" || key === "contactID") continue;
      if (key)
        (record.plaintiff as Record<string, unknown>)[key] =
          value ?? (key === "firstName" || key === "lastName" ? "" : null);
      else if (this.udfs.some((u) => u.udfName === name)) {
        if (value === null || value === "") delete record.udfs[name];
        else record.udfs[name] = value;
      } else if (value) record.incidentFacts += `${record.incidentFacts ? "\n" : ""}${name}: ${value}`;
    }
    this.byPhone.add(phoneKey(record.plaintiff.phone ?? ""), record.caseNumber);
    this.byEmail.add(record.plaintiff.email?.toLowerCase(), record.caseNumber);
    this.touch(record);
  }

  /** Changes a case as a user in SmartAdvocate would: fields by intake name, status, second status. */
  edit(
    caseNumber: string,
    fields: Record<string, string | null>,
    extra: { caseStatus?: string; secondStatus?: string } = {},
  ): SmartAdvocateCase {
    const record = this.cases.get(caseNumber);
    if (!record) throw new Error(`no case ${caseNumber}`);
    if (extra.caseStatus && extra.caseStatus !== record.caseStatus) {
      const index = this.statuses.findIndex((s) => s.caseStatus === extra.caseStatus);
      if (index < 0) throw new Error(`no case status ${extra.caseStatus}`);
      record.caseStatus = extra.caseStatus;
      record.caseStatusID = 800 + index;
      record.caseStatusFrom = new Date().toISOString();
    }
    if (extra.secondStatus) this.setSecondStatus(record, extra.secondStatus);
    this.apply(record, fields);
    return record;
  }

  setIntakeId(record: SmartAdvocateCase, intakeId: string): void {
    this.byIntakeId.remove(record.intakeId, record.caseNumber);
    record.intakeId = intakeId;
    this.byIntakeId.add(intakeId, record.caseNumber);
  }

  touch(record: SmartAdvocateCase): void {
    record.modifiedDate = new Date().toISOString();
    this.order = null;
  }

  setSecondStatus(record: SmartAdvocateCase, statusName: string): void {
    const now = new Date().toISOString();
    record.secondStatuses = [
      ...record.secondStatuses.filter((s) => s.statusTypeName !== "Case Substatus"),
      {
        statusID: 890 + record.secondStatuses.length,
        fromDate: now,
        statusTypeName: "Case Substatus",
        statusName,
      },
    ];
  }

  /** The 3-day dedupe: a case created within the window with the same email or phone. */
  duplicateOf(
    phone: string | undefined,
    email: string | undefined,
    now: number,
  ): SmartAdvocateCase | undefined {
    const candidates = [
      ...(phone ? this.byPhone.get(phoneKey(phone)) : []),
      ...(email ? this.byEmail.get(email.toLowerCase()) : []),
    ];
    return candidates
      .flatMap((n) => this.cases.get(n) ?? [])
      .filter((c) => now - Date.parse(c.createdDate) <= DEDUPE_WINDOW_MS)
      .sort((a, b) => Date.parse(b.createdDate) - Date.parse(a.createdDate))[0];
  }

  search(criteria: { id?: string; phone?: string; email?: string }): SmartAdvocateCase[] {
    const numbers = new Set<string>();
    if (criteria.id) for (const n of this.byIntakeId.get(criteria.id)) numbers.add(n);
    if (criteria.phone) for (const n of this.byPhone.get(phoneKey(criteria.phone))) numbers.add(n);
    if (criteria.email) for (const n of this.byEmail.get(criteria.email.toLowerCase())) numbers.add(n);
    return [...numbers].flatMap((n) => this.cases.get(n) ?? []);
  }

  modifiedSince(from: number): SmartAdvocateCase[] {
    this.order ??= [...this.cases.values()].sort(
      (a, b) => a.modifiedDate.localeCompare(b.modifiedDate) || a.caseID - b.caseID,
    );
    // Binary search for the first case at or after `from`.
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const entry = this.order[mid];
      if (entry && Date.parse(entry.modifiedDate) < from) low = mid + 1;
      else high = mid;
    }
    return this.order.slice(low);
  }
}

/** CaseInfo as documented, plus the guessed plaintiff contact keys, UDFs and intake id. */
export function caseInfo(c: SmartAdvocateCase): Record<string, unknown> {
  const p = c.plaintiff;
  return {
    caseID: c.caseID,
    caseNumber: c.caseNumber,
    caseTypeID: c.caseTypeID,
    caseType: c.caseType,
    caseStatusID: c.caseStatusID,
    caseStatus: c.caseStatus,
    caseStatusFrom: c.caseStatusFrom,
    officeID: 2,
    officeName: "New York",
    plaintiffs: [
      {
        id: p.id,
        name: `${p.lastName}, ${p.firstName}`,
        role: "(P)-Point of Contact",
        contactID: p.contactID,
        primary: true,
        primaryContact: true,
        firstName: p.firstName,
        lastName: p.lastName,
        phone: p.phone,
        email: p.email,
        address: p.address,
        city: p.city,
        state: p.state,
        zip: p.zip,
        dob: p.dob,
        gender: p.gender,
      },
    ],
    secondStatuses: c.secondStatuses,
    userDefinedFields: Object.entries(c.udfs).map(([udfName, value]) => ({ udfName, value })),
    intakeId: c.intakeId,
    createdDate: c.createdDate,
    modifiedDate: c.modifiedDate,
  };
}
