import type { FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import { eventCatalog } from "../domain/catalog/index.js";
import { ADMIN_SCOPE, allows, PORTAL_SCOPES } from "../domain/scopes.js";
import { VERSION } from "../version.js";
import { ErrorResponse } from "./schemas.js";

/**
 * How the API describes itself (`/openapi.json`, OpenAPI 3.1): every operation gets an
 * operationId, a tag, its security and the error envelope for 4xx answers here, in one place,
 * so a route only declares what is its own (summary, params, body, success answers) and a new
 * route is documented like the others without anyone remembering to. Generated clients
 * (openapi-typescript, openapi-fetch) and `redocly lint` read what this produces.
 */

type OpenApiDocument = Record<string, unknown> & {
  components?: { schemas?: Record<string, unknown> } & Record<string, unknown>;
};

/** Names that read better than the derived ones (see {@link operationIdOf}). */
const OPERATION_IDS: Readonly<Record<string, string>> = {
  "POST /v1/events": "sendEvent",
  "POST /v1/events/batch": "sendEventBatch",
  "GET /v1/settings/case-types": "getCaseTypeSettings",
  "PUT /v1/settings/case-types": "putCaseTypeSettings",
  "GET /v1/settings/custom-fields": "getCustomFieldSettings",
  "PUT /v1/settings/custom-fields": "putCustomFieldSettings",
  "GET /v1/settings/records": "getRecordSettings",
  "PATCH /v1/settings/records": "updateRecordSettings",
  "GET /v1/deliveries/stream": "streamDeliveries",
  "POST /v1/deliveries/stream/results": "reportStreamedResults",
  "GET /v1/clients/export": "exportClients",
  "GET /v1/cases/export": "exportCases",
  "POST /v1/imports/preview": "previewImport",
  "POST /v1/imports": "createImport",
};

const pascal = (segment: string): string =>
  segment
    .split(/[-_]/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");

const isPlural = (word: string): boolean => /s$/.test(word) && !/ss$/.test(word);

function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(sses|uses)$/.test(word)) return word.slice(0, -2);
  return isPlural(word) ? word.slice(0, -1) : word;
}

/**
 * `listWebhooks`, `getWebhook`, `createWebhook`, `updateWebhook`, `deleteWebhook`,
 * `listWebhookDeliveries`, `rotateWebhookSecret`, `testCrmConnection`: the verb from the method
 * (or the action a POST ends in), then the path's resources, singular where an id follows.
 */
