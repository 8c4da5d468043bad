import { useState } from "react";
import { ApiError } from "../../api";
import { ErrorState, Loading, Notice } from "../../ui/elements";
import { Section } from "../../ui/fields";
import { useApi } from "../../ui/hooks";
import { useCustomFields } from "../records/settings";
import {
  CUSTOM_FIELD_TYPES,
  type CustomField,
  type CustomFieldSettings,
  type CustomFieldType,
} from "../records/types";
import { duplicateKey, keyOf, move, removeAt, replaceAt } from "./ordered";
import { SaveStatus } from "./SaveStatus";

const TYPE_LABEL: Record<CustomFieldType, string> = {
  text: "Text",
  number: "Number",
  date: "Date",
  boolean: "Yes / no",
  select: "Choice",
  phone: "Phone",
  email: "Email",
};

/** The firm's own fields on clients and on cases: label, type, choices, required, help text. */
export function CustomFieldsEditor() {
  const [resource, reload] = useCustomFields();
  return (
    <Section title="Custom fields" description="Extra fields on the client and case forms, in this order.">
      {resource.state === "error" && (
        <ErrorState title="Could not load custom fields" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading custom fields…" />}
      {resource.state === "ready" && resource.data === null && (
        <Notice kind="info">This server does not have custom field settings yet.</Notice>
      )}
      {resource.data && <Editor key={JSON.stringify(resource.data)} initial={resource.data} />}
    </Section>
  );
}

function Editor({ initial }: { initial: CustomFieldSettings }) {
  const call = useApi();
  const [settings, setSettings] = useState<CustomFieldSettings>(initial);
  const [savedKeys, setSavedKeys] = useState(() => keysOf(initial));
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const problem = check(settings);
  const save = async () => {
    if (problem) return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const answer = await call<CustomFieldSettings>("PUT", "/v1/settings/custom-fields", settings);
      setSettings(answer);
      setSavedKeys(keysOf(answer));
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const rowError = (object: "clients" | "cases", index: number): string | null => {
    if (!(error instanceof ApiError) || !error.path) return null;
    return error.path.startsWith(`/body/${object}/${index}/`) || error.path === `/body/${object}/${index}`
      ? error.message
      : null;
  };

  return (
    <div>
      {(["clients", "cases"] as const).map((object) => (
        <fieldset key={object} className="stack">
          <legend>{object === "clients" ? "Client fields" : "Case fields"}</legend>
          {settings[object].length === 0 && <p className="muted">None yet.</p>}
          {settings[object].map((field, index) => (
            <FieldRow
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional while their key is edited.
              key={index}
              id={`cf-${object}-${index}`}
              field={field}
              keyFixed={savedKeys[object].has(field.key)}
              first={index === 0}
              last={index === settings[object].length - 1}
              error={rowError(object, index)}
              onChange={(next) => {
                setSettings({ ...settings, [object]: replaceAt(settings[object], index, next) });
                setDone(false);
              }}
              onMove={(delta) => setSettings({ ...settings, [object]: move(settings[object], index, delta) })}
              onRemove={() => setSettings({ ...settings, [object]: removeAt(settings[object], index) })}
            />
          ))}
          <button
            type="button"
            className="button button-small"
            onClick={() =>
              setSettings({
                ...settings,
                [object]: [...settings[object], { key: "", label: "", type: "text", required: false }],
              })
            }
          >
            Add {object === "clients" ? "client" : "case"} field
          </button>
        </fieldset>
      ))}
      {problem && <p className="field-error">{problem}</p>}
      <SaveStatus error={error} saved={done} />
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={busy || problem !== null}
          onClick={save}
        >
          {busy ? "Saving…" : "Save custom fields"}
        </button>
      </div>
    </div>
  );
}

function FieldRow({
  id,
  field,
  keyFixed,
  first,
  last,
  error,
  onChange,
  onMove,
  onRemove,
}: {
  id: string;
  field: CustomField;
  keyFixed: boolean;
  first: boolean;
  last: boolean;
  error: string | null;
  onChange(field: CustomField): void;
  onMove(delta: -1 | 1): void;
  onRemove(): void;
}) {
  const name = field.label || "field";
  return (
    <div className="vocab-item" data-testid={id}>
      <div className="grid-3">
        <div className="field">
          <label htmlFor={`${id}-label`}>Label</label>
          <input
            id={`${id}-label`}
            type="text"
            value={field.label}
            onChange={(e) =>
              onChange({
                ...field,
                label: e.target.value,
                key: keyFixed || field.key !== keyOf(field.label) ? field.key : keyOf(e.target.value),
              })
            }
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-key`}>Key</label>
          <input
            id={`${id}-key`}
            type="text"
            className="mono"
            value={field.key}
            readOnly={keyFixed}
            onChange={(e) => onChange({ ...field, key: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select
            id={`${id}-type`}
            value={field.type}
            onChange={(e) => {
              const type = e.target.value as CustomFieldType;
              const { options: _options, ...rest } = field;
              onChange(
                type === "select" ? { ...rest, type, options: field.options ?? [] } : { ...rest, type },
              );
            }}
          >
            {CUSTOM_FIELD_TYPES.map((type) => (
              <option key={type} value={type}>
                {TYPE_LABEL[type]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {field.type === "select" && (
        <div className="field">
          <label htmlFor={`${id}-options`}>Choices (comma separated)</label>
          <input
            id={`${id}-options`}
            type="text"
            defaultValue={(field.options ?? []).join(", ")}
            onBlur={(e) =>
              onChange({
                ...field,
                options: e.target.value
                  .split(",")
                  .map((o) => o.trim())
                  .filter(Boolean),
              })
            }
          />
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-help`}>Help text</label>
        <input
          id={`${id}-help`}
          type="text"
          value={field.help_text ?? ""}
          onChange={(e) => {
            const { help_text: _help, ...rest } = field;
            onChange(e.target.value ? { ...rest, help_text: e.target.value } : rest);
          }}
        />
      </div>
      <div className="inline">
        <label className="choice">
          <input
            type="checkbox"
            checked={field.required}
            onChange={(e) => onChange({ ...field, required: e.target.checked })}
          />
          Required
        </label>
        <button
          type="button"
          className="button button-small"
          aria-label={`Move ${name} up`}
          disabled={first}
          onClick={() => onMove(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="button button-small"
          aria-label={`Move ${name} down`}
          disabled={last}
          onClick={() => onMove(1)}
        >
          ↓
        </button>
        <button
          type="button"
          className="button button-small button-quiet"
          aria-label={`Remove ${name}`}
          onClick={onRemove}
        >
          Remove
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

const keysOf = (settings: CustomFieldSettings) => ({
  clients: new Set(settings.clients.map((f) => f.key)),
  cases: new Set(settings.cases.map((f) => f.key)),
});

function check(settings: CustomFieldSettings): string | null {
  for (const object of ["clients", "cases"] as const) {
    const fields = settings[object];
    if (fields.some((f) => f.key.trim() === "" || f.label.trim() === ""))
      return "Every custom field needs a label and a key.";
    if (fields.some((f) => f.type === "select" && (f.options ?? []).length === 0))
      return "A choice field needs at least one choice.";
    const twice = duplicateKey(fields);
    if (twice)
      return `The key “${twice}” is used twice in the ${object === "clients" ? "client" : "case"} fields.`;
  }
  return null;
}
