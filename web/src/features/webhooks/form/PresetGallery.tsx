/**
 * The new-webhook page's gallery: the destination presets from `GET /v1/webhook-presets`.
 * Choosing one fills the form with its events, method, body, success rule and retry; "Blank"
 * starts over. The stored webhook is an ordinary one, so every filled field stays editable.
 */
import type { WebhookPreset } from "../../../api";
import { ErrorState } from "../../../ui/elements";
import { Section } from "../../../ui/fields";
import { useApi, useResource } from "../../../ui/hooks";

export function PresetGallery({
  chosen,
  onChoose,
}: {
  chosen: string | null;
  onChoose: (preset: WebhookPreset | null) => void;
}) {
  const call = useApi();
  const [presets, reload] = useResource("webhook-presets", (signal) =>
    call<{ data: WebhookPreset[] }>("GET", "/v1/webhook-presets", undefined, signal),
  );
  const picked = presets.data?.data.find((p) => p.name === chosen) ?? null;
  return (
    <Section
      title="Start from a preset"
      description="Connect a service without writing a template: pick one and the form below is filled in."
    >
      {presets.state === "error" && !presets.data ? (
        <ErrorState title="Could not load the presets" error={presets.error} onRetry={reload} />
      ) : (
        <ul className="preset-gallery" aria-label="Presets" aria-busy={presets.state === "loading"}>
          <li>
            <button
              type="button"
              className="preset-card"
              aria-pressed={chosen === null}
              onClick={() => onChoose(null)}
            >
              <strong>Blank</strong>
              <span className="muted">The signed JSON envelope to your own endpoint.</span>
            </button>
          </li>
          {presets.data?.data.map((preset) => (
            <li key={preset.name}>
              <button
                type="button"
                className="preset-card"
                data-preset={preset.name}
                aria-pressed={chosen === preset.name}
                onClick={() => onChoose(preset)}
              >
                <strong>{preset.title}</strong>
                <span className="muted">{preset.description}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {picked && (
        <p className="preset-setup" role="status">
          <strong>{picked.title}:</strong> {picked.setup}
        </p>
      )}
    </Section>
  );
}
