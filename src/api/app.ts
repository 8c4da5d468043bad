import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import { DomainError } from "../domain/errors.js";
import { hashApiKey } from "../domain/ids.js";
import { Scheduling } from "../integrations/scheduling/scheduling.js";
import { activityRoutes } from "./activity.js";
import { caseRoutes } from "./cases.js";
import { clientMergeRoutes } from "./client-merges.js";
import { clientRoutes } from "./clients.js";
import type { ApiContext, App } from "./context.js";
import { crmRoutes } from "./crm.js";
import { crmHookRoutes } from "./crm-hooks.js";
import { crmOAuthCallbackRoutes, crmOAuthStartRoutes } from "./crm-oauth.js";
import { crmSyncRoutes } from "./crm-sync.js";
import { registerDashboard } from "./dashboard.js";
import { deliveryRoutes } from "./deliveries.js";
import { destinationRoutes } from "./destinations.js";
import { enrichmentRoutes } from "./enrichment.js";
import { handleClientError, handleError } from "./errors.js";
import { eventTypeRoutes } from "./event-types.js";
import { eventRoutes } from "./events.js";
import { exportRoutes } from "./exports.js";
import { healthRoutes } from "./health.js";
import { importRoutes } from "./imports.js";
import { installNoBodyRule, installQueryParsing, installTextRules } from "./input-rules.js";
import { jobRoutes } from "./jobs.js";
import { installJsonBodyParser } from "./json-body.js";
import { listenRoutes } from "./listen.js";
import { openApiOptions } from "./openapi.js";
import { portalRoutes } from "./portal.js";
import { requestIdOf } from "./request-id.js";
import { schedulingHookRoutes, schedulingRoutes } from "./scheduling.js";
import { checkScope, installScopes } from "./scope-check.js";
import { settingsRoutes } from "./settings.js";
import { CRM_CONNECTIONS, DESTINATIONS, targetDeliveryRoutes, WEBHOOKS } from "./target-routes.js";
import { tenantRoutes } from "./tenants.js";
import { timelineRoutes } from "./timelines.js";
import { webhookPresetRoutes } from "./webhook-presets.js";
import { webhookRoutes } from "./webhooks.js";

/** Builds the HTTP API: every route group with its schemas, one error envelope, OpenAPI 3.1. */
export async function buildApp(ctx: ApiContext, logger: Logger): Promise<App> {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 256 * 1024,
    // Errors Fastify raises before routing (bad URL encoding, an over-long id) and ones Node's
    // parser raises before Fastify (headers too large) answer in our envelope too.
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
    // A caller's X-Request-Id (printable, at most 128 characters) or a new one; every log line
    // of the request carries it as request_id, and the answer echoes it.
    requestIdHeader: false,
    genReqId: (request) => requestIdOf(request.headers["x-request-id"]),
    clientErrorHandler: handleClientError,
    // Per-request lines would dominate the log at webhook volumes; errors are still logged.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "request_id" }),
    ajv: {
      // Unknown fields are an error, not silently dropped; no coercion, so `"enabled": null` or
      // `"name": 12345` is a 422 rather than `false` or `"12345"`. Query strings, which are all
      // text, are converted strictly by installQueryParsing before validation.
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The API speaks JSON only: without this, Fastify's built-in text/plain parser hands the raw
  // string to the route schema and a wrong content type answers 422 instead of 415.
  app.removeContentTypeParser("text/plain");
  installJsonBodyParser(app as unknown as FastifyInstance);
  installTextRules(app as unknown as FastifyInstance);
  installQueryParsing(app as unknown as FastifyInstance);
  installNoBodyRule(app as unknown as FastifyInstance);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.decorateRequest("principal", null);
  app.setErrorHandler(handleError);
  // The dashboard (web/dist) at `/`; its client-side routes fall back to index.html.
  const dashboard = await registerDashboard(app);
  app.setNotFoundHandler((request, reply) => {
    if (dashboard.fallback(request, reply)) return;
    reply
      .status(404)
      .send({ error: { code: "not_found", message: `no route ${request.method} ${request.url}` } });
  });

  await app.register(swagger, openApiOptions());

  healthRoutes(app as unknown as App, ctx);
  // One per process: its availability cache and connections are shared by the API and the hooks.
  const scheduling = new Scheduling({
    store: ctx.store,
    cipher: ctx.cipher,
    ingest: ctx.ingest,
    allowPrivateTargets: ctx.config.allowPrivateTargets,
  });
  await app.register(async (hooks) => schedulingHookRoutes(hooks as unknown as App, scheduling));
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  // CRMs post their change notifications without our API key: signature-checked, outside /v1's auth.
  await app.register(async (hooks) => crmHookRoutes(hooks as unknown as App, ctx));
  // The CRM's OAuth callback comes from a person's browser without our key: the signed state vouches.
  await app.register(async (callback) => crmOAuthCallbackRoutes(callback as unknown as App, ctx));

  await app.register(async (v1) => {
    // Per key (or per address without one), counted in this node's memory.
    await v1.register(rateLimit, {
      max: ctx.config.apiRateLimitPerSecond,
      timeWindow: 1000,
      keyGenerator: (request) => {
        const header = request.headers.authorization;
        return header ? hashApiKey(header) : request.ip;
      },
      errorResponseBuilder: (_request, context) =>
        new DomainError(
          "rate_limited",
          `rate limit of ${context.max} requests per second exceeded; retry after ${context.after}`,
        ),
    });
    installScopes(v1 as unknown as FastifyInstance);
    v1.addHook("onRequest", async (request) => {
      request.principal = await ctx.auth.authenticate(request);
      checkScope(request);
    });
    for (const routes of [
      tenantRoutes,
      eventTypeRoutes,
      eventRoutes,
      webhookRoutes,
      webhookPresetRoutes,
      destinationRoutes,
      targetDeliveryRoutes(WEBHOOKS),
      targetDeliveryRoutes(DESTINATIONS),
      crmRoutes,
      crmOAuthStartRoutes,
      crmSyncRoutes,
      targetDeliveryRoutes(CRM_CONNECTIONS),
      deliveryRoutes,
      jobRoutes,
      clientRoutes,
      caseRoutes,
      settingsRoutes,
      clientMergeRoutes,
      timelineRoutes,
      listenRoutes,
      exportRoutes,
      enrichmentRoutes,
      portalRoutes,
      activityRoutes,
    ]) {
      await routes(v1 as unknown as App, ctx);
    }
    // Its own scope: the multipart parser it registers reaches no other route.
    await v1.register(async (imports) => importRoutes(imports as unknown as App, ctx));
    await schedulingRoutes(v1 as unknown as App, scheduling);
  });

  return app as unknown as App;
}
