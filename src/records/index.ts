import type { EventIngest } from "../events/ingest.js";
import type { Store } from "../store/index.js";
import { Cases } from "./cases.js";
import { Clients } from "./clients.js";
import { ClientMerges } from "./merges.js";
import type { TenantSettings } from "./settings.js";
import { Timelines } from "./timeline.js";
import { RecordWriter } from "./writer.js";

export { Cases } from "./cases.js";
export { Clients } from "./clients.js";
export { ClientMerges } from "./merges.js";
export { TenantSettings } from "./settings.js";
export { Timelines } from "./timeline.js";

/** The firm's records as every writer (API, imports, intake, CRM sync, enrichment) changes them. */
export interface Records {
  clients: Clients;
  cases: Cases;
  /** The tenant's vocabularies and records settings, which every write above follows. */
  settings: TenantSettings;
  /** Duplicate clients found and merged. */
  merges: ClientMerges;
  /** Each record's changes and the events that reference it. */
  timelines: Timelines;
}

export function createRecords(store: Store, ingest: EventIngest, settings: TenantSettings): Records {
  const writer = new RecordWriter(ingest);
  return {
    clients: new Clients(store, writer, settings),
    cases: new Cases(store, writer, settings),
    settings,
    merges: new ClientMerges(store, writer),
    timelines: new Timelines(store),
  };
}
