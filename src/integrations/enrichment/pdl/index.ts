import { costOf } from "../../../domain/enrichment/prices.js";
import { failure } from "../http.js";
import type { EnrichmentProvider } from "../provider.js";
import { pdlEnrich } from "./client.js";
import { pdlPerson, pdlQuery } from "./map.js";

/** Matches below this PDL likelihood (1–10) are answered as no match (and not charged). */
const MIN_LIKELIHOOD = 6;

export const pdlProvider: EnrichmentProvider = {
  name: "pdl",
  label: "People Data Labs",
  credentialFields: ["api_key"],
  defaultBaseUrl: "https://api.peopledatalabs.com",
  capabilities: {
    accepts: [["phone"], ["email"], ["name", "address"]],
    gives: ["phone", "email", "address", "demographics"],
  },
  pricedFields: [],
  async lookup(connection, input) {
    const { answer, exchange } = await pdlEnrich(connection, pdlQuery(input, MIN_LIKELIHOOD));
    if (answer.kind === "failed") return { ok: false, failure: answer.failure, exchange };
    if (answer.kind === "no_match") {
      return {
        ok: true,
        result: { outcome: "not_found", data: {}, confidence: 0, billed: { match: false, fields: [] } },
        exchange,
      };
    }
    const person = pdlPerson(answer.json);
    if (!person) {
      return {
        ok: false,
        failure: failure("malformed", "People Data Labs answered 200 without `data` and `likelihood`", 200),
        exchange,
      };
    }
    // PDL charges a credit for every 200, whatever fields the plan shows.
    return {
      ok: true,
      result: {
        outcome: "found",
        data: person.found,
        confidence: person.confidence,
        billed: { match: true, fields: [] },
      },
      exchange,
    };
  },
  costOf: (result, price) => costOf(price, result.billed),
};
