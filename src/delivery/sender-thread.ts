/**
 * A sender thread (see threaded-sender.ts): sends the attempts the main thread posts with its own
 * HttpSender — keep-alive pools, the guarded DNS lookup, response capture — and posts the results
 * back, both in batches.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { OutgoingRequest } from "./request.js";
import { HttpSender, type SendResult } from "./sender.js";

export interface SenderThreadOptions {
  allowPrivateTargets: boolean;
}

/** Main → thread: attempts to send, or the order to finish. */
export type ToSenderThread =
  | { send: Array<[id: number, request: OutgoingRequest, timeoutMs: number]> }
  | { close: true };
/** Thread → main: finished attempts, or "ready" once it can send. */
export type FromSenderThread = Array<[id: number, result: SendResult]> | "ready";

const port = parentPort;
if (port) {
  const sender = new HttpSender(workerData as SenderThreadOptions);
  let finished: Array<[id: number, result: SendResult]> = [];
  let flushing = false;
  const flush = () => {
    flushing = false;
    const batch = finished;
    finished = [];
    port.postMessage(batch);
  };
  port.on("message", (message: ToSenderThread) => {
    if ("close" in message) {
      void sender.close().finally(() => port.close());
      return;
    }
    for (const [id, request, timeoutMs] of message.send) {
      void sender.send(request, timeoutMs).then((result) => {
        finished.push([id, result]);
        if (!flushing) {
          flushing = true;
          setImmediate(flush);
        }
      });
    }
  });
  port.postMessage("ready" satisfies FromSenderThread);
}
