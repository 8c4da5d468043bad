import type { Logger } from "pino";
import { Agent } from "undici";
import { createGuardedLookup } from "../delivery/guarded-lookup.js";
import { budgetMonth } from "../domain/enrichment/budget.js";
import { cacheKey } from "../domain/enrichment/cache-key.js";
import { maxCostOf, toMicros, toUsd } from "../domain/enrichment/prices.js";
import { DEFAULT_ENRICHMENT_SETTINGS } from "../domain/enrichment/settings.js";
import { type DataKind, type FoundData, kindsFound, type LookupResult } from "../domain/enrichment/types.js";
import { inputWithFound, mergeFound, nextStep } from "../domain/enrichment/waterfall.js";
import { ENRICHED_FIELDS, handEditedFields, planWrites } from "../domain/enrichment/write-rules.js";
import type { EventIngest } from "../events/ingest.js";
import type { LookupOutcome } from "../integrations/enrichment/provider.js";
import type { Records } from "../records/index.js";
import type { SecretCipher } from "../secrets/cipher.js";
import type { ClientRecord, RunRecord, RunStatus, Store } from "../store/index.js";
import type { ProviderBreakers } from "./breakers.js";
import { type ReadyProvider, readyProviders } from "./connections.js";
import { inputOf } from "./inputs.js";

/** A provider that is rate limiting or failing: the run's job retries later (with backoff). */
export class LookupDeferred extends Error {}

export interface EngineOptions {
  /** Retries of one lookup inside a run before leaving it to the job's backoff. */
  inlineRetries: number;
  /** A Retry-After longer than this is left to the job's backoff instead of waited out. */
  maxInlineWaitMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { inlineRetries: 2, maxInlineWaitMs: 30_000 };

const DAY_MS = 86_400_000;

interface Step {
  provider: string;
  status: "found" | "not_found" | "failed" | "skipped_budget" | "cached";
  cost_micros: number;
  error?: string;
}

/**
 * Performs one enrichment run: the waterfall over the tenant's providers, each lookup answered
 * from the cache (free, `cached`) or reserved against the budget in the store and then asked
 * (retrying 429 / 5xx with Retry-After, behind a breaker per provider, every exchange in the
 * attempt log with credentials redacted), then the write rules applied to the client with
 * provenance, a `client.enriched` event, and the run's outcome and cost.
 *
 * Safe to run again after a crash at any point: a lookup already answered is reused from its row
 * (never paid twice), writes are recomputed against the client as it now is.
 */
export class EnrichmentEngine {
  /** One keep-alive pool for vendors, resolving names through the destination guard. */
  private readonly network: { dispatcher: Agent; allowPrivate: boolean };

  constructor(
    private readonly store: Store,
    private readonly cipher: SecretCipher,
    private readonly records: Records,
    private readonly ingest: EventIngest,
    private readonly breakers: ProviderBreakers,
    private readonly log: Logger,
    allowPrivateTargets: boolean,
    private readonly options: EngineOptions = DEFAULT_ENGINE_OPTIONS,
  ) {
    this.network = {
      allowPrivate: allowPrivateTargets,
      dispatcher: new Agent({
        keepAliveTimeout: 10_000,
        connections: 64,
        connect: { timeout: 10_000, lookup: createGuardedLookup({ allowPrivate: allowPrivateTargets }) },
      }),
    };
  }

  close(): Promise<void> {
    return this.network.dispatcher.close();
  }

