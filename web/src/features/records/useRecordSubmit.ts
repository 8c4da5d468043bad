import { type FormEvent, useState } from "react";
import { errorMessage } from "../../api";
import { serverFieldError } from "../targets/form/server-errors";
import { focusInput } from "./focus";
import { fieldOfRecordPath, isStale } from "./form-errors";

type Payload = { body: Record<string, unknown>; errors: Record<string, string> };

/**
 * The save of a client or case form: checks the payload here first, then saves; a 412 shows the
 * stale notice, a field the server refuses is marked at its input, anything else at the form.
 */
export function useRecordSubmit(options: {
  payload(): Payload;
  save(body: Record<string, unknown>): Promise<void>;
  /** The input id a form field key is shown at (focus on error). */
  inputOf(field: string): string;
  /** The form's key for a field the server named (default: the same). */
  formFieldOf?(field: string): string;
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    setStale(false);
    const { body, errors: found } = options.payload();
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first !== undefined) {
      focusInput(options.inputOf(first));
      return;
    }
    setBusy(true);
    try {
      await options.save(body);
    } catch (failure) {
      setBusy(false);
      if (isStale(failure)) {
        setStale(true);
        focusInput(undefined);
        return;
      }
      const invalid = serverFieldError(failure, fieldOfRecordPath);
      if (!invalid || invalid.field === "form") setFormError(invalid?.message ?? errorMessage(failure));
      else {
        const field = options.formFieldOf?.(invalid.field) ?? invalid.field;
        setErrors({ [field]: invalid.message });
        focusInput(options.inputOf(field));
      }
    }
  };

  /** Errors of custom fields, keyed by the field's key. */
  const customErrors = Object.fromEntries(
    Object.entries(errors)
      .filter(([k]) => k.startsWith("custom_fields."))
      .map(([k, v]) => [k.slice("custom_fields.".length), v]),
  );
  return { errors, formError, stale, busy, submit, customErrors };
}
