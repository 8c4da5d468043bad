import { type Static, Type } from "@sinclair/typebox";
import type { ClientDuplicate } from "../store/index.js";

/** How possible duplicate clients are shown: on create, and by GET /v1/clients/{id}/duplicates. */

export const MatchedOn = Type.Array(Type.Union([Type.Literal("phone"), Type.Literal("email")]), {
  description: "What the two clients share: a phone number, an email, or both.",
});

/** Another client sharing a phone or email with the one just created: enough to tell who it is. */
export const PossibleDuplicateSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([Type.String(), Type.Null()], { description: "Primary phone, E.164." }),
    email: Type.Union([Type.String(), Type.Null()], { description: "Primary email." }),
    matched_on: MatchedOn,
  },
  { title: "PossibleDuplicate" },
);

export function presentPossibleDuplicate(duplicate: ClientDuplicate): Static<typeof PossibleDuplicateSchema> {
  const { client } = duplicate;
  const name = [client.first_name, client.last_name].filter((part) => part !== null).join(" ");
  return {
    id: client.id,
    name: name === "" ? null : name,
    phone: client.phones[0]?.number ?? null,
    email: client.emails[0] ?? null,
    matched_on: duplicate.matched_on,
  };
}
