import { Type } from "@sinclair/typebox";
import { notFound } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import { generateWebhookSecret } from "../domain/signing.js";
import { iso } from "../domain/time.js";
import { DEFAULT_TIMEOUT_MS } from "../domain/webhook.js";
import type { ListenMessage } from "../listen/hub.js";
import type { WebhookRecord } from "../store/index.js";
import { LISTEN_KIND } from "../targets/listen/index.js";
import { validateRouting } from "../webhooks/validate.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { ListenerSchema, NoContent } from "./responses.js";
import { Id } from "./schemas.js";

/** A listener nobody streams is removed this long after its last sign of life. */
export const LISTENER_TTL_MS = 60_000;
/** Heartbeats keep proxies from closing an idle stream and renew the listener's expiry. */
const HEARTBEAT_MS = 15_000;
const SWEEP_MS = 30_000;
/** Messages queued on one stream while its socket is full; past this, attempts fail and retry. */
const STREAM_QUEUE_LIMIT = 100;

interface ListenerConfig {
  expires_at: number;
}

function listenerConfig(ctx: ApiContext, expiresAt: number): string {
  return ctx.cipher.encrypt(JSON.stringify({ expires_at: expiresAt } satisfies ListenerConfig));
}

function expiresAt(ctx: ApiContext, record: WebhookRecord): number {
  if (record.target_config === null) return 0;
  return (JSON.parse(ctx.cipher.decrypt(record.target_config)) as ListenerConfig).expires_at;
}

/** Deletes listeners past their expiry that no stream in this process keeps alive. */
export async function sweepListeners(ctx: ApiContext, now: number): Promise<number> {
  let removed = 0;
  for (const listener of await ctx.store.targets.listOfKind(LISTEN_KIND)) {
    if (ctx.listen.connected(listener.id) || expiresAt(ctx, listener) > now) continue;
    if (await ctx.store.targets.delete(listener.tenant_id, listener.id, now)) removed++;
  }
  return removed;
}

/**
 * `switchboard listen`: a temporary listener target (a webhook whose attempts go to the CLI),
 * its server-sent-event stream of signed deliveries, and the CLI's reports of the local answers.
 */
