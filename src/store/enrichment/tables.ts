/** Enrichment's tables (migration 0017), as src/store/schema.ts's Database names them. */
/** A tenant's enrichment provider (migration 0017); `credentials` encrypted JSON, `price` JSON. */
export interface EnrichmentProviderTable {
  tenant_id: string;
  name: string;
  enabled: number;
  priority: number;
  base_url: string | null;
  credentials: string | null;
  /** The masked last characters of the main credential, for the API to show. */
  credential_hint: string | null;
  price: string | null;
  updated_at: number;
}

export interface EnrichmentSettingsTable {
  tenant_id: string;
  document: string;
  updated_at: number;
}

/** One enrichment of one client for one trigger event; JSON text where noted. */
export interface EnrichmentRunTable {
  id: string;
  tenant_id: string;
  client_id: string;
  trigger: string;
  /** The trigger event's id (or the manual request's): unique per client. */
  trigger_key: string;
  status: string;
  /** JSON: the data kinds asked for. */
  wanted: string;
  provider: string | null;
  /** JSON: data kinds found. */
  fields_found: string;
  /** JSON: client fields written. */
  fields_written: string;
  /** JSON: what was found. */
  data: string | null;
  cost_micros: number;
  error: string | null;
  created_at: number;
  finished_at: number | null;
}

/** One provider asked in one run: the spend ledger the budget sums. */
export interface EnrichmentLookupTable {
  id: string;
  tenant_id: string;
  run_id: string;
  provider: string;
  /** pending (reserved, vendor being asked) | found | not_found | failed | skipped_budget | cached */
  status: string;
  /** The tenant's calendar month of the lookup, "2026-12". */
  month: string;
  cost_micros: number;
  /** JSON LookupResult once answered. */
  result: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

export interface EnrichmentCacheTable {
  tenant_id: string;
  provider: string;
  /** sha256 of the provider and the normalised inputs. */
  key: string;
  result: string;
  created_at: number;
  expires_at: number;
}

export interface EnrichmentAttemptTable {
  id: string;
  tenant_id: string;
  run_id: string;
  provider: string;
  /** JSON: method, url (no query), headers with credentials redacted. */
  request: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
  created_at: number;
}

/** Provenance of a client field enrichment wrote. */
export interface EnrichmentFieldTable {
  tenant_id: string;
  client_id: string;
  field: string;
  provider: string;
  run_id: string;
  confidence: number;
  written_at: number;
}
