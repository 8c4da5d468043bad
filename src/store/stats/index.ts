import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import { deliveryActivity } from "./delivery-activity.js";
import { enrichmentSpend } from "./enrichment-spend.js";
import type { StatsRepository } from "./repository.js";
import { webhookVolumes } from "./webhook-volumes.js";

export function statsRepository(db: Kysely<Database>): StatsRepository {
  return {
    deliveryActivity: (webhookId, window) => deliveryActivity(db, webhookId, window),
    webhookVolumes: (tenantId, window) => webhookVolumes(db, tenantId, window),
    enrichmentSpend: (tenantId, days) => enrichmentSpend(db, tenantId, days),
  };
}
