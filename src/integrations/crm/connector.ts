import type { Dispatcher } from "undici";
import type { CrmPacer } from "./pacer.js";

/**
 * The one interface every CRM connector implements (LawRuler, SmartAdvocate, Clio, Filevine, …).
 * A connector speaks one vendor's HTTP API and nothing else: it knows the vendor's shapes, auth,
 * pagination and errors, and hands the sync engine records in a vendor-neutral form whose fields
 * are keyed by the CRM's own field ids (the ids {@link Connector.loadSchema} reports). Which of
 * our fields goes to which CRM field is the engine's business (mappings are data), so a connector
 * never sees a platform record and vendor details never leak out of its folder.
 */

/** The record kinds a CRM may hold. */
export type CrmObject = "client" | "case";

export interface CrmCapabilities {
  /**
   * The objects the CRM keeps as records of their own. A CRM whose cases carry their contact's
   * fields (a LawRuler lead) lists only `case`: the client's mapped fields ride on its cases.
   */
  objects: CrmObject[];
  /** We can create and update records in the CRM. */
  push: boolean;
  /** {@link Connector.listChanged} lists records changed since a time. */
  listChanges: boolean;
  /** The CRM posts change notifications to `POST /v1/crm/hooks/{connection}`. */
  changeNotifications: boolean;
  /** `update` honours {@link CrmUpdate.precondition} (an etag or version), failing with `conflict`. */
  conditionalUpdate: boolean;
  /** The vendor's documented request rate per connection, when it publishes one. */
  rateLimitPerSecond: number | null;
}

/** How a CRM field holds its value, as far as a mapping needs to know. */
export type CrmFieldType = "text" | "number" | "date" | "datetime" | "boolean" | "select" | "phone" | "email";

export interface CrmOption {
  id: string;
  label: string;
}

export interface CrmField {
  /** The CRM's own id or name for the field: what mappings store and records are keyed by. */
  id: string;
  label: string;
  object: CrmObject;
  type: CrmFieldType;
  /** A field the firm defined in the CRM (user-defined / custom). */
  custom: boolean;
  required: boolean;
  /** Read-only in the CRM's API: pulled, never pushed. */
  readOnly: boolean;
  options?: CrmOption[];
}

export interface CrmStatus extends CrmOption {
  substatuses: CrmOption[];
  /** The case types this status applies to; absent when it applies to every type. */
  caseTypes?: string[];
}

/** What {@link Connector.loadSchema} reads from the CRM: the targets a mapping may name. */
export interface CrmSchema {
  fields: CrmField[];
  caseTypes: CrmOption[];
  statuses: CrmStatus[];
}

/** One CRM record, vendor-neutral. */
export interface CrmRecord {
  object: CrmObject;
  /** The CRM's id for the record (a lead id, a case number, a matter id). */
  id: string;
  /** Field values keyed by {@link CrmField.id}; a field the CRM left empty is absent or null. */
  fields: Record<string, unknown>;
  /** For a case: its type, status and substatus as {@link CrmSchema} ids. */
  caseType?: string | null;
  status?: string | null;
  substatus?: string | null;
  /** For a case: the CRM id of its client, where the CRM keeps clients apart. */
  clientId?: string | null;
  /** When the CRM last changed the record (ISO-8601), when it says. */
  updatedAt: string | null;
  /** Our own id for the record as written with {@link CrmWrite.externalId}, when the CRM keeps it. */
  externalId?: string | null;
  /** The precondition to pass back on update (an etag or version), when the CRM has one. */
  version: string | null;
}

/** What we write: the same shape without the CRM's own bookkeeping. */
export interface CrmWrite {
  object: CrmObject;
  fields: Record<string, unknown>;
  caseType?: string | null;
  status?: string | null;
  substatus?: string | null;
  clientId?: string | null;
  /**
   * Our own id for the record, written where the CRM keeps the sending system's reference, so
   * {@link CrmSearch.externalId} finds a record whose create crashed before we saved its CRM id.
   */
  externalId?: string | null;
}

