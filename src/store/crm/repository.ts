import type { CrmMappings } from "../../domain/crm/mappings.js";
import type { CrmSettings } from "../../domain/crm/settings.js";
import type { CrmObject, CrmSchema } from "../../integrations/crm/connector.js";
import type { ListOptions, Page, WebhookRecord } from "../store.js";

/** A CRM connection's own state beside its target row (same id, `crm_…`). */
export interface CrmConnectionRecord {
  id: string;
  tenant_id: string;
  provider: string;
  name: string;
  settings: CrmSettings;
  mappings: CrmMappings;
  /** The CRM's fields, case types and statuses as last loaded; null before the first load. */
  schema: CrmSchema | null;
  schema_loaded_at: number | null;
  /** The CRM's answer when the last load failed (shown by `GET …/fields`). */
  schema_error: string | null;
  /** Failed pulls in a row (reset by a good one): `failing` at 3, with `crm.sync_failed`. */
  consecutive_failures: number;
  last_sync_at: number | null;
  created_at: number;
  updated_at: number;
}

export type CrmConnectionPatch = Partial<
  Pick<
    CrmConnectionRecord,
    | "name"
    | "settings"
    | "mappings"
    | "schema"
    | "schema_loaded_at"
    | "schema_error"
    | "consecutive_failures"
    | "last_sync_at"
  >
>;

/** A platform record linked to a CRM record, with each side's last synced content hash. */
export interface CrmLink {
  connection_id: string;
  object: CrmObject;
  platform_id: string;
  crm_id: string;
  platform_hash: string | null;
  crm_hash: string | null;
  synced_at: number;
}

export interface CrmCheckpoint {
  /** ISO-8601: records changed at or after this were not all read yet. */
  since: string | null;
  /** The CRM's page cursor within `since`, when a pull stopped mid-way. */
  cursor: string | null;
}

export type CrmRunMode = "incremental" | "full" | "initial";
export type CrmRunStatus = "running" | "succeeded" | "failed";

/** A record a run could not sync, with the CRM's own words when it gave them. */
export interface CrmRunError {
  object: CrmObject | null;
  platform_id: string | null;
  crm_id: string | null;
  message: string;
  vendor_message: string | null;
  at: number;
}

export interface CrmRunConflict {
  object: CrmObject;
  platform_id: string;
  crm_id: string;
  winner: "platform" | "crm";
  at: number;
}

export interface CrmRun {
  id: string;
  tenant_id: string;
  connection_id: string;
  mode: CrmRunMode;
  status: CrmRunStatus;
  started_at: number;
  finished_at: number | null;
  pulled: number;
  pushed: number;
  conflicts: number;
  /** Records an initial sync has to go through, when known (its progress). */
  total: number | null;
  errors: CrmRunError[];
  conflict_list: CrmRunConflict[];
}

/** At most this many errors and conflicts are kept per run (the counts go on). */
export const MAX_RUN_DETAILS = 200;

/** CRM connections, their links, checkpoints and runs (src/store/crm/). */
export interface CrmRepository {
  /** The target row and the connection's own row, in one transaction. */
  create(target: WebhookRecord, connection: CrmConnectionRecord): Promise<void>;
  /** The tenant's connection whose target is not deleted. */
  get(tenantId: string, id: string): Promise<CrmConnectionRecord | null>;
  /** Any tenant's (jobs and the CRM target kind), deleted targets included. */
  getById(id: string): Promise<CrmConnectionRecord | null>;
  /** The tenant's connections whose targets are not deleted, newest first. */
  list(tenantId: string, options: ListOptions): Promise<Page<CrmConnectionRecord>>;
  update(id: string, patch: CrmConnectionPatch, now: number): Promise<CrmConnectionRecord | null>;

  getLink(connectionId: string, object: CrmObject, platformId: string): Promise<CrmLink | null>;
  getLinkByCrmId(connectionId: string, object: CrmObject, crmId: string): Promise<CrmLink | null>;
  /**
   * Stores the link of `platform_id` (replacing its earlier one); a link another platform record
   * held to the same CRM record is dropped, so the pair stays unique both ways.
   */
  saveLink(link: CrmLink): Promise<void>;
  /** Links ordered by platform id, after `cursor`. */
  listLinks(
    connectionId: string,
    options: ListOptions & { object?: CrmObject },
  ): Promise<{ data: CrmLink[]; next_cursor: string | null }>;
  countLinks(connectionId: string): Promise<number>;

  getCheckpoint(connectionId: string, object: CrmObject): Promise<CrmCheckpoint | null>;
  saveCheckpoint(
    connectionId: string,
    object: CrmObject,
    checkpoint: CrmCheckpoint,
    now: number,
  ): Promise<void>;

  /**
   * Takes (or renews) the connection's sync lease for `owner` until `until`: true when it was free,
   * expired or already `owner`'s. One reader of a connection at a time across nodes.
   */
  acquireSyncLease(connectionId: string, owner: string, now: number, until: number): Promise<boolean>;
  /** Gives the lease back (only `owner`'s). */
  releaseSyncLease(connectionId: string, owner: string): Promise<void>;

  createRun(run: CrmRun): Promise<void>;
  saveRun(run: CrmRun): Promise<void>;
  getRun(connectionId: string, id: string): Promise<CrmRun | null>;
  /** Newest first. */
  listRuns(connectionId: string, options: ListOptions): Promise<Page<CrmRun>>;
}
