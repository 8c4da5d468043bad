import { changedClientFields } from "../client-fields.js";
import {
  type Connector,
  type ConnectorContext,
  type CrmCapabilities,
  type CrmCreated,
  CrmError,
  type CrmNotified,
  type CrmObject,
  type CrmPage,
  type CrmProvider,
  type CrmRecord,
  type CrmSchema,
  type CrmSearch,
  type CrmUpdate,
  type CrmWrite,
} from "../connector.js";
import { DEFAULT_API_URL, DEFAULT_IDENTITY_URL, FilevineClient } from "./client.js";
import {
  asText,
  caseClientFields,
  contactToRecord,
  list,
  native,
  object,
  type ProjectTypeSchema,
  projectToRecord,
  toSchema,
  writeToContact,
  writeToForms,
  writeToProject,
} from "./map.js";
import { verifyWebhookToken } from "./notify-token.js";
import { filevineNotifications } from "./subscriptions.js";
import { readFilevineEvent } from "./webhooks.js";

type Json = Record<string, unknown>;

/** Filevine publishes no per-connection rate; its 429 Retry-After is honoured as for every CRM. */
const capabilities: CrmCapabilities = {
  objects: ["client", "case"],
  push: true,
  listChanges: true,
  changeNotifications: true,
  conditionalUpdate: false,
  rateLimitPerSecond: null,
};

export const PAGE_LIMIT = 50;
/**
 * `latestActivitySince` takes a date, not a time: we ask from the day before `since` (a day of
 * overlap covers the time zone Filevine reads the date in) and drop what we can tell is older. What
 * remains may repeat records already synced; the engine's id + hash dedupe makes that harmless.
 */
export const OVERLAP_MS = 86_400_000;

function isId(id: string): boolean {
  return /^\d{1,12}$/.test(id);
}

/** `yyyy-mm-dd` of the day before `since` (UTC). */
export function activityDate(since: string): string {
  return new Date(Date.parse(since) - OVERLAP_MS).toISOString().slice(0, 10);
}

interface FeedCursor {
  since: string | null;
  offset: number;
}

