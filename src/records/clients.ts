import type { CountryCode } from "libphonenumber-js";
import { generateId } from "../domain/ids.js";
import {
  applyClientInput,
  type ClientCreate,
  type ClientFields,
  type ClientPatch,
  EMPTY_CLIENT,
} from "../domain/records/client.js";
import { applyCustomFields } from "../domain/records/custom-fields.js";
import { clientEvents, type RecordEvent } from "../domain/records/events.js";
import type { ClientRecord, Store } from "../store/index.js";
import type { RecordRules, TenantSettings } from "./settings.js";
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
    private readonly settings: TenantSettings,
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

  /** Where national numbers are read: the tenant's `default_region` (US unless set). */
  region(tenantId: string): Promise<CountryCode> {
    return this.settings.region(tenantId);
  }

  /** The tenant's rules for client writes, for callers that prepare many (an import chunk). */
  rules(tenantId: string): Promise<RecordRules> {
    return this.settings.rules(tenantId);
  }

  /**
   * `enforceRequired: false` is for clients made without a person (intake from a call): they
   * cannot know the firm's required custom fields.
   */
  async create(
    tenantId: string,
    input: ClientCreate,
    changeSource: string,
    path = "/body",
    options: { enforceRequired: boolean } = { enforceRequired: true },
  ): Promise<ClientRecord> {
    const rules = await this.rules(tenantId);
    const { record, events } = this.prepareCreate(
      tenantId,
      input,
      changeSource,
      path,
      Date.now(),
      rules,
      options,
    );
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
    rules: RecordRules,
    options: { enforceRequired: boolean } = { enforceRequired: true },
  ): { record: ClientRecord; events: RecordEvent[] } {
    const fields = this.fieldsOf(rules, EMPTY_CLIENT, input, true, path, options.enforceRequired);
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
    rules: RecordRules,
  ): { record: ClientRecord; events: RecordEvent[] } | null {
    const fields = this.fieldsOf(rules, current, patch, false, path, true);
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
  async update(
    tenantId: string,
    id: string,
    ifMatch: number | undefined,
    patch: ClientPatch,
    changeSource: string,
    path = "/body",
  ): Promise<ClientRecord> {
    const rules = await this.rules(tenantId);
    return this.writer.update(this.kind, tenantId, id, ifMatch, changeSource, (current) =>
      this.fieldsOf(rules, current, patch, false, path, true),
    );
  }

  /** The body applied to `current`, custom fields checked against the tenant's definitions when sent. */
  private fieldsOf(
    rules: RecordRules,
    current: ClientFields,
    input: ClientPatch,
    creating: boolean,
    path: string,
    enforceRequired: boolean,
  ): ClientFields {
    const fields = applyClientInput(current, input, rules.region, path);
    // A patch without custom_fields leaves them as stored, even if definitions changed since.
    if (!creating && input.custom_fields === undefined) return fields;
    const custom_fields = applyCustomFields(
      rules.settings.custom_fields.clients,
      fields.custom_fields,
      { region: rules.region, enforceRequired },
      `${path}/custom_fields`,
    );
    return { ...fields, custom_fields };
  }

  delete(tenantId: string, id: string, changeSource: string): Promise<void> {
    return this.writer.delete(this.kind, tenantId, id, changeSource);
  }
}
