import { useState } from "react";
import { Link, navigate } from "../../router";
import { ErrorState, Loading, Notice } from "../../ui/elements";
import { describedBy, Field, Section } from "../../ui/fields";
import { setFlash } from "../../ui/flash";
import { useApi, useResource } from "../../ui/hooks";
import { ClientPicker } from "../records/ClientPicker";
import { CustomFieldInputs, customFieldInputId } from "../records/CustomFieldInputs";
import { StaleNotice } from "../records/StaleNotice";
import { useCaseTypes, useCustomFields } from "../records/settings";
import { TextField } from "../records/TextField";
import type { Case, CaseType, CustomField } from "../records/types";
import { useRecordSubmit } from "../records/useRecordSubmit";
import { FormStatus } from "../targets/form/FormStatus";
import { type CaseFormState, casePayload, formFromCase } from "./form-state";
import { humanise, statusesFor } from "./vocabulary";

const inputOf = (field: string): string =>
  field.startsWith("custom_fields.")
    ? customFieldInputId("cs", field.slice("custom_fields.".length))
    : `cs-${field}`;

/** New case, or edit one (If-Match with the version read; a 412 asks to reload). */
export function CaseForm({ id, clientId }: { id: string | null; clientId: string }) {
  const call = useApi();
  const [fields, reloadFields] = useCustomFields();
  const [caseTypes, reloadTypes] = useCaseTypes();
  const [existing, reloadExisting] = useResource(`case-form:${id ?? "new"}`, (signal) =>
    id ? call<Case>("GET", `/v1/cases/${id}`, undefined, signal) : Promise.resolve(null),
  );
  const [generation, setGeneration] = useState(0);

  const head = (
    <div className="page-head">
      <div>
        <Link href={id ? `/cases/${id}` : "/cases"} className="back-link">
          ← {id ? "Back to the case" : "All cases"}
        </Link>
        <h1>{id ? "Edit case" : "New case"}</h1>
      </div>
    </div>
  );
  const failed =
    existing.state === "error"
      ? existing
      : !fields.data && fields.state === "error"
        ? fields
        : !caseTypes.data && caseTypes.state === "error"
          ? caseTypes
          : null;
  if (failed)
    return (
      <>
        {head}
        <ErrorState
          title="Could not load the form"
          error={failed.error}
          onRetry={() => {
            reloadExisting();
            reloadFields();
            reloadTypes();
          }}
        />
      </>
    );
  if (existing.state === "loading" || fields.state === "loading" || caseTypes.state === "loading")
    return (
      <>
        {head}
        <Loading label={id ? "Loading the case…" : "Loading the form…"} />
      </>
    );
  return (
    <>
      {head}
      {caseTypes.data === null && (
        <Notice kind="info">
          This server has no case-type settings yet; type the case type and status as text.
        </Notice>
      )}
      <CaseFormBody
        key={`${existing.data?.version ?? 0}:${generation}`}
        record={existing.data}
        clientId={clientId}
        fields={fields.data?.cases ?? []}
        types={caseTypes.data?.case_types ?? []}
        onReload={() => {
          setGeneration((g) => g + 1);
          reloadExisting();
        }}
      />
    </>
  );
}

function CaseFormBody({
  record,
  clientId,
  fields,
  types,
  onReload,
}: {
  record: Case | null;
  clientId: string;
  fields: CustomField[];
  types: CaseType[];
  onReload(): void;
}) {
  const call = useApi();
  const [state, setState] = useState<CaseFormState>(() => formFromCase(record, clientId, fields));
  const set = <K extends keyof CaseFormState>(key: K, value: CaseFormState[K]) =>
    setState((current) => ({ ...current, [key]: value }));
  const { errors, formError, stale, busy, submit, customErrors } = useRecordSubmit({
    payload: () => casePayload(state, fields, record),
    inputOf,
    async save(body) {
      const saved = record
        ? await call<Case>("PATCH", `/v1/cases/${record.id}`, body, undefined, {
            "if-match": String(record.version),
          })
        : await call<Case>("POST", "/v1/cases", body);
      setFlash({ for: saved.id, kind: "success", message: record ? "Changes saved." : "Case created." });
      navigate(`/cases/${saved.id}`);
    },
  });

  return (
    <form onSubmit={submit} noValidate aria-describedby="form-status">
      {stale && <StaleNotice onReload={onReload} />}
      <FormStatus noun="case" formError={formError} errorCount={Object.keys(errors).length} />
      <Section title="Case">
        <Field id="cs-client_id" label="Client" error={errors.client_id}>
          <ClientPicker
            id="cs-client_id"
            value={state.client_id}
            error={errors.client_id}
            onChange={(v) => set("client_id", v)}
          />
        </Field>
        <TextField
          id="cs-title"
          label="Title"
          value={state.title}
          error={errors.title}
          onChange={(v) => set("title", v)}
        />
        <StatusPickers state={state} setState={setState} types={types} errors={errors} />
        <div className="grid-2">
          <TextField
            id="cs-incident_date"
            label="Incident date"
            type="date"
            value={state.incident_date}
            error={errors.incident_date}
            onChange={(v) => set("incident_date", v)}
          />
          <TextField
            id="cs-source"
            label="Source"
            value={state.source}
            error={errors.source}
            onChange={(v) => set("source", v)}
          />
          <TextField
            id="cs-campaign_id"
            label="Campaign"
            value={state.campaign_id}
            error={errors.campaign_id}
            onChange={(v) => set("campaign_id", v)}
          />
          <TextField
            id="cs-call_id"
            label="Call"
            value={state.call_id}
            error={errors.call_id}
            onChange={(v) => set("call_id", v)}
          />
        </div>
        <Field id="cs-description" label="Description" error={errors.description}>
          <textarea
            id="cs-description"
            rows={4}
            value={state.description}
            aria-invalid={errors.description ? true : undefined}
            aria-describedby={describedBy("cs-description", errors.description, false)}
            onChange={(e) => set("description", e.target.value)}
          />
        </Field>
      </Section>
      <Section title="Custom fields" description="The firm's own fields. * marks a required field.">
        <CustomFieldInputs
          prefix="cs"
          fields={fields}
          values={state.custom}
          errors={customErrors}
          onChange={(key, value) => {
            const { [key]: _old, ...rest } = state.custom;
            set("custom", value === undefined ? rest : { ...state.custom, [key]: value });
          }}
        />
      </Section>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Saving…" : record ? "Save changes" : "Create case"}
        </button>
        <Link className="button button-quiet" href={record ? `/cases/${record.id}` : "/cases"}>
          Cancel
        </Link>
      </div>
    </form>
  );
}

