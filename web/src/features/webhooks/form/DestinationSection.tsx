/** The form's "Destination" section: endpoint URL and description (method and state are under "Advanced"). */
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
    <Section title="Destination" description="Where Switchboard sends each event.">
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
    </Section>
  );
}

function urlHint(url: string, error: string | null): string | undefined {
  if (error) return undefined;
  if (url.trim().startsWith("http://"))
    return "Plain http and private or loopback addresses are refused unless the server allows private targets (development only).";
  return "Must be https and reach a public address; the server checks it again when it sends.";
}
