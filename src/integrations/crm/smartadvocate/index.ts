import {
  type Connector,
  type ConnectorContext,
  type CrmCapabilities,
  type CrmCreated,
  CrmError,
  type CrmObject,
  type CrmPage,
  type CrmProvider,
  type CrmRecord,
  type CrmSchema,
  type CrmSearch,
  type CrmUpdate,
  type CrmWrite,
} from "../connector.js";
import { SmartAdvocateClient } from "./client.js";
import {
  CASE_INFO_PATH,
  CASE_TYPES_PATH,
  DEDUPE_CLOCK_SKEW_MS,
  DEFAULT_BASE_URL,
  INTAKE_PATH,
  MODIFIED_PATH,
  PAGE_SIZE,
  SEARCH_PATH,
  STATUSES_PATH,
  UDFS_PATH,
  updatePath,
} from "./guesses.js";
import { caseToRecord, createdAt, toSchema, writeToIntake, writeToUpdate } from "./map.js";

/** SmartAdvocate: cases (with their plaintiff's contact fields), keyed by case number. */
const capabilities: CrmCapabilities = {
  objects: ["case"],
  push: true,
  listChanges: true,
  changeNotifications: false,
  conditionalUpdate: false,
  rateLimitPerSecond: null,
};

function onlyCases(object: CrmObject): void {
  if (object !== "case") {
    throw new CrmError(
      "unsupported",
      `SmartAdvocate keeps the plaintiff on the case: no separate ${object} records`,
    );
  }
}

function cases(answer: unknown): Record<string, unknown>[] {
  return Array.isArray(answer)
    ? answer.filter((c): c is Record<string, unknown> => Boolean(c) && typeof c === "object")
    : [];
}

class SmartAdvocateConnector implements Connector {
  readonly capabilities = capabilities;
  readonly client: SmartAdvocateClient;

  constructor(context: ConnectorContext) {
    this.client = new SmartAdvocateClient(context);
  }

  async test(): Promise<{ account: string | null }> {
    // Always a fresh login: a cached token would hide a password changed since.
    await this.client.authenticate();
    return { account: this.client.account };
  }

  async loadSchema(): Promise<CrmSchema> {
    const [caseTypes, statuses, udfs] = await Promise.all([
      this.client.json("GET", CASE_TYPES_PATH),
      this.client.json("GET", STATUSES_PATH),
      this.client.json("GET", UDFS_PATH),
    ]);
    return toSchema(caseTypes, statuses, udfs);
  }

  async listChanged(object: CrmObject, since: string | null, cursor: string | null): Promise<CrmPage> {
    onlyCases(object);
    const at = cursor ? readCursor(cursor) : { from: since, seen: [], page: 1 };
    const query: Record<string, string> = { PageNumber: String(at.page), PageSize: String(PAGE_SIZE) };
    if (at.from) query.FromDate = at.from;
    const answer = (await this.client.json("GET", MODIFIED_PATH, { query })) as {
      cases?: unknown;
      totalCount?: unknown;
    };
    const raw = cases(answer.cases).map(caseToRecord);
    const total = typeof answer.totalCount === "number" ? answer.totalCount : 0;
    const seen = new Set(at.seen);
    const records = raw.filter((r) => !seen.has(r.id));
    if (at.page * PAGE_SIZE >= total || raw.length === 0) return { records, nextCursor: null };
    return { records, nextCursor: writeCursor(nextPosition(at, raw)) };
  }

  async get(object: CrmObject, id: string): Promise<CrmRecord | null> {
    onlyCases(object);
    const info = await this.caseInfo(id);
    return info ? caseToRecord(info) : null;
  }

  /** CaseInfo for exactly this case number (the API matches `%` as a wildcard, so never pass one). */
  private async caseInfo(caseNumber: string): Promise<Record<string, unknown> | null> {
    if (caseNumber.includes("%")) return null;
    try {
      const answer = await this.client.json("GET", CASE_INFO_PATH, { query: { Casenumber: caseNumber } });
      return cases(answer).find((c) => String(c.caseNumber) === caseNumber) ?? null;
    } catch (error) {
      if (error instanceof CrmError && error.stage === "not_found") return null;
      throw error;
    }
  }

