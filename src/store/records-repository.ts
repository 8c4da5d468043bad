import type { CaseFields } from "../domain/records/case.js";
import type { ClientFields } from "../domain/records/client.js";
import type { MatchKind } from "../domain/records/merge.js";
import type {
  DeliveryRecord,
  EventRecord,
  IngestClaim,
  IngestResult,
  ListOptions,
  NewEvent,
  Page,
} from "./store.js";

/** The firm's records as the store keeps them: clients, cases, their settings, merges and timelines. */

/** A record as stored: its fields, its tenant, its version and times (ms). */
export type StoredRecord<T> = T & {
  id: string;
  tenant_id: string;
  version: number;
  created_at: number;
  updated_at: number;
};
export type ClientRecord = StoredRecord<ClientFields>;
export type CaseRecord = StoredRecord<CaseFields>;

/** The events a record change causes, written with it in its transaction (the outbox). */
export interface RecordOutbox {
  events: NewEvent[];
  claimFor: IngestClaim | null;
}

/**
 * Writes to records are compare-and-swap on `version`: the caller read the record, computed
 * the new one and its events, and the write lands only if nobody wrote in between (null
 * otherwise, also when the record is gone). Each write stores the record and its events in one
 * transaction, so a change is never saved without its event or the other way round.
 */
export interface RecordRepository<T, Filter> {
  create(record: T, outbox: RecordOutbox): Promise<IngestResult[]>;
  /** Undeleted records only. */
  get(tenantId: string, id: string): Promise<T | null>;
  /** Newest first. */
  list(tenantId: string, options: ListOptions & Filter): Promise<Page<T>>;
  update(record: T, expectedVersion: number, outbox: RecordOutbox): Promise<IngestResult[] | null>;
  /** Soft delete; bumps the version like any write. */
  delete(
    tenantId: string,
    id: string,
    expectedVersion: number,
    now: number,
    outbox: RecordOutbox,
  ): Promise<IngestResult[] | null>;
}

export interface ClientFilter {
  /** E.164. */
  phone?: string;
  /** Lower-cased. */
  email?: string;
  /** Part of the name, any case. */
  q?: string;
  updatedSince?: number;
}

export interface CaseFilter {
  clientId?: string;
  status?: string;
  caseType?: string;
  updatedSince?: number;
}

export type ClientRepository = RecordRepository<ClientRecord, ClientFilter>;
/** How many of a tenant's cases have one case type and status. */
export interface CaseUsage {
  case_type: string | null;
  status: string;
  count: number;
}

export interface CaseRepository extends RecordRepository<CaseRecord, CaseFilter> {
  /** Undeleted cases counted by (case type, status): what a vocabulary change would strand. */
  countByTypeAndStatus(tenantId: string): Promise<CaseUsage[]>;
  /** The oldest undeleted case opened by this call, if any. */
  findByCallId(tenantId: string, callId: string): Promise<CaseRecord | null>;
}

/** A tenant's settings document as stored; `version` 0 means nothing is stored yet. */
export interface StoredTenantSettings {
  document: unknown;
  version: number;
}

/** One settings document per tenant (vocabularies, custom fields, records settings). */
export interface TenantSettingsRepository {
  /** The stored document, or `{document: null, version: 0}` when the tenant never saved any. */
  get(tenantId: string): Promise<StoredTenantSettings>;
  /**
   * Stores `document` as version `expectedVersion + 1` only if the stored version is still
   * `expectedVersion` (0: none stored); false when another write got there first.
   */
  put(tenantId: string, document: unknown, expectedVersion: number, now: number): Promise<boolean>;
}

/** Another client of the tenant that shares a phone number or an email with the one asked about. */
export interface ClientDuplicate {
  client: ClientRecord;
  matched_on: MatchKind[];
}

/**
 * One merge as the store writes it, every part compare-and-swap on the version the caller read:
 * the target as it becomes, the sources to delete, and the sources' cases moved to the target.
 */
export interface ClientMergeWrite {
  target: ClientRecord;
  expectedVersion: number;
  sources: Array<{ id: string; version: number }>;
  cases: Array<{ record: CaseRecord; expectedVersion: number }>;
}

/** Duplicate clients: finding them by shared contacts, and merging them into one. */
export interface ClientMergeRepository {
  /** Up to `limit` other undeleted clients sharing a phone or email with `client`, newest first. */
  duplicates(
    tenantId: string,
    client: Pick<ClientRecord, "id" | "phones" | "emails">,
    limit: number,
  ): Promise<ClientDuplicate[]>;
  /**
   * Writes the merge and its events in one transaction; null (and nothing written) when any
   * record moved past the version read, or a source gained a case that is not being moved.
   */
  merge(write: ClientMergeWrite, outbox: RecordOutbox): Promise<IngestResult[] | null>;
}

/**
 * Events linked to a record (src/domain/records/event-links.ts), newest first by id, and their
 * deliveries: what a client's or case's timeline shows.
 */
export interface TimelineRepository {
  /** Events naming the client, or whose counterpart phone is one of `phones`. */
  forClient(
    tenantId: string,
    link: { clientId: string; phones: string[] },
    options: ListOptions,
  ): Promise<Page<EventRecord>>;
  forCase(tenantId: string, caseId: string, options: ListOptions): Promise<Page<EventRecord>>;
  deliveriesOf(tenantId: string, eventIds: string[]): Promise<DeliveryRecord[]>;
}
