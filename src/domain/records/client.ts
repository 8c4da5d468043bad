import { type Static, Type } from "@sinclair/typebox";
import type { CountryCode } from "libphonenumber-js";
import { isEmail } from "../catalog/index.js";
import { invalid } from "../errors.js";
import { isCalendarDate } from "./dates.js";
import { toE164 } from "./phone.js";

/**
 * A client: a person the firm works for or may work for. One schema per shape — the stored
 * fields, the create and patch bodies, the API's answer — and the pure rules that turn what a
 * caller sent into stored values (E.164 phones, lower-cased emails, real dates).
 */

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Name = Type.String({ maxLength: 200 });

export const PhoneTypeSchema = Type.Union(
  [Type.Literal("mobile"), Type.Literal("home"), Type.Literal("work"), Type.Literal("other")],
  { description: "What kind of line it is; `other` when not given." },
);

export const ClientPhoneSchema = Type.Object(
  {
    number: Type.String({ description: "E.164 (any common format is accepted on input)." }),
    type: PhoneTypeSchema,
  },
  { additionalProperties: false },
);

const PhoneInputSchema = Type.Object(
  { number: Type.String({ minLength: 1, maxLength: 40 }), type: Type.Optional(PhoneTypeSchema) },
  { additionalProperties: false },
);

export const AddressSchema = Type.Object(
  {
    street: Type.Optional(Type.String({ maxLength: 300 })),
    city: Type.Optional(Type.String({ maxLength: 120 })),
    state: Type.Optional(Type.String({ maxLength: 60 })),
    postal_code: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);

const CustomFields = Type.Record(Type.String(), Type.Unknown(), { description: "Firm-defined fields." });
const ExternalIds = Type.Record(Type.String(), Type.String(), {
  description: "Ids of the record in connected systems: connection → id.",
});

/** The fields a caller writes, as stored (after normalisation). */
export const ClientFieldsSchema = Type.Object({
  first_name: Nullable(Name),
  last_name: Nullable(Name),
  phones: Type.Array(ClientPhoneSchema),
  emails: Type.Array(Type.String()),
  addresses: Type.Array(AddressSchema),
  date_of_birth: Nullable(Type.String({ description: "YYYY-MM-DD." })),
  preferred_language: Nullable(Type.String({ maxLength: 35 })),
  opt_out: Type.Boolean({ description: "True when the client no longer wants to be contacted." }),
  custom_fields: CustomFields,
  external_ids: ExternalIds,
  source: Nullable(
    Type.String({ maxLength: 100, description: "How the client came in (call, web_form, …)." }),
  ),
});
export type ClientFields = Static<typeof ClientFieldsSchema>;

/** The editable fields in the order changes are reported. */
export const CLIENT_FIELDS = Object.keys(ClientFieldsSchema.properties) as Array<keyof ClientFields>;

const inputProperties = {
  first_name: Type.Optional(Nullable(Name)),
  last_name: Type.Optional(Nullable(Name)),
  phones: Type.Optional(Type.Array(PhoneInputSchema, { maxItems: 20 })),
  emails: Type.Optional(Type.Array(Type.String({ maxLength: 254 }), { maxItems: 20 })),
  addresses: Type.Optional(Type.Array(AddressSchema, { maxItems: 10 })),
  date_of_birth: Type.Optional(Nullable(Type.String({ description: "YYYY-MM-DD." }))),
  preferred_language: Type.Optional(Nullable(Type.String({ maxLength: 35 }))),
  opt_out: Type.Optional(Type.Boolean()),
  custom_fields: Type.Optional(CustomFields),
  external_ids: Type.Optional(ExternalIds),
  source: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
};

export const ClientCreateSchema = Type.Object(inputProperties, {
  additionalProperties: false,
  examples: [
    {
      first_name: "Maria",
      last_name: "Alvarez",
      phones: [{ number: "(312) 555-0187", type: "mobile" }],
      emails: ["maria.alvarez@example.com"],
      preferred_language: "es",
    },
  ],
});
export type ClientCreate = Static<typeof ClientCreateSchema>;

/** A patch replaces each field it names (lists whole); the others stay. */
export const ClientPatchSchema = Type.Object(inputProperties, { additionalProperties: false });
export type ClientPatch = Static<typeof ClientPatchSchema>;

/** A client as the API answers. */
export const ClientSchema = Type.Composite(
  [
    Type.Object({ id: Type.String() }),
    ClientFieldsSchema,
    Type.Object({
      version: Type.Integer({ description: "Bumped by every write; send it back as If-Match." }),
      created_at: Type.String({ format: "date-time" }),
      updated_at: Type.String({ format: "date-time" }),
    }),
  ],
  { title: "Client" },
);
export type ClientView = Static<typeof ClientSchema>;

export const EMPTY_CLIENT: ClientFields = {
  first_name: null,
  last_name: null,
  phones: [],
  emails: [],
  addresses: [],
  date_of_birth: null,
  preferred_language: null,
  opt_out: false,
  custom_fields: {},
  external_ids: {},
  source: null,
};

/**
 * The client's fields after applying what the caller sent to `current` (EMPTY_CLIENT for a new
 * one). Phones become E.164 (read in `region` when written without a country code), emails are
 * trimmed and lower-cased, duplicates dropped; a bad value throws with its JSON path under `path`.
 */
export function applyClientInput(
  current: ClientFields,
  input: ClientPatch,
  region: CountryCode,
  path = "/body",
): ClientFields {
  const next: ClientFields = { ...current };
  if (input.first_name !== undefined) next.first_name = cleanText(input.first_name);
  if (input.last_name !== undefined) next.last_name = cleanText(input.last_name);
  if (input.phones !== undefined) {
    const seen = new Set<string>();
    next.phones = [];
    input.phones.forEach((phone, i) => {
      const number = toE164(phone.number, region);
      if (number === null) {
        throw invalid(`${path}/phones/${i}/number`, `"${phone.number}" is not a valid phone number`);
      }
      if (seen.has(number)) return;
      seen.add(number);
      next.phones.push({ number, type: phone.type ?? "other" });
    });
  }
  if (input.emails !== undefined) {
    const seen = new Set<string>();
    next.emails = [];
    input.emails.forEach((raw, i) => {
      const email = normaliseEmail(raw);
      if (email === null) throw invalid(`${path}/emails/${i}`, `"${raw}" is not a valid email address`);
      if (seen.has(email)) return;
      seen.add(email);
      next.emails.push(email);
    });
  }
  if (input.addresses !== undefined) next.addresses = input.addresses;
  if (input.date_of_birth !== undefined) {
    if (input.date_of_birth !== null && !isCalendarDate(input.date_of_birth)) {
      throw invalid(`${path}/date_of_birth`, "must be a date written YYYY-MM-DD");
    }
    next.date_of_birth = input.date_of_birth;
  }
  if (input.preferred_language !== undefined) next.preferred_language = cleanText(input.preferred_language);
  if (input.opt_out !== undefined) next.opt_out = input.opt_out;
  if (input.custom_fields !== undefined) next.custom_fields = input.custom_fields;
  if (input.external_ids !== undefined) next.external_ids = input.external_ids;
  if (input.source !== undefined) next.source = cleanText(input.source);
  return next;
}

/** Trimmed and lower-cased, or null when it is not an address. */
export function normaliseEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return isEmail(email) ? email : null;
}

/** Blank text is no text. */
function cleanText(value: string | null): string | null {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}
