import { randomBytes } from "node:crypto";
import { checkDestinationUrl } from "../../domain/destination.js";
import { DomainError, invalid, notFound } from "../../domain/errors.js";
import { availabilityWindow, nearestSlots, neighbourhood, type Slot } from "../../domain/scheduling/slots.js";
import { dayBounds, inZone } from "../../domain/scheduling/time.js";
import type { EventIngest } from "../../events/ingest.js";
import type { SecretCipher } from "../../secrets/cipher.js";
import type { SchedulingAgentRecord, SchedulingConnectionRecord, Store } from "../../store/index.js";
import { AvailabilityCache } from "./availability-cache.js";
import { Bookings } from "./bookings.js";
import { CalcomProvider } from "./calcom/index.js";
import { asDomainError } from "./errors.js";
import type { SchedulingProvider } from "./provider.js";

export interface SchedulingOptions {
  store: Store;
  cipher: SecretCipher;
  ingest: EventIngest;
  allowPrivateTargets: boolean;
  /** Builds the provider for a connection; tests and the sandbox may point it elsewhere. */
  providerFor?: (connection: { apiKey: string; baseUrl: string | null }) => SchedulingProvider;
  cacheTtlMs?: number;
  now?: () => number;
}

/** A connection with its key decrypted, kept briefly in memory (see CONNECTION_CACHE_MS). */
interface LiveConnection {
  record: SchedulingConnectionRecord;
  provider: SchedulingProvider;
  webhookSecret: string | null;
  until: number;
}

/**
 * Connections, tenant zones and agents are read once per this long per process; a change made on
 * another node reaches this one within it.
 */
const CONNECTION_CACHE_MS = 5_000;
/**
 * Scheduling for a tenant: its Cal.com connection, its agents' booking settings, availability
 * (cached), and bookings — one per call, found again after a crash rather than made twice.
 */
export class Scheduling {
  readonly cache: AvailabilityCache;
  private readonly live = new Map<string, LiveConnection>();
  private readonly values = new Map<string, { value: unknown; until: number }>();
  readonly now: () => number;
  private readonly providerFor: NonNullable<SchedulingOptions["providerFor"]>;

  readonly bookings: Bookings;

