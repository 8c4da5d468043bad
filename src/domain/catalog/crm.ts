import { Type } from "@sinclair/typebox";
import { defineEventType, Id, opt, Text, Timestamp } from "./common.js";
import type { EventTypeDefinition } from "./types.js";

/** crm.*: events Switchboard emits about the firm's CRM connections (sync runs and conflicts). */

const Count = (description: string) => Type.Integer({ minimum: 0, description });

const connectionProperties = {
  connection_id: Id("CRM connection id (crm_…)."),
  provider: Text("The CRM: lawruler, smartadvocate, clio, filevine."),
  run_id: opt(Id("The sync run (crun_…).")),
};

const runProperties = {
  ...connectionProperties,
  mode: opt(Text("incremental, full or initial.")),
  started_at: opt(Timestamp("When the run started.")),
  finished_at: opt(Timestamp("When the run finished.")),
  pulled: opt(Count("CRM records read and applied to the platform.")),
  pushed: opt(Count("Platform records written to the CRM.")),
  conflicts: opt(Count("Records both sides changed since the last sync.")),
  errors: opt(Count("Records that failed.")),
};

export const crmEvents: EventTypeDefinition[] = [
  defineEventType(
    "crm.sync_completed",
    "A sync run with a CRM finished: how many records were read, written and in conflict.",
    Type.Object(runProperties),
    {
      connection_id: "crm_7Hq2Lm9Xc",
      provider: "lawruler",
      run_id: "crun_4Kd8Ws1Pz",
      mode: "incremental",
      started_at: "2025-06-10T12:00:00Z",
      finished_at: "2025-06-10T12:00:04Z",
      pulled: 12,
      pushed: 3,
      conflicts: 1,
      errors: 0,
    },
  ),
  defineEventType(
    "crm.sync_failed",
    "Syncing with a CRM failed several times in a row (credentials refused, the CRM down): the connection needs attention.",
    Type.Object({
      ...runProperties,
      consecutive_failures: opt(Count("Failed runs in a row.")),
      error: Text("What went wrong, with the CRM's own message when it gave one."),
    }),
    {
      connection_id: "crm_7Hq2Lm9Xc",
      provider: "smartadvocate",
      run_id: "crun_4Kd8Ws1Pz",
      mode: "incremental",
      consecutive_failures: 3,
      error: "auth: Invalid username or password",
    },
  ),
  defineEventType(
    "crm.record_conflict",
    "A record changed both on the platform and in the CRM since the last sync; the connection's conflict policy decided which side won.",
    Type.Object({
      ...connectionProperties,
      object: Text("client or case."),
      platform_id: Id("The platform record (cli_… or cas_…)."),
      crm_id: Text("The CRM's id for the record."),
      policy: Text("platform_wins, crm_wins or newest."),
      winner: Text("platform or crm."),
      detected_at: opt(Timestamp("When the sync saw the conflict.")),
    }),
    {
      connection_id: "crm_7Hq2Lm9Xc",
      provider: "lawruler",
      run_id: "crun_4Kd8Ws1Pz",
      object: "case",
      platform_id: "cas_3Fh8Kd2P",
      crm_id: "184467",
      policy: "newest",
      winner: "crm",
      detected_at: "2025-06-10T12:00:03Z",
    },
  ),
];
