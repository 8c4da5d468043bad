import { type Kysely, sql } from "kysely";
import { AWAITING_TURN } from "../domain/ordering.js";
import { chunks } from "./chunks.js";
import type {
  ListOptions,
  Page,
  TargetRepository,
  WebhookHealth,
  WebhookPatch,
  WebhookRecord,
} from "./index.js";
import { HELD_UNTIL_ENABLED, page, webhookFromRow, webhookToRow } from "./rows.js";
import type { Database } from "./schema.js";

/** Webhook rows and their health: one function per operation, used by KyselyStore. */
type Db = Kysely<Database>;

export async function createWebhook(db: Db, webhook: WebhookRecord): Promise<void> {
  const row = webhookToRow(webhook);
  await db
    .insertInto("webhooks")
    .values({
      ...(row as Required<typeof row>),
      id: webhook.id,
      tenant_id: webhook.tenant_id,
      kind: webhook.kind,
      created_at: webhook.created_at,
      deleted_at: null,
    })
    .execute();
}

export async function getWebhook(db: Db, tenantId: string, id: string): Promise<WebhookRecord | null> {
  const row = await db
    .selectFrom("webhooks")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return row ? webhookFromRow(row) : null;
}

export async function getWebhooksByIds(
  db: Db,
  ids: string[],
): Promise<Array<WebhookRecord & { deleted_at: number | null }>> {
  const webhooks: Array<WebhookRecord & { deleted_at: number | null }> = [];
  for (const chunk of chunks(ids)) {
    const rows = await db.selectFrom("webhooks").selectAll().where("id", "in", chunk).execute();
    for (const row of rows) webhooks.push(webhookFromRow(row));
  }
  return webhooks;
}

export async function listWebhooks(
  db: Db,
  tenantId: string,
  options: ListOptions & { kind: string },
): Promise<Page<WebhookRecord>> {
  let q = db
    .selectFrom("webhooks")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("kind", "=", options.kind)
    .where("deleted_at", "is", null);
  if (options.cursor) q = q.where("id", "<", options.cursor);
  const rows = await q
    .orderBy("id", "desc")
    .limit(options.limit + 1)
    .execute();
  return page(rows.map(webhookFromRow), options.limit);
}

export async function listTargetsOfKind(db: Db, kind: string): Promise<WebhookRecord[]> {
  const rows = await db
    .selectFrom("webhooks")
    .selectAll()
    .where("kind", "=", kind)
    .where("deleted_at", "is", null)
    .execute();
  return rows.map(webhookFromRow);
}

export async function listEnabledWebhooks(db: Db, tenantId: string): Promise<WebhookRecord[]> {
  const rows = await db
    .selectFrom("webhooks")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("enabled", "=", 1)
    .where("deleted_at", "is", null)
    .execute();
  return rows.map(webhookFromRow);
}

export async function updateWebhook(
  db: Db,
  tenantId: string,
  id: string,
  patch: WebhookPatch,
  now: number,
): Promise<WebhookRecord | null> {
  return db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom("webhooks")
      .select(["enabled", "ordering"])
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!before) return null;
    const row = await tx
      .updateTable("webhooks")
      .set({ ...webhookToRow(patch), updated_at: now })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await holdOrReleasePending(tx, id, before.enabled === 1, row.enabled === 1, now);
    if (before.ordering === "per_key" && row.ordering !== "per_key") await endOrdering(tx, row, now);
    return webhookFromRow(row);
  });
}

export async function swapTargetConfig(
  db: Db,
  tenantId: string,
  id: string,
  expected: string,
  next: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("webhooks")
    .set({ target_config: next, updated_at: now })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .where("target_config", "=", expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function rotateWebhookSecret(
  db: Db,
  tenantId: string,
  id: string,
  rotation: { secret: string; previous_secret: string; previous_secret_expires_at: number },
  now: number,
): Promise<WebhookRecord | null> {
  const row = await db
    .updateTable("webhooks")
    .set({ ...rotation, updated_at: now })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
  return row ? webhookFromRow(row) : null;
}

export function reencryptSecrets(db: Db, reencrypt: (stored: string) => string): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom("webhooks")
      .select([
        "id",
        "secret",
        "previous_secret",
        "auth",
        "app_key",
        "target_config",
        "signing_key",
        "previous_signing_key",
      ])
      .execute();
    for (const row of rows) {
      await tx
        .updateTable("webhooks")
        .set({
          secret: reencrypt(row.secret),
          previous_secret: row.previous_secret === null ? null : reencrypt(row.previous_secret),
          auth: reencrypt(row.auth),
          app_key: row.app_key === null ? null : reencrypt(row.app_key),
          target_config: row.target_config === null ? null : reencrypt(row.target_config),
          signing_key: row.signing_key === null ? null : reencrypt(row.signing_key),
          previous_signing_key:
            row.previous_signing_key === null ? null : reencrypt(row.previous_signing_key),
        })
        .where("id", "=", row.id)
        .execute();
    }
    return rows.length;
  });
}