  async create(write: CrmWrite): Promise<CrmCreated> {
    onlyCases(write.object);
    const sentAt = Date.now();
    const response = await this.client.call("POST", INTAKE_PATH, { body: writeToIntake(write) });
    const caseNumber = readCaseNumber(response.body);
    if (!caseNumber)
      throw new CrmError("transient", "SmartAdvocate answered the intake without a case number");
    const info = await this.caseInfo(caseNumber);
    if (!info)
      throw new CrmError("transient", `SmartAdvocate answered case ${caseNumber} but has no such case`);
    // Its dedupe answers an earlier case's number without saying so: the creation time tells.
    const created = createdAt(info);
    const existing = created !== null && created < sentAt - DEDUPE_CLOCK_SKEW_MS;
    return { record: caseToRecord(info), existing };
  }

  async update(update: CrmUpdate): Promise<CrmRecord> {
    onlyCases(update.object);
    const info = await this.caseInfo(update.id);
    if (!info) throw new CrmError("not_found", `SmartAdvocate has no case ${update.id}`);
    await this.client.call("PUT", updatePath(String(info.caseID)), { body: writeToUpdate(update) });
    const after = await this.caseInfo(update.id);
    if (!after)
      throw new CrmError("transient", `SmartAdvocate lost case ${update.id} right after updating it`);
    return caseToRecord(after);
  }

  async search(query: CrmSearch): Promise<CrmRecord[]> {
    onlyCases(query.object);
    const params: Record<string, string> = {};
    if (query.externalId) params.Id = query.externalId;
    if (query.phone) params.phone = query.phone;
    if (query.email) params.email = query.email;
    if (Object.keys(params).length === 0) return [];
    return cases(await this.client.json("GET", SEARCH_PATH, { query: params })).map(caseToRecord);
  }
}

/**
 * Where the modified feed goes on. Page numbers alone skip records: a case edited while we page
 * moves to the end and every later case shifts one place forward, so the first of the next page is
 * never read. We go on from the last modified time seen instead (inclusive), skipping the cases
 * already read at exactly that time; only a page whose cases all share one time moves to the next
 * page number. An edited case is read again later: at least once, never lost.
 */
interface FeedPosition {
  from: string | null;
  seen: string[];
  page: number;
}

export function nextPosition(at: FeedPosition, page: CrmRecord[]): FeedPosition {
  const last = page.reduce<string | null>(
    (max, r) => (r.updatedAt && (!max || r.updatedAt > max) ? r.updatedAt : max),
    null,
  );
  if (!last || (at.from && Date.parse(last) <= Date.parse(at.from))) {
    return { from: at.from, seen: [...at.seen, ...page.map((r) => r.id)], page: at.page + 1 };
  }
  return { from: last, seen: page.filter((r) => r.updatedAt === last).map((r) => r.id), page: 1 };
}

function writeCursor(position: FeedPosition): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

function readCursor(cursor: string): FeedPosition {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<FeedPosition>;
    if (
      (parsed.from === null || typeof parsed.from === "string") &&
      Array.isArray(parsed.seen) &&
      parsed.seen.every((id) => typeof id === "string") &&
      Number.isInteger(parsed.page) &&
      (parsed.page ?? 0) >= 1
    ) {
      return { from: parsed.from, seen: parsed.seen, page: parsed.page ?? 1 };
    }
  } catch {
    // fall through
  }
  throw new CrmError("validation", "not a SmartAdvocate feed cursor");
}

/** The intake answers the case number: as text, a JSON string or number, or `{caseNumber}`. */
export function readCaseNumber(body: string): string | null {
  const text = body.trim();
  if (!text) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "string" || typeof parsed === "number") return String(parsed);
    if (parsed && typeof parsed === "object") {
      const value = (parsed as { caseNumber?: unknown }).caseNumber;
      return value === undefined || value === null ? null : String(value);
    }
    return null;
  } catch {
    return /^[\w-]+$/.test(text) ? text : null;
  }
}

export const smartAdvocateProvider: CrmProvider = {
  name: "smartadvocate",
  label: "SmartAdvocate",
  credentials: [
    { name: "username", label: "Username", secret: false, required: true },
    { name: "password", label: "Password", secret: true, required: true },
  ],
  // Hosted firms share app.smartadvocate.com; a firm on its own server names its host.
  baseUrl: { required: false, default: DEFAULT_BASE_URL },
  capabilities,
  connect: (context) => new SmartAdvocateConnector(context),
};
