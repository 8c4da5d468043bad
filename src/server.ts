import type { Logger } from "pino";
import { buildApp } from "./api/app.js";
import { Authenticator, PORTAL_KEY_PURPOSE } from "./api/auth.js";
import type { App } from "./api/context.js";
import { buildHealthApp } from "./api/health.js";
import type { Config } from "./config.js";
import { Dispatcher } from "./delivery/dispatcher.js";
import { EndpointHealth } from "./delivery/endpoint-health.js";
import { Metrics } from "./delivery/metrics.js";
import { HttpSender, type Sender } from "./delivery/sender.js";
import { WebhookTester } from "./delivery/tester.js";
import { ThreadedSender } from "./delivery/threaded-sender.js";
import { generateApiKey } from "./domain/ids.js";
import { ProviderBreakers } from "./enrichment/breakers.js";
import { EnrichmentEngine } from "./enrichment/engine.js";
import { ENRICHMENT_KIND, importJobs } from "./enrichment/runs.js";
import { Enrichment } from "./enrichment/service.js";
import { allFollowUps, enrichmentFollowUps } from "./enrichment/triggers.js";
import { EventIngest } from "./events/ingest.js";
import { CrmConnectors } from "./integrations/crm/sync/connections.js";
import { CrmSync } from "./integrations/crm/sync/index.js";
import { crmInitialSyncKind } from "./integrations/crm/sync/initial.js";
import { CRM_INITIAL_SYNC_KIND, CRM_PULL_KIND, CRM_SYNC_KIND } from "./integrations/crm/sync/jobs.js";
import { CrmMetrics } from "./integrations/crm/sync/metrics.js";
import { CRM_RECORD_PULL_KIND, crmRecordPullKind } from "./integrations/crm/sync/notified.js";
import { crmPullKind, crmSyncKind } from "./integrations/crm/sync/runs.js";
import {
  CRM_WEBHOOK_RENEWAL_KIND,
  crmWebhookRenewalKind,
  scheduleWebhookRenewal,
} from "./integrations/crm/sync/subscriptions.js";
import { crmKind } from "./integrations/crm/sync/target.js";
import {
  CRM_TOKEN_REFRESH_KIND,
  crmTokenRefreshKind,
  scheduleTokenRefresh,
} from "./integrations/crm/sync/tokens.js";
import { enrichmentKind } from "./jobs/enrichment.js";
import { IMPORT_KIND, importKind } from "./jobs/import.js";
import { JobKinds } from "./jobs/kinds.js";
import { RETENTION_KIND, retentionKind, scheduleRetention } from "./jobs/retention.js";
import { JobRunner } from "./jobs/runner.js";
import { ListenHub } from "./listen/hub.js";
import { ReadinessProbe } from "./readiness.js";
import { createRecords, TenantSettings } from "./records/index.js";
import { INTAKE_KIND, intakeFollowUps, intakeKind } from "./records/intake.js";
import { loadSecretCipher } from "./secrets/master-key.js";
import { openStore, type Store } from "./store/index.js";
import { emailKind } from "./targets/email/index.js";
import { listenKind } from "./targets/listen/index.js";
import { Targets } from "./targets/registry.js";
import { webhookKind } from "./targets/webhook/index.js";

export type Role = "api" | "worker" | "all";

/** Attempts in flight to one webhook at once (a later version makes this per-webhook). */
const PER_WEBHOOK_IN_FLIGHT = 10;
/** Jobs run at once per worker process: jobs are long and few; deliveries keep the rest. */
const JOB_CONCURRENCY = 2;
/** Enrichment runs at once per worker process: each mostly waits on a vendor's answer. */
const ENRICHMENT_CONCURRENCY = 16;

export interface RunningServer {
  store: Store;
  app: App | null;
  dispatcher: Dispatcher | null;
  /** Runs durable jobs (retention, …) in processes with the worker role. */
  jobs: JobRunner | null;
  /** The generated admin key, on the first start only. */
  generatedAdminKey: string | null;
  /**
   * Where this process listens: the API, or with the worker role alone the health endpoints
   * (`/healthz`, `/readyz`, `/metrics`), on SWITCHBOARD_HOST:SWITCHBOARD_PORT either way.
   */
  url: string | null;
  stop(): Promise<void>;
}

/**
 * Starts Switchboard: store (migrated), the dispatcher when the role includes work, and the HTTP
 * API when it includes serving.
 */
