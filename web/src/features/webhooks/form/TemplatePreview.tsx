/** The variables of an event type the webhook receives, and the body rendered from its catalog example. */
import { useEffect, useMemo, useState } from "react";
import { type EventType, type EventTypeDetail, errorMessage } from "../../../api";
import { useApi } from "../../../ui/hooks";
import { loadEventType } from "../../catalog/catalog";
import { concreteTypes } from "../../targets/form/routing";
import { renderPreview, withMacros } from "./preview";
import type { FormState } from "./state";
import { parsedTemplate } from "./validation";

export function TemplatePreview({ state, types }: { state: FormState; types: EventType[] }) {
  const call = useApi();
  const candidates = useMemo(() => concreteTypes(state, types), [state, types]);
  const [previewType, setPreviewType] = useState<string>("");
  const chosen = candidates.includes(previewType) ? previewType : (candidates[0] ?? "");
  const [detail, setDetail] = useState<{ type: string; value: EventTypeDetail | null; error: unknown }>({
    type: "",
    value: null,
    error: null,
  });
  useEffect(() => {
    if (!chosen) return;
    let live = true;
    loadEventType(call, chosen).then(
      (value) => live && setDetail({ type: chosen, value, error: null }),
      (error: unknown) => live && setDetail({ type: chosen, value: null, error }),
    );
    return () => {
      live = false;
    };
  }, [call, chosen]);
  const [timestamp] = useState(() => new Date().toISOString());
  const example = types.find((t) => t.name === chosen)?.example;
  const template = parsedTemplate(state);
  const preview =
    example && !template.error
      ? renderPreview(
          { method: state.method, format: state.format, template: template.template },
          withMacros(
            { id: "evt_preview0000000000000000", event: chosen, timestamp, data: example },
            state.macros,
          ),
        )
      : null;
  const variables = detail.type === chosen ? detail.value?.variables : undefined;

  return (
    <div className="preview-grid">
      <div className="field">
        <label htmlFor="wh-preview-type">Variables and preview for</label>
        <select
          id="wh-preview-type"
          value={chosen}
          onChange={(e) => setPreviewType(e.target.value)}
          disabled={candidates.length === 0}
        >
          {candidates.length === 0 && <option value="">Pick an event first</option>}
          {candidates.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <div className="variables" aria-live="polite">
          <h3>Variables</h3>
          {!chosen ? (
            <p className="muted">Pick an event to see its variables.</p>
          ) : detail.type === chosen && detail.error ? (
            <p className="field-error">Could not load the variables: {errorMessage(detail.error)}</p>
          ) : !variables ? (
            <p className="muted">Loading variables…</p>
          ) : (
            <ul className="variable-list">
              {variables.map((v) => (
                <li key={v}>
                  <code>{`{{ ${v} }}`}</code>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <div className="preview">
        <h3>
          Preview <span className="badge badge-muted">preview</span>
        </h3>
        <p className="hint">
          Rendered in your browser from the catalog example of <code>{chosen || "—"}</code>. This preview
          substitutes variables only; Liquid filters and tags are applied by the server when it sends.
        </p>
        {template.error && state.templateMode !== "none" ? (
          <p className="muted">Fix the template to see the preview.</p>
        ) : preview ? (
          <>
            <p className="muted">
              {preview.kind === "query"
                ? "Query string added to the URL (GET has no body)"
                : `Content-Type: ${preview.contentType}`}
            </p>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable region must be keyboard reachable. */}
            <pre className="preview-body" tabIndex={0} data-testid="template-preview">
              {preview.text}
            </pre>
          </>
        ) : (
          <p className="muted">Pick an event to preview the body.</p>
        )}
      </div>
    </div>
  );
}
