import { type TSchema, Type } from "@sinclair/typebox";
import { parseIsoTimestamp } from "../domain/time.js";

/** Shared pieces of the route schemas. */
export const Id = (prefix: string) =>
  Type.String({ pattern: `^${prefix}_[0-9A-Za-z]{1,64}$`, maxLength: 80 });

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 80 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
};

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { title: "Error" },
);

/** A page of a list; named `<Item>List` in /openapi.json when the item has a title. */
export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object(
    { data: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) },
    typeof item.title === "string" ? { title: `${item.title}List` } : {},
  );

/** Parses an ISO-8601 timestamp given in a query or body; undefined when absent. */
export function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return parseIsoTimestamp(value);
}
