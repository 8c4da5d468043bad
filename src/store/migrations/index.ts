import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001_initial.js";
import * as m0002 from "./0002_held_deliveries.js";
import * as m0003 from "./0003_endpoint_health.js";
import * as m0004 from "./0004_due_lanes.js";
import * as m0005 from "./0005_claimed_by_webhook.js";
import * as m0006 from "./0006_due_by_webhook.js";
import * as m0007 from "./0007_attempt_envelope_body.js";
import * as m0008 from "./0008_event_call_id.js";
import * as m0009 from "./0009_jobs.js";
import * as m0010 from "./0010_target_kinds.js";
import * as m0011 from "./0011_records.js";
import * as m0012 from "./0012_tenant_settings.js";
import * as m0013 from "./0013_event_links.js";
import * as m0014 from "./0014_imports.js";
import * as m0015 from "./0015_webhook_signing_keys.js";
import * as m0016 from "./0016_crm.js";
import * as m0017 from "./0017_enrichment.js";
import * as m0018 from "./0018_scheduling.js";
import * as m0019 from "./0019_event_test_flag.js";
import * as m0022 from "./0022_ordered_delivery.js";
import * as m0023 from "./0023_api_key_scopes.js";
import * as m0024 from "./0024_delivery_activity.js";
import * as m0025 from "./0025_crm_sync_leases.js";

/** Append-only: a migration that has landed is never edited; a schema change is a new file. */
const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_held_deliveries": m0002,
  "0003_endpoint_health": m0003,
  "0004_due_lanes": m0004,
  "0005_claimed_by_webhook": m0005,
  "0006_due_by_webhook": m0006,
  "0007_attempt_envelope_body": m0007,
  "0008_event_call_id": m0008,
  "0009_jobs": m0009,
  "0010_target_kinds": m0010,
  "0011_records": m0011,
  "0012_tenant_settings": m0012,
  "0013_event_links": m0013,
  "0014_imports": m0014,
  "0015_webhook_signing_keys": m0015,
  "0016_crm": m0016,
  "0017_enrichment": m0017,
  "0018_scheduling": m0018,
  "0019_event_test_flag": m0019,
  "0022_ordered_delivery": m0022,
  "0023_api_key_scopes": m0023,
  "0024_delivery_activity": m0024,
  "0025_crm_sync_leases": m0025,
};

/** The migration this code expects the store to be at (names sort in order). */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1) ?? "";

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
