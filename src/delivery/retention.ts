import type { Logger } from "pino";
import type { Store } from "../store/index.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Events purged per transaction: small, so the purge never holds the store for long. */
const BATCH = 500;
const INTERVAL_MS = 10 * 60 * 1000;

/**
 * Purges event payloads and attempt bodies older than the retention period in the background,
 * a small batch at a time; the rows and their counts stay.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** Where the last pass ended; events up to it are purged (or were pending then). */
  private watermark: string | null = null;

  constructor(
    private readonly store: Store,
    private readonly retentionDays: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), INTERVAL_MS);
    this.timer.unref();
    // First pass shortly after start, off the start-up path.
    setTimeout(() => void this.runOnce(), 5_000).unref();
  }

  /** Purges everything due now; returns how many events lost their payload. */
  runOnce(now = Date.now()): Promise<number> {
    this.running ??= (async () => {
      const cutoff = now - this.retentionDays * DAY_MS;
      let total = 0;
      try {
        for (;;) {
          const { purged, lastId } = await this.store.purgePayloads(cutoff, this.watermark, BATCH);
          this.watermark = lastId;
          total += purged;
          if (purged < BATCH) break;
          // Let API requests and deliveries in between batches.
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (total > 0)
          this.log.info({ purged: total, retention_days: this.retentionDays }, "purged old payloads");
      } catch (error) {
        this.log.error({ err: error }, "retention purge failed");
      } finally {
        this.running = null;
      }
      return total;
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
