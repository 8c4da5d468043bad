import { budgetMonth } from "../domain/enrichment/budget.js";
import { type PriceTable, toUsd } from "../domain/enrichment/prices.js";
import {
  applySettings,
  checkPrice,
  DEFAULT_ENRICHMENT_SETTINGS,
  type EnrichmentSettings,
  type EnrichmentSettingsInput,
  isProviderName,
  PROVIDER_NAMES,
  wantedKinds,
} from "../domain/enrichment/settings.js";
import { accepts, type DataKind } from "../domain/enrichment/types.js";
import { DomainError, invalid, notFound } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import { ENRICHMENT_PROVIDERS } from "../integrations/enrichment/registry.js";
import type { SecretCipher } from "../secrets/cipher.js";
import type { ListOptions, Page, ProviderRecord, RunFilters, RunRecord, Store } from "../store/index.js";
import { priceOf } from "./connections.js";
import { inputOf } from "./inputs.js";
import { newRun, runJob } from "./runs.js";

export interface ProviderView {
  name: string;
  label: string;
  enabled: boolean;
  priority: number;
  configured: boolean;
  /** Masked: the last 4 characters of each credential at most. */
  credentials: Record<string, string>;
  credential_fields: string[];
  base_url: string;
  capabilities: { accepts: string[][]; gives: string[] };
  price: PriceTable;
}

export interface ProviderInput {
  credentials?: Record<string, string>;
  enabled?: boolean;
  priority?: number;
  base_url?: string | null;
  price?: PriceTable | null;
}

/** Default priorities: the order the providers are listed in (PDL first). */
const DEFAULT_PRIORITY: Record<string, number> = { pdl: 1, enformion: 2, trestle: 3, twilio_lookup: 4 };

/** What the API asks of enrichment: providers, settings, manual runs and the history with spend. */
export class Enrichment {
  constructor(
    private readonly store: Store,
    private readonly cipher: SecretCipher,
    private readonly options: { allowPrivateTargets: boolean },
    /** Tells this node's enrichment runner a run is queued (else it waits for its next poll). */
    private readonly queued: () => void = () => {},
  ) {}

  async settings(tenantId: string): Promise<EnrichmentSettings> {
    return (await this.store.enrichment.settings(tenantId)) ?? DEFAULT_ENRICHMENT_SETTINGS;
  }

  async putSettings(tenantId: string, input: EnrichmentSettingsInput): Promise<EnrichmentSettings> {
    const next = applySettings(await this.settings(tenantId), input);
    await this.store.enrichment.putSettings(tenantId, next, Date.now());
    return next;
  }

  async providers(tenantId: string): Promise<ProviderView[]> {
    const stored = new Map((await this.store.enrichment.providers(tenantId)).map((r) => [r.name, r]));
    return PROVIDER_NAMES.map((name) => this.view(name, stored.get(name) ?? null));
  }

  async putProvider(tenantId: string, name: string, input: ProviderInput): Promise<ProviderView> {
    if (!isProviderName(name)) {
      throw invalid(
        "/params/name",
        `unknown enrichment provider "${name}"; known: ${PROVIDER_NAMES.join(", ")}`,
      );
    }
    const provider = ENRICHMENT_PROVIDERS[name];
    const current = (await this.store.enrichment.providers(tenantId)).find((r) => r.name === name) ?? null;
    let credentials = current?.credentials ?? null;
    let hint = current?.credential_hint ?? null;
    if (input.credentials !== undefined) {
      const fields = provider.credentialFields;
      const given = Object.keys(input.credentials);
      const unknown = given.filter((k) => !fields.includes(k));
      if (unknown.length > 0) {
        throw invalid(
          "/body/credentials",
          `${provider.label} takes ${fields.join(", ")}; not ${unknown.join(", ")}`,
        );
      }
      const missing = fields.filter((f) => (input.credentials?.[f] ?? "").trim() === "");
      if (missing.length > 0)
        throw invalid("/body/credentials", `${provider.label} needs ${missing.join(", ")}`);
      credentials = this.cipher.encrypt(JSON.stringify(input.credentials));
      hint = JSON.stringify(Object.fromEntries(fields.map((f) => [f, mask(input.credentials?.[f] ?? "")])));
    }
    const enabled = input.enabled ?? current?.enabled ?? credentials !== null;
    if (enabled && credentials === null) {
      throw invalid("/body/credentials", `${provider.label} cannot be enabled without credentials`);
    }
    if (input.priority !== undefined && (!Number.isInteger(input.priority) || input.priority < 0)) {
      throw invalid("/body/priority", "must be a whole number, 0 or more (lower is asked first)");
    }
    if (input.base_url) this.checkBaseUrl(input.base_url);
    if (input.price) checkPrice(input.price, "/body/price");
    const record: ProviderRecord = {
      tenant_id: tenantId,
      name,
      enabled,
      priority: input.priority ?? current?.priority ?? DEFAULT_PRIORITY[name] ?? 10,
      base_url: input.base_url === undefined ? (current?.base_url ?? null) : input.base_url,
      credentials,
      credential_hint: hint,
      price:
        input.price === undefined
          ? (current?.price ?? null)
          : input.price === null
            ? null
            : JSON.stringify(input.price),
      updated_at: Date.now(),
    };
    await this.store.enrichment.putProvider(record);
    return this.view(name, record);
  }

