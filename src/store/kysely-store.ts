import { type Kysely, Migrator } from "kysely";
import { chunks } from "./chunks.js";
import { claimDueForWebhooks, listDueWebhooks } from "./claim-by-webhook.js";
import { releaseHeld } from "./holds.js";
import { ingestEvents } from "./ingest.js";
import { KyselyJobRepository } from "./jobs/index.js";
import type { JobRepository } from "./jobs/repository.js";
import { migrationProvider } from "./migrations/index.js";
import * as queue from "./queue.js";
import { recordAttempts } from "./record-attempts.js";
import { purgePayloads } from "./retention.js";
import { eventFromRow, eventToRow, page } from "./rows.js";
import type { Database } from "./schema.js";
import type {
  ApiKey,
  AttemptOutcome,
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  DueSignal,
  DueStats,
  DueWebhooks,
  EventRecord,
  IngestClaim,
  IngestResult,
  ListOptions,
  NewEvent,
  Page,
  Store,
  Tenant,
  WebhookClaim,
  WebhookHealth,
  WebhookPatch,
  WebhookRecord,
} from "./store.js";
import * as webhooks from "./webhooks.js";

/** The Store over Kysely; the two dialects differ only where `dialect` is checked. */
export class KyselyStore implements Store {
  readonly jobs: JobRepository;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: "sqlite" | "postgres",
    /** The PostgreSQL schema holding the tables (and the migration bookkeeping), if not the default. */
    private readonly schema: string | null = null,
    readonly dueSignal: DueSignal | null = null,
  ) {
    this.jobs = new KyselyJobRepository(db, dialect);
  }

  async migrate(): Promise<void> {
    const migrator = new Migrator({
      db: this.db,
      provider: migrationProvider,
      // Without this Kysely looks for its bookkeeping tables in every schema of the database and
      // trips over another deployment's.
      ...(this.schema ? { migrationTableSchema: this.schema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === "Error");
    if (error || failed) {
      const reason = error instanceof Error ? error.message : String(error ?? failed?.migrationName);
      throw new Error(`migration failed: ${reason}`);
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async getSetting(name: string): Promise<string | null> {
    const row = await this.db
      .selectFrom("settings")
      .select("value")
      .where("name", "=", name)
      .executeTakeFirst();
    return row?.value ?? null;
  }

  async setSettingIfAbsent(name: string, value: string): Promise<string> {
    await this.db
      .insertInto("settings")
      .values({ name, value })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    return (await this.getSetting(name)) ?? value;
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.db
      .insertInto("settings")
      .values({ name, value })
      .onConflict((oc) => oc.column("name").doUpdateSet({ value }))
      .execute();
  }

  async createTenant(tenant: Tenant): Promise<void> {
    await this.db.insertInto("tenants").values(tenant).execute();
  }

  async getTenant(id: string): Promise<Tenant | null> {
    return (await this.db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
  }

  async listTenants(options: ListOptions): Promise<Page<Tenant>> {
    let q = this.db.selectFrom("tenants").selectAll();
    if (options.cursor) q = q.where("id", "<", options.cursor);
    return page(
      await q
        .orderBy("id", "desc")
        .limit(options.limit + 1)
        .execute(),
      options.limit,
    );
  }

  async createApiKey(key: ApiKey, keyHash: string): Promise<void> {
    await this.db
      .insertInto("api_keys")
      .values({ ...key, key_hash: keyHash })
      .execute();
  }

  async listApiKeys(tenantId: string): Promise<ApiKey[]> {
    return this.db
      .selectFrom("api_keys")
      .select(["id", "tenant_id", "prefix", "created_at", "revoked_at"])
      .where("tenant_id", "=", tenantId)
      .orderBy("id", "desc")
      .execute();
  }

  async revokeApiKey(tenantId: string, keyId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable("api_keys")
      .set({ revoked_at: now })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", keyId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKey | null> {
    const row = await this.db
      .selectFrom("api_keys")
      .select(["id", "tenant_id", "prefix", "created_at", "revoked_at"])
      .where("key_hash", "=", keyHash)
      .executeTakeFirst();
    return row ?? null;
  }

  createWebhook(webhook: WebhookRecord): Promise<void> {
    return webhooks.createWebhook(this.db, webhook);
  }

  getWebhook(tenantId: string, id: string): Promise<WebhookRecord | null> {
    return webhooks.getWebhook(this.db, tenantId, id);
  }

  getWebhooksByIds(ids: string[]): Promise<Array<WebhookRecord & { deleted_at: number | null }>> {
    return webhooks.getWebhooksByIds(this.db, ids);
  }

  listWebhooks(tenantId: string, options: ListOptions & { kind: string }): Promise<Page<WebhookRecord>> {
    return webhooks.listWebhooks(this.db, tenantId, options);
  }

  listEnabledWebhooks(tenantId: string): Promise<WebhookRecord[]> {
    return webhooks.listEnabledWebhooks(this.db, tenantId);
  }

  updateWebhook(
    tenantId: string,
    id: string,
    patch: WebhookPatch,
    now: number,
  ): Promise<WebhookRecord | null> {
    return webhooks.updateWebhook(this.db, tenantId, id, patch, now);
  }

  rotateWebhookSecret(
    tenantId: string,
    id: string,
    rotation: { secret: string; previous_secret: string; previous_secret_expires_at: number },
    now: number,
  ): Promise<WebhookRecord | null> {
    return webhooks.rotateWebhookSecret(this.db, tenantId, id, rotation, now);
  }

  reencryptSecrets(reencrypt: (stored: string) => string): Promise<number> {
    return webhooks.reencryptSecrets(this.db, reencrypt);
  }

  deleteWebhook(tenantId: string, id: string, now: number): Promise<boolean> {
    return webhooks.deleteWebhook(this.db, tenantId, id, now);
  }

  disableWebhook(webhookId: string, reason: string, now: number): Promise<void> {
    return webhooks.disableWebhook(this.db, webhookId, reason, now);
  }

  ingestEvents(
    tenantId: string,
    events: NewEvent[],
    now: number,
    claimFor: IngestClaim | null,
  ): Promise<IngestResult[]> {
    return ingestEvents(this.db, tenantId, events, now, claimFor);
  }

  async releaseHeldDeliveries(
    tenantId: string,
    release: { key: string; eventType: string; eventId: string },
    now: number,
  ): Promise<number> {
    const counts = await this.db.transaction().execute((tx) => releaseHeld(tx, tenantId, [release], now));
    return counts.get(release.eventId) ?? 0;
  }

  async getEvent(tenantId: string, id: string): Promise<EventRecord | null> {
    const row = await this.db
      .selectFrom("events")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? eventFromRow(row) : null;
  }

  async getEventsByIds(ids: string[]): Promise<EventRecord[]> {
    const events: EventRecord[] = [];
    for (const chunk of chunks(ids)) {
      const rows = await this.db.selectFrom("events").selectAll().where("id", "in", chunk).execute();
      for (const row of rows) events.push(eventFromRow(row));
    }
    return events;
  }

  async listEvents(
    tenantId: string,
    options: ListOptions & { type?: string; since?: number; until?: number },
  ): Promise<Page<EventRecord>> {
    let q = this.db.selectFrom("events").selectAll().where("tenant_id", "=", tenantId);
    if (options.cursor) q = q.where("id", "<", options.cursor);
    if (options.type) q = q.where("type", "=", options.type);
    if (options.since !== undefined) q = q.where("created_at", ">=", options.since);
    if (options.until !== undefined) q = q.where("created_at", "<", options.until);
    const rows = await q
      .orderBy("id", "desc")
      .limit(options.limit + 1)
      .execute();
    return page(rows.map(eventFromRow), options.limit);
  }

  listDeliveriesForEvent(tenantId: string, eventId: string): Promise<DeliveryRecord[]> {
    return queue.listDeliveriesForEvent(this.db, tenantId, eventId);
  }

  listDeliveries(
    tenantId: string,
    options: ListOptions & { webhookId?: string; status?: DeliveryStatus; eventId?: string },
  ): Promise<Page<DeliveryRecord>> {
    return queue.listDeliveries(this.db, tenantId, options);
  }

  getDelivery(tenantId: string, id: string): Promise<DeliveryRecord | null> {
    return queue.getDelivery(this.db, tenantId, id);
  }

  listAttempts(tenantId: string, deliveryId: string): Promise<AttemptRecord[]> {
    return queue.listAttempts(this.db, tenantId, deliveryId);
  }

  retryDelivery(tenantId: string, id: string, now: number): Promise<DeliveryRecord | null> {
    return queue.retryDelivery(this.db, tenantId, id, now);
  }

  replayDeliveries(
    tenantId: string,
    webhookId: string,
    filter: { statuses: DeliveryStatus[]; since?: number; until?: number },
    afterId: string | null,
    limit: number,
    now: number,
  ): Promise<{ replayed: number; lastId: string | null }> {
    return queue.replayDeliveries(this.db, tenantId, webhookId, filter, afterId, limit, now);
  }

  claimDueDeliveries(
    owner: string,
    now: number,
    leaseUntil: number,
    limit: number,
    skipWebhookIds: string[] = [],
    sharedCap: number | null = null,
  ): Promise<DeliveryRecord[]> {
    return queue.claimDueDeliveries(
      this.db,
      this.dialect,
      owner,
      now,
      leaseUntil,
      limit,
      skipWebhookIds,
      sharedCap,
    );
  }

  claimDueForWebhooks(
    owner: string,
    now: number,
    leaseUntil: number,
    wants: WebhookClaim[],
  ): Promise<DeliveryRecord[]> {
    return claimDueForWebhooks(this.db, this.dialect, owner, now, leaseUntil, wants);
  }

  listDueWebhooks(now: number, afterId: string | null, scan: number): Promise<DueWebhooks> {
    return listDueWebhooks(this.db, now, afterId, scan);
  }

  recordAttempts(owner: string, outcomes: AttemptOutcome[], now: number): Promise<Set<string>> {
    return recordAttempts(this.db, owner, outcomes, now);
  }

  releaseDeliveries(owner: string, ids: string[], dueAt: number): Promise<void> {
    return queue.releaseDeliveries(this.db, owner, ids, dueAt);
  }

  renewClaims(owner: string, ids: string[], leaseUntil: number): Promise<void> {
    return queue.renewClaims(this.db, owner, ids, leaseUntil);
  }

  parkDeliveries(owner: string, ids: string[], now: number): Promise<void> {
    return queue.parkDeliveries(this.db, owner, ids, now);
  }

  cancelDeliveries(owner: string, ids: string[], reason: string, now: number): Promise<void> {
    return queue.cancelDeliveries(this.db, owner, ids, reason, now);
  }

  async recordTestDelivery(
    event: EventRecord,
    delivery: DeliveryRecord,
    attempt: AttemptRecord,
  ): Promise<void> {
    await queue.recordTestDelivery(this.db, eventToRow(event), delivery, attempt);
  }

  async resetClaims(now: number): Promise<number> {
    const result = await this.db
      .updateTable("deliveries")
      .set({ lease_owner: null, next_attempt_at: now, updated_at: now })
      .where("status", "=", "pending")
      .where("lease_owner", "is not", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  purgePayloads(
    cutoff: number,
    afterId: string | null,
    limit: number,
  ): Promise<{ purged: number; lastId: string | null }> {
    return purgePayloads(this.db, cutoff, afterId, limit);
  }

  getWebhookHealth(ids: string[]): Promise<WebhookHealth[]> {
    return webhooks.getWebhookHealth(this.db, ids);
  }

  saveWebhookHealth(health: WebhookHealth): Promise<void> {
    return webhooks.saveWebhookHealth(this.db, health);
  }

  dueStats(now: number): Promise<DueStats> {
    return queue.dueStats(this.db, now);
  }
}
