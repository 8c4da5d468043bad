/** The form's "Destination" section: endpoint URL, description, HTTP method and the enabled switch. */
import { describedBy, Field, Section, type Setter } from "../../../ui/fields";
import type { FieldErrors } from "../../targets/form/numbers";
import type { FormState } from "./state";

export function DestinationSection({
  state,
  set,
  errors,
  urlError,
  onUrlChange,
}: {
  state: FormState;
  set: Setter<FormState>;
  errors: FieldErrors;
  urlError: string | null;
  onUrlChange: (value: string) => void;
}) {
  return (
    <Section title="Destination" description="Where and how Switchboard sends each event.">
      <Field
        id="wh-url"
        label="Endpoint URL"
        error={urlError ?? undefined}
        hint={
          state.preset && !urlError
            ? `${state.preset.title}: ${state.preset.setup}`
            : urlHint(state.url, urlError)
        }
      >
        <input
          id="wh-url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder={state.preset?.url_hint ?? "https://hooks.example.com/switchboard"}
          value={state.url}
          onChange={(e) => onUrlChange(e.target.value)}
          aria-invalid={urlError ? true : undefined}
          aria-describedby={describedBy("wh-url", urlError, true)}
        />
      </Field>
      <Field id="wh-description" label="Description" optional error={errors.description}>
        <input
          id="wh-description"
          type="text"
          maxLength={500}
          placeholder="Intake sheet, Slack #intake, …"
          value={state.description}
          onChange={(e) => set("description", e.target.value)}
        />
      </Field>
      <div className="grid-2">
        <Field
          id="wh-method"
          label="HTTP method"
          error={errors.method}
          hint="GET sends the fields as a query string."
        >
          <select
            id="wh-method"
            value={state.method}
            onChange={(e) => set("method", e.target.value as FormState["method"])}
            aria-describedby="wh-method-hint"
          >
            <option value="POST">POST</option>
            <option value="PUT">PUT</option>
            <option value="GET">GET</option>
            <option value="DELETE">DELETE</option>
          </select>
        </Field>
        <div className="field field-check">
          <label className="choice">
            <input
              id="wh-enabled"
              type="checkbox"
              checked={state.enabled}
              onChange={(e) => set("enabled", e.target.checked)}
            />
            <span>Enabled — deliver events to this endpoint</span>
          </label>
        </div>
      </div>
    </Section>
  );
}

function urlHint(url: string, error: string | null): string | undefined {
  if (error) return undefined;
  if (url.trim().startsWith("http://"))
    return "Plain http and private or loopback addresses are refused unless the server allows private targets (development only).";
  return "Must be https and reach a public address; the server checks it again when it sends.";
}
