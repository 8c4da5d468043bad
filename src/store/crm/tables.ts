/** The CRM tables (migration 0016) as the query builder sees them. */

/** A CRM connection's own settings beside its target row (migration 0016); JSON text where noted. */
export interface CrmConnectionTable {
  id: string;
  tenant_id: string;
  provider: string;
  name: string;
  /** JSON: direction, frequency, conflict, initial_sync, enabled. */
  settings: string;
  /** JSON: send_mappings, fields, statuses, case_types. */
  mappings: string;
  /** JSON: the CrmSchema as last loaded; null before the first load. */
  crm_schema: string | null;
  schema_loaded_at: number | null;
  /** The CRM's answer when the last load failed. */
  schema_error: string | null;
  consecutive_failures: number;
  last_sync_at: number | null;
  created_at: number;
  updated_at: number;
}

/** Platform record ↔ CRM record of one connection (migration 0016). */
export interface CrmLinkTable {
  connection_id: string;
  object: string;
  platform_id: string;
  crm_id: string;
  platform_hash: string | null;
  crm_hash: string | null;
  synced_at: number;
}

/** Where the last pull of one (connection, object) got to (migration 0016). */
export interface CrmCheckpointTable {
  connection_id: string;
  object: string;
  since: string | null;
  cursor: string | null;
  updated_at: number;
}

/** Which node reads a connection now, until when (migration 0025). */
export interface CrmSyncLeaseTable {
  connection_id: string;
  owner: string;
  expires_at: number;
}

/** One sync run (migration 0016); `errors` and `conflict_list` are JSON arrays. */
export interface CrmRunTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  mode: string;
  status: string;
  started_at: number;
  finished_at: number | null;
  pulled: number;
  pushed: number;
  conflicts: number;
  total: number | null;
  errors: string;
  conflict_list: string;
}
