import { invalid } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import {
  applyCaseInput,
  type CaseCreate,
  type CaseFields,
  type CasePatch,
  emptyCase,
} from "../domain/records/case.js";
import { applyCustomFields } from "../domain/records/custom-fields.js";
import { caseEvents, type RecordEvent } from "../domain/records/events.js";
import { applyCaseVocabulary } from "../domain/records/vocabulary.js";
import type { CaseRecord, Store } from "../store/index.js";
import type { RecordRules, TenantSettings } from "./settings.js";
import type { RecordKind, RecordWriter } from "./writer.js";

/** Writes cases with their events, whoever asks (see {@link Clients}). */
export class Cases {
  readonly kind: RecordKind<CaseFields>;

  constructor(
    private readonly store: Store,
    private readonly writer: RecordWriter,
    private readonly settings: TenantSettings,
  ) {
    this.kind = {
      name: "case",
      get: (tenantId, id) => store.cases.get(tenantId, id),
      update: (record, expected, outbox) => store.cases.update(record, expected, outbox),
      delete: (tenantId, id, expected, now, outbox) =>
        store.cases.delete(tenantId, id, expected, now, outbox),
      events: caseEvents,
    };
  }

  /** The tenant's rules for case writes, for callers that prepare many (an import chunk). */
  rules(tenantId: string): Promise<RecordRules> {
    return this.settings.rules(tenantId);
  }

  /** `enforceRequired: false` is for cases made without a person (intake from a call). */
  async create(
    tenantId: string,
    input: CaseCreate,
    changeSource: string,
    path = "/body",
    options: { enforceRequired: boolean } = { enforceRequired: true },
  ): Promise<CaseRecord> {
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
    await this.requireClient(tenantId, record.client_id, path);
    await this.writer.withEvents(tenantId, events, record.created_at, (outbox) =>
      this.store.cases.create(record, outbox),
    );
    return record;
  }

  /**
   * A new case and its events, validated but not written (the caller has found its client): an
   * import writes a chunk of them in one transaction with its progress.
   */
  prepareCreate(
    tenantId: string,
    input: CaseCreate,
    changeSource: string,
    path: string,
    now: number,
    rules: RecordRules,
    options: { enforceRequired: boolean } = { enforceRequired: true },
  ): { record: CaseRecord; events: RecordEvent[] } {
    const fields = this.fieldsOf(rules, emptyCase(input.client_id), input, true, path, options);
    const record: CaseRecord = {
      id: generateId("cas_"),
      tenant_id: tenantId,
      ...fields,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    const events = caseEvents({
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
    current: CaseRecord,
    patch: CasePatch,
    changeSource: string,
    path: string,
    now: number,
    rules: RecordRules,
  ): { record: CaseRecord; events: RecordEvent[] } | null {
    const fields = this.fieldsOf(rules, current, patch, false, path, { enforceRequired: true });
    const record: CaseRecord = { ...current, ...fields, version: current.version + 1, updated_at: now };
    const events = caseEvents({
      id: current.id,
      before: current,
      after: record,
      version: record.version,
      at: now,
      changeSource,
    });
    return events.length === 0 ? null : { record, events };
  }

  async update(
    tenantId: string,
    id: string,
    ifMatch: number | undefined,
    patch: CasePatch,
    changeSource: string,
    path = "/body",
  ): Promise<CaseRecord> {
    const rules = await this.rules(tenantId);
    return this.writer.update(this.kind, tenantId, id, ifMatch, changeSource, async (current) => {
      const next = this.fieldsOf(rules, current, patch, false, path, { enforceRequired: true });
      if (next.client_id !== current.client_id) await this.requireClient(tenantId, next.client_id, path);
      return next;
    });
  }

  delete(tenantId: string, id: string, changeSource: string): Promise<void> {
    return this.writer.delete(this.kind, tenantId, id, changeSource);
  }

  /**
   * The body applied to `current`: type, status and substatus checked against the tenant's case
   * types, custom fields (when sent, always on create) against its definitions.
   */
  private fieldsOf(
    rules: RecordRules,
    current: CaseFields,
    input: CasePatch,
    creating: boolean,
    path: string,
    options: { enforceRequired: boolean },
  ): CaseFields {
    const fields = applyCaseVocabulary(
      rules.settings.case_types,
      applyCaseInput(current, input, path),
      { creating, input },
      path,
    );
    if (!creating && input.custom_fields === undefined) return fields;
    const custom_fields = applyCustomFields(
      rules.settings.custom_fields.cases,
      fields.custom_fields,
      { region: rules.region, enforceRequired: options.enforceRequired },
      `${path}/custom_fields`,
    );
    return { ...fields, custom_fields };
  }

  /** A case belongs to one of the tenant's clients: another tenant's client id is as unknown as a made-up one. */
  private async requireClient(tenantId: string, clientId: string, path: string): Promise<void> {
    if (!(await this.store.clients.get(tenantId, clientId))) {
      throw invalid(`${path}/client_id`, `client ${clientId} not found`);
    }
  }
}
