import { Type } from "@sinclair/typebox";
import { notFound } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import { generateWebhookSecret } from "../domain/signing.js";
import {
  DEFAULT_TIMEOUT_MS,
  type WebhookAuth,
  type WebhookCreate,
  WebhookCreateSchema,
  type WebhookPatchInput,
  WebhookPatchSchema,
  WebhookSchema,
} from "../domain/webhook.js";
import type { WebhookPatch, WebhookRecord } from "../store/index.js";
import { presentWebhook } from "../webhooks/present.js";
import { canonicalRouting, validateWebhookInput } from "../webhooks/validate.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { Id, ListOf, PageQuery } from "./schemas.js";

const Params = Type.Object({ id: Id("wh") });

/** Turns validated input into stored columns, encrypting credentials. */
function toColumns(ctx: ApiContext, input: WebhookPatchInput): WebhookPatch {
  const { auth, app_key, filters, retry, success, body, ...plain } = input;
  const patch: WebhookPatch = { ...plain };
  if (auth !== undefined) patch.auth = ctx.cipher.encrypt(JSON.stringify(auth satisfies WebhookAuth));
  if (app_key !== undefined) patch.app_key = app_key === null ? null : ctx.cipher.encrypt(app_key);
  if (filters !== undefined) patch.filters = filters;
  if (retry !== undefined) patch.retry = retry;
  if (success !== undefined) patch.success = success;
  if (body !== undefined) patch.body = body;
  return patch;
}

export async function webhookRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.post(
    "/v1/webhooks",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Create a webhook",
        body: WebhookCreateSchema,
        response: { 201: Type.Composite([WebhookSchema, Type.Object({ secret: Type.String() })]) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const input: WebhookCreate = canonicalRouting(request.body);
      validateWebhookInput(input, ctx.config.allowPrivateTargets);
      const now = Date.now();
      const secret = generateWebhookSecret();
      const columns = toColumns(ctx, input);
      const webhook: WebhookRecord = {
        id: generateId("wh_"),
        tenant_id: tenantId,
        kind: "webhook",
        target_config: null,
        url: input.url,
        description: input.description ?? "",
        enabled: input.enabled ?? true,
        disabled_reason: null,
        events: input.events ?? [],
        campaign_id: input.campaign_id ?? null,
        filters: columns.filters ?? {},
        method: input.method ?? "POST",
        headers: input.headers ?? {},
        auth: columns.auth ?? ctx.cipher.encrypt(JSON.stringify({ type: "none" })),
        app_key: columns.app_key ?? null,
        body: columns.body ?? { format: "json" },
        timeout_ms: input.timeout_ms ?? DEFAULT_TIMEOUT_MS,
        retry: columns.retry ?? {},
        success: columns.success ?? {},
        max_in_flight: input.max_in_flight ?? null,
        rate_limit_per_s: input.rate_limit_per_s ?? null,
        signature_header: input.signature_header ?? null,
        hold: input.hold ?? null,
        secret: ctx.cipher.encrypt(secret),
        previous_secret: null,
        previous_secret_expires_at: null,
        created_at: now,
        updated_at: now,
      };
      await ctx.store.targets.create(webhook);
      reply.status(201);
      return { ...presentWebhook(webhook, ctx.cipher), secret };
    },
  );

  app.get(
    "/v1/webhooks",
    {
      schema: {
        tags: ["webhooks"],
        summary: "List webhooks",
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(WebhookSchema) },
      },
    },
    async (request) => {
      const result = await ctx.store.targets.list(tenantOf(request), {
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
        kind: "webhook",
      });
      const health = new Map(
        (await ctx.store.targets.getHealth(result.data.map((w) => w.id))).map((h) => [h.webhook_id, h]),
      );
      return {
        data: result.data.map((w) => presentWebhook(w, ctx.cipher, health.get(w.id))),
        next_cursor: result.next_cursor,
      };
    },
  );

  app.get(
    "/v1/webhooks/:id",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Get a webhook",
        params: Params,
        response: { 200: WebhookSchema },
      },
    },
    async (request) => {
      const webhook = await ctx.store.targets.get(tenantOf(request), request.params.id);
      if (!webhook) throw notFound("webhook");
      const [health] = await ctx.store.targets.getHealth([webhook.id]);
      return presentWebhook(webhook, ctx.cipher, health);
    },
  );

  app.patch(
    "/v1/webhooks/:id",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Update a webhook",
        params: Params,
        body: WebhookPatchSchema,
        response: { 200: WebhookSchema },
      },
    },
    async (request) => {
      const input = canonicalRouting(request.body);
      validateWebhookInput(input, ctx.config.allowPrivateTargets);
      const patch = toColumns(ctx, input);
      // Enabling by hand clears the reason it was disabled automatically.
      if (request.body.enabled !== undefined) patch.disabled_reason = null;
      const webhook = await ctx.store.targets.update(tenantOf(request), request.params.id, patch, Date.now());
      if (!webhook) throw notFound("webhook");
      if (request.body.enabled === true) ctx.wake();
      return presentWebhook(webhook, ctx.cipher);
    },
  );

  app.delete(
    "/v1/webhooks/:id",
    { schema: { tags: ["webhooks"], summary: "Delete a webhook (its logs are kept)", params: Params } },
    async (request, reply) => {
      const deleted = await ctx.store.targets.delete(tenantOf(request), request.params.id, Date.now());
      if (!deleted) throw notFound("webhook");
      reply.status(204);
    },
  );

  app.get(
    "/v1/webhooks/:id/secret",
    { schema: { tags: ["webhooks"], summary: "Reveal the signing secret", params: Params } },
    async (request) => {
      const webhook = await ctx.store.targets.get(tenantOf(request), request.params.id);
      if (!webhook) throw notFound("webhook");
      const previousValid =
        webhook.previous_secret !== null && (webhook.previous_secret_expires_at ?? 0) > Date.now();
      return {
        secret: ctx.cipher.decrypt(webhook.secret),
        previous_secret:
          previousValid && webhook.previous_secret ? ctx.cipher.decrypt(webhook.previous_secret) : null,
        previous_secret_expires_at: previousValid
          ? new Date(webhook.previous_secret_expires_at ?? 0).toISOString()
          : null,
      };
    },
  );

  app.post(
    "/v1/webhooks/:id/rotate-secret",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Issue a new signing secret; the old one signs for 24 h more",
        params: Params,
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const current = await ctx.store.targets.get(tenantId, request.params.id);
      if (!current) throw notFound("webhook");
      const now = Date.now();
      const secret = generateWebhookSecret();
      const rotated = await ctx.store.targets.rotateSecret(
        tenantId,
        current.id,
        {
          secret: ctx.cipher.encrypt(secret),
          previous_secret: current.secret,
          previous_secret_expires_at: now + SECRET_GRACE_MS,
        },
        now,
      );
      if (!rotated) throw notFound("webhook");
      return { secret, previous_secret_expires_at: new Date(now + SECRET_GRACE_MS).toISOString() };
    },
  );
}

/** How long a rotated-out secret keeps signing, so receivers can switch without losing events. */
export const SECRET_GRACE_MS = 24 * 60 * 60 * 1000;