export async function listenRoutes(app: App, ctx: ApiContext): Promise<void> {
  const sweep = setInterval(() => {
    sweepListeners(ctx, Date.now()).catch((error: unknown) =>
      app.log.warn({ err: error }, "removing expired listeners failed"),
    );
  }, SWEEP_MS);
  sweep.unref();
  app.addHook("onClose", async () => clearInterval(sweep));
  // Open streams would keep the server from closing: end them first (the CLI sees the end).
  const open = new Set<{ end(): void }>();
  app.addHook("preClose", async () => {
    for (const socket of open) socket.end();
  });

  app.post(
    "/v1/listeners",
    {
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ["listen"],
        summary: "Create a temporary listener target for `switchboard listen`",
        body: Type.Object(
          {
            events: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 }),
            ),
            forward_to: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: ListenerSchema },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const events = request.body?.events ?? [];
      validateRouting({ events });
      const now = Date.now();
      const secret = generateWebhookSecret();
      const listener: WebhookRecord = {
        id: generateId("wh_"),
        tenant_id: tenantId,
        kind: LISTEN_KIND,
        target_config: listenerConfig(ctx, now + LISTENER_TTL_MS),
        // Shown in attempt logs; the server never connects to it, the CLI does.
        url: request.body?.forward_to ?? "listen:",
        description: "switchboard listen",
        enabled: true,
        disabled_reason: null,
        events,
        campaign_id: null,
        filters: {},
        method: "POST",
        headers: {},
        auth: ctx.cipher.encrypt(JSON.stringify({ type: "none" })),
        app_key: null,
        body: { format: "json" },
        timeout_ms: DEFAULT_TIMEOUT_MS,
        retry: {},
        success: {},
        max_in_flight: null,
        rate_limit_per_s: null,
        signature_header: null,
        hold: null,
        secret: ctx.cipher.encrypt(secret),
        previous_secret: null,
        previous_secret_expires_at: null,
        created_at: now,
        updated_at: now,
      };
      await ctx.store.targets.create(listener);
      reply.status(201);
      return {
        id: listener.id,
        events,
        forward_to: request.body?.forward_to ?? null,
        secret,
        expires_at: iso(now + LISTENER_TTL_MS),
        created_at: iso(now),
      };
    },
  );

  app.delete(
    "/v1/listeners/:id",
    {
      schema: {
        tags: ["listen"],
        summary: "Remove a listener (its pending deliveries are cancelled)",
        params: Type.Object({ id: Id("wh") }),
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const listener = await ctx.store.targets.get(tenantId, request.params.id);
      if (!listener || listener.kind !== LISTEN_KIND) throw notFound("listener");
      await ctx.store.targets.delete(tenantId, listener.id, Date.now());
      reply.status(204);
    },
  );

  app.get(
    "/v1/deliveries/stream",
    {
      schema: {
        tags: ["listen"],
        summary: "Server-sent events: a listener's deliveries, signed as they would be sent",
        querystring: Type.Object({ webhook_id: Id("wh") }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const listener = await ctx.store.targets.get(tenantId, request.query.webhook_id);
      if (!listener || listener.kind !== LISTEN_KIND) throw notFound("listener");

      reply.hijack();
      const socket = reply.raw;
      socket.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        // Proxies such as nginx would otherwise buffer the stream.
        "x-accel-buffering": "no",
      });
      // Backpressure: while the socket's buffer is full, messages wait here (bounded); a stream
      // that stays full makes further attempts fail fast and retry instead of piling up.
      const queue: string[] = [];
      let draining = false;
      const write = (chunk: string): void => {
        if (draining) {
          queue.push(chunk);
          return;
        }
        if (!socket.write(chunk)) draining = true;
      };
      socket.on("drain", () => {
        draining = false;
        while (!draining && queue.length > 0) {
          if (!socket.write(queue.shift() as string)) draining = true;
        }
      });
      const detach = ctx.listen.attach(listener.id, {
        tenantId,
        push(message: ListenMessage) {
          if (queue.length >= STREAM_QUEUE_LIMIT) return false;
          write(`event: delivery\nid: ${message.message_id}\ndata: ${JSON.stringify(message)}\n\n`);
          return true;
        },
      });
      write(`event: ready\ndata: ${JSON.stringify({ webhook_id: listener.id })}\n\n`);

      const renew = (): void => {
        ctx.store.targets
          .update(
            tenantId,
            listener.id,
            { target_config: listenerConfig(ctx, Date.now() + LISTENER_TTL_MS) },
            Date.now(),
          )
          .catch((error: unknown) => request.log.warn({ err: error }, "renewing a listener failed"));
      };
      const heartbeat = setInterval(() => {
        if (queue.length === 0) write(": heartbeat\n\n");
        renew();
      }, HEARTBEAT_MS);
      open.add(socket);
      socket.on("close", () => {
        open.delete(socket);
        clearInterval(heartbeat);
        detach();
      });
    },
  );

  app.post(
    "/v1/deliveries/stream/results",
    {
      schema: {
        tags: ["listen"],
        summary: "Report what the local server answered to a streamed delivery",
        body: Type.Object(
          {
            message_id: Type.String({ minLength: 1, maxLength: 100 }),
            status: Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.Null()]),
            headers: Type.Optional(Type.Record(Type.String(), Type.String())),
            body: Type.Optional(Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()])),
            error: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      const { message_id, status, headers, body, error } = request.body;
      const reported = ctx.listen.report(tenantOf(request), message_id, {
        status,
        headers: headers ?? null,
        body: body ?? null,
        error: error ?? (status === null ? "no answer" : null),
      });
      if (!reported) throw notFound("streamed delivery");
      reply.status(204);
    },
  );
}
