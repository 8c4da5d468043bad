import { Type } from "@sinclair/typebox";
import { DomainError, notFound } from "../domain/errors.js";
import { CrmError, type CrmNotified } from "../integrations/crm/connector.js";
import { enqueueRecordPull } from "../integrations/crm/sync/notified.js";
import type { ApiContext, App } from "./context.js";
import { Id } from "./schemas.js";

/**
 * `POST /v1/crm/hooks/{connection_id}`: a CRM's own change notifications. Not behind an API key
 * (the CRM has none of ours): the connector verifies the CRM's signature over the raw body (Clio)
 * or the token Filevine's identity service signed, and a verified notification queues a read of
 * the one record it names (applied with the pull's id + hash dedupe). A CRM that sends no notifications
 * (LawRuler, SmartAdvocate: their changes are polled) answers 404.
 */
export async function crmHookRoutes(app: App, ctx: ApiContext): Promise<void> {
  // The signature covers the bytes as sent: keep them, whatever the content type.
  // JSON included: the API's JSON parser would hand the route an object, and the bytes are gone;
  // Clio's handshake is also an empty POST that the JSON parser would refuse.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(
    ["application/json", "*"],
    { parseAs: "buffer", bodyLimit: 1_048_576 },
    (_request, body, done) => {
      done(null, body);
    },
  );
  app.post(
    "/v1/crm/hooks/:id",
    {
      schema: {
        tags: ["crm"],
        summary: "A CRM's change notification (verified with that CRM's signature scheme)",
        params: Type.Object({ id: Id("crm") }),
        security: [],
        response: {
          200: Type.Object({
            /** The activation handshake: nothing changed. */
            accepted: Type.Literal(false),
          }),
          202: Type.Object({
            /** False when the CRM's notification named no record change. */
            accepted: Type.Boolean(),
          }),
        },
      },
    },
    async (request, reply) => {
      const loaded = await ctx.crm.connectors.loadById(request.params.id);
      if (!loaded) throw notFound("CRM connection");
      const connector = ctx.crm.connectors.connect(loaded);
      try {
        if (!loaded.provider.capabilities.changeNotifications || !connector.readNotification) {
          throw notFound(`${loaded.provider.label} change notifications`, {
            reason: `${loaded.provider.label} sends no change notifications; its changes are polled`,
          });
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          if (typeof value === "string") headers[name] = value;
        }
        // The CRM proving the URL as it subscribes (Clio's X-Hook-Secret): 200 with the secret
        // echoed. Nothing is stored from it: the signing secret comes from the subscription's answer,
        // never from an unauthenticated request.
        const handshake = loaded.provider.notifications?.handshakeHeader;
        const echoed = handshake ? headers[handshake]?.trim() : undefined;
        if (handshake && echoed) {
          reply.header(handshake, echoed);
          reply.status(200);
          return { accepted: false };
        }
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        let change: CrmNotified | null;
        try {
          change = await connector.readNotification(headers, body);
        } catch (error) {
          if (error instanceof CrmError && error.stage === "auth") {
            throw new DomainError("unauthorized", "the notification's signature does not verify");
          }
          throw error;
        }
        if (change !== null) {
          await enqueueRecordPull(
            ctx.store.jobs,
            loaded.connection.tenant_id,
            loaded.connection.id,
            change,
            Date.now(),
          );
        }
        reply.status(202);
        return { accepted: change !== null };
      } finally {
        await connector.close?.();
      }
    },
  );
}
