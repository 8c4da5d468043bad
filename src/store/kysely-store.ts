import { type Kysely, Migrator, sql } from "kysely";
import { caseRepository } from "./cases.js";
import { clientMergeRepository } from "./client-merges.js";
import { clientRepository } from "./clients.js";
import { crmRepository } from "./crm/index.js";
import type { CrmRepository } from "./crm/repository.js";
import { deliveryRepository } from "./deliveries.js";
import { enrichmentRepository } from "./enrichment/index.js";
import type { EnrichmentRepository } from "./enrichment/repository.js";
import { eventRepository } from "./events.js";
import { importRepository } from "./imports/index.js";
import type { ImportRepository } from "./imports/repository.js";
import type {
  CaseRepository,
  ClientMergeRepository,
  ClientRepository,
  DeliveryRepository,
  DueSignal,
  EventRepository,
  QueueRepository,
  SettingRepository,
  Store,
  TargetRepository,
  TenantRepository,
  TenantSettingsRepository,
  TimelineRepository,
} from "./index.js";
import { KyselyJobRepository } from "./jobs/index.js";
import type { JobRepository } from "./jobs/repository.js";
import { migrationProvider } from "./migrations/index.js";
import { queueRepository } from "./queue/index.js";
import { schedulingRepository } from "./scheduling/index.js";
import type { SchedulingRepository } from "./scheduling/repository.js";
import type { Database } from "./schema.js";
import { settingRepository } from "./settings.js";
import { statsRepository } from "./stats/index.js";
import type { StatsRepository } from "./stats/repository.js";
import { tenantSettingsRepository } from "./tenant-settings.js";
import { tenantRepository } from "./tenants.js";
import { timelineRepository } from "./timeline.js";
import { targetRepository } from "./webhooks.js";

/** The Store over Kysely; the two dialects differ only where `dialect` is checked. */
export class KyselyStore implements Store {
  readonly settings: SettingRepository;
  readonly tenants: TenantRepository;
  readonly targets: TargetRepository;
  readonly events: EventRepository;
  readonly deliveries: DeliveryRepository;
  readonly queue: QueueRepository;
  readonly jobs: JobRepository;
  readonly clients: ClientRepository;
  readonly cases: CaseRepository;
  readonly tenantSettings: TenantSettingsRepository;
  readonly clientMerges: ClientMergeRepository;
  readonly timeline: TimelineRepository;
  readonly imports: ImportRepository;
  readonly crm: CrmRepository;
  readonly scheduling: SchedulingRepository;
  readonly enrichment: EnrichmentRepository;
  readonly stats: StatsRepository;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: "sqlite" | "postgres",
    /** The PostgreSQL schema holding the tables (and the migration bookkeeping), if not the default. */
    private readonly schema: string | null = null,
    readonly dueSignal: DueSignal | null = null,
  ) {
    this.settings = settingRepository(db);
    this.tenants = tenantRepository(db);
    this.targets = targetRepository(db);
    this.events = eventRepository(db);
    this.deliveries = deliveryRepository(db);
    this.queue = queueRepository(db, dialect);
    this.jobs = new KyselyJobRepository(db, dialect);
    this.clients = clientRepository(db);
    this.cases = caseRepository(db);
    this.tenantSettings = tenantSettingsRepository(db);
    this.clientMerges = clientMergeRepository(db);
    this.timeline = timelineRepository(db);
    this.imports = importRepository(db, dialect);
    this.crm = crmRepository(db);
    this.scheduling = schedulingRepository(db);
    this.enrichment = enrichmentRepository(db, dialect);
    this.stats = statsRepository(db);
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

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async appliedMigration(): Promise<string | null> {
    // Kysely's bookkeeping table, in Switchboard's schema when the URL names one.
    const table = this.schema ? sql.id(this.schema, "kysely_migration") : sql.id("kysely_migration");
    const { rows } = await sql<{ name: string | null }>`select max(name) as name from ${table}`.execute(
      this.db,
    );
    return rows[0]?.name ?? null;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
