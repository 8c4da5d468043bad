import { invalid } from "../domain/errors.js";
import { findPreset, presetDefaults } from "../domain/presets.js";
import type { WebhookCreate } from "../domain/webhook.js";

/**
 * A create request with its preset filled in: the preset's events, method, headers, body, success
 * rule and retry, under whatever the request gives itself (`headers` and `body` merge field by
 * field, so `{"preset": "kaisa", "body": {"sign": true}}` keeps Kaisa's template). A preset that
 * needs a credential (HubSpot's token) answers 422 without one.
 */
export function withPreset(input: WebhookCreate): WebhookCreate {
  if (input.preset === undefined) return input;
  const preset = findPreset(input.preset);
  if (!preset)
    throw invalid("/body/preset", `"${input.preset}" is not a preset (see GET /v1/webhook-presets)`);
  if (preset.auth === "bearer" && input.auth?.type !== "bearer") {
    throw invalid(
      "/body/auth",
      `the ${preset.name} preset needs {"type": "bearer", "token": …}: ${preset.setup}`,
      {
        reason: "preset_needs_auth",
      },
    );
  }
  const defaults = presetDefaults(preset);
  return {
    ...input,
    events: input.events ?? defaults.events,
    method: input.method ?? defaults.method,
    headers: { ...defaults.headers, ...input.headers },
    body: { ...defaults.body, ...input.body },
    success: input.success ?? defaults.success,
    retry: input.retry ?? defaults.retry,
  };
}

/** A raw create body's `body.format`, filled from its preset when it names a preset but no format. */
export function fillPresetFormat(raw: unknown): void {
  if (typeof raw !== "object" || raw === null) return;
  const { preset: name, body } = raw as { preset?: unknown; body?: unknown };
  if (typeof name !== "string" || typeof body !== "object" || body === null || "format" in body) return;
  const preset = findPreset(name);
  if (preset) (body as { format?: string }).format = preset.body.format;
}
