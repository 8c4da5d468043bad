import type { CountryCode } from "libphonenumber-js";
import { generateId } from "../domain/ids.js";
import {
  applyClientInput,
  type ClientCreate,
  type ClientFields,
  type ClientPatch,
  EMPTY_CLIENT,
} from "../domain/records/client.js";
import { clientEvents, type RecordEvent } from "../domain/records/events.js";
import { phoneRegion } from "../domain/records/phone.js";
import type { ClientRecord, Store } from "../store/index.js";
import type { RecordKind, RecordWriter } from "./writer.js";

/**
 * Writes clients with their events, whoever asks: the API, an import, intake from calls, a CRM
 * pull or enrichment. `changeSource` names that writer on every event (`api`, `import`, …).
 */
export class Clients {
  readonly kind: RecordKind<ClientFields>;

  constructor(
    private readonly store: Store,
    private readonly writer: RecordWriter,
  ) {
    this.kind = {
      name: "client",
      get: (tenantId, id) => store.clients.get(tenantId, id),
      update: (record, expected, outbox) => store.clients.update(record, expected, outbox),
      delete: (tenantId, id, expected, now, outbox) =>
        store.clients.delete(tenantId, id, expected, now, outbox),
      events: clientEvents,
    };
  }

  /** Where national numbers are read: tenants have no country yet, so the US. */
  region(_tenantId: string): CountryCode {
    return phoneRegion(undefined);
  }

  async create(
    tenantId: string,
    input: ClientCreate,
    changeSource: string,
    path = "/body",
  ): Promise<ClientRecord> {
    const { record, events } = this.prepareCreate(tenantId, input, changeSource, path, Date.now());
    await this.writer.withEvents(tenantId, events, record.created_at, (outbox) =>
      this.store.clients.create(record, outbox),
    );
    return record;
  }

  /**
   * A new client and its events, validated but not written: an import writes a chunk of them in
   * one transaction with its progress.
   */
  prepareCreate(
    tenantId: string,
    input: ClientCreate,
    changeSource: string,
    path: string,
    now: number,
  ): { record: ClientRecord; events: RecordEvent[] } {
    const fields = applyClientInput(EMPTY_CLIENT, input, this.region(tenantId), path);
    const record: ClientRecord = {
      id: generateId("cli_"),
      tenant_id: tenantId,
      ...fields,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    const events = clientEvents({
      id: record.id,
      before: null,
      after: fields,
      version: 1,
      at: now,
      changeSource,
    });
    return { record, events };
  }

  /** `current` after `patch` and its events, not written; null when the patch changes nothing. */
  prepareUpdate(
    current: ClientRecord,
    patch: ClientPatch,
    changeSource: string,
    path: string,
    now: number,
  ): { record: ClientRecord; events: RecordEvent[] } | null {
    const fields = applyClientInput(current, patch, this.region(current.tenant_id), path);
    const record: ClientRecord = { ...current, ...fields, version: current.version + 1, updated_at: now };
    const events = clientEvents({
      id: current.id,
      before: current,
      after: record,
      version: record.version,
      at: now,
      changeSource,
    });
    return events.length === 0 ? null : { record, events };
  }

  /** Applies `patch`; `ifMatch` is the version the caller read (412 when it moved on). */
  update(
    tenantId: string,
    id: string,
    ifMatch: number | undefined,
    patch: ClientPatch,
    changeSource: string,
    path = "/body",
  ): Promise<ClientRecord> {
    return this.writer.update(this.kind, tenantId, id, ifMatch, changeSource, (current) =>
      applyClientInput(current, patch, this.region(tenantId), path),
    );
  }

  delete(tenantId: string, id: string, changeSource: string): Promise<void> {
    return this.writer.delete(this.kind, tenantId, id, changeSource);
  }
}
