import { type Static, type TObject, type TSchema, Type } from "@sinclair/typebox";
import "./formats.js";
import type { EventTypeDefinition } from "./types.js";

/**
 * Building blocks shared by the catalog's schemas. Data schemas stay permissive on purpose:
 * extra properties are always allowed (the platform adds fields over time) and only fields that
 * truly always exist — mostly ids — are required.
 */

/** Define one event type; the example is type-checked against the schema at compile time. */
export function defineEventType<T extends TObject>(
  name: string,
  description: string,
  schema: T,
  example: Static<T>,
): EventTypeDefinition {
  const category = name.slice(0, name.indexOf("."));
  return { name, category, description, schema, example: example as Record<string, unknown> };
}

export const opt = <T extends TSchema>(schema: T) => Type.Optional(schema);

/** A prefixed platform id, e.g. `call_…`, `cmp_…`, `agt_…`. */
export const Id = (description: string) => Type.String({ minLength: 1, description });

export const Timestamp = (description: string) => Type.String({ format: "date-time", description });

/** A phone number, E.164 when known (no pattern: carriers also send "anonymous" or short codes). */
export const Phone = (description: string) => Type.String({ description });

export const Url = (description: string) => Type.String({ format: "uri", description });

export const Text = (description: string) => Type.String({ description });

/** Seconds, a whole number. */
export const Seconds = (description: string) => Type.Integer({ minimum: 0, description });

export const Direction = Type.Union([Type.Literal("inbound"), Type.Literal("outbound")], {
  description: "Whether the caller/sender reached the firm (inbound) or the firm reached out (outbound).",
});

export const LeadScore = Type.Union([Type.Literal("hot"), Type.Literal("warm"), Type.Literal("cold")], {
  description: "How promising the lead is: hot, warm or cold.",
});

export const CaseType = Text(
  "Practice area of the matter, e.g. auto_accident, slip_and_fall, medical_malpractice, workers_comp, dog_bite.",
);

/** The person on the other end of a call or message thread. */
export const Customer = Type.Object(
  {
    name: opt(Text("Full name as captured.")),
    first_name: opt(Text("First name.")),
    last_name: opt(Text("Last name.")),
    phone: opt(Phone("Phone number in E.164, e.g. +13125550187.")),
    email: opt(Text("Email address as captured (not validated: callers spell them out loud).")),
    client_id: opt(Id("Client record id (cli_…) when the person is already a client.")),
  },
  { description: "The caller / contact." },
);

export const PostalAddress = Type.Object(
  {
    street: opt(Text("Street address.")),
    city: opt(Text("City.")),
    state: opt(Text("Two-letter US state code.")),
    postal_code: opt(Text("ZIP code.")),
  },
  { description: "Postal address." },
);

export const TranscriptTurn = Type.Object({
  role: Text("Who spoke: agent, customer, or a transfer target (attorney, intake_specialist)."),
  text: Text("What was said."),
  at_s: opt(Type.Number({ minimum: 0, description: "Seconds from the start of the call." })),
});

export const Transcript = Type.Union([Text("Plain-text transcript."), Type.Array(TranscriptTurn)], {
  description: "The conversation, as plain text or as a list of turns.",
});

/** field → {old, new}, for *.updated events. */
export const Changes = Type.Record(
  Type.String(),
  Type.Object({ old: opt(Type.Unknown()), new: opt(Type.Unknown()) }),
  { description: "Changed fields: field name → {old, new}." },
);

/** Free-form key/value data (captured entities, form fields, external ids). */
export const FreeForm = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description });

export const StringList = (description: string) => Type.Array(Type.String(), { description });

/** A user of the firm's workspace (attorney, paralegal, intake specialist). */
export const StaffMember = Type.Object(
  {
    id: opt(Id("User id (usr_…).")),
    name: opt(Text("Display name.")),
    email: opt(Text("Email address.")),
    role: opt(Text("Role in the firm, e.g. attorney, paralegal, intake_specialist.")),
  },
  { description: "A member of the firm's staff." },
);
