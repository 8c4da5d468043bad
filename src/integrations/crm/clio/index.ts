import { changedClientFields } from "../client-fields.js";
import {
  type Connector,
  type ConnectorContext,
  type CrmCapabilities,
  type CrmCreated,
  CrmError,
  type CrmNotifications,
  type CrmOAuth,
  type CrmObject,
  type CrmPage,
  type CrmProvider,
  type CrmRecord,
  type CrmSchema,
  type CrmSearch,
  type CrmUpdate,
  type CrmWrite,
} from "../connector.js";
import { ClioClient } from "./client.js";
import {
  CONTACT_FIELDS,
  caseClientWrite,
  contactToRecord,
  list,
  MATTER_FIELDS,
  matterToRecord,
  object,
  toSchema,
  writeToContact,
  writeToMatter,
} from "./map.js";
import { API_PATH, authorizeUrl, CLIO_REGIONS, codeExchangeForm, requestTokens } from "./oauth.js";
import {
  readClioNotification,
  WEBHOOK_MAX_LIFETIME_MS,
  webhookBody,
  webhookNeedsRenewal,
} from "./webhooks.js";

/** Clio's documented default: 50 requests a minute per access token (peak hours). */
const capabilities: CrmCapabilities = {
  objects: ["client", "case"],
  push: true,
  listChanges: true,
  changeNotifications: true,
  conditionalUpdate: true,
  rateLimitPerSecond: 50 / 60,
};

/** Records per page: Clio's maximum `limit`. */
export const PAGE_LIMIT = 200;

const PATHS: Record<CrmObject, { list: string; one: (id: string) => string; fields: string }> = {
  case: { list: "/matters.json", one: (id) => `/matters/${id}.json`, fields: MATTER_FIELDS },
  client: { list: "/contacts.json", one: (id) => `/contacts/${id}.json`, fields: CONTACT_FIELDS },
};

/** Clio ids are integers: anything else cannot name a record (and must not reach the path). */
function isId(id: string): boolean {
  return /^\d{1,18}$/.test(id);
}

class ClioConnector implements Connector {
  readonly capabilities = capabilities;
  readonly client: ClioClient;

  constructor(private readonly context: ConnectorContext) {
    this.client = new ClioClient(context);
  }

  private externalIdField(object: CrmObject): string | undefined {
    const name = object === "case" ? "matter_external_id_field" : "contact_external_id_field";
    const value = this.context.credentials[name];
    return value && /^\d+$/.test(value) ? value : undefined;
  }

  private toRecord(kind: CrmObject, raw: Record<string, unknown>): CrmRecord {
    return kind === "case"
      ? matterToRecord(raw, this.externalIdField("case"))
      : contactToRecord(raw, this.externalIdField("client"));
  }

  async test(): Promise<{ account: string | null }> {
    const answer = object(
      await this.client.json("GET", "/users/who_am_i.json", { query: { fields: "id,name" } }),
    );
    const user = object(answer.data);
    return { account: typeof user.name === "string" ? user.name : null };
  }

  async loadSchema(): Promise<CrmSchema> {
    const [customFields, practiceAreas, stages] = await Promise.all([
      this.all(
        "/custom_fields.json",
        "id,name,parent_type,field_type,required,deleted,picklist_options{id,option}",
      ),
      this.all("/practice_areas.json", "id,name"),
      this.all("/matter_stages.json", "id,name,practice_area_id,order"),
    ]);
    return toSchema(customFields, practiceAreas, stages);
  }

  /** Every page of a (short) list, through `meta.paging.next`. */
  private async all(path: string, fields: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let next: string | null = this.client.url(path, { fields, limit: String(PAGE_LIMIT) });
    for (let pages = 0; next && pages < 50; pages++) {
      const answer = object(await this.client.json("GET", next));
      out.push(...list(answer.data));
      next = this.nextPage(answer);
    }
    return out;
  }

  /** `meta.paging.next`, only when it points at the same Clio host we talk to. */
  private nextPage(answer: Record<string, unknown>): string | null {
    const next = object(object(answer.meta).paging).next;
    if (typeof next !== "string" || next === "") return null;
    return this.isOurs(next) ? next : null;
  }

