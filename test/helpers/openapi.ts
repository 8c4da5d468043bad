import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/**
 * Holds requests and responses to a vendor's published OpenAPI document (3.0 or Swagger 2.0) with
 * Ajv, the JSON Schema validator Fastify itself uses. A request must name a path and method the
 * document has, carry every required parameter, send only parameters it declares (a typo'd filter
 * would silently be ignored by the vendor), with values and a body its schemas accept; a response
 * must match the schema documented for its status. Errors come back as sentences, empty when valid.
 */

type Json = Record<string, unknown>;

/** Where the vendors' documents live: beside the repository, as the issue keeps them. */
export const VENDOR_SPECS = resolve(
  process.env.SWITCHBOARD_VENDOR_SPECS ?? resolve(process.cwd(), "../shared/vendor-specs"),
);

export function hasVendorSpec(file: string): boolean {
  return existsSync(resolve(VENDOR_SPECS, file));
}

export interface SpecRequest {
  method: string;
  /** The request path as sent (with the server's base path, e.g. `/api/v4/matters.json`). */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
}

interface Operation {
  template: string;
  operation: Json;
  pathParams: Record<string, string>;
  shared: Json[];
}

// ajv-formats is CommonJS with a default export; under NodeNext its namespace is what we get.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export class OpenApiDocument {
  private readonly ajv: Ajv;
  private readonly doc: Json;
  private readonly basePaths: string[];
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly swagger2: boolean;

  constructor(file: string, extraBasePaths: string[] = []) {
    this.doc = JSON.parse(readFileSync(resolve(VENDOR_SPECS, file), "utf8")) as Json;
    this.swagger2 = typeof this.doc.swagger === "string";
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, discriminator: false });
    addFormats(this.ajv);
    for (const name of ["int32", "int64", "float", "double", "byte", "binary", "password", "decimal"])
      this.ajv.addFormat(name, true);
    this.ajv.addSchema(this.doc, "doc");
    const servers = ((this.doc.servers as Json[] | undefined) ?? []).map(
      (s) => new URL(String(s.url)).pathname,
    );
    this.basePaths = [
      ...extraBasePaths,
      ...servers,
      ...(typeof this.doc.basePath === "string" ? [this.doc.basePath] : []),
    ].map((p) => p.replace(/\/+$/, ""));
  }

  private validator(pointer: string, schema?: Json): ValidateFunction {
    const key = pointer;
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(schema ?? { $ref: `doc#${pointer}` });
      this.compiled.set(key, fn);
    }
    return fn;
  }

  /** The operation a method and path name, with the path's parameters; null when the document has none. */
  find(method: string, path: string): Operation | null {
    const paths = this.doc.paths as Record<string, Json>;
    const candidates = ["", ...this.basePaths]
      .filter((base) => path.startsWith(`${base}/`))
      .map((base) => path.slice(base.length));
    for (const relative of candidates) {
      for (const [template, item] of Object.entries(paths)) {
        const names: string[] = [];
        const pattern = template
          .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
          .replace(/\\?\{([^}]+)\\?\}|\{([^}]+)\}/g, (_m, a, b) => {
            names.push(String(a ?? b));
            return "([^/]+)";
          });
        // Vendors' paths differ in case from their own documents now and then (Filevine's /Projects).
        const match = new RegExp(`^${pattern}$`, "i").exec(relative);
        const operation = item[method.toLowerCase()] as Json | undefined;
        if (!match || !operation) continue;
        const pathParams: Record<string, string> = {};
        names.forEach((name, i) => {
          pathParams[name] = decodeURIComponent(match[i + 1] ?? "");
        });
        return { template, operation, pathParams, shared: (item.parameters as Json[] | undefined) ?? [] };
      }
    }
    return null;
  }

  private resolveRef(value: Json): Json {
    const ref = value.$ref;
    if (typeof ref !== "string") return value;
    let node: unknown = this.doc;
    for (const part of ref.replace(/^#\//, "").split("/"))
      node = (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    return node as Json;
  }

  /** Every way the request breaks the document; empty when it conforms. */
  validateRequest(request: SpecRequest): string[] {
    const found = this.find(request.method, request.path);
    const where = `${request.method} ${request.path}`;
    if (!found) return [`${where}: no such operation in the document`];
    const errors: string[] = [];
    const params = [...found.shared, ...((found.operation.parameters as Json[] | undefined) ?? [])].map((p) =>
      this.resolveRef(p),
    );
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const declaredQuery = new Set<string>();
    for (const param of params) {
      const name = String(param.name);
      const location = String(param.in);
      let value: string | undefined;
      if (location === "query") {
        declaredQuery.add(name);
        value = request.query.get(name) ?? undefined;
      } else if (location === "header") value = headers[name.toLowerCase()];
      else if (location === "path") value = found.pathParams[name];
      else continue;
      if (value === undefined) {
        if (param.required === true)
          errors.push(`${where}: the required ${location} parameter ${name} is missing`);
        continue;
      }
      const schema =
        (param.schema as Json | undefined) ??
        (this.swagger2 ? { type: param.type, format: param.format, enum: param.enum } : undefined);
      if (!schema) continue;
      const typed = coerce(value, String(schema.type ?? "string"));
      const check = this.ajv.compile(
        JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#/g, '"$ref":"doc#')),
      );
      if (!check(typed))
        errors.push(`${where}: ${location} parameter ${name}=${value} ${this.ajv.errorsText(check.errors)}`);
    }
    for (const name of new Set(request.query.keys())) {
      if (declaredQuery.has(name)) continue;
      // A filter keyed by an id, documented once under its base name (Clio's custom_field_values[12345]).
      const base = name.replace(/\[[^\]]*\]$/, "");
      if (base !== name && declaredQuery.has(base)) continue;
      errors.push(`${where}: query parameter ${name} is not in the document`);
    }
    const body = this.requestBodySchema(found.operation, params);
    if (body) {
      if (request.body === "") {
        if (body.required) errors.push(`${where}: the request body is required`);
      } else {
        const value = body.form
          ? Object.fromEntries(new URLSearchParams(request.body))
          : safeJson(request.body);
        const check = this.validator(`${found.template} ${request.method} request`, rewriteRefs(body.schema));
        if (!check(value)) errors.push(`${where}: body ${this.ajv.errorsText(check.errors)}`);
      }
    }
    return errors;
  }

  private requestBodySchema(
    operation: Json,
    params: Json[],
  ): { schema: Json; required: boolean; form: boolean } | null {
    if (this.swagger2) {
      const bodyParam = params.find((p) => p.in === "body");
      if (bodyParam?.schema)
        return { schema: bodyParam.schema as Json, required: bodyParam.required === true, form: false };
      const formParams = params.filter((p) => p.in === "formData");
      if (formParams.length === 0) return null;
      return {
        schema: {
          type: "object",
          properties: Object.fromEntries(
            formParams.map((p) => [p.name, { type: p.type === "file" ? "string" : p.type }]),
          ),
          required: formParams.filter((p) => p.required === true).map((p) => p.name),
        },
        required: true,
        form: true,
      };
    }
    const requestBody = operation.requestBody ? this.resolveRef(operation.requestBody as Json) : null;
    if (!requestBody) return null;
    const content = (requestBody.content as Record<string, Json> | undefined) ?? {};
    const [type, media] = Object.entries(content)[0] ?? [];
    if (!media?.schema) return null;
    return {
      schema: media.schema as Json,
      required: requestBody.required === true,
      form: String(type).includes("form"),
    };
  }

  /** Every way a response breaks the document (status documented, body matching its schema). */
  validateResponse(
    method: string,
    path: string,
    status: number,
    body: string,
    /** For a document that lists only its 200s (Filevine's): an error status it does not list is not a fault. */
    options: { undocumentedErrors?: boolean } = {},
  ): string[] {
    const found = this.find(method, path);
    const where = `${method} ${path} → ${status}`;
    if (!found) return [`${where}: no such operation in the document`];
    const responses = (found.operation.responses as Record<string, Json> | undefined) ?? {};
    const documented = responses[String(status)] ?? responses.default;
    if (!documented && options.undocumentedErrors && status >= 400) return [];
    if (!documented) return [`${where}: status ${status} is not documented`];
    const response = this.resolveRef(documented);
    const schema = this.swagger2
      ? (response.schema as Json | undefined)
      : (Object.values((response.content as Record<string, Json> | undefined) ?? {})[0]?.schema as
          | Json
          | undefined);
    if (!schema || body === "") return [];
    const check = this.validator(`${found.template} ${method} ${status}`, rewriteRefs(schema));
    return check(safeJson(body)) ? [] : [`${where}: body ${this.ajv.errorsText(check.errors)}`];
  }
}

/** A fragment's local `#/…` references → references into the document added as `doc`. */
function rewriteRefs(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#/g, '"$ref":"doc#')) as Json;
}

function coerce(value: string, type: string): unknown {
  if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