/**
 * Case type, status and substatus, as pickers from the tenant's vocabulary (the statuses of the
 * picked type, the substatuses of the picked status); as text when there is no vocabulary. A
 * value the vocabulary no longer has stays selectable, marked, so editing never drops it silently.
 */
function StatusPickers({
  state,
  setState,
  types,
  errors,
}: {
  state: CaseFormState;
  setState(update: (current: CaseFormState) => CaseFormState): void;
  types: CaseType[];
  errors: Record<string, string>;
}) {
  if (types.length === 0)
    return (
      <div className="grid-3">
        <TextField
          id="cs-case_type"
          label="Case type"
          value={state.case_type}
          error={errors.case_type}
          onChange={(v) => setState((c) => ({ ...c, case_type: v }))}
        />
        <TextField
          id="cs-status"
          label="Status"
          value={state.status}
          error={errors.status}
          hint="Empty: new_lead"
          onChange={(v) => setState((c) => ({ ...c, status: v }))}
        />
        <TextField
          id="cs-substatus"
          label="Substatus"
          value={state.substatus}
          error={errors.substatus}
          onChange={(v) => setState((c) => ({ ...c, substatus: v }))}
        />
      </div>
    );
  const statuses = statusesFor(types, state.case_type || null);
  const substatuses = statuses.find((s) => s.key === state.status)?.substatuses ?? [];
  const unknownType = state.case_type !== "" && !types.some((t) => t.key === state.case_type);
  const unknownStatus = state.status !== "" && !statuses.some((s) => s.key === state.status);
  const unknownSub = state.substatus !== "" && !substatuses.some((s) => s.key === state.substatus);
  return (
    <div className="grid-3">
      <Field id="cs-case_type" label="Case type" error={errors.case_type}>
        <select
          id="cs-case_type"
          value={state.case_type}
          onChange={(e) => {
            const next = e.target.value;
            setState((c) => {
              // A status the new type does not have is cleared rather than sent and refused.
              const keeps = statusesFor(types, next || null).some((s) => s.key === c.status);
              return {
                ...c,
                case_type: next,
                status: keeps ? c.status : "",
                substatus: keeps ? c.substatus : "",
              };
            });
          }}
        >
          <option value="">—</option>
          {types.map((t) => (
            <option key={t.key} value={t.key}>
              {t.label}
            </option>
          ))}
          {unknownType && (
            <option value={state.case_type}>{humanise(state.case_type)} (not in settings)</option>
          )}
        </select>
      </Field>
      <Field id="cs-status" label="Status" error={errors.status}>
        <select
          id="cs-status"
          value={state.status}
          onChange={(e) => {
            const next = e.target.value;
            setState((c) => ({ ...c, status: next, substatus: "" }));
          }}
        >
          <option value="">{statuses[0] ? "— (default)" : "—"}</option>
          {statuses.map((s) => (
            <option key={s.key} value={s.key}>
              {s.label}
            </option>
          ))}
          {unknownStatus && <option value={state.status}>{humanise(state.status)} (not in settings)</option>}
        </select>
      </Field>
      <Field id="cs-substatus" label="Substatus" error={errors.substatus}>
        <select
          id="cs-substatus"
          value={state.substatus}
          disabled={substatuses.length === 0 && !unknownSub}
          onChange={(e) => {
            const next = e.target.value;
            setState((c) => ({ ...c, substatus: next }));
          }}
        >
          <option value="">—</option>
          {substatuses.map((s) => (
            <option key={s.key} value={s.key}>
              {s.label}
            </option>
          ))}
          {unknownSub && (
            <option value={state.substatus}>{humanise(state.substatus)} (not in settings)</option>
          )}
        </select>
      </Field>
    </div>
  );
}
