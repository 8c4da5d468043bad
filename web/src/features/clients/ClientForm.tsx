import { type FormEvent, useState } from "react";
import { errorMessage } from "../../api";
import { Link, navigate } from "../../router";
import { ErrorState, Loading, Notice } from "../../ui/elements";
import { describedBy, Field, Section } from "../../ui/fields";
import { setFlash } from "../../ui/flash";
import { useApi, useResource } from "../../ui/hooks";
import { CustomFieldInputs, customFieldInputId } from "../records/CustomFieldInputs";
import { focusInput } from "../records/focus";
import { fieldOfRecordPath, isStale } from "../records/form-errors";
import { StaleNotice } from "../records/StaleNotice";
import { useCustomFields } from "../records/settings";
import { TextField } from "../records/TextField";
import { type Client, type CreatedClient, type CustomField, clientName } from "../records/types";
import { FormStatus } from "../targets/form/FormStatus";
import { serverFieldError } from "../targets/form/server-errors";
import {
  type ClientFormState,
  clientPayload,
  EMPTY_ADDRESS,
  formFieldOf,
  formFromClient,
} from "./form-state";

const PHONE_TYPES = ["mobile", "home", "work", "other"] as const;

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
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof ClientFormState>(key: K, value: ClientFormState[K]) =>
    setState((current) => ({ ...current, [key]: value }));
  const error = (field: string) => errors[field];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    setStale(false);
    const { body, errors: found } = clientPayload(state, fields, client);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusInput(inputOf(Object.keys(found)[0] ?? ""));
      return;
    }
    setBusy(true);
    try {
      if (client) {
        await call<Client>("PATCH", `/v1/clients/${client.id}`, body, undefined, {
          "if-match": String(client.version),
        });
        setFlash({ for: client.id, kind: "success", message: "Changes saved." });
        navigate(`/clients/${client.id}`);
      } else {
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
      }
    } catch (failure) {
      setBusy(false);
      if (isStale(failure)) {
        setStale(true);
        focusInput(undefined);
        return;
      }
      const invalid = serverFieldError(failure, fieldOfRecordPath);
      if (!invalid || invalid.field === "form") setFormError(invalid?.message ?? errorMessage(failure));
      else {
        const field = formFieldOf(invalid.field, state);
        setErrors({ [field]: invalid.message });
        focusInput(inputOf(field));
      }
    }
  };

  const customErrors = Object.fromEntries(
    Object.entries(errors)
      .filter(([k]) => k.startsWith("custom_fields."))
      .map(([k, v]) => [k.slice("custom_fields.".length), v]),
  );

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

      <Section
        title="Phones and emails"
        description="Phone numbers in any common format; they are stored as +1… (E.164)."
      >
        {state.phones.map((phone, index) => {
          const id = `cl-phone-${index}`;
          const message = error(`phones.${index}`);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional; the number itself is being edited.
            <div className="list-row" key={index}>
              <Field id={id} label={`Phone ${index + 1}`} error={message}>
                <input
                  id={id}
                  type="tel"
                  value={phone.number}
                  aria-invalid={message ? true : undefined}
                  aria-describedby={describedBy(id, message, false)}
                  onChange={(event) =>
                    set(
                      "phones",
                      state.phones.map((p, i) => (i === index ? { ...p, number: event.target.value } : p)),
                    )
                  }
                />
              </Field>
              <Field id={`${id}-type`} label="Kind">
                <select
                  id={`${id}-type`}
                  value={phone.type}
                  onChange={(event) =>
                    set(
                      "phones",
                      state.phones.map((p, i) =>
                        i === index ? { ...p, type: event.target.value as (typeof PHONE_TYPES)[number] } : p,
                      ),
                    )
                  }
                >
                  {PHONE_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              </Field>
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() =>
                  set(
                    "phones",
                    state.phones.filter((_, i) => i !== index),
                  )
                }
              >
                Remove phone {index + 1}
              </button>
            </div>
          );
        })}
        <button
          type="button"
          className="button button-small"
          onClick={() => set("phones", [...state.phones, { number: "", type: "mobile" }])}
        >
          Add phone
        </button>
        <hr />
        {state.emails.map((email, index) => {
          const id = `cl-email-${index}`;
          const message = error(`emails.${index}`);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional; the address itself is being edited.
            <div className="inline" key={index}>
              <Field id={id} label={`Email ${index + 1}`} error={message}>
                <input
                  id={id}
                  type="email"
                  value={email}
                  aria-invalid={message ? true : undefined}
                  aria-describedby={describedBy(id, message, false)}
                  onChange={(event) =>
                    set(
                      "emails",
                      state.emails.map((e, i) => (i === index ? event.target.value : e)),
                    )
                  }
                />
              </Field>
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() =>
                  set(
                    "emails",
                    state.emails.filter((_, i) => i !== index),
                  )
                }
              >
                Remove email {index + 1}
              </button>
            </div>
          );
        })}
        <button
          type="button"
          className="button button-small"
          onClick={() => set("emails", [...state.emails, ""])}
        >
          Add email
        </button>
      </Section>

      <Section title="Addresses">
        {state.addresses.length === 0 && <p className="muted">No address.</p>}
        {state.addresses.map((address, index) => {
          const message = error(`addresses.${index}`);
          const update = (key: keyof typeof address, value: string) =>
            set(
              "addresses",
              state.addresses.map((a, i) => (i === index ? { ...a, [key]: value } : a)),
            );
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional.
            <fieldset className="vocab-item" key={index}>
              <legend>Address {index + 1}</legend>
              <div className="grid-2">
                <TextField
                  id={`cl-address-${index}-street`}
                  label="Street"
                  value={address.street}
                  error={message}
                  onChange={(v) => update("street", v)}
                />
                <TextField
                  id={`cl-address-${index}-city`}
                  label="City"
                  value={address.city}
                  onChange={(v) => update("city", v)}
                />
                <TextField
                  id={`cl-address-${index}-state`}
                  label="State"
                  value={address.state}
                  onChange={(v) => update("state", v)}
                />
                <TextField
                  id={`cl-address-${index}-postal_code`}
                  label="Postal code"
                  value={address.postal_code}
                  onChange={(v) => update("postal_code", v)}
                />
              </div>
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() =>
                  set(
                    "addresses",
                    state.addresses.filter((_, i) => i !== index),
                  )
                }
              >
                Remove address {index + 1}
              </button>
            </fieldset>
          );
        })}
        <button
          type="button"
          className="button button-small"
          onClick={() => set("addresses", [...state.addresses, { ...EMPTY_ADDRESS }])}
        >
          Add address
        </button>
      </Section>

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
