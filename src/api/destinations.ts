import { Type } from "@sinclair/typebox";
import { notFound } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import { generateWebhookSecret } from "../domain/signing.js";
import { DEFAULT_TIMEOUT_MS } from "../domain/webhook.js";
import type { WebhookPatch, WebhookRecord } from "../store/index.js";
import { decryptEmailSettings } from "../targets/email/index.js";
import { presentEmailDestination } from "../targets/email/present.js";
import {
  type DestinationCreate,
  DestinationCreateSchema,
  type DestinationPatch,
  DestinationPatchSchema,
  EmailDestinationSchema,
  type EmailSettings,
} from "../targets/email/schema.js";
import { emailSettings } from "../targets/email/settings.js";
import { canonicalRouting, validateRouting } from "../webhooks/validate.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { NoContent } from "./responses.js";
import { Id, ListOf, PageQuery } from "./schemas.js";
import { DESTINATIONS, loadTarget } from "./target-routes.js";

const Params = Type.Object({ id: Id("dst") });

/** Where an email destination's deliveries go, as its `url` shows it (events, logs). */
const mailto = (settings: EmailSettings): string => `mailto:${settings.to.join(",")}`;

/**
 * Destinations: targets other than HTTP webhooks (today: email). They share the webhooks' routing
 * (events, campaign, filters, hold) and delivery policy (timeout, retry, limits, health), and
 * their deliveries and attempts are listed and retried like a webhook's.
 */
export async function destinationRoutes(app: App, ctx: ApiContext): Promise<void> {
  const encrypt = (settings: EmailSettings): string => ctx.cipher.encrypt(JSON.stringify(settings));

  app.post(
    "/v1/destinations",
    {
      schema: {
        tags: ["destinations"],
        summary: "Create a destination",
        body: DestinationCreateSchema,
        response: { 201: EmailDestinationSchema },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const input: DestinationCreate = canonicalRouting(request.body);
      validateRouting(input);
      const settings = emailSettings(input.email, null, ctx.config.allowPrivateTargets);
      const now = Date.now();
      const record: WebhookRecord = {
        id: generateId("dst_"),
        tenant_id: tenantId,
        kind: input.kind,
        target_config: encrypt(settings),
        url: mailto(settings),
        description: input.description ?? "",
        enabled: input.enabled ?? true,
        disabled_reason: null,
        events: input.events ?? [],
        campaign_id: input.campaign_id ?? null,
        filters: input.filters ?? {},
        // The HTTP columns are unused by email; they hold the webhook defaults.
        method: "POST",
        headers: {},
        auth: ctx.cipher.encrypt(JSON.stringify({ type: "none" })),
        app_key: null,
        body: { format: "json" },
        timeout_ms: input.timeout_ms ?? DEFAULT_TIMEOUT_MS,
        retry: input.retry ?? {},
        success: {},
        max_in_flight: input.max_in_flight ?? null,
        rate_limit_per_s: input.rate_limit_per_s ?? null,
        signature_header: null,
        hold: input.hold ?? null,
        secret: ctx.cipher.encrypt(generateWebhookSecret()),
        previous_secret: null,
        previous_secret_expires_at: null,
        created_at: now,
        updated_at: now,
      };
      await ctx.store.targets.create(record);
      reply.status(201);
      return presentEmailDestination(record, ctx.cipher);
    },
  );

  app.get(
    "/v1/destinations",
    {
      schema: {
        tags: ["destinations"],
        summary: "List destinations",
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(EmailDestinationSchema) },
      },
    },
    async (request) => {
      const result = await ctx.store.targets.list(tenantOf(request), {
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
        kind: "email",
      });
      const health = new Map(
        (await ctx.store.targets.getHealth(result.data.map((d) => d.id))).map((h) => [h.webhook_id, h]),
      );
      return {
        data: result.data.map((d) => presentEmailDestination(d, ctx.cipher, health.get(d.id))),
        next_cursor: result.next_cursor,
      };
    },
  );

  const load = (tenantId: string, id: string): Promise<WebhookRecord> =>
    loadTarget(ctx, DESTINATIONS, tenantId, id);

  app.get(
    "/v1/destinations/:id",
    {
      schema: {
        tags: ["destinations"],
        summary: "Get a destination",
        params: Params,
        response: { 200: EmailDestinationSchema },
      },
    },
    async (request) => {
      const record = await load(tenantOf(request), request.params.id);
      const [health] = await ctx.store.targets.getHealth([record.id]);
      return presentEmailDestination(record, ctx.cipher, health);
    },
  );

  app.patch(
    "/v1/destinations/:id",
    {
      schema: {
        tags: ["destinations"],
        summary: "Update a destination (an SMTP password left out is kept)",
        params: Params,
        body: DestinationPatchSchema,
        response: { 200: EmailDestinationSchema },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const input: DestinationPatch = canonicalRouting(request.body);
      validateRouting(input);
      const current = await load(tenantId, request.params.id);
      const { email, ...shared } = input;
      const patch: WebhookPatch = { ...shared };
      if (email !== undefined) {
        const stored = decryptEmailSettings(ctx.cipher, current.target_config);
        const settings = emailSettings(email, stored, ctx.config.allowPrivateTargets);
        patch.target_config = encrypt(settings);
        patch.url = mailto(settings);
      }
      // Enabling by hand clears the reason it was disabled automatically.
      if (input.enabled !== undefined) patch.disabled_reason = null;
      const updated = await ctx.store.targets.update(tenantId, current.id, patch, Date.now());
      if (!updated) throw notFound("destination");
      if (input.enabled === true) ctx.wake();
      return presentEmailDestination(updated, ctx.cipher);
    },
  );

  app.delete(
    "/v1/destinations/:id",
    {
      schema: {
        tags: ["destinations"],
        summary: "Delete a destination (its logs are kept)",
        params: Params,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      await load(tenantId, request.params.id);
      if (!(await ctx.store.targets.delete(tenantId, request.params.id, Date.now())))
        throw notFound("destination");
      reply.status(204);
    },
  );
}