  /** POST /v1/clients/{id}/enrich: a run queued now (202), or 422 saying why it cannot run. */
  async enrichNow(tenantId: string, clientId: string, data: DataKind[] | undefined): Promise<RunRecord> {
    const settings = await this.settings(tenantId);
    if (!settings.triggers.manual)
      throw invalid("", "manual enrichment is turned off in the enrichment settings");
    const client = await this.store.clients.get(tenantId, clientId);
    if (!client) throw notFound("client");
    const wanted = data ?? wantedKinds(settings.data);
    if (wanted.length === 0)
      throw invalid(
        "/body/data",
        "no data kinds to look up: name at least one of phone, email, address, demographics",
      );
    const providers = (await this.store.enrichment.providers(tenantId)).filter(
      (p) => p.enabled && p.credentials !== null,
    );
    if (providers.length === 0) throw invalid("", "no enrichment provider is enabled with credentials");
    const input = inputOf(client);
    const usable = providers.some(
      (p) => isProviderName(p.name) && accepts(ENRICHMENT_PROVIDERS[p.name].capabilities, input),
    );
    if (!usable) {
      throw invalid(
        "",
        "the client has nothing the enabled providers can look up by (a phone, an email, or a name with an address)",
      );
    }
    const run = newRun(tenantId, clientId, "manual", `manual:${generateId("req_")}`, wanted, Date.now());
    const stored = (await this.store.enrichment.createRun(run, runJob(run))).run;
    this.queued();
    return stored;
  }

  async runs(tenantId: string, filters: RunFilters, options: ListOptions): Promise<Page<RunRecord>> {
    return this.store.enrichment.listRuns(tenantId, filters, options);
  }

  /** Spend this month (the tenant's calendar month) by provider, in USD. */
  async spend(tenantId: string): Promise<{
    month: string;
    by_provider: Record<string, number>;
    total: number;
    monthly_budget: number | null;
  }> {
    const tenant = await this.store.tenants.get(tenantId);
    const month = budgetMonth(Date.now(), tenant?.timezone ?? "UTC");
    const micros = await this.store.enrichment.spendByProvider(tenantId, month);
    const byProvider = Object.fromEntries(Object.entries(micros).map(([k, v]) => [k, toUsd(v)]));
    const total = toUsd(Object.values(micros).reduce((a, b) => a + b, 0));
    return {
      month,
      by_provider: byProvider,
      total,
      monthly_budget: (await this.settings(tenantId)).monthly_budget,
    };
  }

  async run(tenantId: string, id: string): Promise<RunRecord> {
    const run = await this.store.enrichment.getRun(tenantId, id);
    if (!run) throw notFound("enrichment run");
    return run;
  }

  private checkBaseUrl(value: string): void {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalid("/body/base_url", "is not a URL");
    }
    if (url.protocol !== "https:" && !this.options.allowPrivateTargets) {
      throw invalid("/body/base_url", "must be https");
    }
    if (url.pathname !== "/" || url.search !== "") {
      throw invalid(
        "/body/base_url",
        "is the vendor's host root, without a path (the client adds the version)",
      );
    }
    if (url.username || url.password)
      throw new DomainError("validation_failed", "/body/base_url: no credentials in the URL");
  }

  private view(name: (typeof PROVIDER_NAMES)[number], record: ProviderRecord | null): ProviderView {
    const provider = ENRICHMENT_PROVIDERS[name];
    return {
      name,
      label: provider.label,
      enabled: record?.enabled ?? false,
      priority: record?.priority ?? DEFAULT_PRIORITY[name] ?? 10,
      configured: (record?.credentials ?? null) !== null,
      credentials: record?.credential_hint
        ? (JSON.parse(record.credential_hint) as Record<string, string>)
        : {},
      credential_fields: [...provider.credentialFields],
      base_url: record?.base_url ?? provider.defaultBaseUrl,
      capabilities: {
        accepts: provider.capabilities.accepts.map((s) => [...s]),
        gives: [...provider.capabilities.gives],
      },
      price: priceOf({ name, price: record?.price ?? null }),
    };
  }
}

/** "••••1234": the last 4 characters of a long credential, nothing of a short one. */
function mask(value: string): string {
  return value.length >= 12 ? `••••${value.slice(-4)}` : "••••";
}