export function operationIdOf(method: string, url: string): string {
  const named = OPERATION_IDS[`${method} ${url}`];
  if (named) return named;
  const segments = url
    .replace(/^\/v1\//, "")
    .split("/")
    .filter(Boolean);
  const isParam = (s: string | undefined) => s !== undefined && /^[:{]/.test(s);
  const last = segments.at(-1);
  const endsWithParam = isParam(last);
  // A POST ending in a singular word is an action on what comes before it (rotate-secret, test).
  const action = method === "POST" && last !== undefined && !endsWithParam && !isPlural(last) ? last : null;
  const resources = action ? segments.slice(0, -1) : segments;
  const words = resources.flatMap((s, i) => {
    if (isParam(s)) return [];
    const singularHere = isParam(resources[i + 1]) || (i === resources.length - 1 && verbIsSingular());
    return [pascal(singularHere ? singular(s) : s)];
  });
  let verb: string;
  if (action) {
    const [first = "", ...rest] = action.split(/[-_]/);
    verb = first;
    words.push(...rest.map(pascal));
  } else verb = verbOf(method, endsWithParam, last);
  return verb + words.join("");

  function verbIsSingular(): boolean {
    return method === "POST" || (method === "GET" && last !== undefined && !isPlural(last));
  }
}

function verbOf(method: string, endsWithParam: boolean, last: string | undefined): string {
  switch (method) {
    case "GET":
      return endsWithParam || (last !== undefined && !isPlural(last)) ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "put";
    case "PATCH":
      return "update";
    case "DELETE":
      return "delete";
    default:
      return method.toLowerCase();
  }
}

/**
 * Answers that are not JSON, which Fastify must not serialise with a schema: described here for
 * the document only.
 */
const TEXT_ANSWERS: Readonly<Record<string, Record<string, unknown>>> = {
  "GET /v1/deliveries/stream": {
    200: {
      description: "Server-sent events: `delivery` messages (the signed request as it would be sent)",
      content: { "text/event-stream": { schema: { type: "string" } } },
    },
  },
  "GET /v1/clients/export": exportAnswer("clients"),
  "GET /v1/cases/export": exportAnswer("cases"),
};

function exportAnswer(noun: string): Record<string, unknown> {
  return {
    200: {
      description: `Every ${noun.slice(0, -1)} of the tenant, as CSV (with a header row) or JSON lines`,
      content: {
        "text/csv": { schema: { type: "string" } },
        "application/x-ndjson": { schema: { type: "string" } },
      },
    },
  };
}

/** Admin routes say so in their schema (`security: ADMIN_ONLY`); every other /v1 route takes a tenant key. */
export const ADMIN_ONLY = [{ adminKey: [] }];

/**
 * A tenant route: a tenant key holding the route's scope (OpenAPI 3.1 lets a bearer scheme list
 * the roles it needs), a portal session where the scope is one it has, or the admin key naming
 * the tenant.
 */
function tenantScoped(scope: string | null): Array<Record<string, string[]>> {
  const needs = scope === null ? [] : [scope];
  const portal = scope !== null && allows(PORTAL_SCOPES, scope) ? [{ portalSession: needs }] : [];
  return [{ tenantKey: needs }, ...portal, { adminKey: [], tenantHeader: [] }];
}

const TAGS: Record<string, string> = {
  tenants: "Law firms and their API keys (admin key).",
  "event types": "The catalog of platform events and their payloads.",
  events: "Platform events posted to Switchboard, and where each was delivered.",
  webhooks: "Signed HTTP deliveries to the firm's endpoints.",
  destinations: "Email destinations: each event as an email over SMTP.",
  deliveries: "Deliveries and their attempts, across targets.",
  jobs: "Durable background work: imports, retention and other jobs.",
  clients: "The firm's clients.",
  cases: "The firm's cases.",
  settings: "The tenant's case types, statuses and custom fields.",
  imports: "Imports of clients and cases from CSV or JSON lines.",
  listen: "Forwarding deliveries to a local server (`switchboard listen`).",
  scheduling:
    "Appointments with Cal.com: the connection, agents' booking settings, availability and bookings.",
  enrichment: "Phone, email, address and demographics from enrichment providers, with cost and budgets.",
  portal: "Short-lived links that open the dashboard on one tenant's webhooks and deliveries, for embedding.",
};

/** The first path segment after /v1 names the tag, unless the route names its own. */
function tagOf(url: string): string {
  return url.replace(/^\/v1\//, "").split("/")[0] ?? "api";
}

/** Schemas with a `title` become named components, referenced from where they were inline. */
function hoistTitled(document: OpenApiDocument): void {
  document.components ??= {};
  const components = document.components;
  components.schemas ??= {};
  const schemas = components.schemas;
  const seen = new Map<string, string>();
  const visit = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => visit(n, false));
    if (node === null || typeof node !== "object") return node;
    const record = node as Record<string, unknown>;
    let out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) out[key] = visit(value, false);
    out = asStringEnum(out);
    const title = record.title;
    if (top || typeof title !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(title)) return out;
    const text = JSON.stringify(out);
    const existing = seen.get(title);
    // Two different shapes under one title keep the second inline rather than lie.
    if (existing !== undefined && existing !== text) return out;
    seen.set(title, text);
    schemas[title] = out;
    return { $ref: `#/components/schemas/${title}` };
  };
  document.paths = visit(document.paths, true);
  if (document.webhooks) document.webhooks = visit(document.webhooks, true);
}

/**
 * TypeBox writes a union of string literals as `anyOf` of one-value schemas; clients and people
 * read `{"type": "string", "enum": [...]}` better, and it means the same.
 */
function asStringEnum(schema: Record<string, unknown>): Record<string, unknown> {
  const members = schema.anyOf;
  if (!Array.isArray(members) || members.length < 2) return schema;
  const values: string[] = [];
  for (const member of members) {
    if (member === null || typeof member !== "object") return schema;
    const { type, enum: one, const: constant, ...rest } = member as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || (type !== undefined && type !== "string")) return schema;
    const value = constant ?? (Array.isArray(one) && one.length === 1 ? one[0] : undefined);
    if (typeof value !== "string") return schema;
    values.push(value);
  }
  const { anyOf: _anyOf, ...others } = schema;
  return { ...others, type: "string", enum: values };
}

