import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import { webhookMinutes } from "./delivery-activity.js";
import type { ActivityWindow, WebhookVolumeCell } from "./repository.js";

/**
 * Each of the tenant's undeleted webhooks' minutes (rolled up, then the raw last minutes), summed
 * per step: a firm has tens of webhooks, each read through its own roll-up.
 */
export async function webhookVolumes(
  db: Kysely<Database>,
  tenantId: string,
  window: ActivityWindow,
): Promise<WebhookVolumeCell[]> {
  const webhooks = await db
    .selectFrom("webhooks")
    .select("id")
    .where("tenant_id", "=", tenantId)
    .where("kind", "=", "webhook")
    .where("deleted_at", "is", null)
    .execute();
  const cells: WebhookVolumeCell[] = [];
  for (const { id } of webhooks) {
    const steps = new Map<number, WebhookVolumeCell>();
    for (const m of await webhookMinutes(db, id, window)) {
      const at = Math.floor(Number(m.minute) / window.stepMs) * window.stepMs;
      const cell = steps.get(at) ?? { webhookId: id, at, attempts: 0, failed: 0 };
      cell.attempts += Number(m.attempts);
      if (Number(m.succeeded) !== 1) cell.failed += Number(m.attempts);
      steps.set(at, cell);
    }
    cells.push(...steps.values());
  }
  return cells;
}
