/** The case form's state, and the body it sends. */
import { type FormValues, toFormValues, toStoredValues } from "../records/custom-values";
import { withoutUnchangedNulls } from "../records/payload";
import type { Case, CustomField } from "../records/types";

export interface CaseFormState {
  client_id: string;
  case_type: string;
  status: string;
  substatus: string;
  title: string;
  description: string;
  incident_date: string;
  campaign_id: string;
  call_id: string;
  source: string;
  custom: FormValues;
}

const TEXT_FIELDS = [
  "case_type",
  "substatus",
  "title",
  "description",
  "incident_date",
  "campaign_id",
  "call_id",
  "source",
] as const;

export function formFromCase(
  record: Case | null,
  clientId: string,
  fields: readonly CustomField[],
): CaseFormState {
  return {
    client_id: record?.client_id ?? clientId,
    case_type: record?.case_type ?? "",
    status: record?.status ?? "",
    substatus: record?.substatus ?? "",
    title: record?.title ?? "",
    description: record?.description ?? "",
    incident_date: record?.incident_date ?? "",
    campaign_id: record?.campaign_id ?? "",
    call_id: record?.call_id ?? "",
    source: record?.source ?? "",
    custom: toFormValues(record?.custom_fields ?? {}, fields),
  };
}

/** The create / patch body, or errors by field. An empty status on create lets the server pick its default. */
export function casePayload(
  state: CaseFormState,
  fields: readonly CustomField[],
  record: Case | null,
): { body: Record<string, unknown>; errors: Record<string, string> } {
  const { custom_fields, errors: customErrors } = toStoredValues(
    state.custom,
    fields,
    record?.custom_fields ?? {},
  );
  const errors: Record<string, string> = {};
  for (const [key, message] of Object.entries(customErrors)) errors[`custom_fields.${key}`] = message;
  if (!state.client_id) errors.client_id = "Pick the client this case is for.";
  const body: Record<string, unknown> = { client_id: state.client_id, custom_fields };
  for (const field of TEXT_FIELDS) body[field] = state[field].trim() === "" ? null : state[field].trim();
  if (state.status.trim() !== "") body.status = state.status.trim();
  return { body: withoutUnchangedNulls(body, record), errors };
}
