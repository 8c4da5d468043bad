import type { Config } from "../config.js";
import { openPostgresStore } from "./postgres/index.js";
import { openSqliteStore } from "./sqlite/index.js";
import type { Store } from "./store.js";

export type * from "./crm/repository.js";
export type * from "./enrichment/repository.js";
export type * from "./imports/repository.js";
export type * from "./jobs/repository.js";
export type * from "./queue/repository.js";
export type * from "./records-repository.js";
export type * from "./scheduling/repository.js";
export type * from "./stats/repository.js";
export type * from "./store.js";

/** PostgreSQL when a database URL is configured, the embedded SQLite file otherwise. */
export async function openStore(
  config: Pick<Config, "databaseUrl" | "dataDir" | "pgPoolSize">,
): Promise<Store> {
  return config.databaseUrl
    ? openPostgresStore(config.databaseUrl, config.pgPoolSize)
    : openSqliteStore(config.dataDir);
}
export { DATA_JSON } from "./rows.js";
