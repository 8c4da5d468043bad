import { randomUUID } from "node:crypto";

/** One delivery handed to a connected `switchboard listen`: what the CLI forwards. */
export interface ListenMessage {
  /** Names this hand-over; the CLI reports the local answer under it. */
  message_id: string;
  delivery_id: string | null;
  webhook_id: string;
  event_id: string;
  event_type: string;
  /** The request exactly as a webhook would send it: method, signed headers, body. */
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

/** What the CLI reports back: the local server's answer, or why it could not be reached. */
export interface ListenReport {
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
  /** Set when the local server could not be reached (connection refused, timeout, …). */
  error: string | null;
}

/** A connected stream: `push` queues a message and answers false when the stream cannot take more. */
export interface ListenStream {
  tenantId: string;
  push(message: ListenMessage): boolean;
}

interface Waiting {
  tenantId: string;
  stream: ListenStream;
  resolve(report: ListenReport): void;
}

/**
 * The in-process meeting point of listener targets and the CLIs streaming them: the listen target
 * kind hands each attempt to the stream connected for its target and waits for the CLI's report
 * of the local answer, so an attempt succeeds only when the local server answered 2xx.
 * Streams live in the process that serves `GET /v1/deliveries/stream`; an attempt made by a
 * process without that stream finds no listener and is retried (docs/api.md, "Listen").
 */
export class ListenHub {
  private readonly streams = new Map<string, ListenStream[]>();
  private readonly waiting = new Map<string, Waiting>();

  /** Connects a stream for a target; the newest connection gets the deliveries. Returns detach. */
  attach(targetId: string, stream: ListenStream): () => void {
    this.streams.set(targetId, [...(this.streams.get(targetId) ?? []), stream]);
    return () => {
      const rest = (this.streams.get(targetId) ?? []).filter((s) => s !== stream);
      if (rest.length > 0) this.streams.set(targetId, rest);
      else this.streams.delete(targetId);
      // Attempts handed to this stream will never be answered now.
      for (const [id, wait] of this.waiting) {
        if (wait.stream !== stream) continue;
        this.waiting.delete(id);
        wait.resolve(failure("the listener disconnected before answering"));
      }
    };
  }

  connected(targetId: string): boolean {
    return this.streams.has(targetId);
  }

  /**
   * Hands one attempt to the target's stream and waits up to `timeoutMs` for the CLI's report.
   * No stream, or a stream that is not keeping up, is an immediate failure: the delivery retries.
   */
  deliver(
    targetId: string,
    message: Omit<ListenMessage, "message_id">,
    timeoutMs: number,
  ): Promise<ListenReport & { timedOut?: boolean }> {
    const streams = this.streams.get(targetId);
    const stream = streams?.[streams.length - 1];
    if (!stream) return Promise.resolve(failure("no switchboard listen is connected for this target"));
    const messageId = `msg_${randomUUID().replaceAll("-", "")}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(messageId);
        resolve({ ...failure("the listener did not report an answer in time"), timedOut: true });
      }, timeoutMs);
      this.waiting.set(messageId, {
        tenantId: stream.tenantId,
        stream,
        resolve: (report) => {
          clearTimeout(timer);
          resolve(report);
        },
      });
      if (!stream.push({ message_id: messageId, ...message })) {
        this.waiting.get(messageId)?.resolve(failure("the listener is not keeping up; retried later"));
        this.waiting.delete(messageId);
      }
    });
  }

  /** The CLI's report for a message; false when no such message waits for this tenant. */
  report(tenantId: string, messageId: string, report: ListenReport): boolean {
    const wait = this.waiting.get(messageId);
    if (!wait || wait.tenantId !== tenantId) return false;
    this.waiting.delete(messageId);
    wait.resolve(report);
    return true;
  }
}

function failure(error: string): ListenReport {
  return { status: null, headers: null, body: null, error };
}