export interface CrmUpdate extends CrmWrite {
  id: string;
  /** {@link CrmRecord.version} as last read; honoured when the CRM supports conditional updates. */
  precondition?: string | null;
}

/**
 * The result of a create. `existing` is true when the CRM answered with a record it already had
 * (SmartAdvocate's own dedupe returns the earlier case number): the engine links, not duplicates.
 */
export interface CrmCreated {
  record: CrmRecord;
  existing: boolean;
}

export interface CrmSearch {
  object: CrmObject;
  externalId?: string;
  /** E.164. */
  phone?: string;
  email?: string;
}

export interface CrmPage {
  records: CrmRecord[];
  /** Pass back to get the next page; null on the last page. */
  nextCursor: string | null;
}

export type CrmErrorStage =
  | "auth"
  | "validation"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "transient"
  | "unsupported";

/**
 * Every failure a connector reports. `vendorMessage` is the CRM's own words (shown to people:
 * "Invalid Case Type"); `retryAfterMs` comes from the CRM's Retry-After or rate-limit headers.
 */
export class CrmError extends Error {
  readonly stage: CrmErrorStage;
  readonly status: number | null;
  readonly vendorMessage: string | null;
  readonly retryAfterMs: number | null;
  /**
   * The CRM refused the connection's own token (a revoked personal access token), not one call:
   * nothing works until someone gives a new one, so the engine marks the connection refused.
   */
  readonly tokenRefused: boolean;

  constructor(
    stage: CrmErrorStage,
    message: string,
    options: {
      status?: number | null;
      vendorMessage?: string | null;
      retryAfterMs?: number | null;
      tokenRefused?: boolean;
    } = {},
  ) {
    super(message);
    this.name = "CrmError";
    this.stage = stage;
    this.status = options.status ?? null;
    this.vendorMessage = options.vendorMessage ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.tokenRefused = options.tokenRefused ?? false;
  }

  /** Whether the same call may succeed later without anyone changing anything. */
  get retryable(): boolean {
    return this.stage === "rate_limited" || this.stage === "transient";
  }
}

/** One HTTP exchange with the CRM, as the attempt log and the "test with a sample record" show it. */
export interface CrmExchange {
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  response: { status: number; headers: Record<string, string>; body: string } | null;
  error: string | null;
  durationMs: number;
}

/** What a connector is built with. */
export interface ConnectorContext {
  /** The vendor's host root without a version path; the connector adds its own path. */
  baseUrl: string;
  /** As the provider's credential fields name them, decrypted. */
  credentials: Record<string, string>;
  /** The undici dispatcher to send with: it carries the destination guard and keep-alive pool. */
  dispatcher: Dispatcher;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Called after every HTTP exchange, credentials already redacted by the connector. */
  onExchange?: (exchange: CrmExchange) => void;
  /**
   * Called when the connector obtained new credentials (an OAuth refresh), so the caller can
   * store them encrypted. Session tokens that are re-derived from the credentials are not.
   */
  onCredentialsChanged?: (credentials: Record<string, string>) => Promise<void>;
  /** Paces the connection's requests under the CRM's rate limit (shared by everything using it). */
  pacer?: CrmPacer;
}

/** What a verified change notification is about: the CRM record to read again. */
export interface CrmNotified {
  object: CrmObject;
  id: string;
}

export interface Connector {
  readonly capabilities: CrmCapabilities;
  /** Checks the credentials against the CRM; the account's name when the CRM says it. */
  test(): Promise<{ account: string | null }>;
  loadSchema(): Promise<CrmSchema>;
  /** Records changed at or after `since` (ISO-8601), oldest first. `unsupported` without listChanges. */
  listChanged(object: CrmObject, since: string | null, cursor: string | null): Promise<CrmPage>;
  /** The record, or null when the CRM has no such record. */
  get(object: CrmObject, id: string): Promise<CrmRecord | null>;
  create(write: CrmWrite): Promise<CrmCreated>;
  update(update: CrmUpdate): Promise<CrmRecord>;
  search(query: CrmSearch): Promise<CrmRecord[]>;
  /**
   * Verifies and reads one change notification the CRM posted to us: the record it is about, or
   * null when it names no record we sync. Throws `auth` when the signature (or token) does not
   * verify. May answer a promise: checking a token can need the CRM's published keys.
   */
  readNotification?(
    headers: Record<string, string>,
    body: Buffer,
  ): CrmNotified | null | Promise<CrmNotified | null>;
  close?(): Promise<void>;
}

