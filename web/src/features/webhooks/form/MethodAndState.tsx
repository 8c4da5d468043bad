/** The HTTP method and the enabled switch (under "Advanced": POST and enabled suit most endpoints). */
import { Field, Section, type Setter } from "../../../ui/fields";
import type { FieldErrors } from "../../targets/form/numbers";
import type { FormState } from "./state";

export function MethodAndState({
  state,
  set,
  errors,
}: {
  state: FormState;
  set: Setter<FormState>;
  errors: FieldErrors;
}) {
  return (
    <Section title="Method and state">
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
  );
}
