/** The form's "Body" section: body format, template mode and template, then the variables and preview. */
import type { EventType } from "../../../api";
import { describedBy, Field, Section, type Setter } from "../../../ui/fields";
import type { FieldErrors } from "../../targets/form/numbers";
import type { FormState } from "./state";
import { TemplatePreview } from "./TemplatePreview";

export function BodySection({
  state,
  set,
  types,
  errors,
}: {
  state: FormState;
  set: Setter<FormState>;
  types: EventType[];
  errors: FieldErrors;
}) {
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
      <div className="grid-2">
        <Field
          id="wh-macros"
          label="Macros"
          hint="Kaisa-compatible: {event_type} 0/1/2, {answered} 1/0, {start} as UTC YYYY-MM-DD HH:MM:SS, {id} the call id, and Kaisa's other names."
        >
          <select
            id="wh-macros"
            value={state.macros}
            onChange={(e) => set("macros", e.target.value as FormState["macros"])}
            aria-describedby="wh-macros-hint"
          >
            <option value="standard">Switchboard</option>
            <option value="kaisa">Kaisa-compatible</option>
          </select>
        </Field>
        <div className="field field-check">
          <label className="choice">
            <input
              id="wh-sign"
              type="checkbox"
              checked={state.sign}
              onChange={(e) => set("sign", e.target.checked)}
            />
            <span>Kaisa signature — send the body as the field data, its HMAC-SHA256 as sign</span>
          </label>
        </div>
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
      <TemplatePreview state={state} types={types} />
    </Section>
  );
}
