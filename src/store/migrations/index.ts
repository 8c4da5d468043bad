import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001_initial.js";

/** Append-only: a migration that has landed is never edited; a schema change is a new file. */
const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
