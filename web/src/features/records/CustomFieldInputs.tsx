import { useState } from "react";
import { describedBy, Field } from "../../ui/fields";
import type { FormValues } from "./custom-values";
import type { CustomField, CustomFieldType } from "./types";

const INPUT_TYPE: Record<Exclude<CustomFieldType, "boolean" | "select">, string> = {
  text: "text",
  number: "number",
  date: "date",
  phone: "tel",
  email: "email",
};

/** The id of a custom field's input, so server errors can focus it. */
export const customFieldInputId = (prefix: string, key: string) => `${prefix}-cf-${key}`;

/**
 * The tenant's custom fields, each rendered by its type, then the record's values that no
 * definition covers (imported or written through the API) as text, with a way to add one.
 */
export function CustomFieldInputs({
  prefix,
  fields,
  values,
  errors,
  onChange,
}: {
  prefix: string;
  fields: readonly CustomField[];
  values: FormValues;
  /** By field key. */
  errors: Record<string, string>;
  onChange(key: string, value: string | boolean | undefined): void;
}) {
  const defined = new Set(fields.map((field) => field.key));
  const others = Object.keys(values).filter((key) => !defined.has(key));
  const [newKey, setNewKey] = useState("");
  const [newKeyError, setNewKeyError] = useState<string | null>(null);

  const add = () => {
    const key = newKey.trim();
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(key)) {
      setNewKeyError("Use lower-case letters, digits and _ (starting with a letter).");
      return;
    }
    if (key in values) {
      setNewKeyError("That field is already on the form.");
      return;
    }
    setNewKeyError(null);
    setNewKey("");
    onChange(key, "");
  };

  return (
    <>
      {fields.map((field) => (
        <DefinedField
          key={field.key}
          id={customFieldInputId(prefix, field.key)}
          field={field}
          value={values[field.key]}
          error={errors[field.key]}
          onChange={(value) => onChange(field.key, value)}
        />
      ))}
      {others.map((key) => {
        const id = customFieldInputId(prefix, key);
        const value = values[key];
        return (
          <Field
            key={key}
            id={id}
            label={key}
            error={errors[key]}
            hint="Not defined in the custom field settings."
          >
            <div className="inline">
              <input
                id={id}
                value={typeof value === "boolean" ? String(value) : (value ?? "")}
                aria-invalid={errors[key] ? true : undefined}
                aria-describedby={describedBy(id, errors[key], true)}
                onChange={(event) => onChange(key, event.target.value)}
              />
              <button
                type="button"
                className="button button-small button-quiet"
                aria-label={`Remove ${key}`}
                onClick={() => onChange(key, undefined)}
              >
                Remove
              </button>
            </div>
          </Field>
        );
      })}
      <div className="field">
        <label htmlFor={`${prefix}-cf-new`}>Add another field</label>
        <div className="inline">
          <input
            id={`${prefix}-cf-new`}
            placeholder="field_key"
            value={newKey}
            aria-invalid={newKeyError ? true : undefined}
            aria-describedby={newKeyError ? `${prefix}-cf-new-error` : undefined}
            onChange={(event) => setNewKey(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault();
                add();
              }
            }}
          />
          <button type="button" className="button button-small" onClick={add}>
            Add field
          </button>
        </div>
        {newKeyError && (
          <p id={`${prefix}-cf-new-error`} className="field-error" role="alert">
            {newKeyError}
          </p>
        )}
      </div>
    </>
  );
}

function DefinedField({
  id,
  field,
  value,
  error,
  onChange,
}: {
  id: string;
  field: CustomField;
  value: string | boolean | undefined;
  error: string | undefined;
  onChange(value: string | boolean): void;
}) {
  const label = field.required ? `${field.label} *` : field.label;
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-required": field.required ? true : undefined,
    "aria-describedby": describedBy(id, error, Boolean(field.help_text)),
  } as const;
  if (field.type === "boolean") {
    return (
      <div className={`field field-check${error ? " field-invalid" : ""}`}>
        <label htmlFor={id} className="choice">
          <input
            type="checkbox"
            {...common}
            checked={value === true}
            onChange={(event) => onChange(event.target.checked)}
          />{" "}
          {label}
        </label>
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
        {field.help_text && (
          <p id={`${id}-hint`} className="hint">
            {field.help_text}
          </p>
        )}
      </div>
    );
  }
  const text = typeof value === "string" ? value : "";
  return (
    <Field id={id} label={label} hint={field.help_text} error={error}>
      {field.type === "select" ? (
        <select {...common} value={text} onChange={(event) => onChange(event.target.value)}>
          <option value="">—</option>
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
          {text !== "" && !(field.options ?? []).includes(text) && <option value={text}>{text}</option>}
        </select>
      ) : (
        <input
          {...common}
          type={INPUT_TYPE[field.type]}
          inputMode={field.type === "number" ? "decimal" : undefined}
          value={text}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
