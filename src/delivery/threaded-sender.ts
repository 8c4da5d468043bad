import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { OutgoingRequest } from "./request.js";
import { HttpSender, type Sender, type SendResult } from "./sender.js";
import type { FromSenderThread, SenderThreadOptions, ToSenderThread } from "./sender-thread.js";

/**
 * A sender thread's allocations are per request and short-lived: a small young generation costs
 * no throughput and keeps the process's peak RSS down (230 vs 251 MiB at V8's default).
 */
const YOUNG = { maxYoungGenerationSizeMb: 8 };

interface Thread {
  worker: Worker;
  /** Attempts posted to it and not yet answered. */
  pending: Map<number, (result: SendResult) => void>;
  outbox: Array<[number, OutgoingRequest, number]>;
  /** Resolves once it can send (or has exited). */
  ready: Promise<void>;
  started: boolean;
}

/**
 * Sends attempts from worker threads, so the HTTP work (undici, sockets, reading responses) runs
 * beside the main thread's store and dispatcher instead of on the same core. Requests and results
 * are plain data and cross in batches (one message per turn of either event loop). A thread that
 * dies fails its attempts in flight as `network` errors — retried like any other — and is replaced;
 * one that dies before it could send is not (that is a broken install, not a crash): the main
 * thread sends instead, and at start-up it is an error.
 */
export class ThreadedSender implements Sender {
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private closing = false;
  /** Sends from the main thread once threads could not start. */
  private fallback: HttpSender | null = null;

  constructor(
    count: number,
    private readonly options: SenderThreadOptions,
    private readonly log: Logger,
  ) {
    for (let i = 0; i < count; i++) this.threads.push(this.spawn());
  }

  /**
   * A sender whose threads have loaded and can send. (Attempts posted to a thread still loading
   * wait for it; starting first keeps that delay out of the first attempts.)
   */
  static async start(count: number, options: SenderThreadOptions, log: Logger): Promise<ThreadedSender> {
    const sender = new ThreadedSender(count, options, log);
    await Promise.all(sender.threads.map((thread) => thread.ready));
    if (sender.fallback) {
      await sender.close();
      throw new Error("a sender thread could not start (see the log above)");
    }
    return sender;
  }

  send(request: OutgoingRequest, timeoutMs: number): Promise<SendResult> {
    if (this.threads.length === 0) return (this.fallback as HttpSender).send(request, timeoutMs);
    // The least busy thread: each keeps its own connection pools.
    let thread = this.threads[0] as Thread;
    for (const candidate of this.threads)
      if (candidate.pending.size < thread.pending.size) thread = candidate;
    const id = this.nextId++;
    return new Promise((resolve) => {
      thread.pending.set(id, resolve);
      if (thread.outbox.push([id, request, timeoutMs]) === 1) queueMicrotask(() => this.post(thread));
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.fallback?.close();
    await Promise.all(
      this.threads.map(
        (thread) =>
          new Promise<void>((resolve) => {
            thread.worker.once("exit", () => resolve());
            thread.worker.postMessage({ close: true } satisfies ToSenderThread);
          }),
      ),
    );
  }

  private post(thread: Thread): void {
    const send = thread.outbox;
    thread.outbox = [];
    thread.worker.postMessage({ send } satisfies ToSenderThread);
  }

  private spawn(): Thread {
    const worker = import.meta.url.endsWith(".ts")
      ? // From source (tests): the thread loads the TypeScript file through tsx's loader.
        new Worker(
          `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL("./sender-thread.ts", import.meta.url).href)}); });`,
          { eval: true, workerData: this.options, resourceLimits: YOUNG },
        )
      : new Worker(new URL("./sender-thread.js", import.meta.url), {
          workerData: this.options,
          resourceLimits: YOUNG,
        });
    let markReady = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const thread: Thread = { worker, pending: new Map(), outbox: [], ready, started: false };
    worker.on("message", (results: FromSenderThread) => {
      if (results === "ready") {
        thread.started = true;
        markReady();
        return;
      }
      for (const [id, result] of results) {
        thread.pending.get(id)?.(result);
        thread.pending.delete(id);
      }
    });
    worker.on("error", (error) => this.log.error({ err: error }, "sender thread failed"));
    worker.on("exit", (code) => {
      markReady();
      for (const resolve of thread.pending.values()) {
        resolve({
          status: null,
          headers: null,
          body: null,
          errorKind: "network",
          errorMessage: "the sender thread stopped before the attempt finished",
          durationMs: 0,
        });
      }
      thread.pending.clear();
      if (this.closing) return;
      const index = this.threads.indexOf(thread);
      if (index < 0) return;
      if (thread.started) {
        this.log.error({ code }, "sender thread exited; starting another");
        this.threads[index] = this.spawn();
      } else {
        this.log.error({ code }, "sender thread could not start; sending from the main thread");
        this.threads.splice(index, 1);
        this.fallback ??= new HttpSender(this.options);
      }
    });
    return thread;
  }
}
