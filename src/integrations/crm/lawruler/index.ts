import {
  type Connector,
  type ConnectorContext,
  type CrmCapabilities,
  type CrmCreated,
  CrmError,
  type CrmObject,
  type CrmPage,
  type CrmProvider,
  type CrmRecord,
  type CrmSchema,
  type CrmSearch,
  type CrmUpdate,
  type CrmWrite,
} from "../connector.js";
import { LawRulerClient } from "./client.js";
import { ANSWER_FIELDS, EXTERNAL_ID_FIELD } from "./guesses.js";
import { leadToRecord, toSchema, writeToForm } from "./map.js";

/**
 * LawRuler: a lead is the one record kind and carries its contact's fields, so only `case` is an
 * object. LawRuler has no feed of changed leads: the engine polls linked leads with `get`.
 */
const capabilities: CrmCapabilities = {
  objects: ["case"],
  push: true,
  listChanges: false,
  changeNotifications: false,
  conditionalUpdate: false,
  rateLimitPerSecond: null,
};

function onlyCases(object: CrmObject): void {
  if (object !== "case") {
    throw new CrmError(
      "unsupported",
      `LawRuler keeps no ${object} records: a lead carries its contact's fields`,
    );
  }
}

class LawRulerConnector implements Connector {
  readonly capabilities = capabilities;
  private readonly client: LawRulerClient;

  constructor(context: ConnectorContext) {
    this.client = new LawRulerClient(context);
  }

  async test(): Promise<{ account: string | null }> {
    // The cheapest call that needs a valid key; LawRuler names no account in its answers.
    await this.client.caseTypes();
    return { account: null };
  }

  async loadSchema(): Promise<CrmSchema> {
    const [caseTypes, statuses, customFields] = await Promise.all([
      this.client.caseTypes(),
      this.client.statuses(),
      this.client.customFields(),
    ]);
    return toSchema(caseTypes, statuses, customFields);
  }

  async listChanged(): Promise<CrmPage> {
    throw new CrmError("unsupported", "LawRuler has no feed of changed leads; poll linked leads with get");
  }

  async get(object: CrmObject, id: string): Promise<CrmRecord | null> {
    onlyCases(object);
    try {
      const lead = await this.client.getLead(id);
      return lead && typeof lead === "object" ? leadToRecord(lead as Record<string, unknown>) : null;
    } catch (error) {
      if (error instanceof CrmError && error.stage === "not_found") return null;
      throw error;
    }
  }

  async create(write: CrmWrite): Promise<CrmCreated> {
    onlyCases(write.object);
    const answer = (await this.client.createLead(writeToForm(write, "create"))) as Record<string, unknown>;
    const id = answer?.[ANSWER_FIELDS.leadId];
    if (id === undefined || id === null) {
      throw new CrmError("transient", "LawRuler answered the create without a lead id");
    }
    return { record: await this.read(String(id)), existing: false };
  }

  async update(update: CrmUpdate): Promise<CrmRecord> {
    onlyCases(update.object);
    await this.client.updateLead(update.id, writeToForm(update, "update"));
    return this.read(update.id);
  }

  async search(query: CrmSearch): Promise<CrmRecord[]> {
    onlyCases(query.object);
    const criteria: Record<string, string> = {};
    if (query.externalId) criteria[EXTERNAL_ID_FIELD] = query.externalId;
    if (query.phone) criteria.CellPhone = query.phone;
    if (query.email) criteria.Email1 = query.email;
    if (Object.keys(criteria).length === 0) return [];
    const answer = (await this.client.search(criteria)) as Record<string, unknown>;
    const leads = answer?.[ANSWER_FIELDS.leads];
    return Array.isArray(leads) ? leads.map((lead) => leadToRecord(lead as Record<string, unknown>)) : [];
  }

  /** The lead as it is now; a lead that vanished right after our write is LawRuler's fault. */
  private async read(id: string): Promise<CrmRecord> {
    const record = await this.get("case", id);
    if (!record) throw new CrmError("transient", `LawRuler lost lead ${id} right after writing it`);
    return record;
  }
}

export const lawRulerProvider: CrmProvider = {
  name: "lawruler",
  label: "LawRuler",
  credentials: [{ name: "api_key", label: "API security key", secret: true, required: true }],
  // Every firm has its own portal host (https://<firm>.lawruler.com).
  baseUrl: { required: true, default: null },
  capabilities,
  connect: (context) => new LawRulerConnector(context),
};
