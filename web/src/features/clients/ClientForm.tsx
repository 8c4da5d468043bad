import { useState } from "react";
import { Link, navigate } from "../../router";
import { ErrorState, Loading, Notice } from "../../ui/elements";
import { Section } from "../../ui/fields";
import { setFlash } from "../../ui/flash";
import { useApi, useResource } from "../../ui/hooks";
import { CustomFieldInputs, customFieldInputId } from "../records/CustomFieldInputs";
import { fieldOfRecordPath } from "../records/form-errors";
import { StaleNotice } from "../records/StaleNotice";
import { useCustomFields } from "../records/settings";
import { TextField } from "../records/TextField";
import { type Client, type CreatedClient, type CustomField, clientName } from "../records/types";
import { useRecordSubmit } from "../records/useRecordSubmit";
import { FormStatus } from "../targets/form/FormStatus";
import { ContactSections } from "./ContactSections";
import { type ClientFormState, clientPayload, formFieldOf, formFromClient } from "./form-state";

/** The input a field key (as {@link fieldOfRecordPath} names it) is shown at. */
function inputOf(field: string): string {
  const [head, rest] = field.split(/\.(.*)/s);
  switch (head) {
    case "phones":
      return `cl-phone-${rest}`;
    case "emails":
      return `cl-email-${rest}`;
    case "addresses":
      return `cl-address-${rest}-street`;
    case "custom_fields":
      return customFieldInputId("cl", rest ?? "");
    default:
      return `cl-${field}`;
  }
}

/** New client, or edit one (saved only if nobody changed it since it was read: If-Match). */
export function ClientForm({ id }: { id: string | null }) {
  const call = useApi();
  const [fields, reloadFields] = useCustomFields();
  const [existing, reloadExisting] = useResource(`client-form:${id ?? "new"}`, (signal) =>
    id ? call<Client>("GET", `/v1/clients/${id}`, undefined, signal) : Promise.resolve(null),
  );
  const [generation, setGeneration] = useState(0);
  const reload = () => {
    setGeneration((g) => g + 1);
    reloadExisting();
  };

  const head = (
    <div className="page-head">
      <div>
        <Link href={id ? `/clients/${id}` : "/clients"} className="back-link">
          ← {id ? "Back to the client" : "All clients"}
        </Link>
        <h1>{id ? `Edit ${existing.data ? clientName(existing.data) : "client"}` : "New client"}</h1>
      </div>
    </div>
  );
  if (existing.state === "error" || (fields.state === "error" && !fields.data))
    return (
      <>
        {head}
        <ErrorState
          title={
            existing.state === "error" ? "Could not load the client" : "Could not load the custom fields"
          }
          error={existing.error ?? fields.error}
          onRetry={existing.state === "error" ? reloadExisting : reloadFields}
        />
      </>
    );
  if (existing.state === "loading" || fields.state === "loading")
    return (
      <>
        {head}
        <Loading label={id ? "Loading the client…" : "Loading the form…"} />
      </>
    );
  return (
    <>
      {head}
      {fields.data === null && (
        <Notice kind="info">
          This server has no custom field settings yet; custom fields are edited as text.
        </Notice>
      )}
      <ClientFormBody
        key={`${existing.data?.version ?? 0}:${generation}`}
        client={existing.data}
        fields={fields.data?.clients ?? []}
        onReload={reload}
      />
    </>
  );
}

function ClientFormBody({
  client,
  fields,
  onReload,
}: {
  client: Client | null;
  fields: CustomField[];
  onReload(): void;
}) {
  const call = useApi();
  const [state, setState] = useState<ClientFormState>(() => formFromClient(client, fields));
  const set = <K extends keyof ClientFormState>(key: K, value: ClientFormState[K]) =>
    setState((current) => ({ ...current, [key]: value }));
  const { errors, formError, stale, busy, submit, customErrors } = useRecordSubmit({
    payload: () => clientPayload(state, fields, client),
    inputOf,
    formFieldOf: (field) => formFieldOf(field, state),
    async save(body) {
      if (client) {
        await call<Client>("PATCH", `/v1/clients/${client.id}`, body, undefined, {
          "if-match": String(client.version),
        });
        setFlash({ for: client.id, kind: "success", message: "Changes saved." });
        navigate(`/clients/${client.id}`);
        return;
      }
      const created = await call<CreatedClient>("POST", "/v1/clients", body);
      const duplicates = created.possible_duplicates ?? [];
      setFlash({
        for: created.id,
        kind: duplicates.length ? "info" : "success",
        message: duplicates.length
          ? `Client created. It may be the same person as ${duplicates
              .map((d) => `${d.name ?? d.id} (same ${d.matched_on.join(" and ")})`)
              .join(", ")} — see Possible duplicates below.`
          : "Client created.",
      });
      navigate(`/clients/${created.id}`);
    },
  });
  const error = (field: string) => errors[field];

  return (
    <form onSubmit={submit} noValidate aria-describedby="form-status">
      {stale && <StaleNotice onReload={onReload} />}
      <FormStatus noun="client" formError={formError} errorCount={Object.keys(errors).length} />
      <Section title="Person">
        <div className="grid-2">
          <TextField
            id="cl-first_name"
            label="First name"
            value={state.first_name}
            error={error("first_name")}
            onChange={(v) => set("first_name", v)}
          />
          <TextField
            id="cl-last_name"
            label="Last name"
            value={state.last_name}
            error={error("last_name")}
            onChange={(v) => set("last_name", v)}
          />
          <TextField
            id="cl-date_of_birth"
            label="Date of birth"
            type="date"
            value={state.date_of_birth}
            error={error("date_of_birth")}
            onChange={(v) => set("date_of_birth", v)}
          />
          <TextField
            id="cl-preferred_language"
            label="Preferred language"
            value={state.preferred_language}
            error={error("preferred_language")}
            hint="e.g. en, es"
            onChange={(v) => set("preferred_language", v)}
          />
          <TextField
            id="cl-source"
            label="Source"
            value={state.source}
            error={error("source")}
            hint="How the client came in: call, web_form, referral…"
            onChange={(v) => set("source", v)}
          />
        </div>
        <label className="choice">
          <input
            type="checkbox"
            checked={state.opt_out}
            onChange={(event) => set("opt_out", event.target.checked)}
          />
          Opted out — the client does not want to be contacted
        </label>
      </Section>

      <ContactSections state={state} set={set} error={error} />

      <Section title="Custom fields" description="The firm's own fields. * marks a required field.">
        <CustomFieldInputs
          prefix="cl"
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
          {busy ? "Saving…" : client ? "Save changes" : "Create client"}
        </button>
        <Link className="button button-quiet" href={client ? `/clients/${client.id}` : "/clients"}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
