import { describedBy, Field } from "../../../ui/fields";
import type { CrmProvider } from "./types";

/**
 * The provider's credential fields, from its descriptor. Secret ones are password inputs; once
 * saved they show the masked value as placeholder and are kept when left empty.
 */
export function CredentialInputs({
  prefix,
  provider,
  saved,
  typed,
  errors,
  onChange,
}: {
  prefix: string;
  provider: CrmProvider;
  /** The saved (masked) credentials, or null for a new connection. */
  saved: Record<string, string> | null;
  typed: Record<string, string>;
  /** Errors by `credentials/<name>`. */
  errors: Record<string, string>;
  onChange: (field: string, value: string) => void;
}) {
  return (
    <>
      {provider.credentials.map((field) => {
        const id = `${prefix}-cred-${field.name}`;
        const error = errors[`credentials/${field.name}`];
        const current = saved?.[field.name];
        const hint =
          current !== undefined && field.secret
            ? `Saved (${current}). Leave empty to keep it.`
            : field.secret
              ? "Stored encrypted; never shown again."
              : undefined;
        return (
          <Field
            key={field.name}
            id={id}
            label={field.label}
            optional={!field.required || current !== undefined}
            error={error}
            hint={hint}
          >
            <input
              id={id}
              type={field.secret ? "password" : "text"}
              autoComplete="off"
              placeholder={current !== undefined && field.secret ? current : undefined}
              value={typed[field.name] ?? (field.secret ? "" : (current ?? ""))}
              onChange={(e) => onChange(field.name, e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy(id, error, hint !== undefined)}
            />
          </Field>
        );
      })}
    </>
  );
}
