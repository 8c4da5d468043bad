import { createSign, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { FILEVINE_ORG_ID, FILEVINE_PROJECT_TYPES, FilevineRecords } from "./filevine-records.js";
import {
  type FakeAnswer,
  type FakeOptions,
  type FakeRequest,
  json,
  phoneKey,
  type RunningFake,
  serveFake,
} from "./shared.js";

/**
 * A local Filevine org speaking the shapes of Filevine's v2 and identity OpenAPI documents: the PAT
 * exchange at `/connect/token`, `GetUserOrgsWithToken`, `x-fv-orgid` / `x-fv-userid` on every call,
 * `{Items, Count, Offset, Limit, HasMore, Links}` lists by offset, projects with `{Native, Partner}`
 * identifiers, project types with phases and sections, section forms, contacts, and 429 +
 * Retry-After. Errors are `{Message}` (ASP.NET's shape; the document does not describe them).
 * Webhook subscriptions (create, read, update, delete; the `filevine.v2.webhooks` scope) and their
 * deliveries: {@link FilevineFake.notification} builds the POST Filevine would send, with a bearer
 * token its identity service signs (RS256, keys at the OIDC discovery's `jwks_uri`).
 * Every request and answer is logged so tests can hold both to the documents.
 */

type Json = Record<string, unknown>;

/** Requests kept in `log` (trimmed back to this many once it holds twice as many). */
const LOG_LIMIT = 10_000;

export interface FilevineExchange {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
  status: number;
  response: string;
}

export interface FilevineFake extends RunningFake<FilevineRecords> {
  log: FilevineExchange[];
  /** How many PAT exchanges the identity service answered. */
  exchanges: number;
  /** Ends every session (a 401 on the next call); the PAT still works. */
  expireSessions(): void;
  /** Revokes the PAT (the user deleted it in Filevine). */
  revokePat(): void;
  /** The PAT that works now (after a revocation: the one the user made next). */
  currentPat(): string;
  /** The webhook subscriptions held (deleted ones leave). */
  subscriptions: Record<string, unknown>[];
  /**
   * The delivery Filevine would post for an event to a subscription: its JSON body and headers,
   * with a webhook token the identity service signed (`token` overrides for forged ones).
   */
  notification(
    event: { object: string; event: string; ids: Record<string, number>; projectId?: number },
    token?: string,
  ): { body: string; headers: Record<string, string> };
  /** A webhook token with these claims changed, signed by the identity service (or by `foreignKey`). */
  webhookToken(claims?: Record<string, unknown>, options?: { foreignKey?: boolean }): string;
}

const API = "/fv-app/v2";
export const ORG = { OrgId: FILEVINE_ORG_ID, Name: "Fake Injury Law", PdfEditEnabled: false };
const USER = {
  UserId: { Native: 9907 },
  FirstName: "Api",
  LastName: "User",
  Username: "api.user",
};

/** The sections every project type has in the fake: one form, one collection (ignored by the connector). */
const SECTIONS = [
  {
    Id: 1,
    SectionSelector: "intake",
    Name: "Intake",
    IsCollection: false,
    IsProtected: false,
    CustomFields: [
      ["policeReportNumber", "Police Report Number", "String"],
      ["treatingPhysician", "Treating Physician", "String"],
      ["injuryType", "Injury Type", "Dropdown"],
    ].map(([selector, name, type], i) => ({
      ID: 100 + i,
      FieldSelector: selector,
      Name: name,
      CustomFieldType: type,
      Row: i,
      OrderInRow: 0,
      IsLocked: false,
      IsRequired: false,
      ...(type === "Dropdown" ? { DropdownItems: ["Back", "Neck"] } : {}),
    })),
  },
  {
    Id: 2,
    SectionSelector: "providers",
    Name: "Providers",
    IsCollection: true,
    IsProtected: false,
    CustomFields: [],
  },
];

/**
 * What Filevine leaves out rather than sends empty: the document gives its arrays `minItems: 1` and
 * its strings no `x-nullable`, so an empty list or a null is absent from an answer.
 */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (!value || typeof value !== "object") return value;
  const out: Json = {};
  for (const [key, item] of Object.entries(value as Json)) {
    if (item === null || item === undefined || (Array.isArray(item) && item.length === 0)) continue;
    out[key] = compact(item);
  }
  return out;
}

