import type { Store } from "../../../store/index.js";
import { type Connector, CrmError, type CrmSchema } from "../connector.js";
import type { LoadedConnection } from "./connections.js";

/**
 * The connection's CRM schema: the one loaded before, or loaded now (and saved) when there is
 * none yet. A load that fails is saved as the connection's `schema_error` (the CRM's answer) and
 * thrown on.
 */
export async function schemaOf(
  store: Store,
  loaded: LoadedConnection,
  connector: Connector,
): Promise<CrmSchema> {
  if (loaded.connection.schema) return loaded.connection.schema;
  return loadSchema(store, loaded, connector);
}

export async function loadSchema(
  store: Store,
  loaded: LoadedConnection,
  connector: Connector,
): Promise<CrmSchema> {
  const now = Date.now();
  try {
    const schema = await connector.loadSchema();
    const updated = await store.crm.update(
      loaded.connection.id,
      { schema, schema_loaded_at: now, schema_error: null },
      now,
    );
    if (updated) loaded.connection = updated;
    return schema;
  } catch (error) {
    await store.crm.update(loaded.connection.id, { schema_error: describeCrmError(error) }, now);
    throw error;
  }
}

/** A connector failure in people's words: the stage and the CRM's own message when it gave one. */
export function describeCrmError(error: unknown): string {
  if (error instanceof CrmError) {
    return error.vendorMessage
      ? `${error.stage}: ${error.vendorMessage}`
      : `${error.stage}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
