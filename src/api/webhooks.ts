import { Type } from "@sinclair/typebox";
import { invalid, notFound } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import { DEFAULT_ORDERING_KEY } from "../domain/ordering.js";
import {
  checkWebhookSecret,
  generateSigningKeyPair,
  generateWebhookSecret,
  publicKeyOf,
  usesSigningKey,
} from "../domain/signing.js";
import {
  DEFAULT_TIMEOUT_MS,
  type WebhookAuth,
  type WebhookCreate,
  WebhookCreateSchema,
  type WebhookPatchInput,
  WebhookPatchSchema,
  WebhookSchema,
  WebhookSecretSchema,
} from "../domain/webhook.js";
import type { WebhookPatch, WebhookRecord } from "../store/index.js";
import { presentWebhook } from "../webhooks/present.js";
import { fillPresetFormat, withPreset } from "../webhooks/preset.js";
import { canonicalRouting, validateWebhookInput } from "../webhooks/validate.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { NoContent, RotatedSecretSchema, SecretSchema } from "./responses.js";
import { Id, ListOf, PageQuery } from "./schemas.js";

const Params = Type.Object({ id: Id("wh") });

/**
 * The secret to sign with: the caller's own `whsec_…` (moving from another provider, so receivers
 * need not re-key) when it is valid, else a new one. A malformed secret answers 422 at `path`.
 */
function chosenSecret(secret: string | undefined, path: string): string {
  if (secret === undefined) return generateWebhookSecret();
  const problem = checkWebhookSecret(secret);
  if (problem) throw invalid(path, problem);
  return secret;
}