  constructor(private readonly options: SchedulingOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new AvailabilityCache(options.cacheTtlMs ?? 30_000, this.now);
    this.providerFor =
      options.providerFor ??
      ((c) => new CalcomProvider({ apiKey: c.apiKey, ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}) }));
    this.bookings = new Bookings(this, options.ingest);
  }

  get store(): Store {
    return this.options.store;
  }

  get repository(): Store["scheduling"] {
    return this.options.store.scheduling;
  }

  async zoneOf(tenantId: string): Promise<string> {
    return this.remembered(`zone|${tenantId}`, async () => {
      const tenant = await this.store.tenants.get(tenantId);
      if (!tenant) throw notFound("tenant");
      return tenant.timezone;
    });
  }

  /**
   * A value read from the store, kept for CONNECTION_CACHE_MS: availability is then answered
   * without a database round trip (PostgreSQL on a loaded two-core machine made the two reads —
   * tenant zone, agent — most of a cached answer's time).
   */
  private async remembered<T>(key: string, read: () => Promise<T>): Promise<T> {
    const at = this.now();
    const cached = this.values.get(key);
    if (cached && cached.until > at) return cached.value as T;
    const value = await read();
    if (this.values.size > 10_000) this.values.clear();
    this.values.set(key, { value, until: at + CONNECTION_CACHE_MS });
    return value;
  }

  // --- connection -------------------------------------------------------------------------------

  async connect(
    tenantId: string,
    input: { api_key: string; base_url: string | null; webhook_url: string },
  ): Promise<SchedulingConnectionRecord> {
    if (input.base_url !== null) {
      const check = checkDestinationUrl(input.base_url, { allowPrivate: this.options.allowPrivateTargets });
      if (!check.ok) throw invalid("/body/base_url", check.reason);
      if (check.url.pathname !== "/" && check.url.pathname !== "") {
        throw invalid("/body/base_url", "give the host root (https://cal.example.com); /v2 is added for you");
      }
    }
    const baseUrl = input.base_url === null ? null : input.base_url.replace(/\/+$/, "");
    const provider = this.providerFor({ apiKey: input.api_key, baseUrl });
    const account = await provider.me().catch((e) => {
      throw asDomainError(e, "checking the connection");
    });
    const previous = await this.loadConnection(tenantId).catch(() => null);
    if (previous?.record.webhook_id) {
      // Best effort: the old subscription would keep posting with a secret we no longer hold.
      await previous.provider.unsubscribe(previous.record.webhook_id).catch(() => {});
    }
    const secret = randomBytes(32).toString("hex");
    let webhookId: string | null = null;
    let webhookError: string | null = null;
    try {
      webhookId = (await provider.subscribe(input.webhook_url, secret)).id;
    } catch (error) {
      webhookError = error instanceof Error ? error.message : String(error);
    }
    const now = this.now();
    const record: SchedulingConnectionRecord = {
      tenant_id: tenantId,
      provider: "calcom",
      api_key: this.options.cipher.encrypt(input.api_key),
      base_url: baseUrl,
      account_id: account.id,
      account_name: account.name,
      account_email: account.email,
      webhook_id: webhookId,
      webhook_secret: this.options.cipher.encrypt(secret),
      webhook_error: webhookError,
      connected_at: now,
      updated_at: now,
    };
    await this.store.scheduling.putConnection(record);
    this.live.delete(tenantId);
    this.cache.invalidate(tenantId);
    return record;
  }

  async connection(
    tenantId: string,
  ): Promise<{ record: SchedulingConnectionRecord; lastFour: string } | null> {
    const live = await this.loadConnection(tenantId);
    if (!live) return null;
    const key = this.options.cipher.decrypt(live.record.api_key);
    return { record: live.record, lastFour: key.slice(-4) };
  }

  async disconnect(tenantId: string): Promise<void> {
    const live = await this.loadConnection(tenantId);
    if (!live) throw notFound("scheduling connection");
    if (live.record.webhook_id) await live.provider.unsubscribe(live.record.webhook_id).catch(() => {});
    await this.store.scheduling.deleteConnection(tenantId);
    this.live.delete(tenantId);
    this.cache.invalidate(tenantId);
  }

  /** The decrypted webhook secret, for the hook route. */
  async webhookSecret(tenantId: string): Promise<string | null> {
    return (await this.loadConnection(tenantId))?.webhookSecret ?? null;
  }

  private async loadConnection(tenantId: string): Promise<LiveConnection | null> {
    const at = this.now();
    const cached = this.live.get(tenantId);
    if (cached && cached.until > at) return cached;
    const record = await this.store.scheduling.getConnection(tenantId);
    if (!record) {
      this.live.delete(tenantId);
      return null;
    }
    const apiKey = this.options.cipher.decrypt(record.api_key);
    const live: LiveConnection = {
      record,
      provider: this.providerFor({ apiKey, baseUrl: record.base_url }),
      webhookSecret: record.webhook_secret ? this.options.cipher.decrypt(record.webhook_secret) : null,
      until: at + CONNECTION_CACHE_MS,
    };
    this.live.set(tenantId, live);
    return live;
  }

  async requireProvider(tenantId: string): Promise<SchedulingProvider> {
    const live = await this.loadConnection(tenantId);
    if (!live) {
      throw new DomainError("not_connected", "Cal.com is not connected; PUT /v1/scheduling/connection first");
    }
    return live.provider;
  }

  // --- agents -----------------------------------------------------------------------------------

  async saveAgent(
    tenantId: string,
    agentId: string,
    input: { booking_enabled: boolean; event_type_id: number | null },
  ): Promise<SchedulingAgentRecord> {
    if (input.booking_enabled && input.event_type_id === null) {
      throw invalid("/body/event_type_id", "an agent that books needs an event type id");
    }
    let title: string | null = null;
    let length: number | null = null;
    if (input.event_type_id !== null) {
      const provider = await this.requireProvider(tenantId);
      const eventType = await provider.eventType(input.event_type_id).catch((e) => {
        throw asDomainError(e, `event type ${input.event_type_id}`);
      });
      title = eventType.title;
      length = eventType.lengthMinutes;
    }
    const agent: SchedulingAgentRecord = {
      tenant_id: tenantId,
      agent_id: agentId,
      booking_enabled: input.booking_enabled,
      event_type_id: input.event_type_id,
      event_type_title: title,
      event_type_length: length,
      updated_at: this.now(),
    };
    await this.store.scheduling.putAgent(agent);
    this.values.delete(`agent|${tenantId}|${agentId}`);
    this.cache.invalidate(tenantId);
    return agent;
  }

  /** The agent's settings when it may book; a clear 409 otherwise. */
  async bookingAgent(
    tenantId: string,
    agentId: string,
  ): Promise<SchedulingAgentRecord & { event_type_id: number }> {
    const agent = await this.remembered(`agent|${tenantId}|${agentId}`, () =>
      this.store.scheduling.getAgent(tenantId, agentId),
    );
    if (!agent?.booking_enabled || agent.event_type_id === null) {
      throw new DomainError(
        "booking_disabled",
        `appointment booking is turned off for agent ${agentId}; enable it with PUT /v1/scheduling/agents/${agentId}`,
        { agent_id: agentId },
      );
    }
    return agent as SchedulingAgentRecord & { event_type_id: number };
  }

  // --- availability -----------------------------------------------------------------------------

  /** Open slots for the agent's event type, from the short cache. */
  async availability(
    tenantId: string,
    agentId: string,
    window: { start?: number; end?: number },
    zone: string,
  ): Promise<Slot[]> {
    const provider = await this.requireProvider(tenantId);
    const agent = await this.bookingAgent(tenantId, agentId);
    const { start, end } = availabilityWindow(window.start, window.end, this.now());
    return this.slotsBetween(tenantId, provider, agent.event_type_id, start, end, zone);
  }

  /**
   * Asks for whole days of the company's calendar, so "from now" windows that move every second
   * still share one cache entry, then trims to the window.
   */
  async slotsBetween(
    tenantId: string,
    provider: SchedulingProvider,
    eventTypeId: number,
    start: number,
    end: number,
    zone: string,
  ): Promise<Slot[]> {
    const from = dayBounds(start, zone).start;
    const to = dayBounds(end - 1, zone).end;
    const all = await this.cache.get(tenantId, `${eventTypeId}|${from}|${to}`, async () => {
      const slots = await provider
        .slots({ eventTypeId, start: new Date(from).toISOString(), end: new Date(to).toISOString() })
        .catch((e) => {
          throw asDomainError(e, "reading availability");
        });
      return slots.map((s) => ({ start: Date.parse(s.start), end: Date.parse(s.end) }));
    });
    return all.filter((s) => s.start >= start && s.start < end);
  }

  async slotUnavailable(
    tenantId: string,
    provider: SchedulingProvider,
    eventTypeId: number,
    start: number,
    zone: string,
    vendorMessage: string | null,
  ): Promise<DomainError> {
    this.cache.invalidate(tenantId);
    const around = neighbourhood(start);
    const slots = await this.slotsBetween(
      tenantId,
      provider,
      eventTypeId,
      Math.max(around.start, this.now()),
      around.end,
      zone,
    );
    const nearest = nearestSlots(slots, start).map((s) => ({
      start: inZone(s.start, zone),
      end: inZone(s.end, zone),
    }));
    const when = inZone(start, zone);
    const offer =
      nearest.length > 0
        ? `; nearest open: ${nearest.map((s) => s.start).join(", ")}`
        : "; no open slots nearby";
    return new DomainError("slot_unavailable", `${when} is not open for booking${offer}`, {
      start: when,
      nearest,
      ...(vendorMessage ? { vendor_message: vendorMessage } : {}),
    });
  }
}
