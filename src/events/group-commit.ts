import type { EventRepository, IngestGroup, IngestResult } from "../store/index.js";

/** Events per group transaction at most (a full batch request is one group on its own). */
const MAX_GROUP_EVENTS = 500;

interface Waiting {
  group: IngestGroup;
  resolve(results: IngestResult[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit for ingest: the events of concurrent requests are written in one transaction,
 * and each request is answered only after the transaction holding its events has committed (an
 * accepted event is durable before its 202, as when every request had its own commit).
 *
 * A group starts on the next turn of the event loop (`setImmediate`), so the requests whose bytes
 * arrived in the same poll join it at no added wait, and while `maxInFlight` groups are being
 * written the next arrivals queue for the following one. On SQLite one commit costs about as much
 * as the statements of a dozen single events (its WAL pages and, every ~1 000 pages, a checkpoint
 * with fsync), and a store write never yields to the event loop, so without this every single
 * event paid for its own commit.
 *
 * When a group's transaction fails, each of its requests is retried in its own transaction, so one
 * request's bad input or conflict fails that request only. (Event and delivery ids are chosen
 * before the write, so a retry after a commit whose answer was lost fails on the primary key
 * instead of storing an event twice.)
 */
export class GroupCommit {
  private queue: Waiting[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly events: EventRepository,
    private readonly maxInFlight: number,
  ) {}

  write(group: IngestGroup): Promise<IngestResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ group, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    const batch = this.take();
    this.inFlight++;
    try {
      if (batch.length === 1) {
        const only = batch[0] as Waiting;
        await this.alone(only);
        return;
      }
      let results: IngestResult[][];
      try {
        results = await this.events.ingestGroups(batch.map((w) => w.group));
      } catch {
        // Nothing of the group committed: each request on its own, to fail only the one at fault.
        for (const waiting of batch) await this.alone(waiting);
        return;
      }
      for (let i = 0; i < batch.length; i++) (batch[i] as Waiting).resolve(results[i] as IngestResult[]);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async alone(waiting: Waiting): Promise<void> {
    const { tenantId, events, now, claimFor } = waiting.group;
    try {
      waiting.resolve(await this.events.ingest(tenantId, events, now, claimFor));
    } catch (error) {
      waiting.reject(error);
    }
  }

  /** The next group: queued requests in arrival order, up to MAX_GROUP_EVENTS events (at least one). */
  private take(): Waiting[] {
    let events = 0;
    let count = 0;
    while (count < this.queue.length) {
      const size = (this.queue[count] as Waiting).group.events.length;
      if (count > 0 && events + size > MAX_GROUP_EVENTS) break;
      events += size;
      count++;
    }
    return this.queue.splice(0, count);
  }
}
