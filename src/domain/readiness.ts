/**
 * Readiness: whether this process can do its job right now (as opposed to liveness, which only
 * says the process answers). Each check's result is gathered by the caller (queries, timers);
 * the decisions about what those results mean are made here.
 */

export type CheckStatus = "ok" | "fail";

export interface CheckResult {
  status: CheckStatus;
  /** Why a check failed, in words an operator can act on. */
  message?: string;
  /** Facts about the check (applied migration, last worker turn, …). */
  [fact: string]: unknown;
}

export interface Readiness {
  status: "ok" | "unavailable";
  checks: Record<string, CheckResult>;
}

/** Ready only when every check passed; the checks are reported either way. */
export function decideReadiness(checks: Record<string, CheckResult>): Readiness {
  const ready = Object.values(checks).every((check) => check.status === "ok");
  return { status: ready ? "ok" : "unavailable", checks };
}

/**
 * Migrations are applied when the store's latest applied migration is the code's latest. A store
 * ahead of the code (a newer version migrated it) fails too: this code does not know that schema.
 */
export function migrationCheck(applied: string | null, expected: string): CheckResult {
  if (applied === expected) return { status: "ok", applied };
  if (applied === null)
    return { status: "fail", message: "no migration applied; run `switchboard migrate`", applied, expected };
  return {
    status: "fail",
    message:
      applied < expected
        ? `store is at ${applied}, this version needs ${expected}; run \`switchboard migrate\``
        : `store is at ${applied}, newer than this version's ${expected}; upgrade this process`,
    applied,
    expected,
  };
}

/**
 * A worker is running when its delivery loop has turned recently: it turns at least once per poll
 * interval, so several intervals without a turn (floored for short intervals and slow claims)
 * mean it is stuck or stopped.
 */
export function workerCheck(lastTurnAt: number | null, now: number, pollIntervalMs: number): CheckResult {
  if (lastTurnAt === null) return { status: "fail", message: "the delivery worker is not running" };
  const staleAfterMs = Math.max(30_000, pollIntervalMs * 10);
  const idleMs = Math.max(0, now - lastTurnAt);
  if (idleMs > staleAfterMs)
    return {
      status: "fail",
      message: `the delivery worker has not polled for ${Math.round(idleMs / 1000)} s`,
      last_poll_ms_ago: idleMs,
    };
  return { status: "ok", last_poll_ms_ago: idleMs };
}