  private isOurs(url: string): boolean {
    try {
      const parsed = new URL(url);
      const base = new URL(this.context.baseUrl);
      return parsed.origin === base.origin && parsed.pathname.startsWith(API_PATH);
    } catch {
      return false;
    }
  }

  async listChanged(kind: CrmObject, since: string | null, cursor: string | null): Promise<CrmPage> {
    let url: string;
    if (cursor) {
      // The cursor is Clio's own next-page URL: it carries its page token and our filters.
      if (!this.isOurs(cursor)) throw new CrmError("validation", "not a Clio page cursor");
      url = cursor;
    } else {
      const query: Record<string, string> = {
        fields: PATHS[kind].fields,
        order: "id(asc)",
        limit: String(PAGE_LIMIT),
      };
      if (since) query.updated_since = since;
      if (kind === "client") query.type = "Person";
      url = this.client.url(PATHS[kind].list, query);
    }
    const answer = object(await this.client.json("GET", url));
    return {
      records: list(answer.data).map((raw) => this.toRecord(kind, raw)),
      nextCursor: this.nextPage(answer),
    };
  }

  private async read(kind: CrmObject, id: string): Promise<Record<string, unknown> | null> {
    if (!isId(id)) return null;
    try {
      const answer = object(
        await this.client.json("GET", PATHS[kind].one(id), { query: { fields: PATHS[kind].fields } }),
      );
      return object(answer.data);
    } catch (error) {
      if (error instanceof CrmError && error.stage === "not_found") return null;
      throw error;
    }
  }

  async get(kind: CrmObject, id: string): Promise<CrmRecord | null> {
    const raw = await this.read(kind, id);
    return raw ? this.toRecord(kind, raw) : null;
  }

  async create(write: CrmWrite): Promise<CrmCreated> {
    if (write.object === "client") {
      const data = writeToContact(write, { create: true, externalIdField: this.externalIdField("client") });
      const answer = object(
        await this.client.json("POST", "/contacts.json", {
          query: { fields: CONTACT_FIELDS },
          body: { data },
        }),
      );
      return {
        record: contactToRecord(object(answer.data), this.externalIdField("client")),
        existing: false,
      };
    }
    let clientId = write.clientId ?? null;
    if (!clientId) {
      // A matter needs a client: a case that carries its client's fields creates that contact first.
      const clientWrite = caseClientWrite(write);
      if (!clientWrite)
        throw new CrmError(
          "validation",
          "a Clio matter needs a client: give a clientId or the client's name",
        );
      clientId = (await this.create(clientWrite)).record.id;
    }
    const data = writeToMatter(write, {
      clientId,
      create: true,
      externalIdField: this.externalIdField("case"),
    });
    if (!data.description) {
      const name = [write.fields["client.first_name"], write.fields["client.last_name"]]
        .filter(Boolean)
        .join(" ");
      data.description = name || write.externalId || "Matter";
    }
    const answer = object(
      await this.client.json("POST", "/matters.json", { query: { fields: MATTER_FIELDS }, body: { data } }),
    );
    return { record: matterToRecord(object(answer.data), this.externalIdField("case")), existing: false };
  }

  async update(update: CrmUpdate): Promise<CrmRecord> {
    const kind = update.object;
    const current = await this.read(kind, update.id);
    if (!current)
      throw new CrmError("not_found", `Clio has no ${kind === "case" ? "matter" : "contact"} ${update.id}`);
    const data =
      kind === "case"
        ? writeToMatter(update, {
            create: false,
            existingCustom: current.custom_field_values,
            externalIdField: this.externalIdField("case"),
          })
        : writeToContact(update, {
            create: false,
            existing: current,
            externalIdField: this.externalIdField("client"),
          });
    const answer = object(
      await this.client.json("PATCH", PATHS[kind].one(update.id), {
        query: { fields: PATHS[kind].fields },
        body: { data },
        // Clio answers 412 when the record changed since this etag was read: `conflict`.
        headers: update.precondition ? { "if-match": update.precondition } : {},
      }),
    );
    const record = this.toRecord(kind, object(answer.data));
    // The matter first: a 412 stops the update before its client is touched.
    if (kind === "case" && (await this.updateCaseClient(update, record))) {
      return (await this.get("case", update.id)) ?? record;
    }
    return record;
  }

