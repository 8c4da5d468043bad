/** Create or edit an email destination. */
import { type FormEvent, useState } from "react";
import { type EventType, errorMessage } from "../../api";
import { Link, navigate } from "../../router";
import { ErrorState, Loading } from "../../ui/elements";
import { partSetter, Section } from "../../ui/fields";
import { setFlash } from "../../ui/flash";
import { useApi, useResource } from "../../ui/hooks";
import { useCatalog } from "../catalog/catalog";
import { EventsSection } from "../targets/form/EventsSection";
import { FormStatus } from "../targets/form/FormStatus";
import type { FieldErrors } from "../targets/form/numbers";
import { RetryFields } from "../targets/form/RetryFields";
import type { RetryState } from "../targets/form/retry";
import type { RoutingState } from "../targets/form/routing";
import { focusField, serverFieldError } from "../targets/form/server-errors";
import { DESTINATION_FIELD_INPUT, destinationFieldOfPath } from "./form/field-paths";
import { MessageSection } from "./form/MessageSection";
import { toDestinationPayload } from "./form/payload";
import { SmtpSection } from "./form/SmtpSection";
import { type DestinationFormState, emptyDestinationForm, formFromDestination } from "./form/state";
import type { Destination } from "./types";

export function DestinationForm({ id }: { id: string | null }) {
  const call = useApi();
  const [catalog, reloadCatalog] = useCatalog();
  const [existing, reloadExisting] = useResource(`destination-form:${id ?? "new"}`, (signal) =>
    id ? call<Destination>("GET", `/v1/destinations/${id}`, undefined, signal) : Promise.resolve(null),
  );
  const head = (
    <div className="page-head">
      <div>
        <Link href={id ? `/destinations/${id}` : "/destinations"} className="back-link">
          ← {id ? "Back to the destination" : "All destinations"}
        </Link>
        <h1>{id ? "Edit email destination" : "New email destination"}</h1>
      </div>
    </div>
  );
  if (existing.state === "error")
    return (
      <>
        {head}
        <ErrorState title="Could not load the destination" error={existing.error} onRetry={reloadExisting} />
      </>
    );
  if (catalog.state === "error" && !catalog.data)
    return (
      <>
        {head}
        <ErrorState title="Could not load the event catalog" error={catalog.error} onRetry={reloadCatalog} />
      </>
    );
  if (existing.state === "loading" || !catalog.data)
    return (
      <>
        {head}
        <Loading label={id ? "Loading the destination…" : "Loading the event catalog…"} />
      </>
    );
  return (
    <>
      {head}
      <FormBody id={id} destination={existing.data} types={catalog.data.data} />
    </>
  );
}

function FormBody({
  id,
  destination,
  types,
}: {
  id: string | null;
  destination: Destination | null;
  types: EventType[];
}) {
  const call = useApi();
  const editing = id !== null;
  const [state, setState] = useState<DestinationFormState>(() =>
    destination ? formFromDestination(destination) : emptyDestinationForm(),
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  const set = <K extends keyof DestinationFormState>(key: K, value: DestinationFormState[K]) => {
    setState((current) => ({ ...current, [key]: value }));
  };
  const clearError = (field: string) => {
    setErrors((current) => {
      if (!(field in current)) return current;
      const { [field]: _removed, ...rest } = current;
      return rest;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { body, errors: found } = toDestinationPayload(state, editing);
    setFormError(null);
    if (Object.keys(found).length > 0) {
      setErrors(found);
      focusField(Object.keys(found)[0], DESTINATION_FIELD_INPUT);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const saved = editing
        ? await call<Destination>("PATCH", `/v1/destinations/${id}`, body)
        : await call<Destination>("POST", "/v1/destinations", body);
      setFlash({
        for: saved.id,
        kind: "success",
        message: editing
          ? "Changes saved."
          : "Email destination created. Send a test to check the mail server.",
      });
      navigate(`/destinations/${saved.id}`);
    } catch (error) {
      setBusy(false);
      const invalid = serverFieldError(error, destinationFieldOfPath);
      if (!invalid || invalid.field === "form") setFormError(invalid?.message ?? errorMessage(error));
      else {
        setErrors({ [invalid.field]: invalid.message });
        focusField(invalid.field, DESTINATION_FIELD_INPUT);
      }
    }
  };

  return (
    <form className="webhook-form" onSubmit={submit} noValidate aria-describedby="form-status">
      <FormStatus noun="destination" formError={formError} errorCount={Object.keys(errors).length} />
      <SmtpSection state={state} set={set} errors={errors} />
      <MessageSection state={state} set={set} errors={errors} />
      <EventsSection
        state={state}
        set={partSetter<RoutingState, DestinationFormState>(set)}
        types={types}
        errors={errors}
        clearError={clearError}
        description="Which events are emailed."
        noun="destination"
      />
      <Section title="Delivery" description="What happens when the mail server refuses or cannot be reached.">
        <RetryFields state={state} set={partSetter<RetryState, DestinationFormState>(set)} errors={errors} />
      </Section>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Saving…" : editing ? "Save changes" : "Create destination"}
        </button>
        <Link className="button button-quiet" href={id ? `/destinations/${id}` : "/destinations"}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
