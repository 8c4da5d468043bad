import type { ConflictPolicy } from "./settings.js";

/**
 * The sync engine's decisions, pure: does a record change go to a connection, should a push
 * happen, what an inbound CRM change does (apply, drop as an echo, or a conflict settled by the
 * connection's policy).
 */

/** The change source a CRM connection's own writes carry (`crm:<connection id>`). */
export function crmChangeSource(connectionId: string): string {
  return `crm:${connectionId}`;
}

/**
 * Whether an event would go back to the connection it came from: a record change written by a
 * CRM pull names that connection as its `change_source`, and is never routed to it (no echo;
 * decided at routing so no delivery row exists at all). Other connections still get it.
 */
export function isEchoToTarget(
  target: { kind: string; id: string },
  data: Record<string, unknown> | null,
): boolean {
  return target.kind === "crm" && data !== null && data.change_source === crmChangeSource(target.id);
}

/** The last synced state of a linked pair, as the link table keeps it. */
export interface LinkState {
  platform_hash: string | null;
  crm_hash: string | null;
  synced_at: number;
}

/**
 * Whether a platform record's current mapped content must be pushed: always when not linked
 * yet; otherwise only when its hash moved since the last sync (an edit of unmapped fields, or
 * the write a pull itself made, pushes nothing).
 */
export function shouldPush(link: LinkState | null, platformHash: string): boolean {
  return link === null || link.platform_hash !== platformHash;
}

export type InboundAction =
  /** The CRM record's mapped content is what we last saw or wrote: nothing to do (our echo). */
  | { action: "unchanged" }
  /** Write the CRM's values to the platform. */
  | { action: "apply"; conflict: boolean }
  /** Keep the platform's values and push them to the CRM. */
  | { action: "keep_platform"; conflict: true };

export interface InboundFacts {
  link: LinkState | null;
  /** The platform record's mapped content now (null when not linked to one yet). */
  platformHash: string | null;
  /** The CRM record's mapped content now. */
  crmHash: string;
  policy: ConflictPolicy;
  /** When the platform record last changed (ms). */
  platformUpdatedAt: number | null;
  /** When the CRM says the record last changed (ms), if it says. */
  crmUpdatedAt: number | null;
}

/**
 * What to do with one CRM record seen by a pull. A conflict is both sides changed a mapped field
 * since the last sync; `newest` compares the two sides' change times (the platform wins a tie or
 * when the CRM does not say when it changed, since its time is the one we know).
 */
export function decideInbound(facts: InboundFacts): InboundAction {
  const { link } = facts;
  if (link === null) return { action: "apply", conflict: false };
  if (link.crm_hash === facts.crmHash) return { action: "unchanged" };
  const platformChanged = facts.platformHash !== null && facts.platformHash !== link.platform_hash;
  if (!platformChanged) return { action: "apply", conflict: false };
  switch (facts.policy) {
    case "crm_wins":
      return { action: "apply", conflict: true };
    case "platform_wins":
      return { action: "keep_platform", conflict: true };
    case "newest": {
      const crmNewer =
        facts.crmUpdatedAt !== null &&
        (facts.platformUpdatedAt === null || facts.crmUpdatedAt > facts.platformUpdatedAt);
      return crmNewer ? { action: "apply", conflict: true } : { action: "keep_platform", conflict: true };
    }
  }
}

/** Where a pull starts reading: the checkpoint less the overlap window (clock skew, late commits). */
export function pullSince(checkpoint: string | null, overlapMs: number): string | null {
  if (checkpoint === null) return null;
  const at = Date.parse(checkpoint);
  if (Number.isNaN(at)) return null;
  return new Date(at - overlapMs).toISOString();
}

/** The state the status route shows for a connection. */
export type ConnectionState = "idle" | "syncing" | "failing" | "paused";

export function connectionState(facts: {
  enabled: boolean;
  running: boolean;
  /** Consecutive failed runs, or failed pushes since the last success. */
  consecutiveFailures: number;
  /** The CRM refused the connection's authorization (a revoked refresh token): it needs reconnecting. */
  authRefused?: boolean;
}): ConnectionState {
  if (!facts.enabled) return "paused";
  if (facts.authRefused || facts.consecutiveFailures >= FAILING_AFTER) return "failing";
  if (facts.running) return "syncing";
  return "idle";
}

/** Consecutive failed pulls after which a connection is failing and `crm.sync_failed` is emitted. */
export const FAILING_AFTER = 3;
