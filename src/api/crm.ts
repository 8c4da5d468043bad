import { Type } from "@sinclair/typebox";
import { EMPTY_MAPPINGS } from "../domain/crm/mappings.js";
import { applySettings, DEFAULT_CRM_SETTINGS, sendsToCrm } from "../domain/crm/settings.js";
import { checkDestinationUrl } from "../domain/destination.js";
import { DomainError, invalid, notFound } from "../domain/errors.js";
import { generateId } from "../domain/ids.js";
import { DEFAULT_TIMEOUT_MS } from "../domain/webhook.js";
import { CrmError, type CrmProvider } from "../integrations/crm/connector.js";
import { crmProvider, crmProviders } from "../integrations/crm/providers.js";
import type { CrmTargetConfig, LoadedConnection } from "../integrations/crm/sync/connections.js";
import { presentConnection, presentProvider } from "../integrations/crm/sync/present.js";
import { describeCrmError } from "../integrations/crm/sync/schema.js";
import {
  type ConnectionCreate,
  ConnectionCreateSchema,
  type ConnectionPatch,
  ConnectionPatchSchema,
  ConnectionSchema,
  ProviderSchema,
} from "../integrations/crm/sync/schema-api.js";
import { subscribeNow } from "../integrations/crm/sync/subscriptions.js";
import { CRM_RECORD_EVENTS } from "../integrations/crm/sync/target.js";
import type { CrmConnectionRecord, WebhookPatch, WebhookRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { NoContent } from "./responses.js";
import { Id, ListOf, PageQuery } from "./schemas.js";

const Params = Type.Object({ id: Id("crm") });

/** Pushes to one CRM in flight at once: few, so a burst of edits does not trip its rate limit. */
const DEFAULT_MAX_IN_FLIGHT = 4;

/** A CRM's refusal (or failure) as our answer: 422 naming its stage, with its own message; never 5xx. */
export function crmRefused(provider: CrmProvider, error: unknown): DomainError {
  if (!(error instanceof CrmError)) {
    return new DomainError("crm_refused", `${provider.label}: ${describeCrmError(error)}`, {
      stage: "transient",
    });
  }
  const said = error.vendorMessage ?? error.message;
  return new DomainError("crm_refused", `${provider.label} refused (${error.stage}): ${said}`, {
    stage: error.stage,
    vendor_message: error.vendorMessage,
    vendor_status: error.status,
  });
}

/**
 * The credentials a provider needs, checked: every required one present, no unknown ones. An OAuth
 * CRM's tokens are not required when its app (client id and secret) is given: they come from the
 * Connect flow (`POST …/oauth/start`), and the refresh bookkeeping (`expires_at`) is known.
 */
function checkCredentials(provider: CrmProvider, credentials: Record<string, string>): void {
  const tokens = provider.oauth?.tokenCredentials ?? [];
  for (const name of Object.keys(credentials)) {
    if (!provider.credentials.some((f) => f.name === name) && !tokens.includes(name)) {
      const known = provider.credentials.map((f) => f.name).join(", ");
      throw invalid(
        `/body/credentials/${name}`,
        `${provider.label} takes no credential "${name}" (it takes ${known})`,
      );
    }
  }
  const authorizesLater = provider.oauth?.canStart(credentials) ?? false;
  for (const field of provider.credentials) {
    if (authorizesLater && tokens.includes(field.name)) continue;
    if (field.required && !(credentials[field.name] ?? "").trim()) {
      throw invalid(
        `/body/credentials/${field.name}`,
        `${provider.label} needs "${field.name}" (${field.label})`,
        {
          reason: "missing_credential",
        },
      );
    }
  }
}

/**
 * The target's whole-requests-per-second limit from the CRM's documented rate: Clio's 50 a minute
 * (0.83/s) cannot be stored as a whole number, so it is 1/s and Clio's 429 Retry-After does the rest.
 */
function defaultRateLimit(provider: CrmProvider): number | null {
  const rate = provider.capabilities.rateLimitPerSecond;
  return rate === null ? null : Math.max(1, Math.floor(rate));
}

function baseUrlOf(provider: CrmProvider, given: string | undefined, allowPrivate: boolean): string {
  const url = given ?? provider.baseUrl.default;
  if (!url)
    throw invalid("/body/base_url", `${provider.label} needs the firm's base URL`, {
      reason: "missing_base_url",
    });
  const check = checkDestinationUrl(url, { allowPrivate });
  if (!check.ok) throw invalid("/body/base_url", check.reason, { reason: "destination_refused" });
  return url.replace(/\/+$/, "");
}

/** CRM providers and connections: create, read, change, delete, and check the credentials. */
export async function crmRoutes(app: App, ctx: ApiContext): Promise<void> {
  const { crm } = ctx;
  const encrypt = (config: CrmTargetConfig): string => ctx.cipher.encrypt(JSON.stringify(config));

  const load = async (tenantId: string, id: string): Promise<LoadedConnection> => {
    const loaded = await crm.connectors.load(tenantId, id);
    if (!loaded) throw notFound("CRM connection");
    return loaded;
  };
  const present = async (loaded: LoadedConnection) => {
    const [health] = await ctx.store.targets.getHealth([loaded.target.id]);
    return presentConnection(loaded.target, loaded.connection, loaded.config, loaded.provider, health);
  };

  app.get(
    "/v1/crm/providers",
    {
      schema: {
        tags: ["crm"],
        summary: "The CRMs Switchboard connects to, their credential fields and capabilities",
        response: { 200: Type.Object({ data: Type.Array(ProviderSchema) }) },
      },
    },
    async () => ({ data: crmProviders().map(presentProvider) }),
  );

  app.post(
    "/v1/crm/connections",
    {
      schema: {
        tags: ["crm"],
        summary: "Connect a CRM (credentials are encrypted and never shown again)",
        body: ConnectionCreateSchema,
        response: { 201: ConnectionSchema },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const input: ConnectionCreate = request.body;
      const provider = crmProvider(input.provider);
      if (!provider) {
        const known = crmProviders()
          .map((p) => p.name)
          .join(", ");
        throw invalid("/body/provider", `unknown CRM provider "${input.provider}" (one of ${known})`, {
          reason: "unknown_provider",
        });
      }
      checkCredentials(provider, input.credentials);
      const config: CrmTargetConfig = {
        provider: provider.name,
        base_url: baseUrlOf(provider, input.base_url, ctx.config.allowPrivateTargets),
        credentials: input.credentials,
      };
      // An OAuth CRM named by its app alone waits for someone to authorize it (`…/oauth/start`).
      if (provider.oauth && !provider.oauth.tokenCredentials.some((name) => input.credentials[name])) {
        config.oauth = { status: "awaiting_authorization", message: null, at: Date.now() };
      }
      const settings = applySettings(DEFAULT_CRM_SETTINGS, input.settings);
      const now = Date.now();
      const id = generateId("crm_");
      const name = input.name ?? provider.label;
      const target: WebhookRecord = {
        id,
        tenant_id: tenantId,
        kind: "crm",
        target_config: encrypt(config),
        url: config.base_url,
        description: name,
        // Pushes are delivered while the connection is on and sends to the CRM.
        enabled: sendsToCrm(settings),
        disabled_reason: null,
        events: CRM_RECORD_EVENTS,
        campaign_id: null,
        filters: {},
        // The HTTP columns are unused by CRM connections; they hold the webhook defaults.
        method: "POST",
        headers: {},
        auth: ctx.cipher.encrypt(JSON.stringify({ type: "none" })),
        app_key: null,
        body: { format: "json" },
        timeout_ms: input.timeout_ms ?? DEFAULT_TIMEOUT_MS,
        retry: input.retry ?? {},
        success: {},
        max_in_flight: input.max_in_flight ?? DEFAULT_MAX_IN_FLIGHT,
        rate_limit_per_s: input.rate_limit_per_s ?? defaultRateLimit(provider),
        signature_header: null,
        hold: null,
        secret: ctx.cipher.encrypt(generateId("crmsec_")),
        previous_secret: null,
        previous_secret_expires_at: null,
        created_at: now,
        updated_at: now,
      };
      const connection: CrmConnectionRecord = {
        id,
        tenant_id: tenantId,
        provider: provider.name,
        name,
        settings,
        mappings: EMPTY_MAPPINGS,
        schema: null,
        schema_loaded_at: null,
        schema_error: null,
        consecutive_failures: 0,
        last_sync_at: null,
        created_at: now,
        updated_at: now,
      };
      await ctx.store.crm.create(target, connection);
      await crm.scheduleFor(connection, { initial: true });
      await subscribeNow(crm, tenantId, id, ctx.config.publicUrl);
      reply.status(201);
      return present((await crm.connectors.load(tenantId, id)) ?? crm.connectors.loaded(target, connection));
    },
  );

  app.get(
    "/v1/crm/connections",
    {
      schema: {
        tags: ["crm"],
        summary: "List CRM connections",
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(ConnectionSchema) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const result = await ctx.store.crm.list(tenantId, {
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
      });
      const data = [];
      for (const connection of result.data) {
        const loaded = await crm.connectors.load(tenantId, connection.id);
        if (loaded) data.push(await present(loaded));
      }
      return { data, next_cursor: result.next_cursor };
    },
  );

  app.get(
    "/v1/crm/connections/:id",
    {
      schema: {
        tags: ["crm"],
        summary: "Get a CRM connection",
        params: Params,
        response: { 200: ConnectionSchema },
      },
    },
    async (request) => present(await load(tenantOf(request), request.params.id)),
  );

  app.patch(
    "/v1/crm/connections/:id",
    {
      schema: {
        tags: ["crm"],
        summary: "Change a CRM connection (credentials left out are kept; those sent replace them)",
        params: Params,
        body: ConnectionPatchSchema,
        response: { 200: ConnectionSchema },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const input: ConnectionPatch = request.body;
      const current = await load(tenantId, request.params.id);
      const { provider } = current;
      const now = Date.now();
      const settings = applySettings(current.connection.settings, input.settings);
      const patch: WebhookPatch = {};
      if (input.credentials !== undefined || input.base_url !== undefined) {
        checkCredentials(provider, { ...current.config.credentials, ...(input.credentials ?? {}) });
        const baseUrl =
          input.base_url === undefined
            ? current.config.base_url
            : baseUrlOf(provider, input.base_url, ctx.config.allowPrivateTargets);
        // Merged into the stored config by compare-and-swap: a token refreshed meanwhile is kept.
        await crm.connectors.updateConfig(tenantId, current.target.id, (stored: CrmTargetConfig) => {
          const { oauth, ...rest } = stored;
          // New credentials for a CRM that refused its directly given token (a Filevine PAT) end
          // the refusal; an OAuth connection is cleared by connecting it again.
          const cleared = input.credentials && !provider.oauth && oauth?.status === "refused";
          return {
            ...rest,
            ...(oauth && !cleared ? { oauth } : {}),
            credentials: { ...stored.credentials, ...(input.credentials ?? {}) },
            base_url: baseUrl,
          };
        });
        patch.url = baseUrl;
      }
      if (input.name !== undefined) patch.description = input.name;
      if (input.timeout_ms !== undefined) patch.timeout_ms = input.timeout_ms;
      if (input.retry !== undefined) patch.retry = input.retry;
      if (input.max_in_flight !== undefined) patch.max_in_flight = input.max_in_flight;
      if (input.rate_limit_per_s !== undefined) patch.rate_limit_per_s = input.rate_limit_per_s;
      const delivering = sendsToCrm(settings);
      if (delivering !== current.target.enabled || input.settings?.enabled !== undefined) {
        patch.enabled = delivering;
        // Turning it on by hand clears the reason it was disabled automatically.
        patch.disabled_reason = null;
      }
      const target = await ctx.store.targets.update(tenantId, current.target.id, patch, now);
      const connection = await ctx.store.crm.update(
        current.connection.id,
        { settings, ...(input.name !== undefined ? { name: input.name } : {}) },
        now,
      );
      if (!target || !connection) throw notFound("CRM connection");
      if (delivering) ctx.wake();
      // Initial sync asked for by this change (it was none or off before).
      const initialChanged =
        input.settings?.initial_sync !== undefined &&
        input.settings.initial_sync !== current.connection.settings.initial_sync;
      await crm.scheduleFor(connection, { initial: initialChanged });
      await subscribeNow(crm, tenantId, connection.id, ctx.config.publicUrl);
      return present(
        (await crm.connectors.load(tenantId, connection.id)) ?? crm.connectors.loaded(target, connection),
      );
    },
  );

  app.delete(
    "/v1/crm/connections/:id",
    {
      schema: {
        tags: ["crm"],
        summary: "Delete a CRM connection (its logs, links and runs are kept; pending pushes are cancelled)",
        params: Params,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      await load(tenantId, request.params.id);
      if (!(await ctx.store.targets.delete(tenantId, request.params.id, Date.now()))) {
        throw notFound("CRM connection");
      }
      reply.status(204);
    },
  );

  app.post(
    "/v1/crm/connections/:id/test",
    {
      schema: {
        tags: ["crm"],
        summary:
          "Check the connection's credentials against the CRM (422 with the CRM's message when refused)",
        params: Params,
        response: {
          200: Type.Object({ ok: Type.Literal(true), account: Type.Union([Type.String(), Type.Null()]) }),
        },
      },
    },
    async (request) => {
      const loaded = await load(tenantOf(request), request.params.id);
      const connector = crm.connectors.connect(loaded);
      try {
        const { account } = await connector.test();
        return { ok: true as const, account };
      } catch (error) {
        throw crmRefused(loaded.provider, error);
      } finally {
        await connector.close?.();
      }
    },
  );
}
