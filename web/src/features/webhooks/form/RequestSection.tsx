/** The form's "Request" section: extra headers, authentication, app key and extra signature header. */
import type { Dispatch, SetStateAction } from "react";
import { Field, Section, type Setter } from "../../../ui/fields";
import type { FieldErrors } from "../../targets/form/numbers";
import { AuthFields } from "./AuthFields";
import { HeadersEditor } from "./HeadersEditor";
import type { AuthType, FormState } from "./state";

export function RequestSection({
  state,
  set,
  setState,
  errors,
  editing,
}: {
  state: FormState;
  set: Setter<FormState>;
  setState: Dispatch<SetStateAction<FormState>>;
  errors: FieldErrors;
  editing: boolean;
}) {
  return (
    <Section title="Request" description="Extra headers and credentials sent with every delivery.">
      <HeadersEditor state={state} set={set} setState={setState} errors={errors} />

      <div className="subsection">
        <Field id="wh-auth-type" label="Authentication" error={errors.auth}>
          <select
            id="wh-auth-type"
            value={state.authType}
            onChange={(e) => {
              setState((current) => ({
                ...current,
                authType: e.target.value as AuthType,
                authChanged: true,
              }));
            }}
          >
            <option value="none">None</option>
            <option value="api_key">API key in a header</option>
            <option value="basic">Basic (user name and password)</option>
            <option value="bearer">Bearer token</option>
          </select>
        </Field>
        {editing && !state.authChanged && state.authType !== "none" ? (
          <p className="inline">
            <span className="muted">
              Stored encrypted: <code>{state.authMasked}</code>
            </span>
            <button type="button" className="button button-small" onClick={() => set("authChanged", true)}>
              Change credentials
            </button>
          </p>
        ) : (
          <AuthFields state={state} set={set} />
        )}
      </div>

      <div className="grid-2 subsection">
        <Field
          id="wh-app-key"
          label="App key"
          optional
          error={errors.app_key}
          hint={
            <>
              Sent as <code>X-Public-Api-Key</code>.
            </>
          }
        >
          {state.appKeyMode === "keep" ? (
            <div className="inline">
              <code id="wh-app-key" tabIndex={-1}>
                {state.appKeyMasked}
              </code>
              <button type="button" className="button button-small" onClick={() => set("appKeyMode", "set")}>
                Change
              </button>
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() => set("appKeyMode", "clear")}
              >
                Remove
              </button>
            </div>
          ) : state.appKeyMode === "clear" ? (
            <div className="inline">
              <span id="wh-app-key" className="muted" tabIndex={-1}>
                Will be removed on save.
              </span>
              <button type="button" className="button button-small" onClick={() => set("appKeyMode", "keep")}>
                Keep it
              </button>
            </div>
          ) : (
            <input
              id="wh-app-key"
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={state.appKey}
              onChange={(e) => set("appKey", e.target.value)}
              aria-describedby="wh-app-key-hint"
            />
          )}
        </Field>
        <Field
          id="wh-signature-header"
          label="Extra signature header"
          optional
          error={errors.signature_header}
          hint={
            <>
              Also sign GitHub-style: this header carries <code>sha256=&lt;hex HMAC of the body&gt;</code>.
            </>
          }
        >
          <input
            id="wh-signature-header"
            type="text"
            placeholder="X-Hub-Signature-256"
            value={state.signatureHeader}
            onChange={(e) => set("signatureHeader", e.target.value)}
            aria-describedby="wh-signature-header-hint"
          />
        </Field>
      </div>
    </Section>
  );
}
