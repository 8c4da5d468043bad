import type { Dispatcher } from "undici";
import type { PriceTable } from "../../domain/enrichment/prices.js";
import type { ProviderName } from "../../domain/enrichment/settings.js";
import type { Capabilities, DataKind, LookupInput, LookupResult } from "../../domain/enrichment/types.js";

/**
 * One enrichment provider: one folder under src/integrations/enrichment/ (client.ts speaks the
 * vendor's documented API, map.ts turns its shapes into ours, index.ts is this interface). The
 * engine never sees a vendor's shapes, only {@link LookupResult}s and typed failures.
 */
export interface EnrichmentProvider {
  readonly name: ProviderName;
  readonly label: string;
  /** The credential fields PUT /v1/enrichment/providers/{name} takes (`api_key`, …). */
  readonly credentialFields: readonly string[];
  /** The vendor's host root; the client adds the version path (`/v5`, `/3.2`, `/v2`). */
  readonly defaultBaseUrl: string;
  /** Which inputs it looks up by, and which data kinds it can find. */
  readonly capabilities: Capabilities;
  /** The priced packages every request asks for (Twilio's data packages); [] for most. */
  readonly pricedFields: readonly string[];
  /** One request to the vendor. Never throws: a failure is an outcome with its kind. */
  lookup(connection: ProviderConnection, input: LookupInput, wanted: DataKind[]): Promise<LookupOutcome>;
  /** What `result` costs under `price`, in micro-dollars. */
  costOf(result: LookupResult, price: PriceTable): number;
}

export interface ProviderConnection {
  baseUrl: string;
  credentials: Record<string, string>;
  timeoutMs: number;
  /**
   * The HTTP pool to send through and whether private addresses are allowed: the engine's pool
   * resolves names through the guarded lookup (no loopback, private, link-local or metadata
   * addresses unless the development switch is on). Absent: a plain pool (tests of one client).
   */
  network?: { dispatcher: Dispatcher; allowPrivate: boolean };
}

/**
 * Why a lookup failed, with one meaning each for the engine: `auth` (credentials refused or the
 * account cannot pay — no retry helps), `rate_limited` and `transient` (retried, honouring
 * Retry-After), `malformed` (an answer we cannot read — the run fails, nothing is written),
 * `invalid_input` (the vendor refused our inputs).
 */
export type FailureKind = "auth" | "rate_limited" | "transient" | "malformed" | "invalid_input";

export interface LookupFailure {
  kind: FailureKind;
  message: string;
  status: number | null;
  /** Seconds the vendor asked us to wait (Retry-After), when it said. */
  retryAfterS: number | null;
}

/** One HTTP exchange as the attempt log keeps it: credentials redacted, no personal data in URLs. */
export interface ExchangeLog {
  method: string;
  url: string;
  headers: Record<string, string>;
  status: number | null;
  duration_ms: number;
  error: string | null;
}

export type LookupOutcome =
  | { ok: true; result: LookupResult; exchange: ExchangeLog }
  | { ok: false; failure: LookupFailure; exchange: ExchangeLog };
