import Fastify, { LogController } from "fastify";
import type { Logger } from "pino";
import type { Metrics } from "../delivery/metrics.js";
import type { ReadinessProbe } from "../readiness.js";
import { VERSION } from "../version.js";
import type { App } from "./context.js";
import { handleError } from "./errors.js";

export interface HealthContext {
  metrics: Metrics;
  readiness: ReadinessProbe;
}

/**
 * Liveness (`/healthz`: the process answers, nothing else is touched, so a slow database never
 * gets a live process restarted), readiness (`/readyz`: see ReadinessProbe) and `/metrics`.
 */
export function healthRoutes(app: App, ctx: HealthContext): void {
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok", version: VERSION }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    const readiness = await ctx.readiness.check();
    reply.status(readiness.status === "ok" ? 200 : 503);
    return readiness;
  });
  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("content-type", ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}

/** The HTTP server of a process without the API (`--role worker`): health and metrics only. */
export async function buildHealthApp(ctx: HealthContext, logger: Logger): Promise<App> {
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as App;
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: {
        code: "not_found",
        message: `no route ${request.method} ${request.url}; a worker serves /healthz, /readyz and /metrics`,
      },
    });
  });
  healthRoutes(app, ctx);
  return app;
}
