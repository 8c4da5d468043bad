import { Readable } from "node:stream";
import { Type } from "@sinclair/typebox";
import type { FastifyReply } from "fastify";
import { invalid } from "../domain/errors.js";
import { normaliseEmail } from "../domain/records/client.js";
import {
  caseExportRow,
  clientExportRow,
  collectKeys,
  csvHeader,
  csvLine,
  exportColumns,
  type KeyedColumns,
} from "../domain/records/export-rows.js";
import { toE164 } from "../domain/records/phone.js";
import type { CaseRecord, ClientRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { parseTime } from "./schemas.js";

/** Records per keyset page: one query each, and the most an export holds in memory at once. */
const EXPORT_PAGE = 500;

const Format = Type.Optional(
  Type.Union([Type.Literal("csv"), Type.Literal("jsonl")], {
    default: "csv",
    description: "csv (default) or jsonl.",
  }),
);
const TimeQuery = (description: string) => Type.Optional(Type.String({ description }));
const CreatedRange = {
  created_since: TimeQuery("ISO-8601; records created at or after."),
  created_until: TimeQuery("ISO-8601; records created before."),
  updated_since: TimeQuery("ISO-8601."),
};

type Page<R> = (after: string | null) => Promise<R[]>;

/** Every record the pages hold, page by page (the stream pulls the next page when the reply drained). */
async function* records<R extends { id: string }>(page: Page<R>): AsyncGenerator<R[]> {
  let after: string | null = null;
  for (;;) {
    const rows = await page(after);
    if (rows.length > 0) yield rows;
    if (rows.length < EXPORT_PAGE) return;
    after = rows[rows.length - 1]?.id ?? null;
  }
}

/**
 * The export as text chunks, one per page. A CSV first reads the records' custom-field and
 * external-id keys (its header needs them) in a pass that keeps only the key sets.
 */
async function* exportText<R extends { id: string; custom_fields: object; external_ids: object }>(
  object: "clients" | "cases",
  format: "csv" | "jsonl",
  page: Page<R>,
  toRow: (record: R) => Record<string, unknown>,
): AsyncGenerator<string> {
  if (format === "jsonl") {
    for await (const rows of records(page)) yield rows.map((r) => `${JSON.stringify(toRow(r))}\n`).join("");
    return;
  }
  const keys: KeyedColumns = { customFields: new Set(), externalIds: new Set() };
  for await (const rows of records(page)) for (const record of rows) collectKeys(keys, record);
  const columns = exportColumns(object, keys);
  yield csvHeader(columns);
  for await (const rows of records(page)) yield rows.map((r) => csvLine(columns, toRow(r))).join("");
}

function send(
  reply: FastifyReply,
  object: "clients" | "cases",
  format: "csv" | "jsonl",
  text: AsyncGenerator<string>,
): FastifyReply {
  const day = new Date().toISOString().slice(0, 10);
  reply
    .header(
      "content-type",
      format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    )
    .header("content-disposition", `attachment; filename="${object}-${day}.${format}"`);
  // Readable.from pulls the generator only as fast as the socket takes the chunks: backpressure.
  return reply.send(Readable.from(text, { objectMode: false }));
}

function time(value: string | undefined, name: string): number | undefined {
  const ms = parseTime(value);
  if (Number.isNaN(ms)) throw invalid(`/querystring/${name}`, "not an ISO-8601 timestamp");
  return ms;
}

function defined<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Streaming exports of clients and cases, with the list filters, as CSV or JSON Lines. */
export async function exportRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.get(
    "/v1/clients/export",
    {
      schema: {
        tags: ["clients"],
        summary: "Export clients as CSV or JSON Lines (streamed; columns are the import's field names)",
        produces: ["text/csv", "application/x-ndjson"],
        querystring: Type.Object(
          {
            format: Format,
            phone: Type.Optional(Type.String({ maxLength: 40 })),
            email: Type.Optional(Type.String({ maxLength: 254 })),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            ...CreatedRange,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const { format, phone, email, q } = request.query;
      const phoneE164 =
        phone === undefined ? undefined : toE164(phone, await ctx.records.clients.region(tenantId));
      if (phoneE164 === null) throw invalid("/querystring/phone", `"${phone}" is not a valid phone number`);
      const filter = defined({
        phone: phoneE164,
        email: email === undefined ? undefined : (normaliseEmail(email) ?? email.trim().toLowerCase()),
        q,
        updatedSince: time(request.query.updated_since, "updated_since"),
        createdSince: time(request.query.created_since, "created_since"),
        createdUntil: time(request.query.created_until, "created_until"),
      });
      const page: Page<ClientRecord> = (after) =>
        ctx.store.imports.exportClients(tenantId, filter, after, EXPORT_PAGE);
      return send(
        reply,
        "clients",
        format ?? "csv",
        exportText("clients", format ?? "csv", page, clientExportRow),
      );
    },
  );

  app.get(
    "/v1/cases/export",
    {
      schema: {
        tags: ["cases"],
        summary: "Export cases as CSV or JSON Lines (streamed; columns are the import's field names)",
        produces: ["text/csv", "application/x-ndjson"],
        querystring: Type.Object(
          {
            format: Format,
            client_id: Type.Optional(Type.String({ maxLength: 80 })),
            status: Type.Optional(Type.String({ maxLength: 100 })),
            case_type: Type.Optional(Type.String({ maxLength: 100 })),
            ...CreatedRange,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const { format, client_id, status, case_type } = request.query;
      const filter = defined({
        clientId: client_id,
        status,
        caseType: case_type,
        updatedSince: time(request.query.updated_since, "updated_since"),
        createdSince: time(request.query.created_since, "created_since"),
        createdUntil: time(request.query.created_until, "created_until"),
      });
      const page: Page<CaseRecord> = (after) =>
        ctx.store.imports.exportCases(tenantId, filter, after, EXPORT_PAGE);
      return send(reply, "cases", format ?? "csv", exportText("cases", format ?? "csv", page, caseExportRow));
    },
  );
}