  async perform(run: RunRecord, signal: AbortSignal): Promise<RunRecord> {
    if (run.status !== "queued" && run.status !== "running") return run;
    const { tenant_id: tenantId } = run;
    const repo = this.store.enrichment;
    await repo.updateRun(run.id, { status: "running" });
    const client = await this.store.clients.get(tenantId, run.client_id);
    if (!client) return this.finish(run, { status: "failed", error: "the client no longer exists" });
    const settings = (await repo.settings(tenantId)) ?? DEFAULT_ENRICHMENT_SETTINGS;
    const tenant = await this.store.tenants.get(tenantId);
    const month = budgetMonth(Date.now(), tenant?.timezone ?? "UTC");
    const limits = {
      monthlyBudget: settings.monthly_budget === null ? null : toMicros(settings.monthly_budget),
      maxCostPerLookup: settings.max_cost_per_lookup === null ? null : toMicros(settings.max_cost_per_lookup),
    };
    const providers = readyProviders(await repo.providers(tenantId), this.cipher, this.network);
    const byName = new Map(providers.map((p) => [p.provider.name as string, p]));
    const waterfall = providers.map((p) => ({
      name: p.provider.name,
      priority: p.priority,
      capabilities: p.provider.capabilities,
    }));

    // fill_empty never pays for a kind the client already has.
    const wanted =
      settings.write === "fill_empty" ? run.wanted.filter((k) => !hasKind(client, k)) : run.wanted;
    if (wanted.length === 0) {
      return this.finish(run, {
        status: "not_found",
        error: "the client already has every data kind wanted (fill_empty)",
      });
    }
    const input = inputOf(client);
    const state = { input, found: {} as FoundData, tried: [] as string[] };
    const steps: Step[] = [];
    /** Which provider gave each data kind first, with its confidence (provenance). */
    const sourceOf = new Map<DataKind, { provider: string; confidence: number }>();

    for (
      let step = nextStep(waterfall, run.wanted, state);
      step;
      step = nextStep(waterfall, run.wanted, state)
    ) {
      if (signal.aborted) throw signal.reason ?? new Error("aborted");
      state.tried.push(step.provider);
      const ready = byName.get(step.provider);
      if (!ready) continue;
      const asked = inputWithFound(input, state.found);
      const answer = await this.lookup(
        run,
        ready,
        asked,
        step.ask,
        month,
        limits,
        settings.cache_days,
        signal,
      );
      steps.push(answer.step);
      if (answer.result?.outcome !== "found") continue;
      const before = new Set(kindsFound(state.found));
      state.found = mergeFound(state.found, answer.result.data, step.ask);
      for (const kind of kindsFound(state.found)) {
        if (!before.has(kind))
          sourceOf.set(kind, { provider: step.provider, confidence: answer.result.confidence });
      }
    }

    const cost = steps.reduce((sum, s) => sum + s.cost_micros, 0);
    const foundKinds = kindsFound(state.found).filter((k) => run.wanted.includes(k));
    if (foundKinds.length === 0) {
      const failed = steps.filter((s) => s.status === "failed");
      const status: RunStatus =
        failed.length > 0 && !steps.some((s) => s.status === "not_found")
          ? "failed"
          : steps.some((s) => s.status === "skipped_budget")
            ? "skipped_budget"
            : "not_found";
      const error =
        status === "failed"
          ? failed.map((s) => `${s.provider}: ${s.error}`).join("; ")
          : status === "skipped_budget"
            ? steps
                .filter((s) => s.status === "skipped_budget")
                .map((s) => `${s.provider}: ${s.error}`)
                .join("; ")
            : steps.length === 0
              ? "no enabled provider can look this client up for the data wanted"
              : null;
      return this.finish(run, { status, cost_micros: cost, error, provider: steps.at(-1)?.provider ?? null });
    }

    // Write what was found, following the tenant's rule and never over a hand edit.
    const current = (await this.store.clients.get(tenantId, run.client_id)) ?? client;
    const handEdited = handEditedFields(await repo.clientChanges(tenantId, run.client_id));
    const plan = planWrites(current, state.found, run.wanted, settings.write, handEdited);
    if (plan.written.length > 0) {
      await this.records.clients.update(tenantId, run.client_id, undefined, plan.patch, "enrichment");
      const now = Date.now();
      await repo.putProvenance(
        tenantId,
        run.client_id,
        plan.written.map((field) => {
          const source = sourceOf.get(ENRICHED_FIELDS[field]);
          return {
            field,
            provider: source?.provider ?? "",
            run_id: run.id,
            confidence: source?.confidence ?? 0,
            written_at: now,
          };
        }),
      );
    }
    const paidSteps = steps.filter((s) => s.status === "found" || s.status === "not_found");
    const status: RunStatus =
      paidSteps.length === 0 && steps.some((s) => s.status === "cached") ? "cached" : "found";
    const providersUsed = [...new Set([...sourceOf.values()].map((s) => s.provider))];
    const finished = await this.finish(run, {
      status,
      cost_micros: cost,
      provider: providersUsed[0] ?? null,
      fields_found: foundKinds,
      fields_written: plan.written,
      data: state.found,
      error: null,
    });
    await this.ingest.ingest(
      tenantId,
      [
        {
          type: "client.enriched",
          data: {
            client_id: run.client_id,
            run_id: run.id,
            trigger: run.trigger,
            status,
            providers: providersUsed,
            fields_found: foundKinds,
            fields_written: plan.written,
            cost: toUsd(cost),
            change_source: "enrichment",
            enriched_at: new Date(finished.finished_at ?? Date.now()).toISOString(),
          },
          // A run finished twice (a crash between here and the job's completion) emits once.
          idempotency_key: `enrichment:${run.id}`,
        },
      ],
      () => "/enrichment",
    );
    return finished;
  }

  private async finish(
    run: RunRecord,
    fields: Partial<RunRecord> & { status: RunStatus },
  ): Promise<RunRecord> {
    const done = { ...fields, finished_at: Date.now() };
    await this.store.enrichment.updateRun(run.id, done);
    return { ...run, ...done };
  }

