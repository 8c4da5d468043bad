import { useState } from "react";
import { ApiError } from "../../../api";
import { navigate } from "../../../router";
import { ErrorState, Notice } from "../../../ui/elements";
import { describedBy, Field, Section } from "../../../ui/fields";
import { useApi } from "../../../ui/hooks";
import { CredentialInputs } from "./CredentialInputs";
import { credentialsToSend } from "./logic";
import type { CrmConnection, CrmProvider, CrmSettings } from "./types";

const CHOICES: {
  [K in Exclude<keyof CrmSettings, "enabled">]: Array<{ value: CrmSettings[K]; label: string }>;
} = {
  direction: [
    { value: "both", label: "Both ways" },
    { value: "to_crm", label: "Platform → CRM only" },
    { value: "from_crm", label: "CRM → platform only" },
  ],
  frequency: [
    { value: "realtime", label: "Real time (read every 30 s)" },
    { value: "hourly", label: "Hourly" },
    { value: "daily", label: "Daily" },
  ],
  conflict: [
    { value: "newest", label: "Newest change wins" },
    { value: "platform_wins", label: "Platform wins" },
    { value: "crm_wins", label: "CRM wins" },
  ],
  initial_sync: [
    { value: "none", label: "None" },
    { value: "import", label: "Import every CRM record" },
    { value: "export", label: "Export every platform case" },
    { value: "both", label: "Import, then export" },
  ],
};

const LABELS: Record<keyof typeof CHOICES, string> = {
  direction: "Sync direction",
  frequency: "Frequency",
  conflict: "Conflict resolution",
  initial_sync: "Initial sync",
};

/** Credentials, base URL and sync settings; "Test connection" and delete. */
export function ConfigurationTab({
  connection,
  provider,
  onSaved,
}: {
  connection: CrmConnection;
  provider: CrmProvider;
  onSaved: (connection: CrmConnection) => void;
}) {
  const call = useApi();
  const [name, setName] = useState(connection.name);
  const [baseUrl, setBaseUrl] = useState(connection.base_url);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [settings, setSettings] = useState<CrmSettings>(connection.settings);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [test, setTest] = useState<
    { ok: true; account: string | null } | { ok: false; error: unknown } | null
  >(null);

  const save = async () => {
    setBusy(true);
    setErrors({});
    setFailure(null);
    setSaved(false);
    try {
      const { credentials } = credentialsToSend(provider, typed, false);
      const updated = await call<CrmConnection>("PATCH", `/v1/crm/connections/${connection.id}`, {
        name: name.trim() || connection.name,
        base_url: baseUrl.trim(),
        settings,
        ...(Object.keys(credentials).length > 0 ? { credentials } : {}),
      });
      setTyped({});
      setSaved(true);
      onSaved(updated);
    } catch (error) {
      const path = error instanceof ApiError ? error.path : null;
      if (path?.startsWith("/body/"))
        setErrors({ [path.slice("/body/".length)]: (error as ApiError).message });
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  const testConnection = async () => {
    setTest(null);
    try {
      setTest(
        await call<{ ok: true; account: string | null }>("POST", `/v1/crm/connections/${connection.id}/test`),
      );
    } catch (error) {
      setTest({ ok: false, error });
    }
  };

  const remove = async () => {
    if (!window.confirm(`Delete the connection "${connection.name}"? Nothing more is synced with it.`))
      return;
    try {
      await call("DELETE", `/v1/crm/connections/${connection.id}`);
      navigate("/integrations");
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Section title="Connection" description={`How Switchboard signs in to ${provider.label}.`}>
          <Field id="crm-name" label="Connection name" error={errors.name}>
            <input id="crm-name" type="text" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <CredentialInputs
            prefix="crm"
            provider={provider}
            saved={connection.credentials}
            typed={typed}
            errors={errors}
            onChange={(field, value) => setTyped((t) => ({ ...t, [field]: value }))}
          />
          <Field id="crm-base" label="Base URL" error={errors.base_url}>
            <input
              id="crm-base"
              type="url"
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.target.value)}
              aria-invalid={errors.base_url ? true : undefined}
              aria-describedby={describedBy("crm-base", errors.base_url, false)}
            />
          </Field>
        </Section>
        <Section title="Sync" description="Nothing is read or written before at least one field is mapped.">
          {(Object.keys(CHOICES) as Array<keyof typeof CHOICES>).map((key) => (
            <Field key={key} id={`crm-${key}`} label={LABELS[key]} error={errors[`settings/${key}`]}>
              <select
                id={`crm-${key}`}
                value={settings[key]}
                onChange={(e) => setSettings((s) => ({ ...s, [key]: e.target.value }))}
              >
                {CHOICES[key].map((choice) => (
                  <option key={choice.value} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </select>
            </Field>
          ))}
          <div className="field">
            <label>
              <input
                type="checkbox"
                checked={settings.enabled}
                onChange={(e) => setSettings((s) => ({ ...s, enabled: e.target.checked }))}
              />{" "}
              Enabled (off pauses reads and pushes)
            </label>
          </div>
        </Section>
        {failure !== null && <ErrorState title="Could not save the connection" error={failure} />}
        {saved && <Notice kind="success">Saved.</Notice>}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? "Saving…" : "Save"}
          </button>
          <button type="button" className="button" onClick={() => void testConnection()}>
            Test connection
          </button>
          <button type="button" className="button button-danger" onClick={() => void remove()}>
            Delete connection
          </button>
        </div>
      </form>
      {test?.ok === true && (
        <Notice kind="success">
          {provider.label} accepted the credentials{test.account ? ` (account: ${test.account})` : ""}.
        </Notice>
      )}
      {test?.ok === false && <ErrorState title={`${provider.label} refused the test`} error={test.error} />}
    </>
  );
}
