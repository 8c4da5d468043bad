import { iso } from "../../domain/time.js";
import type { SecretCipher } from "../../secrets/cipher.js";
import type { WebhookHealth, WebhookRecord } from "../../store/index.js";
import { presentHealth } from "../../webhooks/present.js";
import { decryptEmailSettings } from "./index.js";
import type { EmailDestination } from "./schema.js";

/** An email destination as the API shows it: every field, the SMTP password masked. */
export function presentEmailDestination(
  record: WebhookRecord,
  cipher: SecretCipher,
  health?: WebhookHealth,
): EmailDestination {
  const settings = decryptEmailSettings(cipher, record.target_config);
  return {
    id: record.id,
    kind: "email",
    description: record.description,
    enabled: record.enabled,
    disabled_reason: record.disabled_reason,
    events: record.events,
    campaign_id: record.campaign_id,
    filters: record.filters,
    email: {
      ...settings,
      smtp: {
        ...settings.smtp,
        // Never shown, not even a hint: only whether one is set.
        password: settings.smtp.password === null ? null : "••••••••",
      },
    },
    timeout_ms: record.timeout_ms,
    retry: record.retry,
    max_in_flight: record.max_in_flight,
    rate_limit_per_s: record.rate_limit_per_s,
    hold: record.hold,
    health: presentHealth(health),
    created_at: iso(record.created_at),
    updated_at: iso(record.updated_at),
  };
}