  /** One provider's answer for this run: reused, cached, skipped for budget, or asked now. */
  private async lookup(
    run: RunRecord,
    ready: ReadyProvider,
    input: ReturnType<typeof inputWithFound>,
    ask: DataKind[],
    month: string,
    limits: { monthlyBudget: number | null; maxCostPerLookup: number | null },
    cacheDays: number,
    signal: AbortSignal,
  ): Promise<{ step: Step; result: LookupResult | null }> {
    const repo = this.store.enrichment;
    const name = ready.provider.name;
    const tenantId = run.tenant_id;
    const previous = await repo.lookupOf(run.id, name);
    if (previous && previous.status !== "pending") {
      // Answered in an earlier attempt of this run: the same answer, not a second payment.
      const step: Step = { provider: name, status: previous.status, cost_micros: previous.cost_micros };
      if (previous.error) step.error = previous.error;
      return { step, result: previous.result };
    }
    const key = cacheKey(name, input);
    const now = Date.now();
    if (!previous && cacheDays > 0) {
      const cached = await repo.cached(tenantId, name, key, now);
      if (cached) {
        await repo.recordCachedLookup(tenantId, run.id, name, month, cached, now);
        return { step: { provider: name, status: "cached", cost_micros: 0 }, result: cached };
      }
    }
    const estimate = maxCostOf(ready.price, [...ready.provider.pricedFields]);
    const lookup =
      previous ?? (await repo.reserveLookup(tenantId, run.id, name, month, estimate, limits, now));
    if (lookup.status === "skipped_budget") {
      return {
        step: {
          provider: name,
          status: "skipped_budget",
          cost_micros: 0,
          error: lookup.error ?? "over budget",
        },
        result: null,
      };
    }
    const outcome = await this.ask(run, ready, input, ask, signal);
    if (!outcome.ok) {
      const error = outcome.failure.message;
      await repo.settleLookup(lookup.id, "failed", 0, null, error, Date.now());
      return { step: { provider: name, status: "failed", cost_micros: 0, error }, result: null };
    }
    const cost = ready.provider.costOf(outcome.result, ready.price);
    const status = outcome.result.outcome;
    await repo.settleLookup(lookup.id, status, cost, outcome.result, null, Date.now());
    if (cacheDays > 0)
      await repo.putCache(tenantId, name, key, outcome.result, Date.now(), Date.now() + cacheDays * DAY_MS);
    return { step: { provider: name, status, cost_micros: cost }, result: outcome.result };
  }

  /**
   * Asks the vendor, retrying a 429 or 5xx (after its Retry-After, or 1 s, 2 s …) a few times in
   * the run; past that, or past a long Retry-After, or with the breaker open, the run's job is
   * retried later with backoff. Every exchange goes to the attempt log.
   */
  private async ask(
    run: RunRecord,
    ready: ReadyProvider,
    input: ReturnType<typeof inputWithFound>,
    ask: DataKind[],
    signal: AbortSignal,
  ): Promise<LookupOutcome> {
    const name = ready.provider.name;
    for (let attempt = 0; ; attempt++) {
      if (!this.breakers.admit(run.tenant_id, name, Date.now())) {
        throw new LookupDeferred(`${ready.provider.label} is failing (breaker open); the run retries later`);
      }
      const outcome = await ready.provider.lookup(ready.connection, input, ask);
      const { exchange } = outcome;
      await this.store.enrichment.recordAttempt({
        tenant_id: run.tenant_id,
        run_id: run.id,
        provider: name,
        request: { method: exchange.method, url: exchange.url, headers: exchange.headers },
        status: exchange.status,
        error: outcome.ok ? null : outcome.failure.message,
        duration_ms: exchange.duration_ms,
        created_at: Date.now(),
      });
      const retryable =
        !outcome.ok && (outcome.failure.kind === "rate_limited" || outcome.failure.kind === "transient");
      this.breakers.record(run.tenant_id, name, !retryable, Date.now());
      if (!retryable || outcome.ok) return outcome;
      const waitMs =
        outcome.failure.retryAfterS !== null ? outcome.failure.retryAfterS * 1000 : 1000 * 2 ** attempt;
      if (attempt >= this.options.inlineRetries || waitMs > this.options.maxInlineWaitMs) {
        throw new LookupDeferred(outcome.failure.message);
      }
      this.log.debug({ run_id: run.id, provider: name, wait_ms: waitMs }, "enrichment lookup retried");
      await sleep(waitMs, signal);
    }
  }
}

function hasKind(client: ClientRecord, kind: DataKind): boolean {
  if (kind === "phone") return client.phones.length > 0;
  if (kind === "email") return client.emails.length > 0;
  if (kind === "address") return client.addresses.length > 0;
  return client.date_of_birth !== null && client.first_name !== null && client.last_name !== null;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new Error("aborted"));
      },
      { once: true },
    );
  });
}
