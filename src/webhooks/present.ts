import { DEFAULT_ORDERING_KEY } from "../domain/ordering.js";
import { maskSecret, redactHeaders } from "../domain/redact.js";
import { iso } from "../domain/time.js";
import type { TargetHealth, Webhook, WebhookAuth } from "../domain/webhook.js";
import type { SecretCipher } from "../secrets/cipher.js";
import type { WebhookHealth, WebhookRecord } from "../store/index.js";

/** The auth settings with credentials masked, as API answers show them. */
export function maskAuth(auth: WebhookAuth): Webhook["auth"] {
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
/** Health as the API shows it; a webhook nothing was sent to yet is healthy. */
export function presentHealth(health: WebhookHealth | undefined): TargetHealth {
  return {
    circuit: health?.circuit_state ?? "closed",
    consecutive_failures: health?.consecutive_failures ?? 0,
    retry_at: iso(health?.retry_at ?? null),
    failing_since: iso(health?.failing_since ?? null),
    last_success_at: iso(health?.last_success_at ?? null),
    last_failure_at: iso(health?.last_failure_at ?? null),
  };
}

export function presentWebhook(
  webhook: WebhookRecord,
  cipher: SecretCipher,
  health?: WebhookHealth,
): Webhook {
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
    // Shown redacted; stored as given, so deliveries still send them.
    headers: redactHeaders(webhook.headers),
    auth: maskAuth(decryptAuth(cipher, webhook.auth)),
    app_key: webhook.app_key === null ? null : maskSecret(cipher.decrypt(webhook.app_key)),
    body: webhook.body,
    timeout_ms: webhook.timeout_ms,
    retry: webhook.retry,
    success: webhook.success,
    max_in_flight: webhook.max_in_flight,
    rate_limit_per_s: webhook.rate_limit_per_s,
    signature_header: webhook.signature_header,
    hold: webhook.hold,
    signing: { scheme: webhook.signing_scheme ?? "v1" },
    ordering: webhook.ordering ?? "none",
    ordering_key: webhook.ordering_key ?? DEFAULT_ORDERING_KEY,
    health: presentHealth(health),
    created_at: iso(webhook.created_at),
    updated_at: iso(webhook.updated_at),
  };
}
