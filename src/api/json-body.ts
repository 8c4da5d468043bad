import type { FastifyInstance } from "fastify";
import { invalid } from "../domain/errors.js";
import { findInputProblem } from "../domain/json-input.js";
import { HttpError } from "./errors.js";

/** Fatal: a byte sequence that is not UTF-8 is refused, never replaced with U+FFFD. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Parses a JSON body from its bytes. Invalid UTF-8 is a 400: silently replacing it would make two
 * different idempotency keys (`"k-\xff"`, `"k-\xfe"`) the same key.
 */
export function parseJsonBody(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HttpError(400, "invalid_encoding", "the body is not valid UTF-8");
  }
  if (text.trim() === "") throw new HttpError(400, "malformed_json", "the body is empty; send a JSON value");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "malformed_json", `the body is not valid JSON: ${(error as Error).message}`);
  }
  const problem = findInputProblem(value);
  if (problem) throw invalid(`/body${problem.path}`, problem.message);
  return value;
}

/** Replaces Fastify's JSON parser (which decodes bytes leniently) with {@link parseJsonBody}. */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
