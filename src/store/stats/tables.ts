/** The delivery charts' roll-up (migration 0024), as src/store/schema.ts's Database names them. */

/** A webhook's attempts of one minute with one outcome and latency bucket. */
export interface AttemptMinuteTable {
  webhook_id: string;
  /** The minute's start, epoch ms. */
  minute: number;
  succeeded: number;
  /** 1 when the endpoint answered (a status), 0 for a timeout or connection error. */
  answered: number;
  bucket: number;
  attempts: number;
  min_ms: number;
  max_ms: number;
}

/** How far a webhook's attempts are rolled up into `attempt_minutes` (exclusive, epoch ms). */
export interface AttemptRollupTable {
  webhook_id: string;
  rolled_until: number;
}