const ident = (native: number) => ({ Native: native });

/** A few of the events `GET /webhooks/Events` offers (`ApiSubscriptionEventDto`). */
const WEBHOOK_EVENTS = [
  ["Project", "Created"],
  ["Project", "Updated"],
  ["Project", "PhaseChanged"],
  ["Form", "Updated"],
  ["Contact", "Created"],
  ["Contact", "Updated"],
  ["Note", "Created"],
].map(([object, event]) => ({
  Id: `${object}${event}`.toLowerCase(),
  Name: `${object} ${event}`,
  ObjectType: object,
  EventType: event,
  SamplePayloads: [samplePayload(String(object), String(event))],
}));

/** The delivery body of an event (Filevine's webhook payload: object, event, the ids it concerns). */
function samplePayload(
  object: string,
  event: string,
  ids?: Record<string, number>,
  projectId?: number,
): Json {
  const objectId = ids ?? (object === "Contact" ? { PersonId: 1 } : { ProjectId: 1 });
  return {
    Timestamp: Date.now(),
    Object: object,
    Event: event,
    ObjectId: objectId,
    OrgId: FILEVINE_ORG_ID,
    ...(projectId !== undefined || "ProjectId" in objectId
      ? { ProjectId: projectId ?? objectId.ProjectId }
      : {}),
    UserId: 9907,
    Other: {},
  };
}

/** The audience and scope of the tokens Filevine's webhook deliveries carry. */
const WEBHOOK_AUDIENCE = "filevine-v2-webhooks";
const WEBHOOK_SCOPE = "filevine-v2-webhooks-access";
const WEBHOOKS_API_SCOPE = "filevine.v2.webhooks";

function fail(status: number, message: string, headers?: Record<string, string>): FakeAnswer {
  return json(status, { Message: message }, headers);
}

function page(request: FakeRequest, rows: Json[]): FakeAnswer {
  const q = request.url.searchParams;
  const limit = Math.min(1000, Math.max(1, Number(q.get("limit") ?? 50) || 50));
  const offset = Math.max(0, Number(q.get("offset") ?? 0) || 0);
  const items = rows.slice(offset, offset + limit);
  const hasMore = offset + limit < rows.length;
  const links: Record<string, string> = { self: `${request.url.pathname}?offset=${offset}&limit=${limit}` };
  if (hasMore) links.next = `${request.url.pathname}?offset=${offset + limit}&limit=${limit}`;
  return json(200, {
    Items: items,
    Count: items.length,
    Offset: offset,
    Limit: limit,
    HasMore: hasMore,
    Links: links,
  });
}

/** Filevine's date filters accept `yyyy-mm-dd`, `mm/dd/yyyy` or `mm-dd-yyyy`; anything else is ignored. */
function parseDay(value: string | null): number | null {
  if (!value) return null;
  const us = /^(\d{2})[/-](\d{2})[/-](\d{4})$/.exec(value);
  const time = Date.parse(us ? `${us[3]}-${us[1]}-${us[2]}` : value);
  return Number.isNaN(time) ? null : time;
}