function writeCursor(cursor: FeedCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function readCursor(text: string): FeedCursor {
  try {
    const parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<FeedCursor>;
    if (
      (parsed.since === null || typeof parsed.since === "string") &&
      Number.isInteger(parsed.offset) &&
      (parsed.offset ?? -1) >= 0
    )
      return { since: parsed.since, offset: parsed.offset ?? 0 };
  } catch {
    // fall through
  }
  throw new CrmError("validation", "not a Filevine feed cursor");
}

class FilevineConnector implements Connector {
  readonly capabilities = capabilities;
  readonly client: FilevineClient;
  /** Section selectors per project type: read once per connector (they change with the firm's setup). */
  private readonly sections = new Map<string, Promise<string[]>>();

  constructor(private readonly context: ConnectorContext) {
    this.client = new FilevineClient(context);
  }

  async test(): Promise<{ account: string | null }> {
    const session = await this.client.login();
    return { account: session.account };
  }

  async loadSchema(): Promise<CrmSchema> {
    const types = await this.all("/ProjectTypes");
    const withParts: ProjectTypeSchema[] = await Promise.all(
      types.map(async (type) => {
        const id = native(type.ProjectTypeId) ?? "";
        const [phases, sections] = await Promise.all([
          this.all(`/ProjectTypes/${id}/phases`),
          this.all(`/ProjectTypes/${id}/sections`),
        ]);
        return { type, phases, sections };
      }),
    );
    return toSchema(withParts);
  }

  /** Every page of a list (`{Items, HasMore}`, by offset). */
  private async all(path: string, query: Record<string, string> = {}): Promise<Json[]> {
    const out: Json[] = [];
    for (let offset = 0, pages = 0; pages < 40; pages++) {
      const answer = object(
        await this.client.json("GET", path, {
          query: { ...query, limit: String(PAGE_LIMIT), offset: String(offset) },
        }),
      );
      const items = list(answer.Items);
      out.push(...items);
      if (answer.HasMore !== true || items.length === 0) break;
      offset += items.length;
    }
    return out;
  }

  private sectionSelectors(typeId: string | null): Promise<string[]> {
    if (!typeId) return Promise.resolve([]);
    let found = this.sections.get(typeId);
    if (!found) {
      found = this.all(`/ProjectTypes/${typeId}/sections`).then((sections) =>
        sections.filter((s) => s.IsCollection !== true).flatMap((s) => asText(s.SectionSelector) ?? []),
      );
      found.catch(() => this.sections.delete(typeId));
      this.sections.set(typeId, found);
    }
    return found;
  }

  /** A project with its client contact and section forms: one case record. */
  private async hydrate(
    project: Json,
    contacts = new Map<string, Promise<Json | null>>(),
  ): Promise<CrmRecord> {
    const projectId = native(project.ProjectId) ?? "";
    const clientId = native(project.ClientId);
    let contact: Promise<Json | null> = Promise.resolve(null);
    if (clientId) {
      contact = contacts.get(clientId) ?? this.readContact(clientId);
      contacts.set(clientId, contact);
    }
    const selectors = await this.sectionSelectors(native(project.ProjectTypeId));
    const forms = await Promise.all(
      selectors.map(
        async (selector) =>
          [
            selector,
            object(await this.client.json("GET", `/Projects/${projectId}/Forms/${selector}`)),
          ] as const,
      ),
    );
    return projectToRecord(project, await contact, Object.fromEntries(forms));
  }

  private async readContact(id: string): Promise<Json | null> {
    if (!isId(id)) return null;
    try {
      return object(await this.client.json("GET", `/Contacts/${id}`));
    } catch (error) {
      if (error instanceof CrmError && error.stage === "not_found") return null;
      throw error;
    }
  }

  private async readProject(id: string): Promise<Json | null> {
    if (!isId(id)) return null;
    try {
      return object(await this.client.json("GET", `/Projects/${id}`));
    } catch (error) {
      if (error instanceof CrmError && error.stage === "not_found") return null;
      throw error;
    }
  }

  async listChanged(kind: CrmObject, since: string | null, cursor: string | null): Promise<CrmPage> {
    const at = cursor ? readCursor(cursor) : { since, offset: 0 };
    const query: Record<string, string> = { limit: String(PAGE_LIMIT), offset: String(at.offset) };
    if (kind === "case") {
      // By project id, ascending: an edit during the pass moves nothing, so no page skips a record.
      Object.assign(query, { sortBy: "projectId", orderBy: "asc" });
      if (at.since) query.latestActivitySince = activityDate(at.since);
    } else if (at.since) {
      query.sinceLastDateTimeUtc = new Date(Date.parse(at.since) - OVERLAP_MS).toISOString().slice(0, 19);
    }
    const answer = object(
      await this.client.json("GET", kind === "case" ? "/Projects" : "/Contacts", { query }),
    );
    const items = list(answer.Items);
    const contacts = new Map<string, Promise<Json | null>>();
    const all =
      kind === "case"
        ? await Promise.all(items.map((p) => this.hydrate(p, contacts)))
        : items.map(contactToRecord);
    const from = at.since ? Date.parse(at.since) : null;
    const records = all.filter(
      (r) => from === null || r.updatedAt === null || Date.parse(r.updatedAt) >= from,
    );
    const more = answer.HasMore === true && items.length > 0;
    return {
      records,
      nextCursor: more ? writeCursor({ since: at.since, offset: at.offset + items.length }) : null,
    };
  }

  async get(kind: CrmObject, id: string): Promise<CrmRecord | null> {
    if (kind === "client") {
      const contact = await this.readContact(id);
      return contact ? contactToRecord(contact) : null;
    }
    const project = await this.readProject(id);
    return project ? this.hydrate(project) : null;
  }

  async create(write: CrmWrite): Promise<CrmCreated> {
    if (write.object === "client") {
      const contact = object(
        await this.client.json("POST", "/Contacts", { body: writeToContact(write.fields, { create: true }) }),
      );
      return { record: contactToRecord(contact), existing: false };
    }
    let clientId = write.clientId ?? null;
    if (!clientId) {
      const fields = caseClientFields(write);
      if (!fields)
        throw new CrmError(
          "validation",
          "a Filevine project needs a client: give a clientId or the client's name",
        );
      const contact = object(
        await this.client.json("POST", "/Contacts", { body: writeToContact(fields, { create: true }) }),
      );
      clientId = native(contact.PersonId);
    }
    const project = object(
      await this.client.json("POST", "/Projects", {
        body: writeToProject(write, { create: true, clientId }),
      }),
    );
    const id = native(project.ProjectId);
    if (!id) throw new CrmError("transient", "Filevine answered the new project without its id");
    await this.writeForms(id, write);
    const record = await this.get("case", id);
    if (!record) throw new CrmError("transient", `Filevine lost project ${id} right after creating it`);
    return { record, existing: false };
  }

  private async writeForms(projectId: string, write: CrmWrite): Promise<void> {
    for (const [section, values] of Object.entries(writeToForms(write))) {
      await this.client.call("PATCH", `/Projects/${projectId}/Forms/${encodeURIComponent(section)}`, {
        body: values,
      });
    }
  }

  async update(update: CrmUpdate): Promise<CrmRecord> {
    if (!isId(update.id)) throw new CrmError("not_found", `Filevine has no ${update.object} ${update.id}`);
    if (update.object === "client") {
      const contact = object(
        await this.client.json("PATCH", `/Contacts/${update.id}`, {
          body: writeToContact(update.fields, { create: false }),
        }),
      );
      return contactToRecord(contact);
    }
    const before = await this.get("case", update.id);
    if (!before) throw new CrmError("not_found", `Filevine has no project ${update.id}`);
    const body = writeToProject(update, { create: false });
    if (Object.keys(body).length > 0) await this.client.call("PATCH", `/Projects/${update.id}`, { body });
    await this.writeForms(update.id, update);
    // The case's client.* fields belong to its client contact: write there the ones that changed.
    const changed = changedClientFields(update.fields, before.fields, FILEVINE_CONTACT_FIELDS);
    if (before.clientId && Object.keys(changed).length > 0) {
      await this.client.call("PATCH", `/Contacts/${before.clientId}`, {
        body: writeToContact(changed, { create: false }),
      });
    }
    const record = await this.get("case", update.id);
    if (!record) throw new CrmError("not_found", `Filevine has no project ${update.id}`);
    return record;
  }

  async search(query: CrmSearch): Promise<CrmRecord[]> {
    const found = new Map<string, CrmRecord>();
    if (query.object === "case" && query.externalId) {
      const projects = list(
        object(await this.client.json("GET", "/Projects", { query: { number: query.externalId } })).Items,
      );
      for (const p of projects)
        if (asText(p.Number) === query.externalId)
          found.set(native(p.ProjectId) ?? "", await this.hydrate(p));
    }
    for (const [name, value] of [
      ["phone", query.phone],
      ["email", query.email],
    ] as const) {
      if (!value) continue;
      const contacts = list(
        object(await this.client.json("GET", "/Contacts", { query: { [name]: value } })).Items,
      );
      for (const contact of contacts) {
        const contactId = native(contact.PersonId);
        if (!contactId) continue;
        if (query.object === "client") {
          found.set(contactId, contactToRecord(contact));
          continue;
        }
        const links = list(object(await this.client.json("GET", `/Contacts/${contactId}/projects`)).Items);
        for (const link of links) {
          const project = object(link.Project);
          // The contact may be a witness or an adjuster on other projects: only its own cases count.
          if (native(project.ClientId) !== contactId) continue;
          const full = await this.readProject(native(project.ProjectId) ?? native(link.ProjectId) ?? "");
          if (full) found.set(native(full.ProjectId) ?? "", await this.hydrate(full));
        }
      }
    }
    return [...found.values()];
  }

  /** A delivery with a token Filevine's identity service signed → the project or contact it is about. */
  async readNotification(headers: Record<string, string>, body: Buffer): Promise<CrmNotified | null> {
    const authorization = Object.entries(headers).find(([name]) => name.toLowerCase() === "authorization");
    await verifyWebhookToken(
      this.context,
      this.context.credentials.identity_url || DEFAULT_IDENTITY_URL,
      authorization?.[1],
    );
    return readFilevineEvent(body, this.context.credentials.org_id || undefined);
  }
}

/** Where a case's `client.*` fields live on the contact. */
const FILEVINE_CONTACT_FIELDS: Readonly<Record<string, string>> = {
  "client.first_name": "FirstName",
  "client.last_name": "LastName",
  "client.phone": "phone",
  "client.email": "email",
};

export const filevineProvider: CrmProvider = {
  name: "filevine",
  label: "Filevine",
  credentials: [
    { name: "client_id", label: "Client id", secret: false, required: true },
    { name: "client_secret", label: "Client secret", secret: true, required: true },
    { name: "pat", label: "Personal access token", secret: true, required: true },
    { name: "org_id", label: "Org id (when the user has several)", secret: false, required: false },
    { name: "identity_url", label: "Identity service URL", secret: false, required: false },
  ],
  baseUrl: { required: false, default: DEFAULT_API_URL },
  capabilities,
  notifications: filevineNotifications,
  connect: (context) => new FilevineConnector(context),
};
