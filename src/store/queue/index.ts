/**
 * The delivery table is the queue (transactional outbox); these are its operations, one per file.
 *
 * A delivery is claimed by one UPDATE that sets `lease_owner` and moves `next_attempt_at` to the
 * lease's end, so an expired lease makes the row due again with no sweep (takeover), and every
 * later write of the claim is guarded by `lease_owner = <owner>`. On PostgreSQL the inner SELECT
 * locks with `FOR UPDATE SKIP LOCKED`, so concurrent claimers never get the same row.
 *
 * Claim strategies, and when the dispatcher (src/delivery/claimer.ts) uses each:
 * - **In due order** (claim-due.ts) while its lanes have room: the head of two partial due
 *   indexes, first attempts (75 % of the batch) and retries, so neither backlog starves the other.
 *   1.82 ms per claim at 1 000 pending, 2.28 ms at 1 000 000 on SQLite (1.25×; 8.8 → 10.5 ms on
 *   PostgreSQL) — flat, because it reads only the head of the index.
 * - **Per target** (claim-for-targets.ts) once some lane is full or its circuit open: each
 *   backlogged target's due rows from `deliveries_due_webhook`, one statement each in one
 *   transaction. The due-order claim passing over full lanes' rows had cost 8.7 ms per claim and
 *   4.2 s of 27 s of server CPU; per-target claims took throughput from 3,942 to 4,956/s and cost
 *   2.11 → 2.5 ms (5 targets × 40) from 1 000 to 1 000 000 pending.
 * - **Which targets have due work** (list-due-targets.ts): a loose index scan, one seek per
 *   target with pending deliveries, once per poll interval (0.06 ms at 1 000 000 pending).
 * - **Capped** (claim-capped.ts, PostgreSQL with SWITCHBOARD_SHARED_ENDPOINT_LIMITS=1): due order,
 *   but no target beyond its `max_in_flight` across all nodes, under one advisory lock; opt-in
 *   because it costs throughput (one node 4,415 → 1,871 deliveries/s).
 * Figures: docs/benchmarks.md and docs/scaling.md.
 */
import type { Kysely } from "kysely";
import type { QueueRepository } from "../index.js";
import type { Database } from "../schema.js";
import { cancelDeliveries } from "./cancel.js";
import { claimDueDeliveries } from "./claim-due.js";
import { claimDueForWebhooks } from "./claim-for-targets.js";
import { dueStats } from "./due-stats.js";
import { listDueWebhooks } from "./list-due-targets.js";
import { parkDeliveries } from "./park.js";
import { recordAttempts } from "./record-attempts.js";
import { releaseDeliveries } from "./release.js";
import { renewClaims } from "./renew.js";
import { resetClaims } from "./reset-claims.js";

export function queueRepository(db: Kysely<Database>, dialect: "sqlite" | "postgres"): QueueRepository {
  return {
    claimDue: (owner, now, leaseUntil, limit, skip = [], sharedCap = null) =>
      claimDueDeliveries(db, dialect, owner, now, leaseUntil, limit, skip, sharedCap),
    claimForTargets: (owner, now, leaseUntil, wants) =>
      claimDueForWebhooks(db, dialect, owner, now, leaseUntil, wants),
    listDueTargets: (now, afterId, scan) => listDueWebhooks(db, now, afterId, scan),
    recordAttempts: (owner, outcomes, now) => recordAttempts(db, owner, outcomes, now),
    release: (owner, ids, dueAt) => releaseDeliveries(db, owner, ids, dueAt),
    renew: (owner, ids, leaseUntil) => renewClaims(db, owner, ids, leaseUntil),
    park: (owner, ids, now) => parkDeliveries(db, owner, ids, now),
    cancel: (owner, ids, reason, now) => cancelDeliveries(db, owner, ids, reason, now),
    resetClaims: (now) => resetClaims(db, now),
    dueStats: (now, cap) => dueStats(db, now, cap),
  };
}
