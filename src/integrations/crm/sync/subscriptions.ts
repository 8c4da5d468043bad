import { readsFromCrm } from "../../../domain/crm/settings.js";
import type { JobKind } from "../../../jobs/kinds.js";
import type { CrmConnectionRecord, JobRepository } from "../../../store/index.js";
import type { CrmSubscription } from "../connector.js";
import type { LoadedConnection } from "./connections.js";
import type { CrmSync } from "./index.js";

/** The recurring system job that subscribes realtime connections and renews their subscriptions. */
export const CRM_WEBHOOK_RENEWAL_KIND = "crm_webhook_renewal";

/** The hook route a CRM posts its notifications to. */
export function hookUrl(publicUrl: string, connectionId: string): string {
  return `${publicUrl}/v1/crm/hooks/${encodeURIComponent(connectionId)}`;
}

/**
 * Whether a connection should hold subscriptions: it reads from the CRM in realtime. Without a
 * public URL the CRM could not reach us, so nothing is subscribed and the 30 s polling does the work.
 */
export function wantsSubscriptions(connection: Pick<CrmConnectionRecord, "settings">): boolean {
  return readsFromCrm(connection.settings) && connection.settings.frequency === "realtime";
}

export async function scheduleWebhookRenewal(
  jobs: JobRepository,
  everyMs: number,
  now: number,
): Promise<void> {
  await jobs.enqueue(
    {
      tenant_id: null,
      kind: CRM_WEBHOOK_RENEWAL_KIND,
      payload: {},
      run_at: now,
      max_attempts: 3,
      unique_key: CRM_WEBHOOK_RENEWAL_KIND,
      schedule: { every_ms: everyMs },
    },
    now,
  );
}

/**
 * One subscribing pass per connection at a time in this process: two passes reading the same
 * config would both subscribe, and the second secret stored would not verify the first webhook's
 * notifications. (Several API nodes can still race on a brand-new connection; the renewal job
 * keeps the stored webhook, and the other one expires unrenewed.)
 */
const passes = new Map<string, Promise<unknown>>();

async function oneAtATime<T>(connectionId: string, work: () => Promise<T>): Promise<T> {
  const before = passes.get(connectionId) ?? Promise.resolve();
  const mine = before.then(work, work);
  const tail = mine.catch(() => undefined);
  passes.set(connectionId, tail);
  try {
    return await mine;
  } finally {
    if (passes.get(connectionId) === tail) passes.delete(connectionId);
  }
}

/**
 * Subscribes each of the CRM's objects that has no subscription yet, and renews those due; the
 * subscription's signing secret is stored (encrypted) as the provider's secret credential and
 * the subscriptions in the connection's config. Polling goes on beside them: a missed
 * notification is still pulled. Returns the subscriptions held afterwards.
 */
export async function ensureSubscriptions(
  sync: CrmSync,
  given: LoadedConnection,
  publicUrl: string | null,
  now: number,
): Promise<CrmSubscription[]> {
  return oneAtATime(given.connection.id, async () => {
    // Read again inside the pass: the one before may have just subscribed.
    const loaded = await sync.connectors.load(given.connection.tenant_id, given.connection.id);
    return loaded ? subscribe(sync, loaded, publicUrl, now) : [];
  });
}

async function subscribe(
  sync: CrmSync,
  loaded: LoadedConnection,
  publicUrl: string | null,
  now: number,
): Promise<CrmSubscription[]> {
  const { notifications } = loaded.provider;
  const held = loaded.config.subscriptions ?? [];
  if (!notifications || !publicUrl || !wantsSubscriptions(loaded.connection)) return held;
  const context = sync.connectors.context(loaded);
  const next: CrmSubscription[] = [];
  const secrets: Record<string, string> = {};
  for (const object of loaded.provider.capabilities.objects) {
    const existing = held.find((s) => s.object === object);
    if (!existing) {
      const created = await notifications.subscribe(context, {
        url: hookUrl(publicUrl, loaded.connection.id),
        object,
      });
      if (created.secret) secrets[notifications.secretCredential] = created.secret;
      next.push({ object, id: created.id, expiresAt: created.expiresAt });
    } else if (notifications.needsRenewal(existing, now)) {
      next.push(
        await notifications.renew(context, existing, { url: hookUrl(publicUrl, loaded.connection.id) }),
      );
    } else next.push(existing);
  }
  await sync.connectors.updateConfig(loaded.connection.tenant_id, loaded.connection.id, (current) => ({
    ...current,
    credentials: { ...current.credentials, ...secrets },
    subscriptions: next,
  }));
  return next;
}

/**
 * {@link ensureSubscriptions} right after a connection is created, changed or authorized, so its
 * notifications start without waiting for the renewal job; a refusal is left to that job's retry
 * (the change itself stands, and polling covers the gap).
 */
export async function subscribeNow(
  sync: CrmSync,
  tenantId: string,
  connectionId: string,
  publicUrl: string | null,
): Promise<void> {
  if (!publicUrl) return;
  const loaded = await sync.connectors.load(tenantId, connectionId);
  if (!loaded?.provider.notifications || !wantsSubscriptions(loaded.connection)) return;
  try {
    await ensureSubscriptions(sync, loaded, publicUrl, Date.now());
  } catch {
    // The renewal job tries again.
  }
}

/** `crm_webhook_renewal`: every connection that wants subscriptions gets them, renewed in time. */
export function crmWebhookRenewalKind(sync: CrmSync, publicUrl: string | null): JobKind {
  return {
    async run() {
      if (!publicUrl) return undefined;
      for (const target of await sync.store.targets.listOfKind("crm")) {
        const connection = await sync.store.crm.getById(target.id);
        if (!connection || !wantsSubscriptions(connection)) continue;
        try {
          await ensureSubscriptions(sync, sync.connectors.loaded(target, connection), publicUrl, Date.now());
        } catch {
          // One CRM refusing (a revoked token, an outage) must not stop the others; the next run retries.
        }
      }
      return undefined;
    },
  };
}
