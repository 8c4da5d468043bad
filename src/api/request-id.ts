import { randomUUID } from "node:crypto";

/** Printable ASCII without spaces: safe in a header and in a log line. */
const VALID = /^[\x21-\x7e]{1,128}$/;

/** The caller's request id when it is printable and at most 128 characters, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === "string" && VALID.test(header) ? header : randomUUID();
}
