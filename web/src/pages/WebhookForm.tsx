import {
  type Dispatch,
  type FormEvent,
  type ReactNode,
  type SetStateAction,
  useEffect,
  useMemo,
  useState,
} from "react";
import { ApiError, type EventType, type EventTypeDetail, errorMessage, type Webhook } from "../api";
import { CAMPAIGN_CATEGORIES, loadEventType, useCatalog } from "../catalog";
import { setFlash } from "../flash";
import { formatSeconds } from "../format";
import { useApi, useResource } from "../hooks";
import { renderPreview } from "../preview";
import { Link, navigate } from "../router";
import { ErrorState, Loading } from "../ui";
import {
  type AuthType,
  campaignScopeAllowed,
  concreteTypes,
  emptyForm,
  FIELD_INPUT,
  type FieldErrors,
  type FormState,
  fieldOfPath,
  formFromWebhook,
  newHeaderRow,
  parsedTemplate,
  type RetryMode,
  toPayload,
  urlProblem,
} from "./webhook-form-model";

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

  const liveUrlProblem = urlTouched ? urlProblem(state.url) : null;
  const urlError = errors.url ?? liveUrlProblem;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setUrlTouched(true);
    const { body, errors: found } = toPayload(state, editing);
    setFormError(null);
    if (Object.keys(found).length > 0) {
      setErrors(found);
      focusField(Object.keys(found)[0]);
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
      if (error instanceof ApiError && error.status === 422) {
        const field = fieldOfPath(error.path);
        const reason = error.path
          ? error.message.replace(`${error.path}: `, "").replace(`${error.path} `, "")
          : error.message;
        if (field === "form") setFormError(error.message);
        else {
          setErrors({ [field]: capitalise(reason) });
          focusField(field);
        }
      } else {
        setFormError(errorMessage(error));
      }
    }
  };

  const errorCount = Object.keys(errors).length;

  return (
    <form className="webhook-form" onSubmit={submit} noValidate aria-describedby="form-status">
      <div id="form-status">
        {formError && (
          <div className="notice notice-error" role="alert">
            <div className="notice-body">
              <strong>The webhook was not saved.</strong> {formError}
            </div>
          </div>
        )}
        {errorCount > 0 && (
          <div className="notice notice-error" role="alert">
            <div className="notice-body">
              <strong>
                {errorCount === 1 ? "One field needs attention" : `${errorCount} fields need attention`}.
              </strong>{" "}
              The message is next to the field.
            </div>
          </div>
        )}
      </div>

      <Section title="Destination" description="Where and how Switchboard sends each event.">
        <Field
          id="wh-url"
          label="Endpoint URL"
          error={urlError ?? undefined}
          hint={urlHint(state.url, urlError)}
        >
          <input
            id="wh-url"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://hooks.example.com/switchboard"
            value={state.url}
            onChange={(e) => {
              set("url", e.target.value);
              setUrlTouched(true);
              clearError("url");
            }}
            aria-invalid={urlError ? true : undefined}
            aria-describedby={describedBy("wh-url", urlError, true)}
          />
        </Field>
        <Field id="wh-description" label="Description" optional error={errors.description}>
          <input
            id="wh-description"
            type="text"
            maxLength={500}
            placeholder="Intake sheet, Slack #intake, …"
            value={state.description}
            onChange={(e) => set("description", e.target.value)}
          />
        </Field>
        <div className="grid-2">
          <Field
            id="wh-method"
            label="HTTP method"
            error={errors.method}
            hint="GET sends the fields as a query string."
          >
            <select
              id="wh-method"
              value={state.method}
              onChange={(e) => set("method", e.target.value as FormState["method"])}
              aria-describedby="wh-method-hint"
            >
              <option value="POST">POST</option>
              <option value="PUT">PUT</option>
              <option value="GET">GET</option>
              <option value="DELETE">DELETE</option>
            </select>
          </Field>
          <div className="field field-check">
            <label className="choice">
              <input
                id="wh-enabled"
                type="checkbox"
                checked={state.enabled}
                onChange={(e) => set("enabled", e.target.checked)}
              />
              <span>Enabled — deliver events to this endpoint</span>
            </label>
          </div>
        </div>
      </Section>

      <EventsSection state={state} set={set} types={types} errors={errors} clearError={clearError} />

      <RequestSection state={state} set={set} setState={setState} errors={errors} editing={editing} />

      <BodySection state={state} set={set} types={types} errors={errors} />

      <DeliverySection state={state} set={set} types={types} errors={errors} />

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

const capitalise = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

function focusField(field: string | undefined): void {
  if (!field) return;
  const target = FIELD_INPUT[field] ?? "form-status";
  requestAnimationFrame(() => {
    const element = document.getElementById(target);
    element?.focus();
    element?.scrollIntoView({ block: "center" });
  });
}

function urlHint(url: string, error: string | null): string | undefined {
  if (error) return undefined;
  if (url.trim().startsWith("http://"))
    return "Plain http and private or loopback addresses are refused unless the server allows private targets (development only).";
  return "Must be https and reach a public address; the server checks it again when it sends.";
}

function describedBy(id: string, error: string | null | undefined, hint: boolean): string | undefined {
  const ids = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description?: string;
  children: ReactNode;
}) {
  const id = `section-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return (
    <section className="card form-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {description && <p className="muted">{description}</p>}
      {children}
    </section>
  );
}

function Field({
  id,
  label,
  hint,
  error,
  optional,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="muted"> (optional)</span>}
      </label>
      {children}
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}

function FieldError({ id, error }: { id: string; error: string | undefined }) {
  if (!error) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {error}
    </p>
  );
}

type Setter = <K extends keyof FormState>(key: K, value: FormState[K]) => void;

function EventsSection({
  state,
  set,
  types,
  errors,
  clearError,
}: {
  state: FormState;
  set: Setter;
  types: EventType[];
  errors: FieldErrors;
  clearError: (field: string) => void;
}) {
  const categories = useMemo(() => {
    const map = new Map<string, EventType[]>();
    for (const type of types) map.set(type.category, [...(map.get(type.category) ?? []), type]);
    return [...map.entries()];
  }, [types]);
  const known = new Set([...types.map((t) => t.name), ...categories.map(([c]) => `${c}.*`)]);
  const unknown = state.events.filter((e) => !known.has(e));
  const toggle = (selector: string, on: boolean) => {
    clearError("events");
    set("events", on ? [...state.events, selector] : state.events.filter((e) => e !== selector));
  };
  const toggleCategory = (category: string, on: boolean) => {
    clearError("events");
    const rest = state.events.filter((e) => e !== `${category}.*` && !e.startsWith(`${category}.`));
    set("events", on ? [...rest, `${category}.*`] : rest);
  };
  const campaignAllowed = campaignScopeAllowed(state);

  return (
    <Section title="Events and filters" description="Which events reach this endpoint.">
      <fieldset className="field" aria-describedby={errors.events ? "wh-events-error" : undefined}>
        <legend>Events</legend>
        <label className="choice">
          <input
            id="wh-events-all"
            type="radio"
            name="events-mode"
            checked={state.allEvents}
            onChange={() => {
              clearError("events");
              set("allEvents", true);
            }}
          />
          <span>
            <strong>All events (including future ones)</strong>
            <span className="muted"> — new event types are delivered as the platform adds them.</span>
          </span>
        </label>
        <label className="choice">
          <input
            id="wh-events-some"
            type="radio"
            name="events-mode"
            checked={!state.allEvents}
            onChange={() => set("allEvents", false)}
          />
          <span>
            <strong>Only the events I pick</strong>
          </span>
        </label>
        <FieldError id="wh-events-error" error={errors.events} />
        {!state.allEvents && (
          <div className="event-picker">
            {categories.map(([category, list]) => {
              const wildcard = state.events.includes(`${category}.*`);
              return (
                <fieldset key={category} className="event-group">
                  <legend>{category}</legend>
                  <label className="choice">
                    <input
                      type="checkbox"
                      checked={wildcard}
                      onChange={(e) => toggleCategory(category, e.target.checked)}
                    />
                    <span>
                      Every {category} event, including future ones <code>{category}.*</code>
                    </span>
                  </label>
                  {list.map((type) => (
                    <label key={type.name} className="choice choice-indented">
                      <input
                        type="checkbox"
                        value={type.name}
                        checked={wildcard || state.events.includes(type.name)}
                        disabled={wildcard}
                        onChange={(e) => toggle(type.name, e.target.checked)}
                      />
                      <span>
                        <code>{type.name}</code> <span className="muted">{type.description}</span>
                      </span>
                    </label>
                  ))}
                </fieldset>
              );
            })}
            {unknown.length > 0 && (
              <fieldset className="event-group">
                <legend>Not in the catalog</legend>
                {unknown.map((selector) => (
                  <label key={selector} className="choice">
                    <input type="checkbox" checked onChange={() => toggle(selector, false)} />
                    <span>
                      <code>{selector}</code>
                    </span>
                  </label>
                ))}
              </fieldset>
            )}
          </div>
        )}
      </fieldset>

      <fieldset className="field subsection" disabled={!campaignAllowed} aria-describedby="wh-campaign-note">
        <legend>Campaign</legend>
        <p id="wh-campaign-note" className={campaignAllowed ? "hint" : "note"}>
          {campaignAllowed
            ? "Deliver only events of these campaigns. Leave empty for every campaign."
            : `Campaign filters are available only while every picked event is a ${CAMPAIGN_CATEGORIES.join(", ").replace(/, ([^,]*)$/, " or $1")} event: only those events belong to a campaign, while messages, cases, forms and the rest reach the webhook whatever the campaign.`}
        </p>
        <div className="grid-2">
          <Field
            id="wh-campaign-id"
            label="Campaign-scoped webhook (campaign id)"
            optional
            error={errors.campaign}
          >
            <input
              id="wh-campaign-id"
              type="text"
              placeholder="cmp_…"
              value={state.campaignId}
              onChange={(e) => set("campaignId", e.target.value)}
            />
          </Field>
          <Field id="wh-campaign-ids" label="Campaign filter (ids, comma-separated)" optional>
            <input
              id="wh-campaign-ids"
              type="text"
              placeholder="cmp_spring_intake, cmp_mva"
              value={state.campaignIds}
              onChange={(e) => set("campaignIds", e.target.value)}
            />
          </Field>
        </div>
      </fieldset>

      <div className="grid-2">
        <Field
          id="wh-case-types"
          label="Case types"
          optional
          error={errors["filters.case_types"]}
          hint="Comma-separated, e.g. motor_vehicle, slip_and_fall. Empty: every case type."
        >
          <input
            id="wh-case-types"
            type="text"
            value={state.caseTypes}
            onChange={(e) => set("caseTypes", e.target.value)}
            aria-describedby="wh-case-types-hint"
          />
        </Field>
        <fieldset className="field">
          <legend>Call direction</legend>
          <div className="inline">
            <label className="choice">
              <input
                id="wh-dir-inbound"
                type="checkbox"
                checked={state.inbound}
                onChange={(e) => set("inbound", e.target.checked)}
              />
              <span>Inbound</span>
            </label>
            <label className="choice">
              <input
                type="checkbox"
                checked={state.outbound}
                onChange={(e) => set("outbound", e.target.checked)}
              />
              <span>Outbound</span>
            </label>
          </div>
          <p className="hint">None checked: both directions.</p>
          <FieldError id="wh-directions-error" error={errors["filters.directions"]} />
        </fieldset>
        <Field id="wh-agent-ids" label="AI agents (ids)" optional error={errors["filters.agent_ids"]}>
          <input
            id="wh-agent-ids"
            type="text"
            placeholder="agt_…"
            value={state.agentIds}
            onChange={(e) => set("agentIds", e.target.value)}
          />
        </Field>
        <Field id="wh-lead-scores" label="Lead scores" optional error={errors["filters.lead_scores"]}>
          <input
            id="wh-lead-scores"
            type="text"
            placeholder="hot, warm"
            value={state.leadScores}
            onChange={(e) => set("leadScores", e.target.value)}
          />
        </Field>
      </div>
      <Field
        id="wh-match"
        label="Match query (JSON)"
        optional
        error={errors["filters.match"]}
        hint={
          <>
            A MongoDB-style query over the delivery envelope, e.g.{" "}
            <code>{'{"data.duration": {"$gte": 60}}'}</code>.
          </>
        }
      >
        <textarea
          id="wh-match"
          rows={3}
          spellCheck={false}
          className="mono"
          value={state.match}
          onChange={(e) => set("match", e.target.value)}
          aria-describedby={describedBy("wh-match", errors["filters.match"], true)}
        />
      </Field>
    </Section>
  );
}

function RequestSection({
  state,
  set,
  setState,
  errors,
  editing,
}: {
  state: FormState;
  set: Setter;
  setState: Dispatch<SetStateAction<FormState>>;
  errors: FieldErrors;
  editing: boolean;
}) {
  const updateHeader = (rowId: number, patch: { name?: string; value?: string }) =>
    setState((current) => ({
      ...current,
      headers: current.headers.map((row) => (row.id === rowId ? { ...row, ...patch } : row)),
    }));
  return (
    <Section title="Request" description="Extra headers and credentials sent with every delivery.">
      <fieldset className="field">
        <legend>Headers</legend>
        {state.headers.length === 0 && <p className="muted">No extra headers.</p>}
        {state.headers.map((row, index) => (
          <div key={row.id} className="header-row">
            <label className="visually-hidden" htmlFor={`wh-header-name-${row.id}`}>
              Header {index + 1} name
            </label>
            <input
              id={`wh-header-name-${row.id}`}
              type="text"
              placeholder="X-Firm-Id"
              value={row.name}
              onChange={(e) => updateHeader(row.id, { name: e.target.value })}
            />
            <label className="visually-hidden" htmlFor={`wh-header-value-${row.id}`}>
              Header {index + 1} value
            </label>
            <input
              id={`wh-header-value-${row.id}`}
              type="text"
              placeholder="value"
              value={row.value}
              onChange={(e) => updateHeader(row.id, { value: e.target.value })}
            />
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() =>
                set(
                  "headers",
                  state.headers.filter((h) => h.id !== row.id),
                )
              }
              aria-label={`Remove header ${row.name || index + 1}`}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          id="wh-headers-add"
          type="button"
          className="button button-small"
          onClick={() => set("headers", [...state.headers, newHeaderRow()])}
        >
          Add header
        </button>
        <FieldError id="wh-headers-error" error={errors.headers} />
      </fieldset>

      <div className="subsection">
        <Field id="wh-auth-type" label="Authentication" error={errors.auth}>
          <select
            id="wh-auth-type"
            value={state.authType}
            onChange={(e) => {
              setState((current) => ({
                ...current,
                authType: e.target.value as AuthType,
                authChanged: true,
              }));
            }}
          >
            <option value="none">None</option>
            <option value="api_key">API key in a header</option>
            <option value="basic">Basic (user name and password)</option>
            <option value="bearer">Bearer token</option>
          </select>
        </Field>
        {editing && !state.authChanged && state.authType !== "none" ? (
          <p className="inline">
            <span className="muted">
              Stored encrypted: <code>{state.authMasked}</code>
            </span>
            <button type="button" className="button button-small" onClick={() => set("authChanged", true)}>
              Change credentials
            </button>
          </p>
        ) : (
          <AuthFields state={state} set={set} />
        )}
      </div>

      <div className="grid-2 subsection">
        <Field
          id="wh-app-key"
          label="App key"
          optional
          error={errors.app_key}
          hint={
            <>
              Sent as <code>X-Public-Api-Key</code>.
            </>
          }
        >
          {state.appKeyMode === "keep" ? (
            <div className="inline">
              <code id="wh-app-key" tabIndex={-1}>
                {state.appKeyMasked}
              </code>
              <button type="button" className="button button-small" onClick={() => set("appKeyMode", "set")}>
                Change
              </button>
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() => set("appKeyMode", "clear")}
              >
                Remove
              </button>
            </div>
          ) : state.appKeyMode === "clear" ? (
            <div className="inline">
              <span id="wh-app-key" className="muted" tabIndex={-1}>
                Will be removed on save.
              </span>
              <button type="button" className="button button-small" onClick={() => set("appKeyMode", "keep")}>
                Keep it
              </button>
            </div>
          ) : (
            <input
              id="wh-app-key"
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={state.appKey}
              onChange={(e) => set("appKey", e.target.value)}
              aria-describedby="wh-app-key-hint"
            />
          )}
        </Field>
        <Field
          id="wh-signature-header"
          label="Extra signature header"
          optional
          error={errors.signature_header}
          hint={
            <>
              Also sign GitHub-style: this header carries <code>sha256=&lt;hex HMAC of the body&gt;</code>.
            </>
          }
        >
          <input
            id="wh-signature-header"
            type="text"
            placeholder="X-Hub-Signature-256"
            value={state.signatureHeader}
            onChange={(e) => set("signatureHeader", e.target.value)}
            aria-describedby="wh-signature-header-hint"
          />
        </Field>
      </div>
    </Section>
  );
}

function AuthFields({ state, set }: { state: FormState; set: Setter }) {
  switch (state.authType) {
    case "none":
      return null;
    case "api_key":
      return (
        <div className="grid-2">
          <Field id="wh-auth-header" label="Header name">
            <input
              id="wh-auth-header"
              type="text"
              value={state.authHeader}
              onChange={(e) => set("authHeader", e.target.value)}
            />
          </Field>
          <Field id="wh-auth-value" label="API key">
            <input
              id="wh-auth-value"
              type="password"
              autoComplete="off"
              value={state.authValue}
              onChange={(e) => set("authValue", e.target.value)}
            />
          </Field>
        </div>
      );
    case "basic":
      return (
        <div className="grid-2">
          <Field id="wh-auth-username" label="User name">
            <input
              id="wh-auth-username"
              type="text"
              autoComplete="off"
              value={state.authUsername}
              onChange={(e) => set("authUsername", e.target.value)}
            />
          </Field>
          <Field id="wh-auth-password" label="Password">
            <input
              id="wh-auth-password"
              type="password"
              autoComplete="off"
              value={state.authPassword}
              onChange={(e) => set("authPassword", e.target.value)}
            />
          </Field>
        </div>
      );
    case "bearer":
      return (
        <Field id="wh-auth-token" label="Bearer token">
          <input
            id="wh-auth-token"
            type="password"
            autoComplete="off"
            value={state.authToken}
            onChange={(e) => set("authToken", e.target.value)}
          />
        </Field>
      );
  }
}

function BodySection({
  state,
  set,
  types,
  errors,
}: {
  state: FormState;
  set: Setter;
  types: EventType[];
  errors: FieldErrors;
}) {
  const call = useApi();
  const candidates = useMemo(() => concreteTypes(state, types), [state, types]);
  const [previewType, setPreviewType] = useState<string>("");
  const chosen = candidates.includes(previewType) ? previewType : (candidates[0] ?? "");
  const [detail, setDetail] = useState<{ type: string; value: EventTypeDetail | null; error: unknown }>({
    type: "",
    value: null,
    error: null,
  });
  useEffect(() => {
    if (!chosen) return;
    let live = true;
    loadEventType(call, chosen).then(
      (value) => live && setDetail({ type: chosen, value, error: null }),
      (error: unknown) => live && setDetail({ type: chosen, value: null, error }),
    );
    return () => {
      live = false;
    };
  }, [call, chosen]);
  const [timestamp] = useState(() => new Date().toISOString());
  const example = types.find((t) => t.name === chosen)?.example;
  const template = parsedTemplate(state);
  const preview =
    example && !template.error
      ? renderPreview(
          { method: state.method, format: state.format, template: template.template },
          { id: "evt_preview0000000000000000", event: chosen, timestamp, data: example },
        )
      : null;
  const variables = detail.type === chosen ? detail.value?.variables : undefined;

  return (
    <Section
      title="Body"
      description="What each delivery carries. Without a template it is the signed JSON envelope."
    >
      <div className="grid-2">
        <Field
          id="wh-format"
          label="Body format"
          error={errors.body && state.templateMode === "none" ? errors.body : undefined}
        >
          <select
            id="wh-format"
            value={state.format}
            onChange={(e) => set("format", e.target.value as "json" | "form")}
          >
            <option value="json">JSON (application/json)</option>
            <option value="form">Form (application/x-www-form-urlencoded)</option>
          </select>
        </Field>
        <Field id="wh-template-mode" label="Template">
          <select
            id="wh-template-mode"
            value={state.templateMode}
            onChange={(e) => set("templateMode", e.target.value as FormState["templateMode"])}
          >
            <option value="none">None — the standard envelope</option>
            <option value="fields">Field mapping (JSON object)</option>
            <option value="text">Text template (the whole body)</option>
          </select>
        </Field>
      </div>
      {state.templateMode !== "none" && (
        <Field
          id="wh-template"
          label={state.templateMode === "fields" ? "Field mapping" : "Template text"}
          error={errors.body}
          hint={
            <>
              Liquid: <code>{"{{ data.call_id }}"}</code>, filters such as{" "}
              <code>{"{{ data.customer.name | upcase }}"}</code>, or the shorthand <code>{"{from_nr}"}</code>.
              In a mapping, a value that is exactly one <code>{"{{ … }}"}</code> keeps its JSON type.
            </>
          }
        >
          <textarea
            id="wh-template"
            className="mono"
            rows={state.templateMode === "fields" ? 8 : 5}
            spellCheck={false}
            value={state.templateMode === "fields" ? state.templateFields : state.templateText}
            onChange={(e) =>
              set(state.templateMode === "fields" ? "templateFields" : "templateText", e.target.value)
            }
            aria-invalid={errors.body ? true : undefined}
            aria-describedby={describedBy("wh-template", errors.body, true)}
          />
        </Field>
      )}
      <div className="preview-grid">
        <div className="field">
          <label htmlFor="wh-preview-type">Variables and preview for</label>
          <select
            id="wh-preview-type"
            value={chosen}
            onChange={(e) => setPreviewType(e.target.value)}
            disabled={candidates.length === 0}
          >
            {candidates.length === 0 && <option value="">Pick an event first</option>}
            {candidates.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <div className="variables" aria-live="polite">
            <h3>Variables</h3>
            {!chosen ? (
              <p className="muted">Pick an event to see its variables.</p>
            ) : detail.type === chosen && detail.error ? (
              <p className="field-error">Could not load the variables: {errorMessage(detail.error)}</p>
            ) : !variables ? (
              <p className="muted">Loading variables…</p>
            ) : (
              <ul className="variable-list">
                {variables.map((v) => (
                  <li key={v}>
                    <code>{`{{ ${v} }}`}</code>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
        <div className="preview">
          <h3>
            Preview <span className="badge badge-muted">preview</span>
          </h3>
          <p className="hint">
            Rendered in your browser from the catalog example of <code>{chosen || "—"}</code>. This preview
            substitutes variables only; Liquid filters and tags are applied by the server when it sends.
          </p>
          {template.error && state.templateMode !== "none" ? (
            <p className="muted">Fix the template to see the preview.</p>
          ) : preview ? (
            <>
              <p className="muted">
                {preview.kind === "query"
                  ? "Query string added to the URL (GET has no body)"
                  : `Content-Type: ${preview.contentType}`}
              </p>
              {/* biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable region must be keyboard reachable. */}
              <pre className="preview-body" tabIndex={0} data-testid="template-preview">
                {preview.text}
              </pre>
            </>
          ) : (
            <p className="muted">Pick an event to preview the body.</p>
          )}
        </div>
      </div>
    </Section>
  );
}

const RETRY_LABELS: Record<RetryMode, string> = {
  standard: "Standard — after 5 min, 30 min, 2 h and 24 h (5 attempts)",
  every_30m_for_7d: "Every 30 minutes for 7 days",
  exponential: "Exponential backoff",
  custom: "Custom schedule",
};

function DeliverySection({
  state,
  set,
  types,
  errors,
}: {
  state: FormState;
  set: Setter;
  types: EventType[];
  errors: FieldErrors;
}) {
  const holdTypes = types.filter((t) => {
    const properties = (t.schema as { properties?: Record<string, unknown> }).properties;
    return properties !== undefined && "call_id" in properties;
  });
  const schedulePreview = state.retryMode === "custom" ? scheduleText(state.schedule) : null;
  return (
    <Section title="Delivery" description="Timeout, retries and what counts as success.">
      <div className="grid-2">
        <Field
          id="wh-timeout"
          label="Timeout (ms)"
          error={errors.timeout_ms}
          hint="How long to wait for the endpoint's answer: 100–60000 ms (default 15000)."
        >
          <input
            id="wh-timeout"
            type="number"
            min={100}
            max={60000}
            step={100}
            value={state.timeoutMs}
            onChange={(e) => set("timeoutMs", e.target.value)}
            aria-describedby={describedBy("wh-timeout", errors.timeout_ms, true)}
          />
        </Field>
        <Field id="wh-retry-mode" label="Retries" error={errors.retry}>
          <select
            id="wh-retry-mode"
            value={state.retryMode}
            onChange={(e) => set("retryMode", e.target.value as RetryMode)}
          >
            {(Object.keys(RETRY_LABELS) as RetryMode[]).map((mode) => (
              <option key={mode} value={mode}>
                {RETRY_LABELS[mode]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {state.retryMode === "custom" && (
        <Field
          id="wh-schedule"
          label="Seconds to wait before each retry"
          hint={schedulePreview ?? "Comma-separated, e.g. 10, 60, 600 — attempt 1 is immediate."}
        >
          <input
            id="wh-schedule"
            type="text"
            inputMode="numeric"
            placeholder="10, 60, 600"
            value={state.schedule}
            onChange={(e) => set("schedule", e.target.value)}
            aria-describedby="wh-schedule-hint"
          />
        </Field>
      )}
      {state.retryMode === "exponential" && (
        <div className="grid-2">
          <Field id="wh-base" label="First delay (s)" optional hint="Default 10 s, doubling each time.">
            <input
              id="wh-base"
              type="number"
              min={1}
              value={state.baseS}
              onChange={(e) => set("baseS", e.target.value)}
            />
          </Field>
          <Field id="wh-cap" label="Longest delay (s)" optional hint="Default 6 h.">
            <input
              id="wh-cap"
              type="number"
              min={1}
              value={state.capS}
              onChange={(e) => set("capS", e.target.value)}
            />
          </Field>
        </div>
      )}
      <div className="grid-2">
        <Field id="wh-max-attempts" label="Max attempts" optional hint="Including the first attempt.">
          <input
            id="wh-max-attempts"
            type="number"
            min={1}
            max={500}
            value={state.maxAttempts}
            onChange={(e) => set("maxAttempts", e.target.value)}
          />
        </Field>
        <Field
          id="wh-total-timeout"
          label="Give up after (s)"
          optional
          hint="Counted from the first attempt."
        >
          <input
            id="wh-total-timeout"
            type="number"
            min={1}
            value={state.totalTimeout}
            onChange={(e) => set("totalTimeout", e.target.value)}
          />
        </Field>
      </div>

      <fieldset className="field subsection">
        <legend>Success conditions</legend>
        <p className="hint">Empty: any 2xx answer within the timeout is a success.</p>
        <div className="grid-3">
          <Field id="wh-success-codes" label="Status codes" optional error={errors.success}>
            <input
              id="wh-success-codes"
              type="text"
              inputMode="numeric"
              placeholder="200, 201, 202"
              value={state.successCodes}
              onChange={(e) => set("successCodes", e.target.value)}
            />
          </Field>
          <Field
            id="wh-response-key"
            label="Response key"
            optional
            hint="Dot path in a JSON answer, e.g. result.ok."
          >
            <input
              id="wh-response-key"
              type="text"
              value={state.responseKey}
              onChange={(e) => set("responseKey", e.target.value)}
              aria-describedby="wh-response-key-hint"
            />
          </Field>
          <Field
            id="wh-expected-value"
            label="Expected value"
            optional
            hint="JSON (true, 1, &quot;ok&quot;) or text."
          >
            <input
              id="wh-expected-value"
              type="text"
              value={state.expectedValue}
              onChange={(e) => set("expectedValue", e.target.value)}
              aria-describedby="wh-expected-value-hint"
            />
          </Field>
        </div>
      </fieldset>

      <fieldset className="field subsection">
        <legend>Hold until a later event</legend>
        <label className="choice">
          <input
            id="wh-hold"
            type="checkbox"
            checked={state.hold}
            onChange={(e) => set("hold", e.target.checked)}
          />
          <span>
            Hold deliveries of a call's events until another event of the same call arrives (its data is
            merged in)
          </span>
        </label>
        {state.hold && (
          <div className="grid-2">
            <Field id="wh-hold-event" label="Released by" error={errors.hold}>
              <select
                id="wh-hold-event"
                value={state.holdEvent}
                onChange={(e) => set("holdEvent", e.target.value)}
              >
                <option value="">Choose an event…</option>
                {holdTypes.map((t) => (
                  <option key={t.name} value={t.name}>
                    {t.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id="wh-hold-wait"
              label="Longest wait (s)"
              hint="At most 86400 (24 h); then it is sent as it is."
            >
              <input
                id="wh-hold-wait"
                type="number"
                min={1}
                max={86400}
                value={state.holdWait}
                onChange={(e) => set("holdWait", e.target.value)}
              />
            </Field>
          </div>
        )}
      </fieldset>

      <div className="grid-2 subsection">
        <Field
          id="wh-max-in-flight"
          label="Concurrent requests"
          optional
          error={errors.max_in_flight}
          hint="At most this many requests to this endpoint at once (1–100)."
        >
          <input
            id="wh-max-in-flight"
            type="number"
            min={1}
            max={100}
            value={state.maxInFlight}
            onChange={(e) => set("maxInFlight", e.target.value)}
          />
        </Field>
        <Field
          id="wh-rate-limit"
          label="Rate limit (requests per second)"
          optional
          error={errors.rate_limit_per_s}
          hint="1–10000; empty for no limit."
        >
          <input
            id="wh-rate-limit"
            type="number"
            min={1}
            max={10000}
            value={state.rateLimit}
            onChange={(e) => set("rateLimit", e.target.value)}
          />
        </Field>
      </div>
    </Section>
  );
}

function scheduleText(text: string): string | null {
  const waits = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  if (waits.length === 0 || waits.some((w) => !Number.isInteger(w) || w < 1)) return null;
  return `Attempt 1 now, then ${waits.map((w, i) => `attempt ${i + 2} after ${formatSeconds(w)}`).join(", ")}.`;
}
