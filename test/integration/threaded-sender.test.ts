import type { Worker } from "node:worker_threads";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThreadedSender } from "../../src/delivery/threaded-sender.js";
import { Receiver } from "../helpers/receiver.js";

/** Attempts sent from worker threads come back as the same results the in-process sender gives. */
describe("threaded sender", () => {
  let receiver: Receiver;
  let sender: ThreadedSender;
  beforeAll(async () => {
    receiver = await Receiver.start(async (request, response) => {
      if (request.url === "/hang") return new Promise(() => {});
      response.writeHead(request.url === "/missing" ? 404 : 200, { "x-path": request.url });
      response.end(`echo ${request.url} ${request.body}`);
    });
    sender = new ThreadedSender(2, { allowPrivateTargets: true }, pino({ level: "silent" }));
  });
  afterAll(async () => {
    await sender?.close();
    await receiver?.close();
  });

  const post = (path: string, body: string) => ({
    method: "POST" as const,
    url: `${receiver.url}${path}`,
    headers: { "content-type": "application/json" },
    body,
  });

  it("sends each attempt and answers it with its own response, many at once", async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => sender.send(post(`/p${i}`, `{"n":${i}}`), 5_000)),
    );
    results.forEach((result, i) => {
      expect(result.status).toBe(200);
      expect(result.headers?.["x-path"]).toBe(`/p${i}`);
      expect(result.body).toBe(`echo /p${i} {"n":${i}}`);
      expect(result.errorKind).toBeNull();
    });
    const missing = await sender.send(post("/missing", "{}"), 5_000);
    expect(missing.status).toBe(404);
  });

  it("reports timeouts and refused destinations like the in-process sender", async () => {
    const hung = await sender.send(post("/hang", "{}"), 200);
    expect(hung.errorKind).toBe("timeout");
    expect(hung.status).toBeNull();
    const strict = new ThreadedSender(1, { allowPrivateTargets: false }, pino({ level: "silent" }));
    try {
      const blocked = await strict.send(post("/p", "{}"), 1_000);
      expect(blocked.errorKind).toBe("destination_blocked");
    } finally {
      await strict.close();
    }
  });

  it("fails the attempts of a thread that dies as network errors and replaces the thread", async () => {
    const one = await ThreadedSender.start(1, { allowPrivateTargets: true }, pino({ level: "silent" }));
    try {
      const hanging = one.send(post("/hang", "{}"), 30_000);
      await receiver.waitFor(receiver.requests.length + 1);
      const threads = (one as unknown as { threads: Array<{ worker: Worker }> }).threads;
      await threads[0]?.worker.terminate();
      const lost = await hanging;
      expect(lost.errorKind).toBe("network");
      expect(lost.errorMessage).toMatch(/thread stopped/);
      const next = await one.send(post("/after", "{}"), 5_000);
      expect(next.status).toBe(200);
    } finally {
      await one.close();
    }
  });
});
