import { type Static, Type } from "@sinclair/typebox";
import { invalid } from "../errors.js";
import { isCalendarDate } from "./dates.js";

/**
 * A case (matter): what the firm handles for a client. Its schemas — stored fields, create and
 * patch bodies, the API's answer — and the pure rules that turn a body into stored values.
 */

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Short = Type.String({ maxLength: 100 });

const CustomFields = Type.Record(Type.String(), Type.Unknown(), { description: "Firm-defined fields." });
const ExternalIds = Type.Record(Type.String(), Type.String(), {
  description: "Ids of the case in connected systems: connection → id.",
});

/** A new case's status when none is given: a lead nobody has reviewed yet. */
export const DEFAULT_CASE_STATUS = "new_lead";

/** The fields a caller writes, as stored. */
export const CaseFieldsSchema = Type.Object({
  client_id: Type.String({ description: "The client the case belongs to (cli_…)." }),
  case_type: Nullable(Short),
  status: Type.String({ minLength: 1, maxLength: 100 }),
  substatus: Nullable(Short),
  title: Nullable(Type.String({ maxLength: 300 })),
  description: Nullable(Type.String({ maxLength: 20_000 })),
  incident_date: Nullable(Type.String({ description: "YYYY-MM-DD." })),
  campaign_id: Nullable(Short),
  call_id: Nullable(Short),
  custom_fields: CustomFields,
  external_ids: ExternalIds,
  source: Nullable(Type.String({ maxLength: 100, description: "How the case came in (call, web_form, …)." })),
});
export type CaseFields = Static<typeof CaseFieldsSchema>;

/** The editable fields in the order changes are reported. */
export const CASE_FIELDS = Object.keys(CaseFieldsSchema.properties) as Array<keyof CaseFields>;

const ClientId = Type.String({ pattern: "^cli_[0-9A-Za-z]{1,64}$", maxLength: 80 });

const inputProperties = {
  case_type: Type.Optional(Nullable(Short)),
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  substatus: Type.Optional(Nullable(Short)),
  title: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
  incident_date: Type.Optional(Nullable(Type.String())),
  campaign_id: Type.Optional(Nullable(Short)),
  call_id: Type.Optional(Nullable(Short)),
  custom_fields: Type.Optional(CustomFields),
  external_ids: Type.Optional(ExternalIds),
  source: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
};

export const CaseCreateSchema = Type.Object(
  { client_id: ClientId, ...inputProperties },
  {
    additionalProperties: false,
    examples: [
      {
        client_id: "cli_01HZX3Q0C9W8E6Y2M4T5V7B1N3",
        case_type: "auto_accident",
        title: "Rear-ended on I-90",
        incident_date: "2026-05-28",
      },
    ],
  },
);
export type CaseCreate = Static<typeof CaseCreateSchema>;

/** A patch replaces each field it names; the others stay. */
export const CasePatchSchema = Type.Object(
  { client_id: Type.Optional(ClientId), ...inputProperties },
  { additionalProperties: false },
);
export type CasePatch = Static<typeof CasePatchSchema>;

/** A case as the API answers. */
export const CaseSchema = Type.Composite(
  [
    Type.Object({ id: Type.String() }),
    CaseFieldsSchema,
    Type.Object({
      version: Type.Integer({ description: "Bumped by every write; send it back as If-Match." }),
      created_at: Type.String({ format: "date-time" }),
      updated_at: Type.String({ format: "date-time" }),
    }),
  ],
  { title: "Case" },
);
export type CaseView = Static<typeof CaseSchema>;

/** A new case's fields before the body is applied. */
export function emptyCase(clientId: string): CaseFields {
  return {
    client_id: clientId,
    case_type: null,
    status: DEFAULT_CASE_STATUS,
    substatus: null,
    title: null,
    description: null,
    incident_date: null,
    campaign_id: null,
    call_id: null,
    custom_fields: {},
    external_ids: {},
    source: null,
  };
}

/** The case's fields after applying what the caller sent to `current`; a bad value throws with its path. */
export function applyCaseInput(current: CaseFields, input: CasePatch, path = "/body"): CaseFields {
  const next: CaseFields = { ...current };
  if (input.client_id !== undefined) next.client_id = input.client_id;
  if (input.status !== undefined) {
    const status = input.status.trim();
    if (status === "") throw invalid(`${path}/status`, "must not be blank");
    next.status = status;
  }
  if (input.incident_date !== undefined) {
    if (input.incident_date !== null && !isCalendarDate(input.incident_date)) {
      throw invalid(`${path}/incident_date`, "must be a date written YYYY-MM-DD");
    }
    next.incident_date = input.incident_date;
  }
  for (const field of [
    "case_type",
    "substatus",
    "title",
    "description",
    "campaign_id",
    "call_id",
    "source",
  ] as const) {
    const value = input[field];
    if (value !== undefined) next[field] = cleanText(value);
  }
  if (input.custom_fields !== undefined) next.custom_fields = input.custom_fields;
  if (input.external_ids !== undefined) next.external_ids = input.external_ids;
  return next;
}

/** Blank text is no text. */
function cleanText(value: string | null): string | null {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}
