import type { ImportObject, MappedColumn } from "../../domain/records/import-columns.js";
import type {
  CaseFilter,
  CaseRecord,
  ClientFilter,
  ClientRecord,
  IngestResult,
  ListOptions,
  Page,
  RecordOutbox,
} from "../index.js";
import type { NewJob } from "../jobs/repository.js";
import type { CreatedRange } from "./export.js";

export type { CreatedRange } from "./export.js";

export type ImportStatus = "queued" | "running" | "completed" | "failed";

/** How the import runs, as the caller asked. */
export interface ImportOptions {
  dry_run: boolean;
  emit_events: boolean;
  all_or_nothing: boolean;
  /** The connection an `external_id` column belongs to (`external_ids.<connection>`). */
  connection: string;
  /** Enrich the clients it creates (absent on imports stored before enrichment existed). */
  enrich?: boolean;
}

/** A row the import could not take: its number (data rows from 1), the column and why. */
export interface ImportRowError {
  row: number;
  path: string;
  code: string;
  message: string;
}

/** Where an import stands; written with each chunk's records. */
export interface ImportProgress {
  status: ImportStatus;
  done: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** The first {@link MAX_IMPORT_ERRORS}. */
  errors: ImportRowError[];
}

export const MAX_IMPORT_ERRORS = 1_000;

/** An import without its file text (read apart, by the job only). */
export interface ImportRecord extends ImportProgress {
  id: string;
  tenant_id: string;
  job_id: string;
  object: ImportObject;
  format: "csv" | "jsonl";
  columns: MappedColumn[];
  options: ImportOptions;
  total: number;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** One chunk of an import's writes, committed together with the import's progress. */
export interface ImportChunk {
  importId: string;
  tenantId: string;
  /** The job running the import and its lease owner: the chunk commits only while it holds it. */
  jobId: string;
  owner: string;
  clients: { create: ClientRecord[]; update: Array<{ record: ClientRecord; expectedVersion: number }> };
  cases: { create: CaseRecord[]; update: Array<{ record: CaseRecord; expectedVersion: number }> };
  outbox: RecordOutbox;
  /** Durable work the chunk's records cause (enriching the clients it creates), stored with them. */
  jobs: NewJob[];
  progress: ImportProgress;
  now: number;
}

/**
 * Why a chunk did not commit: `lost`, the job is no longer this worker's (cancelled, taken over);
 * `stale`, a record it updates was changed by someone else since it was read (read again, retry).
 */
export type ChunkResult = { ok: true; results: IngestResult[] } | { ok: false; reason: "lost" | "stale" };

/** The keys a chunk of rows looks records up by. */
export interface RecordKeys {
  ids: string[];
  /** External id values, any connection (the caller checks the connection). */
  externalIds: string[];
  phones?: string[];
  emails?: string[];
}

export interface ImportRepository {
  /** Stores the import with the file text and the job that runs it, in one transaction. */
  create(record: ImportRecord, data: string, job: NewJob): Promise<void>;
  get(tenantId: string, id: string): Promise<ImportRecord | null>;
  /** Any tenant's import: the job knows it by id only. */
  getById(id: string): Promise<ImportRecord | null>;
  /** The file text. */
  data(id: string): Promise<string>;
  /** Newest first. */
  list(tenantId: string, options: ListOptions): Promise<Page<ImportRecord>>;
  /** The tenant's clients with any of these ids, external ids, phones (E.164) or emails. */
  findClients(tenantId: string, keys: RecordKeys): Promise<ClientRecord[]>;
  /** The tenant's cases with any of these ids or external ids. */
  findCases(tenantId: string, keys: RecordKeys): Promise<CaseRecord[]>;
  /** Creates and updates a chunk's records with their events and the progress, in one transaction. */
  writeChunk(chunk: ImportChunk): Promise<ChunkResult>;
  /** Saves progress without records (a dry run, a validation pass, the end). */
  saveProgress(id: string, progress: ImportProgress, now: number, finished: boolean): Promise<void>;
  /** A keyset page of clients for an export: oldest id first, after `after` (null: from the start). */
  exportClients(
    tenantId: string,
    filter: ClientFilter & CreatedRange,
    after: string | null,
    limit: number,
  ): Promise<ClientRecord[]>;
  exportCases(
    tenantId: string,
    filter: CaseFilter & CreatedRange,
    after: string | null,
    limit: number,
  ): Promise<CaseRecord[]>;
}