export async function startServer(config: Config, role: Role, log: Logger): Promise<RunningServer> {
  const store = await openStore(config);
  await store.migrate();
  const cipher = loadSecretCipher(config.masterKey, config.dataDir);
  const auth = new Authenticator(store, cipher.deriveKey(PORTAL_KEY_PURPOSE));
  const generatedAdminKey = await auth.ensureAdminKey(config.adminKey, () =>
    generateApiKey().replace(/^sk_/, "sk_admin_"),
  );
  const metrics = new Metrics(store);
  const destinations = { allowPrivateTargets: config.allowPrivateTargets };
  // The API alone sends only test attempts: no thread for that.
  const sender: Sender =
    config.worker.senderThreads > 0 && role !== "api"
      ? await ThreadedSender.start(config.worker.senderThreads, destinations, log)
      : new HttpSender(destinations);
  // `switchboard listen` streams: attempts to listener targets made here go to streams served here.
  const listen = new ListenHub();
  // CRM connections are targets too: pushes ride the outbox, retries, breaker and attempt log.
  const crmConnectors = new CrmConnectors(store, cipher, destinations);
  crmConnectors.metrics = new CrmMetrics(metrics.registry, store);
  const targets = new Targets([
    webhookKind(sender, cipher),
    emailKind(cipher, destinations),
    listenKind(cipher, listen, store.deliveries),
    crmKind(store, crmConnectors),
  ]);

  // Platform events about webhooks themselves (webhook.failing, webhook.disabled) go through
  // ingest like any other event, so tenants can subscribe to them.
  let ingest: EventIngest | null = null;
  const emit = async (tenantId: string, type: string, data: Record<string, unknown>): Promise<void> => {
    try {
      await ingest?.ingest(tenantId, [{ type, data }], () => "/event");
    } catch (error) {
      log.error({ err: error, type, tenant_id: tenantId }, "emitting a platform event failed");
    }
  };
  let dispatcher: Dispatcher | null = null;
  let jobs: JobRunner | null = null;
  let enrichmentJobs: JobRunner | null = null;
  let enrichmentEngine: EnrichmentEngine | null = null;
  let stopListening: (() => Promise<void>) | undefined;
  if (role !== "api") {
    if (store.dialect === "sqlite") {
      // One process owns the embedded store; claims left behind belong to a previous run.
      const released = await store.queue.resetClaims(Date.now());
      if (released > 0) log.info({ released }, "released claims left by the previous run");
      const resumable = await store.jobs.resetLeases(Date.now());
      if (resumable > 0) log.info({ jobs: resumable }, "jobs left running by the previous run resume now");
    }
    dispatcher = new Dispatcher(
      {
        owner: config.nodeId,
        concurrency: config.worker.concurrency,
        batchSize: config.worker.batchSize,
        pollIntervalMs: config.worker.pollIntervalMs,
        leaseMs: config.worker.leaseMs,
        perWebhookInFlight: PER_WEBHOOK_IN_FLIGHT,
        sharedLimits: store.dialect === "postgres" && config.endpoints.sharedLimits,
      },
      store,
      targets,
      new EndpointHealth(store, EndpointHealth.options(config.endpoints), emit, log),
      metrics,
      log,
    );
    const local = dispatcher;
    stopListening = await store.dueSignal?.listen(
      () => local.wake(),
      (error) => log.warn({ err: error }, "LISTEN connection lost; polling until it is back"),
    );
  }

  // Deliveries made due here (by ingest, a retry or a replay) wake this node's dispatcher and,
  // on PostgreSQL, every other node's.
  const wake = (): void => {
    dispatcher?.wake();
    store.dueSignal?.notify().catch((error: unknown) => log.warn({ err: error }, "NOTIFY failed"));
  };
  let app: App | null = null;
  let url: string | null = null;
  // Settings before ingest: an inbound call may open a lead (intake), decided as it is accepted.
  const settings = new TenantSettings(store);
  ingest = new EventIngest(
    store,
    dispatcher,
    wake,
    (count) => metrics.eventsAccepted.inc(count),
    allFollowUps(
      intakeFollowUps(settings),
      enrichmentFollowUps(store, (tenantId) => settings.region(tenantId)),
    ),
  );
  const records = createRecords(store, ingest, settings);
  const crm = new CrmSync(store, crmConnectors, records, emit, config.nodeId);
  if (role !== "api") {
    // Job kinds reach records (imports write clients and cases), so they start once ingest exists.
    const kinds = new JobKinds()
      .register(RETENTION_KIND, retentionKind(store.events, config.retentionDays, log))
      .register(INTAKE_KIND, intakeKind(store, records))
      .register(
        IMPORT_KIND,
        importKind(store, records, ingest, log, {
          jobsFor: (tenantId, importId, clientIds) => importJobs(store, tenantId, importId, clientIds),
          stored: () => enrichmentJobs?.wake(),
        }),
      )
      .register(CRM_PULL_KIND, crmPullKind(crm))
      .register(CRM_SYNC_KIND, crmSyncKind(crm))
      .register(CRM_RECORD_PULL_KIND, crmRecordPullKind(crm))
      .register(CRM_INITIAL_SYNC_KIND, crmInitialSyncKind(crm))
      .register(CRM_TOKEN_REFRESH_KIND, crmTokenRefreshKind(crm))
      .register(CRM_WEBHOOK_RENEWAL_KIND, crmWebhookRenewalKind(crm, config.publicUrl));
    jobs = new JobRunner(
      {
        owner: config.nodeId,
        pollIntervalMs: config.worker.pollIntervalMs,
        leaseMs: config.worker.leaseMs,
        concurrency: JOB_CONCURRENCY,
        kinds: { except: [ENRICHMENT_KIND] },
      },
      store.jobs,
      kinds,
      log,
    );
    enrichmentEngine = new EnrichmentEngine(
      store,
      cipher,
      records,
      ingest,
      new ProviderBreakers(),
      log,
      config.allowPrivateTargets,
    );
    // Enrichment runs are short and wait on vendors, not on this machine: their own runner, so
    // they neither queue behind a long import nor hold its slots. Measured (bench enrichment,
    // SQLite, 50 ms fakes): 29.6 lookups/s sharing the 2 job slots.
    enrichmentJobs = new JobRunner(
      {
        owner: config.nodeId,
        pollIntervalMs: config.worker.pollIntervalMs,
        leaseMs: config.worker.leaseMs,
        concurrency: ENRICHMENT_CONCURRENCY,
        kinds: { only: [ENRICHMENT_KIND] },
      },
      store.jobs,
      new JobKinds().register(ENRICHMENT_KIND, enrichmentKind(store, enrichmentEngine)),
      log,
    );
    await scheduleRetention(store.jobs, Date.now());
    await scheduleTokenRefresh(store.jobs, config.crmTokenRefreshEveryMs, Date.now());
    await scheduleWebhookRenewal(store.jobs, config.crmWebhookRenewalEveryMs, Date.now());
  }
  const workerState = (d: Dispatcher, j: JobRunner) => ({
    lastPollAt: () => d.lastPollAt(),
    jobsRunning: () => j.active,
    pollIntervalMs: config.worker.pollIntervalMs,
  });
  const readiness = new ReadinessProbe(store, dispatcher && jobs ? workerState(dispatcher, jobs) : null);
  if (role === "worker") {
    // A worker has no API, but split deployments still need to probe and scrape it.
    app = await buildHealthApp({ metrics, readiness }, log);
    url = await app.listen({ host: config.host, port: config.port });
  } else {
    app = await buildApp(
      {
        config,
        store,
        cipher,
        auth,
        ingest,
        records,
        tester: new WebhookTester(store, targets),
        listen,
        metrics,
        readiness,
        enrichment: new Enrichment(store, cipher, destinations, () => enrichmentJobs?.wake()),
        wake,
        crm,
      },
      log,
    );
    url = await app.listen({ host: config.host, port: config.port });
  }
  // Work starts once the process listens: a backlog (thousands of jobs queued before a crash)
  // must not hold the event loop while the app registers its plugins — under load that passed
  // Fastify's 10 s plugin timeout and the restart failed.
  dispatcher?.start();
  jobs?.start();
  enrichmentJobs?.start();

  let stopping: Promise<void> | null = null;
  return {
    store,
    app,
    dispatcher,
    jobs,
    generatedAdminKey,
    url,
    stop() {
      stopping ??= (async () => {
        await app?.close();
        await stopListening?.();
        await dispatcher?.stop();
        await jobs?.stop();
        await enrichmentJobs?.stop();
        await enrichmentEngine?.close();
        await targets.close();
        await store.close();
      })();
      return stopping;
    },
  };
}
