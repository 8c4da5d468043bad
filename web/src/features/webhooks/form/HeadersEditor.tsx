/** The extra request headers: one name/value row each, with add and remove. */
import type { Dispatch, SetStateAction } from "react";
import { FieldError, type Setter } from "../../../ui/fields";
import type { FieldErrors } from "../../targets/form/numbers";
import { type FormState, newHeaderRow } from "./state";

export function HeadersEditor({
  state,
  set,
  setState,
  errors,
}: {
  state: FormState;
  set: Setter<FormState>;
  setState: Dispatch<SetStateAction<FormState>>;
  errors: FieldErrors;
}) {
  const updateHeader = (rowId: number, patch: { name?: string; value?: string }) =>
    setState((current) => ({
      ...current,
      headers: current.headers.map((row) => (row.id === rowId ? { ...row, ...patch } : row)),
    }));
  return (
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
  );
}
