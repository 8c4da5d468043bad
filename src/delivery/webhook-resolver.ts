import type { HttpMethod, WebhookBody } from "../domain/webhook.js";
import type { SecretCipher } from "../secrets/cipher.js";
import type { WebhookRecord } from "../store/index.js";
import { decryptAuth } from "../webhooks/present.js";
import type { ResolvedWebhook } from "./request.js";

/**
 * Decrypts webhooks for sending, once per version: the cache is keyed by id and checked against
 * `updated_at`, and refreshed when a rotated-out secret's grace period ends.
 */
export class WebhookResolver {
  private readonly cache = new Map<string, { resolved: ResolvedWebhook; validUntil: number }>();

  constructor(private readonly cipher: SecretCipher) {}

  resolve(record: WebhookRecord & { deleted_at?: number | null }, now: number): ResolvedWebhook {
    const cached = this.cache.get(record.id);
    if (cached && cached.resolved.updated_at === record.updated_at && now < cached.validUntil) {
      return cached.resolved;
    }
    const auth = decryptAuth(this.cipher, record.auth);
    const previousValid =
      record.previous_secret !== null &&
      record.previous_secret_expires_at !== null &&
      record.previous_secret_expires_at > now;
    const secrets = [this.cipher.decrypt(record.secret)];
    if (previousValid && record.previous_secret) secrets.push(this.cipher.decrypt(record.previous_secret));
    const resolved: ResolvedWebhook = {
      id: record.id,
      tenant_id: record.tenant_id,
      enabled: record.enabled,
      deleted: (record.deleted_at ?? null) !== null,
      url: record.url,
      method: record.method as HttpMethod,
      headers: record.headers,
      auth,
      app_key: record.app_key === null ? null : this.cipher.decrypt(record.app_key),
      body: record.body as unknown as WebhookBody,
      timeout_ms: record.timeout_ms,
      retry: record.retry,
      success: record.success,
      secrets,
      secretHeaderNames: [
        ...(auth.type === "api_key" ? [auth.header] : []),
        ...(record.signature_header ? [record.signature_header] : []),
      ],
      signature_header: record.signature_header ?? null,
      max_in_flight: record.max_in_flight,
      rate_limit_per_s: record.rate_limit_per_s,
      updated_at: record.updated_at,
    };
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(record.id, {
      resolved,
      validUntil: previousValid ? (record.previous_secret_expires_at as number) : Number.POSITIVE_INFINITY,
    });
    return resolved;
  }

  /** Marks a cached webhook disabled (after a 410) until its next version is read. */
  markDisabled(id: string): void {
    const cached = this.cache.get(id);
    if (cached) cached.resolved = { ...cached.resolved, enabled: false };
  }
}
