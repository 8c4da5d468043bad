import { useEffect, useRef, useState } from "react";
import { ApiError } from "../../../api";
import { ErrorState, Loading, Notice } from "../../../ui/elements";
import { Section } from "../../../ui/fields";
import { useApi, useResource } from "../../../ui/hooks";
import { useCaseTypes, useCustomFields } from "../../records/settings";
import { crmFieldOptions, platformFieldOptions, staleByRow, staleOfDetails } from "./logic";
import { CaseTypeTable, FieldTable, StatusTable } from "./MappingTables";
import { SampleRecord } from "./SampleRecord";
import type { CrmConnection, CrmFields, CrmMappings, CrmProvider, StaleMapping } from "./types";

/** The CRM's loaded fields, the three mapping tables, the send toggle, refresh, save and the sample-record test. */
export function MappingsTab({ connection, provider }: { connection: CrmConnection; provider: CrmProvider }) {
  const call = useApi();
  const base = `/v1/crm/connections/${connection.id}`;
  const [fields, , replaceFields] = useResource(`crm-fields:${connection.id}`, (signal) =>
    call<CrmFields>("GET", `${base}/fields`, undefined, signal),
  );
  const [saved] = useResource(`crm-mappings:${connection.id}`, (signal) =>
    call<CrmMappings>("GET", `${base}/mappings`, undefined, signal),
  );
  const [customFields] = useCustomFields();
  const [caseTypes] = useCaseTypes();
  const [draft, setDraft] = useState<CrmMappings | null>(null);
  const [stale, setStale] = useState<StaleMapping[]>([]);
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [savedNotice, setSavedNotice] = useState(false);

  useEffect(() => {
    if (saved.data && draft === null) setDraft(saved.data);
  }, [saved.data, draft]);

  const refresh = async () => {
    setRefreshing(true);
    setRefreshError(null);
    try {
      const answer = await call<CrmFields>("POST", `${base}/fields/refresh`);
      replaceFields(answer);
      setStale(answer.stale);
    } catch (error) {
      setRefreshError(error);
    } finally {
      setRefreshing(false);
    }
  };

  // Fields never loaded yet (a new connection): load them once, so the dropdowns are not empty.
  const autoLoaded = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the fields first arrive.
  useEffect(() => {
    if (fields.state !== "ready" || autoLoaded.current) return;
    autoLoaded.current = true;
    if (fields.data.loaded_at === null && fields.data.error === null) void refresh();
    else setStale(fields.data.stale);
  }, [fields.state]);

  const save = async () => {
    if (!draft) return;
    setSaving(true);
    setSaveError(null);
    setSavedNotice(false);
    try {
      const answer = await call<CrmMappings>("PUT", `${base}/mappings`, draft);
      setDraft(answer);
      setStale([]);
      setSavedNotice(true);
    } catch (error) {
      const refused =
        error instanceof ApiError && error.status === 422 ? staleOfDetails(error.details, error.message) : [];
      setStale(refused);
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  };

  if (saved.state === "error") return <ErrorState title="Could not load the mappings" error={saved.error} />;
  if (fields.state === "error")
    return <ErrorState title="Could not load the CRM's fields" error={fields.error} />;
  if (!fields.data || !draft) return <Loading label="Loading the mappings…" />;

  const crm = fields.data;
  const objects = provider.capabilities.objects;
  const rows = staleByRow(stale);
  const edit = (change: (m: CrmMappings) => CrmMappings) => {
    setSavedNotice(false);
    setDraft((d) => (d ? change(d) : d));
  };
  return (
    <>
      <Section
        title="CRM fields"
        description={
          crm.loaded_at
            ? `${crm.fields.length} fields, ${crm.statuses.length} statuses and ${crm.case_types.length} case types, loaded ${new Date(crm.loaded_at).toLocaleString()}.`
            : "Not loaded yet."
        }
      >
        {crm.error && !refreshError && (
          <ErrorState title={`The last load from ${provider.label} failed`} error={new Error(crm.error)} />
        )}
        {refreshError !== null && (
          <ErrorState
            title={`${provider.label} did not answer with its fields`}
            // The message carries the CRM's own words (`LawRuler refused (auth): …`).
            error={refreshError}
          />
        )}
        {stale.length > 0 && (
          <Notice kind="error">
            {stale.length} mapping{stale.length === 1 ? " names" : "s name"} something the CRM no longer has;
            see the rows below.
          </Notice>
        )}
        <button type="button" className="button" onClick={() => void refresh()} disabled={refreshing}>
          {refreshing ? "Refreshing…" : "Refresh CRM fields"}
        </button>
      </Section>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Section
          title="Fields"
          description="Which platform field fills which CRM field, and which way changes go."
        >
          <FieldTable
            rows={draft.fields}
            platformFields={platformFieldOptions(objects, customFields.data ?? null)}
            crmFields={crmFieldOptions(crm.fields, objects)}
            stale={rows.fields}
            edit={edit}
          />
        </Section>
        <Section
          title="Statuses"
          description="A row with a substatus wins over one without for that substatus."
        >
          <StatusTable
            rows={draft.statuses}
            caseTypes={caseTypes.data?.case_types ?? []}
            crm={crm}
            stale={rows.statuses}
            edit={edit}
          />
        </Section>
        <Section title="Case types">
          <CaseTypeTable
            rows={draft.case_types}
            caseTypes={caseTypes.data?.case_types ?? []}
            crm={crm}
            stale={rows.case_types}
            edit={edit}
          />
        </Section>
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={draft.send_mappings}
              onChange={(e) => edit((m) => ({ ...m, send_mappings: e.target.checked }))}
            />{" "}
            Send mapped changes to the CRM (off keeps the mappings and sends nothing)
          </label>
        </div>
        {saveError !== null && <ErrorState title="The mappings were not saved" error={saveError} />}
        {savedNotice && <Notice kind="success">Mappings saved.</Notice>}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={saving}>
            {saving ? "Saving…" : "Save mappings"}
          </button>
        </div>
      </form>
      <SampleRecord connectionId={connection.id} objects={objects} />
    </>
  );
}
