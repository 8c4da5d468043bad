import multipart from "@fastify/multipart";
import { type Static, Type } from "@sinclair/typebox";
import type { FastifyRequest } from "fastify";
import { invalid, notFound } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import {
  type ImportObject,
  MAX_IMPORT_ROWS,
  mapColumns,
  suggestColumns,
} from "../domain/records/import-columns.js";
import { checkText, decodeUpload } from "../domain/records/import-encoding.js";
import { iso } from "../domain/time.js";
import { IMPORT_KIND, IMPORT_MAX_ATTEMPTS } from "../jobs/import.js";
import { firstRows, scanFile, UnreadableFile } from "../records/imports/file.js";
import type { ImportRecord, ImportStatus, JobRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { ErrorResponse, Id, ListOf, PageQuery } from "./schemas.js";

/** A 100,000-row CSV of clients is about 12 MiB; room for wide rows. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const PREVIEW_ROWS = 10;

const ObjectName = Type.Union([Type.Literal("clients"), Type.Literal("cases")]);
const Format = Type.Union([Type.Literal("csv"), Type.Literal("jsonl")]);

const ImportRequest = Type.Object(
  {
    object: ObjectName,
    format: Format,
    data: Type.String({
      description: "The file's text (UTF-8). A multipart upload sends it as the `file` part.",
    }),
    columns: Type.Optional(
      Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 200 }), {
        description:
          "Header → field (`first_name`, `phone`, `custom_fields.<key>`, …). Without it, headers that are field names fill those fields.",
      }),
    ),
    connection: Type.Optional(
      Type.String({
        pattern: "^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$",
        default: "import",
        description: "Whose ids the `external_id` column holds: stored as `external_ids.<connection>`.",
      }),
    ),
    dry_run: Type.Optional(
      Type.Boolean({ default: false, description: "Validate every row and report; write nothing." }),
    ),
    emit_events: Type.Optional(
      Type.Boolean({ default: true, description: "Emit record events (change_source import)." }),
    ),
    all_or_nothing: Type.Optional(
      Type.Boolean({
        default: false,
        description: "Check every row first; any bad row fails the import, nothing written.",
      }),
    ),
    enrich: Type.Optional(
      Type.Boolean({
        default: false,
        description: "Enrich each client the import creates (needs the enrichment import trigger on).",
      }),
    ),
  },
  { additionalProperties: false },
);
type ImportRequestBody = Static<typeof ImportRequest>;

const PreviewRequest = Type.Object(
  { format: Format, data: Type.String(), object: Type.Optional(ObjectName) },
  { additionalProperties: false },
);

const RowError = Type.Object({
  row: Type.Integer({
    description: "Data rows count from 1 (the header is not a row); 0: the import as a whole.",
  }),
  path: Type.String({ description: "The column (`/<header>`), or empty for the whole row." }),
  code: Type.String(),
  message: Type.String(),
});

const ImportSchema = Type.Object(
  {
    id: Type.String(),
    object: ObjectName,
    format: Format,
    status: Type.Union(["queued", "running", "completed", "failed"].map((s) => Type.Literal(s))),
    dry_run: Type.Boolean(),
    emit_events: Type.Boolean(),
    all_or_nothing: Type.Boolean(),
    total: Type.Integer({ description: "Data rows in the file." }),
    done: Type.Integer({ description: "Rows finished so far." }),
    created: Type.Integer(),
    updated: Type.Integer(),
    skipped: Type.Integer({ description: "Rows whose record already said what the row says." }),
    failed: Type.Integer({ description: "Rows not imported; see errors." }),
    errors: Type.Array(RowError, { description: "The first 1,000 row errors." }),
    created_at: Type.String({ format: "date-time" }),
    finished_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  },
  { title: "Import" },
);

/** The import as the API answers; a job that gave up makes the import failed even if it could not say so. */
function presentImport(imp: ImportRecord, job: JobRecord | null): Static<typeof ImportSchema> {
  let status: ImportStatus = imp.status;
  if (imp.finished_at === null && job && (job.state === "failed" || job.state === "cancelled"))
    status = "failed";
  return {
    id: imp.id,
    object: imp.object,
    format: imp.format,
    status,
    dry_run: imp.options.dry_run,
    emit_events: imp.options.emit_events,
    all_or_nothing: imp.options.all_or_nothing,
    total: imp.total,
    done: imp.done,
    created: imp.created,
    updated: imp.updated,
    skipped: imp.skipped,
    failed: imp.failed,
    errors: imp.errors,
    created_at: iso(imp.created_at),
    finished_at: iso(imp.finished_at),
  };
}

/**
 * A multipart upload becomes the JSON body's shape before validation: the `file` part's bytes
 * are checked for their encoding (UTF-16 and invalid UTF-8 are refused here, before anything is
 * stored), the text fields become booleans and the column map an object.
 */
async function uploadAsBody(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const fields = (request.body ?? {}) as Record<string, unknown>;
  const { file, ...rest } = fields;
  if (!Buffer.isBuffer(file)) throw invalid("/body/file", "the upload needs a `file` part with the file");
  const decoded = decodeUpload(file);
  if (!decoded.ok) throw invalid("/body/file", decoded.message, { code: "bad_encoding" });
  const body: Record<string, unknown> = { ...rest, data: decoded.text };
  for (const flag of ["dry_run", "emit_events", "all_or_nothing", "enrich"]) {
    const value = body[flag];
    if (value === "true" || value === "false") body[flag] = value === "true";
  }
  if (typeof body.columns === "string") {
    try {
      body.columns = JSON.parse(body.columns);
    } catch {
      throw invalid("/body/columns", "must be a JSON object of header → field");
    }
  }
  request.body = body;
}

/** The file text as sent in JSON, refused when its encoding was wrong. */
function fileText(data: string): string {
  const checked = checkText(data);
  if (!checked.ok) throw invalid("/body/data", checked.message, { code: "bad_encoding" });
  return checked.text;
}

async function scan(format: "csv" | "jsonl", text: string) {
  try {
    return await scanFile(format, text, MAX_IMPORT_ROWS);
  } catch (error) {
    if (error instanceof UnreadableFile)
      throw invalid("/body/data", error.message, { code: "unreadable_file" });
    throw error;
  }
}

/** Imports of clients and cases from CSV or JSON Lines, run as durable jobs. */
export async function importRoutes(app: App, ctx: ApiContext): Promise<void> {
  // Scoped to these routes: every other route keeps answering 415 to a multipart body.
  await app.register(multipart, {
    attachFieldsToBody: "keyValues",
    limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 20, fieldSize: 1024 * 1024 },
  });

  app.post(
    "/v1/imports",
    {
      bodyLimit: MAX_FILE_BYTES,
      preValidation: uploadAsBody,
      schema: {
        tags: ["imports"],
        summary: "Import clients or cases from a CSV or JSON Lines file (JSON body or multipart upload)",
        consumes: ["application/json", "multipart/form-data"],
        body: ImportRequest,
        response: { 202: ImportSchema, 422: ErrorResponse },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const body: ImportRequestBody = request.body;
      const text = fileText(body.data);
      const scanned = await scan(body.format, text);
      if (scanned.rows > MAX_IMPORT_ROWS) {
        throw invalid("/body/data", `the file has more than ${MAX_IMPORT_ROWS} data rows; split it`, {
          code: "too_many_rows",
          limit: MAX_IMPORT_ROWS,
        });
      }
      if (scanned.rows === 0) throw invalid("/body/data", "the file has no data rows", { code: "no_rows" });
      const mapping = mapColumns(body.object, scanned.headers, body.columns);
      if (!mapping.ok) throw invalid(`/body${mapping.problem.path}`, mapping.problem.message);
      if (body.enrich && !(await ctx.enrichment.settings(tenantId)).triggers.import) {
        throw invalid("/body/enrich", "the enrichment import trigger is off (PUT /v1/enrichment/settings)");
      }
      const now = Date.now();
      const record: ImportRecord = {
        id: generateId("imp_"),
        tenant_id: tenantId,
        job_id: generateId("job_"),
        object: body.object,
        format: body.format,
        columns: mapping.columns,
        options: {
          dry_run: body.dry_run ?? false,
          emit_events: body.emit_events ?? true,
          all_or_nothing: body.all_or_nothing ?? false,
          connection: body.connection ?? "import",
          ...(body.enrich ? { enrich: true } : {}),
        },
        status: "queued",
        total: scanned.rows,
        done: 0,
        created: 0,
        updated: 0,
        skipped: 0,
        failed: 0,
        errors: [],
        created_at: now,
        updated_at: now,
        finished_at: null,
      };
      await ctx.store.imports.create(record, text, {
        tenant_id: tenantId,
        kind: IMPORT_KIND,
        payload: { import_id: record.id },
        run_at: now,
        max_attempts: IMPORT_MAX_ATTEMPTS,
        unique_key: null,
        schedule: null,
      });
      reply.status(202);
      return presentImport(record, null);
    },
  );

  app.post(
    "/v1/imports/preview",
    {
      bodyLimit: MAX_FILE_BYTES,
      preValidation: uploadAsBody,
      schema: {
        tags: ["imports"],
        summary: "Headers, the first rows and suggested columns of a file (for the column-mapping step)",
        consumes: ["application/json", "multipart/form-data"],
        body: PreviewRequest,
        response: {
          200: Type.Object(
            {
              headers: Type.Array(Type.String()),
              rows: Type.Array(Type.Record(Type.String(), Type.Unknown())),
              suggested_columns: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
              total_rows: Type.Integer(),
            },
            { title: "ImportPreview" },
          ),
        },
      },
    },
    async (request) => {
      const { format, object } = request.body;
      const text = fileText(request.body.data);
      const scanned = await scan(format, text);
      return {
        headers: scanned.headers,
        rows: await firstRows(format, text, PREVIEW_ROWS),
        suggested_columns: suggestColumns((object ?? "clients") as ImportObject, scanned.headers),
        total_rows: scanned.rows,
      };
    },
  );

  app.get(
    "/v1/imports/:id",
    {
      schema: {
        tags: ["imports"],
        summary: "An import's status, counts and row errors",
        params: Type.Object({ id: Id("imp") }),
        response: { 200: ImportSchema, 404: ErrorResponse },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const imp = await ctx.store.imports.get(tenantId, request.params.id);
      if (!imp) throw notFound("import");
      return presentImport(imp, await ctx.store.jobs.get(tenantId, imp.job_id));
    },
  );

  app.get(
    "/v1/imports",
    {
      schema: {
        tags: ["imports"],
        summary: "The tenant's imports, newest first",
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(ImportSchema) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const result = await ctx.store.imports.list(tenantId, {
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
      });
      const data = await Promise.all(
        result.data.map(async (imp) => presentImport(imp, await ctx.store.jobs.get(tenantId, imp.job_id))),
      );
      return { data, next_cursor: result.next_cursor };
    },
  );
}
