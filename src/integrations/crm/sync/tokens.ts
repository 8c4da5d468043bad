import type { JobKind } from "../../../jobs/kinds.js";
import type { JobRepository } from "../../../store/index.js";
import { CrmError } from "../connector.js";
import type { LoadedConnection } from "./connections.js";
import type { CrmSync } from "./index.js";

/** The recurring system job that refreshes OAuth access tokens before they expire. */
export const CRM_TOKEN_REFRESH_KIND = "crm_token_refresh";

/** Tokens expiring within this are refreshed now (the job runs every few minutes). */
export const REFRESH_WITHIN_MS = 10 * 60_000;

/** Whether a token expiring at `expiresAt` (epoch ms, null when unknown) is due for refresh. Pure. */
export function tokenDue(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt - REFRESH_WITHIN_MS <= now;
}

/** One per deployment (its unique key); an unfinished one is kept as it is. */
export async function scheduleTokenRefresh(jobs: JobRepository, everyMs: number, now: number): Promise<void> {
  await jobs.enqueue(
    {
      tenant_id: null,
      kind: CRM_TOKEN_REFRESH_KIND,
      payload: {},
      run_at: now,
      max_attempts: 3,
      unique_key: CRM_TOKEN_REFRESH_KIND,
      schedule: { every_ms: everyMs },
    },
    now,
  );
}

export interface TokenRefreshSummary {
  checked: number;
  refreshed: number;
  refused: number;
}

/**
 * Refreshes every OAuth connection whose access token expires within {@link REFRESH_WITHIN_MS}.
 * The connector's `onCredentialsChanged` stores the new tokens (compare-and-swap). A refusal (a
 * revoked refresh token) marks the connection refused — `failing` with the CRM's words in
 * `GET …/status` — and emits `crm.sync_failed` once; a transient failure waits for the next run.
 */
export async function refreshDueTokens(sync: CrmSync, now: number): Promise<TokenRefreshSummary> {
  const summary: TokenRefreshSummary = { checked: 0, refreshed: 0, refused: 0 };
  for (const target of await sync.store.targets.listOfKind("crm")) {
    const connection = await sync.store.crm.getById(target.id);
    if (!connection) continue;
    let loaded: LoadedConnection;
    try {
      loaded = sync.connectors.loaded(target, connection);
    } catch {
      continue;
    }
    const { oauth } = loaded.provider;
    const credentials = loaded.config.credentials;
    // A refused connection waits for a person to reconnect it: asking again changes nothing.
    if (!oauth || loaded.config.oauth?.status === "refused" || !oauth.canRefresh(credentials)) continue;
    summary.checked += 1;
    if (!tokenDue(oauth.expiresAt(credentials), now)) continue;
    try {
      await oauth.refresh(sync.connectors.context(loaded));
      summary.refreshed += 1;
    } catch (error) {
      if (!(error instanceof CrmError) || error.stage !== "auth") continue;
      summary.refused += 1;
      await markRefused(sync, loaded, error);
    }
  }
  return summary;
}

/**
 * The CRM refused the connection's token: `failing` with the CRM's words in `GET …/status` until
 * someone reconnects it (or, for a token given directly, changes its credentials); crm.sync_failed once.
 */
export async function markRefused(sync: CrmSync, loaded: LoadedConnection, error: CrmError): Promise<void> {
  const { connection } = loaded;
  const now = Date.now();
  // The connector's words already say to reconnect and quote the CRM.
  const message = error.message;
  const saved = await sync.connectors.saveCredentials(
    connection.tenant_id,
    connection.id,
    {},
    {
      status: "refused",
      message,
      at: now,
    },
  );
  if (!saved) return;
  await sync.emit(connection.tenant_id, "crm.sync_failed", {
    connection_id: connection.id,
    provider: connection.provider,
    consecutive_failures: connection.consecutive_failures,
    error: message,
  });
}

export function crmTokenRefreshKind(sync: CrmSync): JobKind {
  return {
    async run() {
      await refreshDueTokens(sync, Date.now());
      return undefined;
    },
  };
}