/** Turns validated input into stored columns, encrypting credentials. */
function toColumns(
  ctx: ApiContext,
  input: WebhookPatchInput & Pick<WebhookCreate, "secret" | "preset">,
): WebhookPatch {
  // `secret` is never a plain column: create and rotate-secret encrypt it themselves; `preset`
  // was applied to the input already.
  const {
    auth,
    app_key,
    filters,
    retry,
    success,
    body,
    signing,
    secret: _secret,
    preset: _preset,
    ...plain
  } = input;
  const patch: WebhookPatch = { ...plain };
  if (signing !== undefined) patch.signing_scheme = signing.scheme;
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
      // With a preset, `body` may name only what it changes (`{"sign": true}`): the preset's
      // format is filled in before the schema asks for one.
      preValidation: async (request) => {
        fillPresetFormat(request.body);
      },
      schema: {
        tags: ["webhooks"],
        summary: "Create a webhook",
        body: WebhookCreateSchema,
        response: {
          201: Type.Composite([WebhookSchema, Type.Object({ secret: Type.String() })], {
            title: "CreatedWebhook",
          }),
        },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const input: WebhookCreate = withPreset(canonicalRouting(request.body));
      validateWebhookInput(input, ctx.config.allowPrivateTargets);
      const now = Date.now();
      const secret = chosenSecret(input.secret, "/body/secret");
      const columns = toColumns(ctx, input);
      // Every new webhook gets its ed25519 key pair, so switching to `v1a` later needs no re-key
      // step and the public key can be handed to receivers before the switch.
      const signingKey = generateSigningKeyPair().privateKey;
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
        signing_scheme: input.signing?.scheme ?? "v1",
        ordering: input.ordering ?? "none",
        ordering_key: input.ordering_key ?? DEFAULT_ORDERING_KEY,
        signing_key: ctx.cipher.encrypt(signingKey),
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
      const tenantId = tenantOf(request);
      if (input.signing !== undefined && usesSigningKey(input.signing.scheme)) {
        // A webhook from before asymmetric signing gets its key pair when it first needs one.
        const current = await ctx.store.targets.get(tenantId, request.params.id);
        if (current?.kind !== "webhook") throw notFound("webhook");
        if (!current.signing_key) patch.signing_key = ctx.cipher.encrypt(generateSigningKeyPair().privateKey);
      }
      const webhook = await ctx.store.targets.update(tenantId, request.params.id, patch, Date.now());
      if (!webhook) throw notFound("webhook");
      if (request.body.enabled === true) ctx.wake();
      return presentWebhook(webhook, ctx.cipher);
    },
  );

  app.delete(
    "/v1/webhooks/:id",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Delete a webhook (its logs are kept)",
        params: Params,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      const deleted = await ctx.store.targets.delete(tenantOf(request), request.params.id, Date.now());
      if (!deleted) throw notFound("webhook");
      reply.status(204);
    },
  );

  app.get(
    "/v1/webhooks/:id/secret",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Reveal the signing secret",
        params: Params,
        response: { 200: SecretSchema },
      },
    },
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

  /** The public half of a webhook's signing keys, the previous one only while it still signs. */
  function signingKeyAnswer(webhook: WebhookRecord, now: number) {
    const previousValid =
      webhook.previous_signing_key && (webhook.previous_signing_key_expires_at ?? 0) > now
        ? webhook.previous_signing_key
        : null;
    return {
      public_key: webhook.signing_key ? publicKeyOf(ctx.cipher.decrypt(webhook.signing_key)) : "",
      scheme: webhook.signing_scheme ?? "v1",
      previous_public_key: previousValid ? publicKeyOf(ctx.cipher.decrypt(previousValid)) : null,
      previous_public_key_expires_at: previousValid
        ? new Date(webhook.previous_signing_key_expires_at ?? 0).toISOString()
        : null,
    };
  }

  const SigningKeyAnswer = Type.Object(
    {
      public_key: Type.String(),
      scheme: WebhookSchema.properties.signing.properties.scheme,
      previous_public_key: Type.Union([Type.String(), Type.Null()]),
      previous_public_key_expires_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    },
    { title: "SigningKey" },
  );

  app.get(
    "/v1/webhooks/:id/signing-key",
    {
      schema: {
        tags: ["webhooks"],
        summary: "The public key (whpk_…) that verifies this webhook's v1a (ed25519) signatures",
        params: Params,
        response: { 200: SigningKeyAnswer },
      },
    },
    async (request) => {
      const webhook = await ctx.store.targets.get(tenantOf(request), request.params.id);
      if (webhook?.kind !== "webhook") throw notFound("webhook");
      if (!webhook.signing_key) {
        throw notFound("signing key", {
          reason: "no_signing_key",
          hint: 'this webhook predates v1a signing: PATCH it with {"signing": {"scheme": "v1a"}} or "both"',
        });
      }
      return signingKeyAnswer(webhook, Date.now());
    },
  );

  app.post(
    "/v1/webhooks/:id/rotate-signing-key",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Issue a new v1a key pair; the old private key signs beside it for 24 h more",
        params: Params,
        response: { 200: SigningKeyAnswer },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const current = await ctx.store.targets.get(tenantId, request.params.id);
      if (current?.kind !== "webhook") throw notFound("webhook");
      const now = Date.now();
      const patch: WebhookPatch = {
        signing_key: ctx.cipher.encrypt(generateSigningKeyPair().privateKey),
        // Receivers that still hold the old public key keep verifying until they fetch the new one.
        previous_signing_key: current.signing_key ?? null,
        previous_signing_key_expires_at: current.signing_key ? now + SECRET_GRACE_MS : null,
      };
      const rotated = await ctx.store.targets.update(tenantId, current.id, patch, now);
      if (!rotated) throw notFound("webhook");
      return signingKeyAnswer(rotated, now);
    },
  );

  app.post(
    "/v1/webhooks/:id/rotate-secret",
    {
      // No body at all is the same as `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ["webhooks"],
        summary: "Issue a new signing secret (or set your own); the old one signs for 24 h more",
        params: Params,
        body: Type.Optional(
          Type.Object({ secret: Type.Optional(WebhookSecretSchema) }, { additionalProperties: false }),
        ),
        response: { 200: RotatedSecretSchema },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const secret = chosenSecret(request.body?.secret, "/body/secret");
      const current = await ctx.store.targets.get(tenantId, request.params.id);
      if (!current) throw notFound("webhook");
      const now = Date.now();
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