/** Each catalog event type as an OpenAPI webhook: what a receiver gets, signed, for it. */
function catalogWebhooks(): Record<string, unknown> {
  const webhooks: Record<string, unknown> = {};
  for (const type of eventCatalog) {
    webhooks[type.name] = {
      post: {
        operationId: `on${pascal(type.name.replace(/\./g, "-"))}`,
        summary: type.name,
        description: type.description,
        tags: ["event types"],
        security: [],
        parameters: [
          { name: "webhook-id", in: "header", required: true, schema: { type: "string" } },
          { name: "webhook-timestamp", in: "header", required: true, schema: { type: "string" } },
          { name: "webhook-signature", in: "header", required: true, schema: { type: "string" } },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["id", "type", "event", "timestamp", "data"],
                properties: {
                  id: { type: "string", description: "The event id (evt_…); the same on every retry." },
                  type: { type: "string", const: type.name },
                  event: { type: "string", const: type.name },
                  timestamp: { type: "string", format: "date-time" },
                  data: type.schema,
                },
              },
              example: {
                id: "evt_01HZX3Q0C9W8E6Y2M4T5V7B1N3",
                type: type.name,
                event: type.name,
                timestamp: "2026-06-01T14:03:22.000Z",
                data: type.example,
              },
            },
          },
        },
        responses: {
          "200": { description: "Received: any 2xx within the webhook's timeout is a success." },
          "410": { description: "Gone: the webhook is disabled and nothing more is sent." },
        },
      },
    };
  }
  return webhooks;
}

export function openApiOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Switchboard API",
        version: VERSION,
        description:
          "The integrations hub of an AI phone-calling platform for law firms: signed, retried, logged webhooks and email, and the firm's clients and cases.",
        license: { name: "Apache-2.0", identifier: "Apache-2.0" },
      },
      servers: [{ url: "http://127.0.0.1:8080", description: "A local server (`npm start`)" }],
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
      components: {
        securitySchemes: {
          tenantKey: {
            type: "http",
            scheme: "bearer",
            description:
              "A tenant's API key (`POST /v1/tenants/{id}/keys`): acts for that tenant. A key with scopes may call only the operations whose scope it holds (`x-required-scope`; `<area>:*` covers an area); a key without scopes may call them all.",
          },
          portalSession: {
            type: "http",
            scheme: "bearer",
            description:
              "A portal session token (`sbp_…`, from `POST /v1/portal/sessions`): one tenant's webhooks (`webhooks:*`) and deliveries (`deliveries:read`), until it expires.",
          },
          adminKey: {
            type: "http",
            scheme: "bearer",
            description:
              "The admin key (`SWITCHBOARD_ADMIN_KEY`): manages tenants; on tenant routes it needs the `Switchboard-Tenant` header.",
          },
          tenantHeader: {
            type: "apiKey",
            in: "header",
            name: "Switchboard-Tenant",
            description: "With the admin key: the tenant (`ten_…`) a tenant route acts for.",
          },
        },
      },
    },
    transform({ schema, url, route }) {
      if (!schema || schema.hide) return { schema, url };
      const method = Array.isArray(route.method) ? String(route.method[0]) : String(route.method);
      const response = {
        ...((schema.response as Record<string, unknown> | undefined) ?? {}),
        ...TEXT_ANSWERS[`${method} ${url}`],
      };
      if (!Object.keys(response).some((code) => code.startsWith("4")))
        response["4xx"] = { ...ErrorResponse, description: "The error envelope" };
      const documented: Record<string, unknown> = {
        ...schema,
        operationId: schema.operationId ?? operationIdOf(method, url),
        tags: schema.tags ?? [tagOf(url)],
        response,
      };
      if (url.startsWith("/v1/")) {
        // Set on every authenticated route by src/api/scope-check.ts; public hooks have none.
        const scope = (route.config as { scope?: string } | undefined)?.scope ?? null;
        documented.security ??= tenantScoped(scope);
        if (scope !== null && scope !== ADMIN_SCOPE) documented["x-required-scope"] = scope;
      }
      return { schema: documented as typeof schema, url };
    },
    transformObject(input) {
      const document = (
        "openapiObject" in input ? input.openapiObject : input.swaggerObject
      ) as OpenApiDocument;
      document.webhooks = catalogWebhooks();
      hoistTitled(document);
      return document as ReturnType<NonNullable<FastifyDynamicSwaggerOptions["transformObject"]>>;
    },
  };
}
