import { prepareRequest, type ResolvedWebhook } from "../../delivery/request.js";
import type { Sender } from "../../delivery/sender.js";
import type { ListenHub } from "../../listen/hub.js";
import type { SecretCipher } from "../../secrets/cipher.js";
import type { DeliveryRepository, EventRecord, WebhookRecord } from "../../store/index.js";
import type { Exchange, TargetKind } from "../kind.js";
import { webhookKind } from "../webhook/index.js";

/** The stored kind of the temporary targets `switchboard listen` creates. */
export const LISTEN_KIND = "listen";

/** A listener: a webhook in every field, but its attempts go to a connected CLI, not over HTTP. */
export type ResolvedListener = Omit<ResolvedWebhook, "kind"> & { kind: typeof LISTEN_KIND };

/** Resolving never sends; the webhook kind's resolver only needs a sender to exist. */
const NO_SENDER: Sender = {
  send: () => Promise.reject(new Error("a listener never sends over HTTP")),
  close: async () => {},
};

/**
 * Listener targets (`switchboard listen`): each attempt is signed and built exactly like a
 * webhook's, handed to the CLI streaming the target (`GET /v1/deliveries/stream`), and its result
 * is what the CLI reports the local server answered — so the attempt log, success conditions and
 * retries are the webhook ones, and a delivery succeeds only when the local server said 2xx.
 */
export function listenKind(
  cipher: SecretCipher,
  hub: ListenHub,
  deliveries: Pick<DeliveryRepository, "listForEvent">,
): TargetKind<ResolvedListener> {
  const webhooks = webhookKind(NO_SENDER, cipher);
  return {
    name: LISTEN_KIND,
    resolve(record: WebhookRecord & { deleted_at?: number | null }, now: number) {
      const { target, validUntil } = webhooks.resolve(record, now);
      return { target: { ...target, kind: LISTEN_KIND }, validUntil };
    },
    async exchange(target: ResolvedListener, event: EventRecord, startedAt: number): Promise<Exchange> {
      const started = performance.now();
      const prepared = prepareRequest(event, { ...target, kind: "webhook" }, Math.floor(startedAt / 1000));
      const elapsed = (): number => Math.round(performance.now() - started);
      if (!prepared.ok) {
        return {
          request: prepared.request,
          result: {
            status: null,
            headers: null,
            body: null,
            errorKind: "render",
            errorMessage: prepared.message,
            durationMs: elapsed(),
          },
        };
      }
      // The CLI prints and reports by delivery id: one delivery per event and target.
      const delivery = (await deliveries.listForEvent(target.tenant_id, event.id)).find(
        (d) => d.webhook_id === target.id,
      );
      const report = await hub.deliver(
        target.id,
        {
          delivery_id: delivery?.id ?? null,
          webhook_id: target.id,
          event_id: event.id,
          event_type: event.type,
          method: prepared.request.method,
          headers: prepared.request.headers,
          body: prepared.request.body,
        },
        target.timeout_ms,
      );
      return {
        request: prepared.request,
        result: {
          status: report.status,
          headers: report.headers,
          body: report.body,
          errorKind: report.error === null ? null : report.timedOut ? "timeout" : "network",
          errorMessage: report.error,
          durationMs: elapsed(),
        },
      };
    },
    close: async () => {},
  };
}
