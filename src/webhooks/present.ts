import { iso } from "../api/schemas.js";
import { maskSecret } from "../domain/redact.js";
import type { WebhookAuth } from "../domain/webhook.js";
import type { SecretCipher } from "../secrets/cipher.js";
import type { WebhookRecord } from "../store/index.js";

/** The auth settings with credentials masked, as API answers show them. */
export function maskAuth(auth: WebhookAuth): Record<string, string> {
  switch (auth.type) {
    case "none":
      return { type: "none" };
    case "api_key":
      return { type: "api_key", header: auth.header, value: maskSecret(auth.value) };
    case "basic":
      return { type: "basic", username: auth.username, password: maskSecret(auth.password) };
    case "bearer":
      return { type: "bearer", token: maskSecret(auth.token) };
  }
}

export function decryptAuth(cipher: SecretCipher, stored: string): WebhookAuth {
  return JSON.parse(cipher.decrypt(stored)) as WebhookAuth;
}

/** A webhook as the API shows it: every contract field, credentials masked, secret absent. */
export function presentWebhook(webhook: WebhookRecord, cipher: SecretCipher): Record<string, unknown> {
  return {
    id: webhook.id,
    url: webhook.url,
    description: webhook.description,
    enabled: webhook.enabled,
    disabled_reason: webhook.disabled_reason,
    events: webhook.events,
    campaign_id: webhook.campaign_id,
    filters: webhook.filters,
    method: webhook.method,
    headers: webhook.headers,
    auth: maskAuth(decryptAuth(cipher, webhook.auth)),
    app_key: webhook.app_key === null ? null : maskSecret(cipher.decrypt(webhook.app_key)),
    body: webhook.body,
    timeout_ms: webhook.timeout_ms,
    retry: webhook.retry,
    success: webhook.success,
    created_at: iso(webhook.created_at),
    updated_at: iso(webhook.updated_at),
  };
}
