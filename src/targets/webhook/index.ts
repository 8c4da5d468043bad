import { prepareRequest, type ResolvedWebhook, sendPrepared } from "../../delivery/request.js";
import type { Sender } from "../../delivery/sender.js";
import type { SecretCipher } from "../../secrets/cipher.js";
import type { EventRecord, WebhookRecord } from "../../store/index.js";
import { decryptAuth } from "../../webhooks/present.js";
import { type Exchange, type TargetKind, targetBase } from "../kind.js";

/**
 * HTTP webhooks: a Standard Webhooks–signed request per attempt, sent by `sender` (keep-alive
 * pools behind the destination guard, on sender threads when configured).
 */
export function webhookKind(sender: Sender, cipher: SecretCipher): TargetKind<ResolvedWebhook> {
  return {
    name: "webhook",
    resolve(record: WebhookRecord & { deleted_at?: number | null }, now: number) {
      const auth = decryptAuth(cipher, record.auth);
      const previousValid =
        record.previous_secret !== null &&
        record.previous_secret_expires_at !== null &&
        record.previous_secret_expires_at > now;
      const secrets = [cipher.decrypt(record.secret)];
      if (previousValid && record.previous_secret) secrets.push(cipher.decrypt(record.previous_secret));
      const previousKeyUntil = record.previous_signing_key
        ? (record.previous_signing_key_expires_at ?? 0)
        : 0;
      const signingKeys = record.signing_key ? [cipher.decrypt(record.signing_key)] : [];
      if (previousKeyUntil > now && record.previous_signing_key) {
        signingKeys.push(cipher.decrypt(record.previous_signing_key));
      }
      const target: ResolvedWebhook = {
        ...targetBase("webhook", record),
        method: record.method,
        headers: record.headers,
        auth,
        app_key: record.app_key === null ? null : cipher.decrypt(record.app_key),
        body: record.body,
        secrets,
        secretHeaderNames: [
          ...(auth.type === "api_key" ? [auth.header] : []),
          ...(record.signature_header ? [record.signature_header] : []),
        ],
        signature_header: record.signature_header ?? null,
        signing_scheme: record.signing_scheme ?? "v1",
        signing_keys: signingKeys,
      };
      // Signing with the rotated-out secret (or key) stops when its grace period ends.
      const validUntil = Math.min(
        previousValid ? (record.previous_secret_expires_at as number) : Number.POSITIVE_INFINITY,
        previousKeyUntil > now ? previousKeyUntil : Number.POSITIVE_INFINITY,
      );
      return { target, validUntil };
    },
    async exchange(target: ResolvedWebhook, event: EventRecord, startedAt: number): Promise<Exchange> {
      // Signed at this attempt's own time: a retry is signed afresh, `webhook-id` stays the same.
      const prepared = prepareRequest(event, target, Math.floor(startedAt / 1000));
      const result = await sendPrepared(sender, prepared, target.timeout_ms);
      return { request: prepared.request, result };
    },
    close: () => sender.close(),
  };
}
