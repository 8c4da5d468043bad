/** The form's "Message" section: sender, recipients, subject template, description and the enabled switch. */
import { describedBy, Field, Section, type Setter } from "../../../ui/fields";
import type { FieldErrors } from "../../targets/form/numbers";
import type { DestinationFormState } from "./state";

export function MessageSection({
  state,
  set,
  errors,
}: {
  state: DestinationFormState;
  set: Setter<DestinationFormState>;
  errors: FieldErrors;
}) {
  return (
    <Section title="Message" description="Who the email comes from and goes to, and its subject.">
      <Field id="dst-from" label="From" error={errors.from}>
        <input
          id="dst-from"
          type="email"
          autoComplete="off"
          placeholder="switchboard@firm.example"
          value={state.from}
          onChange={(e) => set("from", e.target.value)}
          aria-invalid={errors.from ? true : undefined}
          aria-describedby={describedBy("dst-from", errors.from, false)}
        />
      </Field>
      <Field id="dst-to" label="To" error={errors.to} hint="One or more addresses, comma-separated.">
        <input
          id="dst-to"
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="intake@firm.example, paralegal@firm.example"
          value={state.to}
          onChange={(e) => set("to", e.target.value)}
          aria-invalid={errors.to ? true : undefined}
          aria-describedby={describedBy("dst-to", errors.to, true)}
        />
      </Field>
      <Field id="dst-cc" label="Cc" optional error={errors.cc} hint="Comma-separated.">
        <input
          id="dst-cc"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={state.cc}
          onChange={(e) => set("cc", e.target.value)}
          aria-invalid={errors.cc ? true : undefined}
          aria-describedby={describedBy("dst-cc", errors.cc, true)}
        />
      </Field>
      <Field
        id="dst-subject"
        label="Subject template"
        optional
        error={errors.subject}
        hint={
          <>
            Liquid over the event, e.g. <code>{"New {{ event }} for {{ data.call_id }}"}</code>. Empty: the
            server's default subject.
          </>
        }
      >
        <input
          id="dst-subject"
          type="text"
          spellCheck={false}
          value={state.subject}
          onChange={(e) => set("subject", e.target.value)}
          aria-invalid={errors.subject ? true : undefined}
          aria-describedby={describedBy("dst-subject", errors.subject, true)}
        />
      </Field>
      <Field id="wh-description" label="Description" optional error={errors.description}>
        <input
          id="wh-description"
          type="text"
          maxLength={500}
          placeholder="Intake inbox, partner digest, …"
          value={state.description}
          onChange={(e) => set("description", e.target.value)}
        />
      </Field>
      <div className="field field-check">
        <label className="choice">
          <input
            id="wh-enabled"
            type="checkbox"
            checked={state.enabled}
            onChange={(e) => set("enabled", e.target.checked)}
          />
          <span>Enabled — email events to these recipients</span>
        </label>
      </div>
    </Section>
  );
}
