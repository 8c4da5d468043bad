import type { FastifyInstance } from "fastify";
import { invalid } from "../domain/errors.js";
import { textProblem } from "../domain/json-input.js";

/**
 * The text rules of src/domain/json-input.ts for what is not a body: path parameters and query
 * strings (bodies are checked as they are parsed). App-wide, so every route inherits them.
 */
export function installTextRules(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    for (const [part, values] of [
      ["params", request.params],
      ["querystring", request.query],
    ] as const) {
      if (typeof values !== "object" || values === null) continue;
      for (const [name, value] of Object.entries(values)) {
        for (const text of Array.isArray(value) ? value : [value]) {
          const message = typeof text === "string" ? textProblem(text) : null;
          if (message) throw invalid(`/${part}/${name}`, message);
        }
      }
    }
  });
}

/** A plain decimal integer of at most 15 digits: no exponent, fraction, sign or spaces to guess at. */
const INTEGER = /^-?\d{1,15}$/;
const NUMBER = /^-?\d{1,15}(\.\d{1,15})?$/;

/** The JSON type a query parameter's schema asks for, when it is a single type. */
function typeOf(schema: unknown, name: string): unknown {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties;
  return properties?.[name]?.type;
}

/**
 * Query strings are text; their schemas say integer, number or boolean. The validator coerces
 * nothing (bodies must not be coerced), so each such parameter is converted here, strictly: a
 * value that is not plain (`1e400`, `1.5` for an integer, `abc`, ` 7`) stays text and fails the
 * schema with a 422, and the schema's bounds then apply to the number.
 */
export function installQueryParsing(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    const schema = request.routeOptions.schema?.querystring;
    const query = request.query as Record<string, unknown> | undefined;
    if (!schema || typeof query !== "object" || query === null) return;
    for (const [name, value] of Object.entries(query)) {
      if (typeof value !== "string") continue;
      const type = typeOf(schema, name);
      if (type === "integer" && INTEGER.test(value)) query[name] = Number(value);
      else if (type === "number" && NUMBER.test(value)) query[name] = Number(value);
      else if (type === "boolean" && (value === "true" || value === "false")) query[name] = value === "true";
    }
  });
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * A write route without a body schema takes no JSON body: anything but `{}` is a 422 naming the
 * first field, so `{"scopes": […]}` on a key or `{"at": …}` on a retry is never silently
 * ignored. Bodies of other types (a multipart upload) are the route's own business.
 */
export function installNoBodyRule(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    if (request.is404 || !WRITE_METHODS.has(request.method)) return;
    if (request.routeOptions.schema?.body !== undefined) return;
    if (request.body === undefined || !/^application\/json\b/i.test(request.headers["content-type"] ?? ""))
      return;
    const body = request.body;
    // Raw bytes a route's own parser kept on purpose (a CRM's signed notification) are its business.
    if (Buffer.isBuffer(body)) return;
    if (typeof body === "object" && body !== null && !Array.isArray(body)) {
      const [field] = Object.keys(body);
      if (field === undefined) return;
      throw invalid(
        `/body/${field.replace(/~/g, "~0").replace(/\//g, "~1")}`,
        `this route takes no body (unknown field "${field}")`,
        {
          reason: "unknown_field",
        },
      );
    }
    throw invalid("/body", "this route takes no body; send none or {}");
  });
}
