/** The client form's state, and the body it sends. */
import { type FormValues, toFormValues, toStoredValues } from "../records/custom-values";
import { withoutUnchangedNulls } from "../records/payload";
import type { Client, CustomField, Phone } from "../records/types";

export interface AddressText {
  street: string;
  city: string;
  state: string;
  postal_code: string;
}

export interface ClientFormState {
  first_name: string;
  last_name: string;
  phones: Array<{ number: string; type: Phone["type"] }>;
  emails: string[];
  addresses: AddressText[];
  date_of_birth: string;
  preferred_language: string;
  opt_out: boolean;
  source: string;
  custom: FormValues;
}

export const EMPTY_ADDRESS: AddressText = { street: "", city: "", state: "", postal_code: "" };

export function formFromClient(client: Client | null, fields: readonly CustomField[]): ClientFormState {
  return {
    first_name: client?.first_name ?? "",
    last_name: client?.last_name ?? "",
    phones: client?.phones.map((p) => ({ ...p })) ?? [{ number: "", type: "mobile" }],
    emails: client ? [...client.emails] : [""],
    addresses:
      client?.addresses.map((a) => ({
        street: a.street ?? "",
        city: a.city ?? "",
        state: a.state ?? "",
        postal_code: a.postal_code ?? "",
      })) ?? [],
    date_of_birth: client?.date_of_birth ?? "",
    preferred_language: client?.preferred_language ?? "",
    opt_out: client?.opt_out ?? false,
    source: client?.source ?? "",
    custom: toFormValues(client?.custom_fields ?? {}, fields),
  };
}

const textOrNull = (text: string): string | null => (text.trim() === "" ? null : text.trim());

/** The create / patch body (every editable field, so a patch is the form as shown), or errors by field. */
export function clientPayload(
  state: ClientFormState,
  fields: readonly CustomField[],
  client: Client | null,
): { body: Record<string, unknown>; errors: Record<string, string> } {
  const { custom_fields, errors: customErrors } = toStoredValues(
    state.custom,
    fields,
    client?.custom_fields ?? {},
  );
  const errors: Record<string, string> = {};
  for (const [key, message] of Object.entries(customErrors)) errors[`custom_fields.${key}`] = message;
  const body = {
    first_name: textOrNull(state.first_name),
    last_name: textOrNull(state.last_name),
    phones: state.phones
      .filter((p) => p.number.trim() !== "")
      .map((p) => ({ number: p.number.trim(), type: p.type })),
    emails: state.emails.map((e) => e.trim()).filter((e) => e !== ""),
    addresses: state.addresses
      .map((a) =>
        Object.fromEntries(
          Object.entries(a)
            .map(([k, v]) => [k, v.trim()])
            .filter(([, v]) => v !== ""),
        ),
      )
      .filter((a) => Object.keys(a).length > 0),
    date_of_birth: textOrNull(state.date_of_birth),
    preferred_language: textOrNull(state.preferred_language),
    opt_out: state.opt_out,
    source: textOrNull(state.source),
    custom_fields,
  };
  return { body: withoutUnchangedNulls(body, client), errors };
}

/**
 * The form row a server error's index names: the body leaves out empty rows, so `phones.1` in an
 * answer is the second *filled* phone row, which may be a later row of the form.
 */
export function formFieldOf(field: string, state: ClientFormState): string {
  const [list, index] = field.split(".");
  if ((list !== "phones" && list !== "emails") || index === undefined) return field;
  const filled = (list === "phones" ? state.phones.map((p) => p.number) : state.emails)
    .map((text, row) => (text.trim() === "" ? -1 : row))
    .filter((row) => row >= 0);
  const row = filled[Number(index)];
  return row === undefined ? field : `${list}.${row}`;
}
