import pg from "pg";
import type { DueSignal } from "../index.js";

/** Notifications are coalesced: at most one per this many ms, however many commits ask. */
const COALESCE_MS = 5;

/**
 * LISTEN/NOTIFY wakes idle workers on every node when an api node commits deliveries, so
 * latency does not wait for a poll. The listener holds one dedicated connection (the only
 * session state outside transactions — under PgBouncer it must bypass transaction pooling);
 * polling remains the fallback if notifications are lost.
 */
export class PostgresDueSignal implements DueSignal {
  private readonly channel: string;
  private pending: Promise<void> | null = null;
  private lastSent = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly clientConfig: pg.ClientConfig,
    schema: string | null,
  ) {
    this.channel = schema ? `switchboard_due_${schema}` : "switchboard_due";
  }

  notify(): Promise<void> {
    if (this.pending) return this.pending;
    const wait = Math.max(0, this.lastSent + COALESCE_MS - Date.now());
    this.pending = new Promise<void>((resolve) => setTimeout(resolve, wait))
      .then(async () => {
        this.lastSent = Date.now();
        await this.pool.query("select pg_notify($1, '')", [this.channel]);
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  async listen(onDue: () => void, onError: (error: unknown) => void): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let closed = false;
    const connect = async (): Promise<void> => {
      const next = new pg.Client(this.clientConfig);
      next.on("notification", () => onDue());
      next.on("error", (error) => {
        onError(error);
        reconnect();
      });
      await next.connect();
      await next.query(`listen "${this.channel}"`);
      client = next;
      // Anything committed while we were not listening is found by this wake-up's poll.
      onDue();
    };
    const reconnect = (): void => {
      const old = client;
      client = null;
      old?.end().catch(() => {});
      if (closed) return;
      setTimeout(() => {
        if (!closed)
          connect().catch((error: unknown) => {
            onError(error);
            reconnect();
          });
      }, 1_000).unref();
    };
    await connect();
    return async () => {
      closed = true;
      await client?.end();
    };
  }
}