/** A credential a provider needs, as `GET /v1/crm/providers` describes it to forms. */
export interface CredentialField {
  name: string;
  label: string;
  /** Encrypted at rest and never shown again (masked) once saved. */
  secret: boolean;
  required: boolean;
}

/**
 * A CRM that connects through an OAuth 2.0 authorization-code flow (Clio). The engine owns the
 * routes, the signed `state` and the storage; the provider knows its authorize URL, its token
 * requests and which credentials hold the tokens.
 */
export interface CrmOAuth {
  /** The credentials that hold tokens: not required when the connection will be authorized instead. */
  readonly tokenCredentials: readonly string[];
  /** Whether these credentials name an app (client id and secret) the flow can start with. */
  canStart(credentials: Record<string, string>): boolean;
  /** Whether these credentials can be refreshed (a refresh token and the app's id and secret). */
  canRefresh(credentials: Record<string, string>): boolean;
  /** When the access token expires (epoch ms), when known. */
  expiresAt(credentials: Record<string, string>): number | null;
  authorizeUrl(options: {
    baseUrl: string;
    credentials: Record<string, string>;
    redirectUri: string;
    state: string;
  }): string;
  /** Trades a code for tokens: the credentials to merge into the connection's. Throws `auth` when refused. */
  exchangeCode(
    context: ConnectorContext,
    options: { code: string; redirectUri: string },
  ): Promise<Record<string, string>>;
  /** Refreshes the access token now; the new credentials go to `onCredentialsChanged`. */
  refresh(context: ConnectorContext): Promise<void>;
}

/** A CRM's subscription to change notifications for one object, as the engine keeps it. */
export interface CrmSubscription {
  object: CrmObject;
  id: string;
  /** ISO-8601; null when the CRM does not say. */
  expiresAt: string | null;
}

/**
 * How a CRM that posts change notifications (Clio) is subscribed: the engine calls these when a
 * connection reads from the CRM in realtime and the deployment has a public URL, and again from
 * its renewal job before the subscriptions expire.
 */
export interface CrmNotifications {
  /** The header of the CRM's activation handshake, echoed back by the hook route (`x-hook-secret`). */
  readonly handshakeHeader: string | null;
  /** The credential the subscription's signing secret is stored as. */
  readonly secretCredential: string;
  subscribe(
    context: ConnectorContext,
    options: { url: string; object: CrmObject },
  ): Promise<CrmSubscription & { secret: string | null }>;
  /** Extends a subscription before it expires (`url`: where it must keep posting). */
  renew(
    context: ConnectorContext,
    subscription: CrmSubscription,
    options: { url: string },
  ): Promise<CrmSubscription>;
  needsRenewal(subscription: CrmSubscription, now: number): boolean;
}

/** One CRM product: what `GET /v1/crm/providers` lists, and how to build its connector. */
export interface CrmProvider {
  /** `lawruler`, `smartadvocate`, `clio`, `filevine`. */
  readonly name: string;
  readonly label: string;
  readonly credentials: CredentialField[];
  /** Whether a connection must name its base URL (a per-firm host) or may use the default. */
  readonly baseUrl: { required: boolean; default: string | null };
  readonly capabilities: CrmCapabilities;
  /** Present when the CRM connects through OAuth (`POST …/oauth/start`). */
  readonly oauth?: CrmOAuth;
  /** Present when the CRM can be subscribed to change notifications. */
  readonly notifications?: CrmNotifications;
  connect(context: ConnectorContext): Connector;
}