export async function deleteWebhook(db: Db, tenantId: string, id: string, now: number): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable("webhooks")
      .set({ deleted_at: now, enabled: 0, updated_at: now })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await tx
      .updateTable("deliveries")
      .set({ status: "cancelled", lease_owner: null, updated_at: now, last_error: "webhook deleted" })
      .where("webhook_id", "=", id)
      .where("status", "=", "pending")
      .execute();
    return true;
  });
}

export async function disableWebhook(db: Db, webhookId: string, reason: string, now: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable("webhooks")
      .set({ enabled: 0, disabled_reason: reason, updated_at: now })
      .where("id", "=", webhookId)
      .where("enabled", "=", 1)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) await holdOrReleasePending(tx, webhookId, true, false, now);
  });
}

export async function getWebhookHealth(db: Db, ids: string[]): Promise<WebhookHealth[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("webhook_health").selectAll().where("webhook_id", "in", ids).execute();
}

export async function saveWebhookHealth(db: Db, health: WebhookHealth): Promise<void> {
  const { webhook_id, ...rest } = health;
  await db
    .insertInto("webhook_health")
    .values(health)
    .onConflict((oc) => oc.column("webhook_id").doUpdateSet(rest))
    .execute();
}

/**
 * Pending deliveries of a disabled webhook are parked far in the future (out of the due index's
 * way) and made due again when it is enabled.
 */
async function holdOrReleasePending(
  tx: Kysely<Database>,
  webhookId: string,
  wasEnabled: boolean,
  isEnabled: boolean,
  now: number,
): Promise<void> {
  if (wasEnabled === isEnabled) return;
  const q = tx
    .updateTable("deliveries")
    .where("webhook_id", "=", webhookId)
    .where("status", "=", "pending")
    .where("lease_owner", "is", null);
  if (isEnabled) {
    // A delivery that was waiting for a follow-up event goes back to waiting (until its hold
    // deadline), not out at once without the follow-up's data.
    await q
      .set({
        next_attempt_at: sql<number>`case when hold_key is not null and hold_until > ${now} then hold_until else ${now} end`,
        updated_at: now,
      })
      .where("next_attempt_at", "=", HELD_UNTIL_ENABLED)
      .execute();
  } else {
    // Deliveries waiting for their turn in a key's line stay so: only the first in line is
    // parked, and enabling makes it due, keeping the order.
    await q
      .set({ next_attempt_at: HELD_UNTIL_ENABLED, updated_at: now })
      .where("next_attempt_at", "<>", AWAITING_TURN)
      .execute();
  }
}

/**
 * Ordering turned off: the webhook's pending deliveries are no longer ordered, and those waiting
 * for their turn become due now (or wait for their follow-up event, or stay parked while the
 * webhook is disabled), as if they had never been ordered.
 */
async function endOrdering(tx: Kysely<Database>, webhook: { id: string; enabled: number }, now: number) {
  const due = sql<number>`case when hold_key is not null and hold_until > ${now} then hold_until else ${now} end`;
  await tx
    .updateTable("deliveries")
    .set({
      next_attempt_at: webhook.enabled === 1 ? due : HELD_UNTIL_ENABLED,
      updated_at: now,
    })
    .where("webhook_id", "=", webhook.id)
    .where("status", "=", "pending")
    .where("next_attempt_at", "=", AWAITING_TURN)
    .execute();
  await tx
    .updateTable("deliveries")
    .set({ order_key: null })
    .where("webhook_id", "=", webhook.id)
    .where("status", "=", "pending")
    .where("order_key", "is not", null)
    .execute();
}

/** Delivery targets of every kind, over these operations. */
export function targetRepository(db: Db): TargetRepository {
  return {
    create: (target) => createWebhook(db, target),
    get: (tenantId, id) => getWebhook(db, tenantId, id),
    getByIds: (ids) => getWebhooksByIds(db, ids),
    list: (tenantId, options) => listWebhooks(db, tenantId, options),
    listOfKind: (kind) => listTargetsOfKind(db, kind),
    listEnabled: (tenantId) => listEnabledWebhooks(db, tenantId),
    update: (tenantId, id, patch, now) => updateWebhook(db, tenantId, id, patch, now),
    swapConfig: (tenantId, id, expected, next, now) =>
      swapTargetConfig(db, tenantId, id, expected, next, now),
    rotateSecret: (tenantId, id, rotation, now) => rotateWebhookSecret(db, tenantId, id, rotation, now),
    reencryptSecrets: (reencrypt) => reencryptSecrets(db, reencrypt),
    delete: (tenantId, id, now) => deleteWebhook(db, tenantId, id, now),
    disable: (id, reason, now) => disableWebhook(db, id, reason, now),
    getHealth: (ids) => getWebhookHealth(db, ids),
    saveHealth: (health) => saveWebhookHealth(db, health),
  };
}
