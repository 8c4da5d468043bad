import { describedBy, Field } from "../../ui/fields";

/** A labelled one-line input with its error and hint. */
export function TextField({
  id,
  label,
  value,
  error,
  hint,
  type = "text",
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  error?: string;
  hint?: string;
  type?: string;
  onChange(value: string): void;
}) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        type={type}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, Boolean(hint))}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}