export async function startFilevineFake(options: FakeOptions = {}): Promise<FilevineFake> {
  const records = new FilevineRecords();
  if (options.seed) records.seed(options.seed);
  const log: FilevineExchange[] = [];
  /** Bearer → the scopes it was issued with. */
  const sessions = new Map<string, string[]>();
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const foreignKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(6).toString("hex");
  const subscriptions: Json[] = [];
  const client = { client_id: randomUUID(), client_secret: randomBytes(16).toString("hex") };
  let pat = `fvpat_${randomBytes(12).toString("hex")}`;
  const api = (request: FakeRequest, path: string): FakeAnswer => {
    const bearer = String(request.headers.authorization ?? "").replace(/^Bearer /i, "");
    if (!sessions.has(bearer)) return fail(401, "Authorization has been denied for this request.");
    const { method } = request;
    if (method === "POST" && path === "/utils/GetUserOrgsWithToken")
      return json(200, { User: USER, Orgs: [ORG] });
    if (
      request.headers["x-fv-orgid"] !== String(ORG.OrgId) ||
      request.headers["x-fv-userid"] !== String(USER.UserId.Native)
    )
      return fail(403, "x-fv-orgid and x-fv-userid must name the token's user and org");
    const q = request.url.searchParams;
    let body: Json = {};
    if (request.body) {
      try {
        body = JSON.parse(request.body) as Json;
      } catch {
        return fail(400, "The request body is not JSON");
      }
    }
    if (method === "GET" && path === "/ProjectTypes")
      return page(
        request,
        FILEVINE_PROJECT_TYPES.map((t) => ({ ProjectTypeId: ident(t.id), Name: t.name })),
      );
    const typeRoute = /^\/ProjectTypes\/(\d+)\/(phases|sections)$/i.exec(path);
    if (method === "GET" && typeRoute) {
      const type = FILEVINE_PROJECT_TYPES.find((t) => t.id === Number(typeRoute[1]));
      if (!type) return fail(404, "Project type not found");
      if (typeRoute[2]?.toLowerCase() === "sections") return page(request, SECTIONS);
      return page(
        request,
        type.phases.map(([id, name]) => ({ PhaseId: ident(id), Name: name, IsPermanent: false })),
      );
    }
    if (path === "/Projects" && method === "GET") {
      let rows = [...records.projects.values()];
      const since = parseDay(q.get("latestActivitySince"));
      if (since !== null) rows = rows.filter((p) => Date.parse(String(p.LastActivity)) >= since);
      const number = q.get("number");
      if (number) rows = rows.filter((p) => p.Number === number);
      const byId = (p: Json) => Number((p.ProjectId as Json).Native);
      rows.sort((a, b) => byId(b) - byId(a)); // the documented default: projectId descending
      if (q.get("sortBy") === "projectId" && q.get("orderBy") === "asc") rows.reverse();
      return page(request, rows);
    }
    if (path === "/Projects" && method === "POST") {
      const invalid = records.checkProject(body, true);
      return invalid ? fail(400, invalid) : json(200, records.createProject(body));
    }
    const formRoute = /^\/Projects\/(\d+)\/Forms\/([^/]+)$/i.exec(path);
    if (formRoute) {
      const forms = records.forms.get(Number(formRoute[1]));
      const section = SECTIONS.find((s) => s.SectionSelector === formRoute[2] && !s.IsCollection);
      if (!forms || !section) return fail(404, "Form not found");
      if (method === "GET") return json(200, { OrgId: ORG.OrgId, ...(forms[section.SectionSelector] ?? {}) });
      if (method === "PATCH") {
        for (const name of Object.keys(body))
          if (!section.CustomFields.some((f) => f.FieldSelector === name))
            return fail(400, `Unknown field ${name} in ${section.SectionSelector}`);
        forms[section.SectionSelector] = { ...(forms[section.SectionSelector] ?? {}), ...body };
        const project = records.projects.get(Number(formRoute[1]));
        if (project) records.touch(project);
        return json(200, forms[section.SectionSelector]);
      }
    }
    const projectRoute = /^\/Projects\/(\d+)$/i.exec(path);
    if (projectRoute && (method === "GET" || method === "PATCH")) {
      const project = records.projects.get(Number(projectRoute[1]));
      if (!project) return fail(404, "Project not found");
      if (method === "PATCH") {
        for (const name of ["ProjectName", "Description", "IncidentDate", "Number"])
          if (name in body) project[name] = body[name];
        if (body.PhaseId && !records.setPhase(project, Number((body.PhaseId as Json).Native)))
          return fail(400, `Invalid PhaseId for this project type: ${String((body.PhaseId as Json).Native)}`);
        records.touch(project);
      }
      return json(200, project);
    }
    if (path === "/Contacts" && method === "GET") {
      let rows = [...records.contacts.values()];
      const phone = q.get("phone");
      if (phone)
        rows = rows.filter((c) =>
          (c.Phones as Json[]).some((p) => phoneKey(String(p.Number)) === phoneKey(phone)),
        );
      const email = q.get("email");
      if (email)
        rows = rows.filter((c) =>
          (c.Emails as Json[]).some((e) => String(e.Address).toLowerCase() === email.toLowerCase()),
        );
      const since = q.get("sinceLastDateTimeUtc");
      if (since) rows = rows.filter((c) => Date.parse(String(c.ModifiedDate)) >= Date.parse(`${since}Z`));
      return page(request, rows);
    }
    if (path === "/Contacts" && method === "POST") {
      if (!body.FirstName && !body.LastName) return fail(400, "A contact needs a first or last name");
      return json(200, records.createContact(body));
    }
    const contactProjects = /^\/Contacts\/(\d+)\/projects$/i.exec(path);
    if (contactProjects && method === "GET") {
      const id = Number(contactProjects[1]);
      const rows = [...records.projects.values()]
        .filter((p) => (p.ClientId as Json).Native === id)
        .map((p) => ({ ProjectId: p.ProjectId, OrgContactId: ident(id), Role: "Client", Project: p }));
      return page(request, rows);
    }
    const contactRoute = /^\/Contacts\/(\d+)$/i.exec(path);
    if (contactRoute && (method === "GET" || method === "PATCH")) {
      const contact = records.contacts.get(Number(contactRoute[1]));
      if (!contact) return fail(404, "Contact not found");
      if (method === "PATCH") records.saveContact(contact, body);
      return json(200, contact);
    }
    if (path.toLowerCase().startsWith("/webhooks/")) {
      if (!sessions.get(bearer)?.includes(WEBHOOKS_API_SCOPE))
        return fail(403, `The token lacks the ${WEBHOOKS_API_SCOPE} scope`);
      return webhooks(method, path, body);
    }
    return fail(404, `No route ${method} ${path}`);
  };

  const checkSubscription = (body: Json): string | null => {
    const endpoint = String(body.Endpoint ?? "");
    const ids = Array.isArray(body.EventIds) ? body.EventIds.map(String) : [];
    if (!endpoint.startsWith("https://")) return "Endpoint must be an https URL";
    if (ids.length === 0 || ids.some((id) => !WEBHOOK_EVENTS.some((e) => e.Id === id)))
      return "EventIds must name available events";
    return null;
  };

  const webhooks = (method: string, path: string, body: Json): FakeAnswer => {
    if (method === "GET" && path === "/webhooks/Events") return json(200, WEBHOOK_EVENTS);
    if (method === "GET" && path === "/webhooks/subscriptions") return json(200, subscriptions);
    if (method === "POST" && path === "/webhooks/subscription") {
      const invalid = checkSubscription(body);
      if (invalid) return fail(400, invalid);
      const at = new Date().toISOString();
      const subscription = {
        Id: randomUUID(),
        Name: body.Name,
        Description: body.Description,
        EventIds: (body.EventIds as unknown[]).map(String),
        Endpoint: body.Endpoint,
        KeyId: randomBytes(8).toString("hex"),
        CreatedAt: at,
        UpdatedAt: at,
      };
      subscriptions.push(subscription);
      return json(200, subscription);
    }
    const id = /^\/webhooks\/subscription\/([^/]+)$/.exec(path)?.[1];
    const at = subscriptions.findIndex((s) => s.Id === id);
    const found = subscriptions[at];
    if (id && !found) return fail(404, "Subscription not found");
    if (found && method === "GET") return json(200, found);
    if (found && method === "DELETE") {
      subscriptions.splice(at, 1);
      return json(200, {});
    }
    if (found && method === "PUT") {
      const invalid = checkSubscription({ ...found, ...body });
      if (invalid) return fail(400, invalid);
      for (const name of ["Name", "Description", "EventIds", "Endpoint"])
        if (name in body) found[name] = body[name];
      found.UpdatedAt = new Date().toISOString();
      return json(200, found);
    }
    return fail(404, `No route ${method} ${path}`);
  };

  const jwt = (claims: Json, key: ReturnType<typeof generateKeyPairSync>["privateKey"]): string => {
    const part = (value: Json) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const signed = `${part({ alg: "RS256", typ: "JWT", kid })}.${part(claims)}`;
    return `${signed}.${createSign("RSA-SHA256").update(signed).sign(key).toString("base64url")}`;
  };

  const discovery = (request: FakeRequest): FakeAnswer | null => {
    const path = request.url.pathname;
    if (request.method !== "GET") return null;
    if (path === "/.well-known/openid-configuration")
      return json(200, {
        issuer: server.url,
        jwks_uri: `${server.url}/.well-known/openid-configuration/jwks`,
        token_endpoint: `${server.url}/connect/token`,
      });
    if (path === "/.well-known/openid-configuration/jwks") {
      const jwk = signingKey.publicKey.export({ format: "jwk" });
      return json(200, { keys: [{ ...jwk, kid, use: "sig", alg: "RS256" }] });
    }
    return null;
  };

  const identity = (request: FakeRequest): FakeAnswer => {
    const form = new URLSearchParams(request.body);
    if (form.get("client_id") !== client.client_id || form.get("client_secret") !== client.client_secret)
      return json(400, { error: "invalid_client" });
    if (form.get("grant_type") !== "personal_access_token")
      return json(400, { error: "unsupported_grant_type" });
    if (form.get("token") !== pat)
      return json(400, { error: "invalid_grant", error_description: "The personal access token is invalid" });
    const token = randomBytes(16).toString("hex");
    sessions.set(token, (form.get("scope") ?? "").split(" "));
    fake.exchanges += 1;
    return json(200, {
      access_token: token,
      expires_in: 3600,
      token_type: "Bearer",
      scope: form.get("scope") ?? "",
    });
  };

  const server = await serveFake(
    options,
    (request) => {
      const path = request.url.pathname;
      const raw =
        request.method === "POST" && path === "/connect/token"
          ? identity(request)
          : path.startsWith(`${API}/`)
            ? api(request, path.slice(API.length))
            : (discovery(request) ?? fail(404, `No route ${request.method} ${path}`));
      const answer = { ...raw, body: JSON.stringify(compact(JSON.parse(raw.body))) };
      log.push({
        method: request.method,
        path,
        query: request.url.searchParams,
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)]),
        ),
        body: request.body,
        status: answer.status,
        response: answer.body,
      });
      // A sandbox runs for hours: keep the recent requests, not all of them.
      if (log.length > 2 * LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
      return answer;
    },
    (retryAfterS) => fail(429, "API rate limit exceeded", { "retry-after": String(retryAfterS) }),
  );

  const credentials: Record<string, string> = { ...client, pat, identity_url: server.url };
  const fake: FilevineFake = {
    url: server.url,
    credentials,
    records,
    stats: server.stats,
    log,
    exchanges: 0,
    subscriptions,
    setRateLimit: server.setRateLimit,
    close: server.close,
    expireSessions() {
      sessions.clear();
    },
    revokePat() {
      pat = `fvpat_${randomBytes(12).toString("hex")}`;
      sessions.clear();
    },
    currentPat() {
      return pat;
    },
    webhookToken(claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return jwt(
        {
          iss: server.url,
          aud: WEBHOOK_AUDIENCE,
          scope: [WEBHOOK_SCOPE],
          client_id: "filevine-webhooks",
          iat: now,
          nbf: now,
          exp: now + 300,
          ...claims,
        },
        options.foreignKey ? foreignKey.privateKey : signingKey.privateKey,
      );
    },
    notification(event, token) {
      return {
        body: JSON.stringify(samplePayload(event.object, event.event, event.ids, event.projectId)),
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token ?? fake.webhookToken()}`,
        },
      };
    },
  };
  return fake;
}