  /**
   * A case's `client.*` fields belong to its client contact: those that differ from what the matter
   * shows are written there (else a mapped client phone would never reach Clio). True when it wrote.
   */
  private async updateCaseClient(update: CrmUpdate, record: CrmRecord): Promise<boolean> {
    const changed = changedClientFields(update.fields, record.fields, CLIO_CONTACT_FIELDS);
    if (!record.clientId || Object.keys(changed).length === 0) return false;
    const existing = await this.read("client", record.clientId);
    if (!existing) return false;
    const data = writeToContact({ object: "client", fields: changed }, { create: false, existing });
    await this.client.call("PATCH", PATHS.client.one(record.clientId), { body: { data } });
    return true;
  }

  async search(query: CrmSearch): Promise<CrmRecord[]> {
    const kind = query.object;
    const found = new Map<string, CrmRecord>();
    const add = (records: CrmRecord[]) => {
      for (const r of records) found.set(r.id, r);
    };
    const externalField = this.externalIdField(kind);
    if (query.externalId && externalField) {
      add(await this.listWhere(kind, { [`custom_field_values[${externalField}]`]: query.externalId }));
    }
    for (const term of [query.phone, query.email]) {
      if (!term) continue;
      // Clio's contact search matches phone numbers and email addresses; a case is found by its client.
      const contacts = await this.listWhere("client", { query: term });
      if (kind === "client") add(contacts);
      else for (const c of contacts) add(await this.listWhere("case", { client_id: c.id }));
    }
    return [...found.values()];
  }

  private async listWhere(kind: CrmObject, filter: Record<string, string>): Promise<CrmRecord[]> {
    const answer = object(
      await this.client.json("GET", PATHS[kind].list, {
        query: { fields: PATHS[kind].fields, limit: String(PAGE_LIMIT), ...filter },
      }),
    );
    return list(answer.data).map((raw) => this.toRecord(kind, raw));
  }

  readNotification(headers: Record<string, string>, body: Buffer): { object: CrmObject; id: string } | null {
    return readClioNotification(this.context.credentials.webhook_secret, headers, body);
  }
}

/** Where a case's `client.*` fields live on the contact. */
const CLIO_CONTACT_FIELDS: Readonly<Record<string, string>> = {
  "client.first_name": "first_name",
  "client.last_name": "last_name",
  "client.phone": "phone",
  "client.email": "email",
};

export interface ClioWebhook {
  id: string;
  expiresAt: string | null;
  /** Keys `X-Hook-Signature`: store it encrypted as the connection's `webhook_secret`. */
  sharedSecret: string | null;
}

/**
 * Subscribes `url` to a model's created/updated/deleted events for at most 31 days (Clio's limit);
 * the engine's renewal job calls it again before `expiresAt`. Token refresh applies as for any call.
 */
export async function createClioWebhook(
  context: ConnectorContext,
  options: { url: string; object: CrmObject; lifetimeMs?: number },
): Promise<ClioWebhook> {
  const client = new ClioClient(context);
  const answer = object(
    await client.json("POST", "/webhooks.json", {
      query: { fields: "id,etag,expires_at,status,shared_secret" },
      body: webhookBody({ ...options, now: Date.now() }),
    }),
  );
  const data = object(answer.data);
  return {
    id: String(data.id ?? ""),
    expiresAt: typeof data.expires_at === "string" ? data.expires_at : null,
    sharedSecret: typeof data.shared_secret === "string" ? data.shared_secret : null,
  };
}

/**
 * Extends a webhook with `PATCH /webhooks/{id}.json` to at most 31 days from now: the webhook and
 * its shared secret stay, so notifications keep verifying across the renewal.
 */
