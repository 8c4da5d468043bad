/**
 * The single-event ceiling: a bare Fastify 5 server answering `POST /v1/events` with 202 and a
 * small JSON body, after Fastify's own JSON parsing — no auth, validation, store or delivery.
 * Run as its own process (`node --import tsx bench/bare-server.ts`); prints `{"port": N}`.
 */
import { randomUUID } from "node:crypto";
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.post("/v1/events", async (request, reply) => {
  const body = request.body as { type?: string };
  reply.status(202);
  return { id: `evt_${randomUUID()}`, type: body.type ?? "", deliveries: 0 };
});
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on("SIGTERM", () => {
  app.close().then(() => process.exit(0));
});
