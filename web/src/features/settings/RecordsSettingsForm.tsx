import { useState } from "react";
import { ErrorState, Loading, Notice } from "../../ui/elements";
import { Section } from "../../ui/fields";
import { useApi } from "../../ui/hooks";
import { useRecordsSettings } from "../records/settings";
import type { RecordsSettings } from "../records/types";
import { SaveStatus } from "./SaveStatus";

/** Intake from calls, and the country phone numbers without a country code are read in. */
export function RecordsSettingsForm() {
  const [resource, reload] = useRecordsSettings();
  return (
    <Section title="Records" description="How calls and phone numbers become clients.">
      {resource.state === "error" && (
        <ErrorState title="Could not load the records settings" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading records settings…" />}
      {resource.state === "ready" && resource.data === null && (
        <Notice kind="info">
          This server does not have records settings yet; numbers without a country code are read as US
          numbers.
        </Notice>
      )}
      {resource.data && <Editor key={JSON.stringify(resource.data)} initial={resource.data} />}
    </Section>
  );
}

function Editor({ initial }: { initial: RecordsSettings }) {
  const call = useApi();
  const [settings, setSettings] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const region = settings.default_region.trim().toUpperCase();
  const regionProblem = /^[A-Z]{2}$/.test(region) ? null : "Use a two-letter country code, e.g. US, CA, GB.";

  const save = async () => {
    if (regionProblem) return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      setSettings(
        await call<RecordsSettings>("PATCH", "/v1/settings/records", {
          intake_from_calls: settings.intake_from_calls,
          default_region: region,
        }),
      );
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <label className="choice">
        <input
          type="checkbox"
          checked={settings.intake_from_calls}
          onChange={(e) => setSettings({ ...settings, intake_from_calls: e.target.checked })}
        />
        Create or update clients and cases from calls (intake)
      </label>
      <div className={`field${regionProblem ? " field-invalid" : ""}`}>
        <label htmlFor="rs-region">Default region</label>
        <input
          id="rs-region"
          type="text"
          maxLength={2}
          value={settings.default_region}
          aria-invalid={regionProblem ? true : undefined}
          aria-describedby="rs-region-hint"
          onChange={(e) => setSettings({ ...settings, default_region: e.target.value })}
        />
        {regionProblem && (
          <p className="field-error" role="alert">
            {regionProblem}
          </p>
        )}
        <p id="rs-region-hint" className="hint">
          Phone numbers written without a country code are read as numbers of this country.
        </p>
      </div>
      <SaveStatus error={error} saved={done} />
      <button
        type="button"
        className="button button-primary"
        disabled={busy || regionProblem !== null}
        onClick={save}
      >
        {busy ? "Saving…" : "Save records settings"}
      </button>
    </div>
  );
}