export async function renewClioWebhook(
  context: ConnectorContext,
  options: { id: string; lifetimeMs?: number },
): Promise<{ id: string; expiresAt: string | null }> {
  if (!isId(options.id)) throw new CrmError("validation", "not a Clio webhook id");
  const lifetime = Math.min(options.lifetimeMs ?? WEBHOOK_MAX_LIFETIME_MS, WEBHOOK_MAX_LIFETIME_MS);
  const client = new ClioClient(context);
  const answer = object(
    await client.json("PATCH", `/webhooks/${options.id}.json`, {
      query: { fields: "id,etag,expires_at,status" },
      // Clio refuses an expiry past 31 days: stay a minute inside it against clock skew.
      body: { data: { expires_at: new Date(Date.now() + lifetime - 60_000).toISOString() } },
    }),
  );
  const data = object(answer.data);
  return {
    id: String(data.id ?? options.id),
    expiresAt: typeof data.expires_at === "string" ? data.expires_at : null,
  };
}

/** Clio's webhooks as the engine subscribes and renews them (one per model). */
export const clioNotifications: CrmNotifications = {
  handshakeHeader: "x-hook-secret",
  secretCredential: "webhook_secret",
  async subscribe(context, { url, object: kind }) {
    const created = await createClioWebhook(context, { url, object: kind });
    return { object: kind, id: created.id, expiresAt: created.expiresAt, secret: created.sharedSecret };
  },
  async renew(context, subscription) {
    const renewed = await renewClioWebhook(context, { id: subscription.id });
    return { ...subscription, expiresAt: renewed.expiresAt };
  },
  needsRenewal: (subscription, now) => webhookNeedsRenewal(subscription.expiresAt, now),
};

/** Clio's side of the Connect flow (the engine keeps `state` and the tokens). */
export const clioOAuth: CrmOAuth = {
  tokenCredentials: ["access_token", "refresh_token", "expires_at"],
  canStart: (c) => Boolean(c.client_id && c.client_secret),
  canRefresh: (c) => Boolean(c.refresh_token && c.client_id && c.client_secret),
  expiresAt: (c) => {
    const at = Date.parse(c.expires_at ?? "");
    return Number.isNaN(at) ? null : at;
  },
  authorizeUrl: ({ baseUrl, credentials, redirectUri, state }) =>
    authorizeUrl({ baseUrl, clientId: credentials.client_id ?? "", redirectUri, state }),
  async exchangeCode(context, { code, redirectUri }) {
    const { client_id, client_secret } = context.credentials;
    if (!client_id || !client_secret) {
      throw new CrmError("auth", "the Clio connection has no app key and secret (client_id, client_secret)");
    }
    const tokens = await requestTokens(
      context,
      codeExchangeForm({ clientId: client_id, clientSecret: client_secret, code, redirectUri }),
    );
    const out: Record<string, string> = { access_token: tokens.access_token };
    if (tokens.refresh_token) out.refresh_token = tokens.refresh_token;
    if (tokens.expires_at) out.expires_at = tokens.expires_at;
    return out;
  },
  refresh: (context) => new ClioClient(context).refresh(),
};

export const clioProvider: CrmProvider = {
  name: "clio",
  label: "Clio Manage",
  credentials: [
    { name: "access_token", label: "Access token", secret: true, required: true },
    { name: "refresh_token", label: "Refresh token", secret: true, required: false },
    { name: "client_id", label: "App key (client id)", secret: false, required: false },
    { name: "client_secret", label: "App secret", secret: true, required: false },
    { name: "webhook_secret", label: "Webhook shared secret", secret: true, required: false },
    {
      name: "matter_external_id_field",
      label: "Matter custom field id for our id",
      secret: false,
      required: false,
    },
    {
      name: "contact_external_id_field",
      label: "Contact custom field id for our id",
      secret: false,
      required: false,
    },
  ],
  // US by default; an EU, Canadian or Australian account names its region's host.
  baseUrl: { required: false, default: CLIO_REGIONS.us },
  capabilities,
  oauth: clioOAuth,
  notifications: clioNotifications,
  connect: (context) => new ClioConnector(context),
};
