import { type FormEvent, useState } from "react";
import { type EventType, errorMessage, type Webhook } from "../../api";
import { Link, navigate } from "../../router";
import { ErrorState, Loading } from "../../ui/elements";
import { partSetter, Section } from "../../ui/fields";
import { setFlash } from "../../ui/flash";
import { useApi, useResource } from "../../ui/hooks";
import { useCatalog } from "../catalog/catalog";
import { EventsSection } from "../targets/form/EventsSection";
import { FilterFields } from "../targets/form/FilterFields";
import { FormStatus } from "../targets/form/FormStatus";
import type { FieldErrors } from "../targets/form/numbers";
import type { RoutingState } from "../targets/form/routing";
import { focusField, serverFieldError } from "../targets/form/server-errors";
import { AdvancedSettings, ESSENTIAL_FIELDS } from "./form/AdvancedSettings";
import { BodySection } from "./form/BodySection";
import { DeliverySection } from "./form/DeliverySection";
import { DestinationSection } from "./form/DestinationSection";
import { FIELD_INPUT, fieldOfPath } from "./form/field-paths";
import { MethodAndState } from "./form/MethodAndState";
import { PresetGallery } from "./form/PresetGallery";
import { toPayload } from "./form/payload";
import { RequestSection } from "./form/RequestSection";
import { emptyForm, type FormState, formFromPreset, formFromWebhook } from "./form/state";
import { urlProblem } from "./form/validation";

export function WebhookForm({ id }: { id: string | null }) {
  const call = useApi();
  const [catalog, reloadCatalog] = useCatalog();
  const [existing, reloadExisting] = useResource(`webhook-form:${id ?? "new"}`, (signal) =>
    id ? call<Webhook>("GET", `/v1/webhooks/${id}`, undefined, signal) : Promise.resolve(null),
  );

  const title = id ? "Edit webhook" : "New webhook";
  const back = id ? `/webhooks/${id}` : "/";
  const head = (
    <div className="page-head">
      <div>
        <Link href={back} className="back-link">
          ← {id ? "Back to the webhook" : "All webhooks"}
        </Link>
        <h1>{title}</h1>
      </div>
    </div>
  );

  if (existing.state === "error")
    return (
      <>
        {head}
        <ErrorState title="Could not load the webhook" error={existing.error} onRetry={reloadExisting} />
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
        <Loading label={id ? "Loading the webhook…" : "Loading the event catalog…"} />
      </>
    );
  return (
    <>
      {head}
      <FormBody id={id} webhook={existing.data} types={catalog.data.data} />
    </>
  );
}

function FormBody({
  id,
  webhook,
  types,
}: {
  id: string | null;
  webhook: Webhook | null;
  types: EventType[];
}) {
  const call = useApi();
  const editing = id !== null;
  const [state, setState] = useState<FormState>(() => (webhook ? formFromWebhook(webhook) : emptyForm()));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [urlTouched, setUrlTouched] = useState(editing);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setState((current) => ({ ...current, [key]: value }));
  };
  const clearError = (field: string) => {
    setErrors((current) => {
      if (!(field in current)) return current;
      const { [field]: _removed, ...rest } = current;
      return rest;
    });
  };
  const changeUrl = (value: string) => {
    set("url", value);
    setUrlTouched(true);
    clearError("url");
  };

  const liveUrlProblem = urlTouched ? urlProblem(state.url) : null;
  const urlError = errors.url ?? liveUrlProblem;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setUrlTouched(true);
    const { body, errors: found } = toPayload(state, editing);
    setFormError(null);
    if (Object.keys(found).length > 0) {
      setErrors(found);
      focusField(Object.keys(found)[0], FIELD_INPUT);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const saved = editing
        ? await call<Webhook>("PATCH", `/v1/webhooks/${id}`, body)
        : await call<Webhook>("POST", "/v1/webhooks", body);
      setFlash(
        editing
          ? { for: saved.id, kind: "success", message: "Changes saved." }
          : {
              for: saved.id,
              kind: "success",
              message: "Webhook created. Copy its signing secret now — you can reveal it again later.",
              secret: saved.secret,
            },
      );
      navigate(`/webhooks/${saved.id}`);
    } catch (error) {
      setBusy(false);
      const invalid = serverFieldError(error, fieldOfPath);
      if (!invalid || invalid.field === "form") setFormError(invalid?.message ?? errorMessage(error));
      else {
        setErrors({ [invalid.field]: invalid.message });
        focusField(invalid.field, FIELD_INPUT);
      }
    }
  };

  return (
    <form className="webhook-form" onSubmit={submit} noValidate aria-describedby="form-status">
      <FormStatus noun="webhook" formError={formError} errorCount={Object.keys(errors).length} />

      {!editing && (
        <PresetGallery
          chosen={state.preset?.name ?? null}
          onChoose={(preset) => {
            setState(preset ? formFromPreset(preset) : emptyForm());
            setErrors({});
            setUrlTouched(false);
          }}
        />
      )}

      <DestinationSection
        state={state}
        set={set}
        errors={errors}
        urlError={urlError}
        onUrlChange={changeUrl}
      />

      <EventsSection
        state={state}
        set={partSetter<RoutingState, FormState>(set)}
        types={types}
        errors={errors}
        clearError={clearError}
        withFilters={false}
      />

      {/* A chosen preset fills settings that live under Advanced: show them (a new key remounts it open). */}
      <AdvancedSettings
        key={state.preset?.name ?? "none"}
        initiallyOpen={editing || state.preset !== null}
        errorInside={Object.keys(errors).some((field) => !ESSENTIAL_FIELDS.has(field))}
      >
        <MethodAndState state={state} set={set} errors={errors} />

        <Section title="Filters" description="Which of the picked events reach this endpoint.">
          <FilterFields
            state={state}
            set={partSetter<RoutingState, FormState>(set)}
            errors={errors}
            noun="webhook"
          />
        </Section>

        <RequestSection state={state} set={set} setState={setState} errors={errors} editing={editing} />

        <BodySection state={state} set={set} types={types} errors={errors} />

        <DeliverySection state={state} set={set} types={types} errors={errors} />
      </AdvancedSettings>

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Saving…" : editing ? "Save changes" : "Create webhook"}
        </button>
        <Link className="button button-quiet" href={id ? `/webhooks/${id}` : "/"}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
