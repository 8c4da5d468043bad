import type { Kysely } from "kysely";
import { type ActivityCell, outcomeOf } from "../../domain/delivery-activity.js";
import type { Database } from "../schema.js";
import { rawMinutes } from "./raw-minutes.js";
import type { ActivityWindow } from "./repository.js";
import { rollUp } from "./rollup.js";
import type { AttemptMinuteTable } from "./tables.js";

/**
 * A webhook's minutes in the window: rolled up up to `closedUntil` (at most a day's 1,440 minutes ×
 * a few outcome and latency cells each), raw after it (the last few minutes).
 */
export async function webhookMinutes(
  db: Kysely<Database>,
  webhookId: string,
  window: ActivityWindow,
): Promise<AttemptMinuteTable[]> {
  await rollUp(db, webhookId, window.rollUpFrom, window.closedUntil);
  const rolledUntil = Math.min(window.closedUntil, window.until);
  const rolled =
    window.from < rolledUntil
      ? await db
          .selectFrom("attempt_minutes")
          .selectAll()
          .where("webhook_id", "=", webhookId)
          .where("minute", ">=", window.from)
          .where("minute", "<", rolledUntil)
          .execute()
      : [];
  const raw = await rawMinutes(db, webhookId, Math.max(window.from, rolledUntil), window.until);
  return [...rolled, ...raw];
}

export async function deliveryActivity(
  db: Kysely<Database>,
  webhookId: string,
  window: ActivityWindow,
): Promise<ActivityCell[]> {
  const minutes = await webhookMinutes(db, webhookId, window);
  return minutes.map((m) => ({
    at: Math.floor(Number(m.minute) / window.stepMs) * window.stepMs,
    outcome: outcomeOf(Number(m.succeeded) === 1, Number(m.answered) === 1),
    bucket: Number(m.bucket),
    count: Number(m.attempts),
    minMs: Number(m.min_ms),
    maxMs: Number(m.max_ms),
  }));
}
