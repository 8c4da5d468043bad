import { useState } from "react";
import { ApiError } from "../../../api";
import { ErrorState } from "../../../ui/elements";
import { describedBy, Field } from "../../../ui/fields";
import { useApi } from "../../../ui/hooks";
import { CredentialInputs } from "./CredentialInputs";
import { connectWithLabel, credentialsToSend, oauthAppProvider } from "./logic";
import type { CrmConnection, CrmProvider } from "./types";

/**
 * A new connection: the provider's credentials and base URL; settings are set on its page. An
 * OAuth CRM (Clio) asks for its app's key and secret and sends the person to the CRM's authorize
 * page ("Connect with Clio"); the CRM sends them back to the callback, which lands on the
 * connection's page. Tokens can still be typed in instead (scripts, a token made by hand).
 */
export function ConnectForm({
  provider,
  onConnected,
  onCancel,
}: {
  provider: CrmProvider;
  onConnected: (connection: CrmConnection) => void;
  onCancel: () => void;
}) {
  const call = useApi();
  const prefix = `connect-${provider.name}`;
  const [withToken, setWithToken] = useState(!provider.oauth);
  const shown = withToken ? provider : oauthAppProvider(provider);
  const [name, setName] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const { credentials, missing } = credentialsToSend(shown, typed, true);
    const local: Record<string, string> = {};
    for (const field of missing) local[`credentials/${field}`] = "Required.";
    if (provider.base_url.required && baseUrl.trim() === "") local.base_url = "Required.";
    setErrors(local);
    setFailure(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const created = await call<CrmConnection>("POST", "/v1/crm/connections", {
        provider: provider.name,
        credentials,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(baseUrl.trim() ? { base_url: baseUrl.trim() } : {}),
      });
      if (withToken) {
        onConnected(created);
        return;
      }
      // Off to the CRM's authorize page; it sends the browser back to our callback.
      const started = await call<{ authorize_url: string }>(
        "POST",
        `/v1/crm/connections/${created.id}/oauth/start`,
      );
      window.location.assign(started.authorize_url);
    } catch (error) {
      // A refused input is shown at its field; anything else above the buttons.
      const path = error instanceof ApiError ? error.path : null;
      if (path?.startsWith("/body/"))
        setErrors({ [path.slice("/body/".length)]: (error as ApiError).message });
      else setFailure(error);
      setBusy(false);
    }
  };

  return (
    <form
      aria-label={`Connect ${provider.label}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Field id={`${prefix}-name`} label="Connection name" optional hint={`Defaults to "${provider.label}".`}>
        <input
          id={`${prefix}-name`}
          type="text"
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-describedby={`${prefix}-name-hint`}
        />
      </Field>
      <CredentialInputs
        prefix={prefix}
        provider={shown}
        saved={null}
        typed={typed}
        errors={errors}
        onChange={(field, value) => setTyped((t) => ({ ...t, [field]: value }))}
      />
      <Field
        id={`${prefix}-base`}
        label="Base URL"
        optional={!provider.base_url.required}
        error={errors.base_url}
        hint={
          provider.base_url.default ? `Default ${provider.base_url.default}.` : "The firm's own API address."
        }
      >
        <input
          id={`${prefix}-base`}
          type="url"
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.target.value)}
          aria-invalid={errors.base_url ? true : undefined}
          aria-describedby={describedBy(`${prefix}-base`, errors.base_url, true)}
        />
      </Field>
      {failure !== null && <ErrorState title={`${provider.label} was not connected`} error={failure} />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Connecting…" : withToken ? "Connect" : connectWithLabel(provider.label)}
        </button>
        {provider.oauth && (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setWithToken(!withToken);
              setErrors({});
            }}
            disabled={busy}
          >
            {withToken ? `Use ${connectWithLabel(provider.label)} instead` : "Use an access token instead"}
          </button>
        )}
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
