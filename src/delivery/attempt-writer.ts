import type { Logger } from "pino";
import type { AttemptOutcome, Store } from "../store/index.js";

/** Outcomes recorded per transaction at most. */
const MAX_BATCH = 500;
/** How long the first outcome of a batch waits for others. */
const BATCH_WINDOW_MS = 10;

/**
 * Records finished attempts in batches: whatever finishes while one transaction is being written
 * goes into the next, so under load one commit carries hundreds of attempts instead of one.
 */
export class AttemptWriter {
  private buffer: Array<{ outcome: AttemptOutcome; done: (recorded: boolean) => void }> = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly owner: string,
    private readonly log: Logger,
  ) {}

  /** Resolves once the outcome is durable: true if recorded, false if this node had lost the claim. */
  record(outcome: AttemptOutcome): Promise<boolean> {
    return new Promise((done) => {
      this.buffer.push({ outcome, done });
      if (!this.writing) this.writing = this.writeLoop();
    });
  }

  /** Waits until everything handed over so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeLoop(): Promise<void> {
    // Let the attempts finishing in the next few milliseconds join the batch: each commit costs
    // ~0.4 ms on SQLite whatever it carries, and the slot each attempt held is already free.
    await new Promise((resolve) => setTimeout(resolve, BATCH_WINDOW_MS));
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, MAX_BATCH);
      try {
        const recorded = await this.store.queue.recordAttempts(
          this.owner,
          batch.map((b) => b.outcome),
          Date.now(),
        );
        for (const item of batch) {
          const ok = recorded.has(item.outcome.delivery.id);
          if (!ok) {
            this.log.warn(
              { delivery_id: item.outcome.delivery.id },
              "claim was lost before the attempt was recorded",
            );
          }
          item.done(ok);
        }
      } catch (error) {
        // The attempts happened; keep them and try again (the claims hold until their lease ends).
        this.log.error({ err: error }, "recording attempts failed; retrying in 1 s");
        this.buffer.unshift(...batch);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    this.writing = null;
  }
}
