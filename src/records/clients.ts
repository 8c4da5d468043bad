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
import { clientEvents } from "../domain/records/events.js";
import type { ClientRecord, Store } from "../store/index.js";
import type { TenantSettings } from "./settings.js";
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
    const fields = await this.fieldsOf(tenantId, EMPTY_CLIENT, input, true, path, options.enforceRequired);
    const now = Date.now();
    const client: ClientRecord = {
      id: generateId("cli_"),
      tenant_id: tenantId,
      ...fields,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    const events = clientEvents({
      id: client.id,
      before: null,
      after: fields,
      version: 1,
      at: now,
      changeSource,
    });
    await this.writer.withEvents(tenantId, events, now, (outbox) =>
      this.store.clients.create(client, outbox),
    );
    return client;
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
      this.fieldsOf(tenantId, current, patch, false, path, true),
    );
  }

  /** The body applied to `current`, custom fields checked against the tenant's definitions when sent. */
  private async fieldsOf(
    tenantId: string,
    current: ClientFields,
    input: ClientPatch,
    creating: boolean,
    path: string,
    enforceRequired: boolean,
  ): Promise<ClientFields> {
    const settings = await this.settings.get(tenantId);
    const region = await this.settings.region(tenantId);
    const fields = applyClientInput(current, input, region, path);
    // A patch without custom_fields leaves them as stored, even if definitions changed since.
    if (!creating && input.custom_fields === undefined) return fields;
    const custom_fields = applyCustomFields(
      settings.custom_fields.clients,
      fields.custom_fields,
      { region, enforceRequired },
      `${path}/custom_fields`,
    );
    return { ...fields, custom_fields };
  }

  delete(tenantId: string, id: string, changeSource: string): Promise<void> {
    return this.writer.delete(this.kind, tenantId, id, changeSource);
  }
}
