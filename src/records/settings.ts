import type { CountryCode } from "libphonenumber-js";
import { DomainError } from "../domain/errors.js";
import { DEFAULT_PHONE_REGION } from "../domain/records/phone.js";
import { readTenantSettings, regionOf, type TenantSettingsDocument } from "../domain/records/vocabulary.js";
import type { Store } from "../store/index.js";

/** How long a node trusts its cached copy of a tenant's settings. */
const CACHE_TTL_MS = 5_000;
/** Tenants cached at once; the oldest entry goes first when full. */
const CACHE_MAX = 1_000;
/** Compare-and-set attempts before a settings write gives up to a stream of other writers. */
const WRITE_RETRIES = 5;

/** What a record write checks against, read once per write (or once per import chunk). */
export interface RecordRules {
  settings: TenantSettingsDocument;
  /** Where phone numbers without a country code are read. */
  region: CountryCode;
}

interface Cached {
  settings: TenantSettingsDocument;
  version: number;
  readAt: number;
}

/**
 * A tenant's settings (vocabularies, custom field definitions, records settings) for every writer
 * of records. Every client and case write reads them, so each node keeps a small per-tenant cache:
 * a write through this node invalidates its copy at once, but another node (PostgreSQL, several
 * nodes) may validate against its older copy for up to {@link CACHE_TTL_MS} after a change.
 */
export class TenantSettings {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(tenantId: string): Promise<TenantSettingsDocument> {
    const cached = this.cache.get(tenantId);
    if (cached && this.clock() - cached.readAt < CACHE_TTL_MS) return cached.settings;
    return (await this.load(tenantId)).settings;
  }

  /** Where this tenant's phone numbers without a country code are read. */
  async region(tenantId: string): Promise<CountryCode> {
    return (await this.rules(tenantId)).region;
  }

  async rules(tenantId: string): Promise<RecordRules> {
    const settings = await this.get(tenantId);
    return { settings, region: regionOf(settings.records.default_region) ?? DEFAULT_PHONE_REGION };
  }

  /**
   * Applies `change` to the stored settings and saves them, compare-and-set on their version: a
   * concurrent write makes `change` run again on what that write stored, so neither is lost.
   * `change` may throw (a 422, a 409 in_use) to save nothing.
   */
  async update(
    tenantId: string,
    change: (current: TenantSettingsDocument) => Promise<TenantSettingsDocument> | TenantSettingsDocument,
  ): Promise<TenantSettingsDocument> {
    for (let attempt = 0; attempt < WRITE_RETRIES; attempt++) {
      const current = await this.load(tenantId);
      const next = await change(current.settings);
      const saved = await this.store.tenantSettings.put(tenantId, next, current.version, this.clock());
      this.cache.delete(tenantId);
      if (saved) {
        this.remember(tenantId, { settings: next, version: current.version + 1, readAt: this.clock() });
        return next;
      }
    }
    throw new DomainError("conflict", "the settings are being changed by others; try again");
  }

  private async load(tenantId: string): Promise<Cached> {
    const stored = await this.store.tenantSettings.get(tenantId);
    const entry = {
      settings: readTenantSettings(stored.document),
      version: stored.version,
      readAt: this.clock(),
    };
    this.remember(tenantId, entry);
    return entry;
  }

  private remember(tenantId: string, entry: Cached): void {
    this.cache.delete(tenantId);
    if (this.cache.size >= CACHE_MAX) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(tenantId, entry);
  }
}
