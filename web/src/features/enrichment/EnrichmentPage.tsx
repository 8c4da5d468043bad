import { useState } from "react";
import { ErrorState, Loading } from "../../ui/elements";
import { Section } from "../../ui/fields";
import { useApi, useResource } from "../../ui/hooks";
import { SpendChart } from "../charts/SpendChart";
import { SaveStatus } from "../settings/SaveStatus";
import { DATA_KINDS, type EnrichmentSettings, type Provider, type Spend, TRIGGERS, usd } from "./types";

/** Providers (credentials, priority), triggers, data kinds, write rule, budget and this month's spend. */
export function EnrichmentPage() {
  const call = useApi();
  const [providers, reloadProviders] = useResource("providers", (signal) =>
    call<{ data: Provider[] }>("GET", "/v1/enrichment/providers", undefined, signal),
  );
  const [settings, reloadSettings] = useResource("settings", (signal) =>
    call<EnrichmentSettings>("GET", "/v1/enrichment/settings", undefined, signal),
  );
  const [spend] = useResource("spend", (signal) =>
    call<{ totals: Spend }>("GET", "/v1/enrichment/runs?limit=1", undefined, signal),
  );
  return (
    <>
      <h1>Enrichment</h1>
      <Section title="Providers" description="Asked in priority order (lower first) until the data is found.">
        {providers.state === "error" && (
          <ErrorState
            title="Could not load the providers"
            error={providers.error}
            onRetry={reloadProviders}
          />
        )}
        {!providers.data && providers.state === "loading" && <Loading label="Loading providers…" />}
        {providers.data?.data.map((p) => (
          <ProviderEditor
            key={`${p.name}:${p.configured}:${p.enabled}:${p.priority}`}
            provider={p}
            onSaved={reloadProviders}
          />
        ))}
      </Section>
      <Section
        title="Settings"
        description="When enrichment runs, what it looks for, how it writes, what it may spend."
      >
        {settings.state === "error" && (
          <ErrorState title="Could not load the settings" error={settings.error} onRetry={reloadSettings} />
        )}
        {settings.data && <SettingsEditor key={JSON.stringify(settings.data)} initial={settings.data} />}
      </Section>
      <Section
        title="Spend this month"
        description="Recorded cost of every lookup, in the firm's time zone's month."
      >
        {spend.data && (
          <table className="table" aria-label="Spend by provider">
            <thead>
              <tr>
                <th>Provider</th>
                <th>Spend</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(spend.data.totals.by_provider).map(([name, value]) => (
                <tr key={name}>
                  <td>{name}</td>
                  <td>{usd(value)}</td>
                </tr>
              ))}
              <tr>
                <th>Total ({spend.data.totals.month})</th>
                <td>
                  {usd(spend.data.totals.total)}
                  {spend.data.totals.monthly_budget !== null &&
                    ` of ${usd(spend.data.totals.monthly_budget)}`}
                </td>
              </tr>
            </tbody>
          </table>
        )}
      </Section>
      <Section
        title="Spend per day"
        description="Recorded cost of every lookup by provider, over the firm's last 30 days."
      >
        <SpendChart />
      </Section>
    </>
  );
}

function ProviderEditor({ provider, onSaved }: { provider: Provider; onSaved: () => void }) {
  const call = useApi();
  const [enabled, setEnabled] = useState(provider.enabled);
  const [priority, setPriority] = useState(String(provider.priority));
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const id = `ep-${provider.name}`;
  const save = async () => {
    setError(null);
    setSaved(false);
    const typed = Object.values(credentials).some((v) => v !== "");
    try {
      await call("PUT", `/v1/enrichment/providers/${provider.name}`, {
        enabled,
        priority: Number(priority),
        ...(typed ? { credentials } : {}),
      });
      setSaved(true);
      onSaved();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <fieldset className="card" aria-label={provider.label}>
      <legend>
        {provider.label} {provider.configured ? "· configured" : "· no credentials"}
      </legend>
      <label className="choice">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Enabled
      </label>
      <div className="field">
        <label htmlFor={`${id}-priority`}>Priority</label>
        <input
          id={`${id}-priority`}
          type="number"
          min={0}
          value={priority}
          onChange={(e) => setPriority(e.target.value)}
        />
      </div>
      {provider.credential_fields.map((field) => (
        <div className="field" key={field}>
          <label htmlFor={`${id}-${field}`}>
            {provider.label} {field}
          </label>
          <input
            id={`${id}-${field}`}
            type="password"
            autoComplete="off"
            placeholder={provider.credentials[field] ?? ""}
            value={credentials[field] ?? ""}
            onChange={(e) => setCredentials({ ...credentials, [field]: e.target.value })}
          />
        </div>
      ))}
      <SaveStatus error={error} saved={saved} />
      <button type="button" className="button" onClick={save}>
        Save {provider.label}
      </button>
    </fieldset>
  );
}

function SettingsEditor({ initial }: { initial: EnrichmentSettings }) {
  const call = useApi();
  const [settings, setSettings] = useState(initial);
  const [budget, setBudget] = useState(initial.monthly_budget === null ? "" : String(initial.monthly_budget));
  const [cap, setCap] = useState(
    initial.max_cost_per_lookup === null ? "" : String(initial.max_cost_per_lookup),
  );
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const money = (text: string): number | null => (text.trim() === "" ? null : Number(text));
  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      setSettings(
        await call<EnrichmentSettings>("PUT", "/v1/enrichment/settings", {
          triggers: settings.triggers,
          data: settings.data,
          write: settings.write,
          monthly_budget: money(budget),
          max_cost_per_lookup: money(cap),
        }),
      );
      setSaved(true);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div>
      <fieldset>
        <legend>Triggers</legend>
        {TRIGGERS.map((t) => (
          <label className="choice" key={t}>
            <input
              type="checkbox"
              checked={settings.triggers[t]}
              onChange={(e) =>
                setSettings({ ...settings, triggers: { ...settings.triggers, [t]: e.target.checked } })
              }
            />
            {
              {
                call: "On inbound calls",
                sms: "On inbound SMS",
                import: "On imports that ask for it",
                manual: "By hand",
              }[t]
            }
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Data to add</legend>
        {DATA_KINDS.map((k) => (
          <label className="choice" key={k}>
            <input
              type="checkbox"
              checked={settings.data[k]}
              onChange={(e) =>
                setSettings({ ...settings, data: { ...settings.data, [k]: e.target.checked } })
              }
            />
            {k}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="es-write">Write rule</label>
        <select
          id="es-write"
          value={settings.write}
          onChange={(e) => setSettings({ ...settings, write: e.target.value as EnrichmentSettings["write"] })}
        >
          <option value="fill_empty">Fill empty fields only</option>
          <option value="overwrite">Overwrite (never hand edits)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="es-budget">Monthly budget (USD)</label>
        <input
          id="es-budget"
          type="number"
          min={0}
          step="0.01"
          value={budget}
          onChange={(e) => setBudget(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="es-cap">Most per lookup (USD)</label>
        <input
          id="es-cap"
          type="number"
          min={0}
          step="0.01"
          value={cap}
          onChange={(e) => setCap(e.target.value)}
        />
      </div>
      <SaveStatus error={error} saved={saved} />
      <button type="button" className="button button-primary" onClick={save}>
        Save enrichment settings
      </button>
    </div>
  );
}
