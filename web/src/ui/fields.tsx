/** Building blocks of the dashboard's forms: section card, labelled field, error line. */
import type { ReactNode } from "react";

/** Sets one field of a form's state `S`. */
export type Setter<S> = <K extends keyof S>(key: K, value: S[K]) => void;

/**
 * A form's setter handed to a section that edits only part `P` of its state (the routing and
 * retry fields both target forms share). The cast is sound because a form's state extends `P`
 * without narrowing its fields; TypeScript cannot see that through the generic key.
 */
export const partSetter = <P, S extends P>(set: Setter<S>): Setter<P> => set as unknown as Setter<P>;

/** The `aria-describedby` ids of a field's error and hint. */
export function describedBy(id: string, error: string | null | undefined, hint: boolean): string | undefined {
  const ids = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function Section({
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

export function Field({
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

export function FieldError({ id, error }: { id: string; error: string | undefined }) {
  if (!error) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {error}
    </p>
  );
}
