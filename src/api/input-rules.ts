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
