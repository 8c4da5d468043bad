import { costOf } from "../../../domain/enrichment/prices.js";
import { failure } from "../http.js";
import type { EnrichmentProvider } from "../provider.js";
import { enformionEnrich } from "./client.js";
import { enformionBody, enformionPerson } from "./map.js";

const PAIRS: Array<Array<"name" | "phone" | "email" | "address">> = [
  ["name", "phone"],
  ["name", "email"],
  ["name", "address"],
  ["phone", "email"],
  ["phone", "address"],
  ["email", "address"],
];

export const enformionProvider: EnrichmentProvider = {
  name: "enformion",
  label: "EnformionGO",
  credentialFields: ["ap_name", "ap_password"],
  defaultBaseUrl: "https://devapi.enformion.com",
  // Contact Enrich needs two of name, phone, email and address.
  capabilities: { accepts: PAIRS, gives: ["phone", "email", "address", "demographics"] },
  pricedFields: [],
  async lookup(connection, input) {
    const { json, failure: failed, exchange } = await enformionEnrich(connection, enformionBody(input));
    if (failed) return { ok: false, failure: failed, exchange };
    const person = enformionPerson(json);
    if (person === null) {
      return {
        ok: false,
        failure: failure("malformed", "EnformionGO answered without a readable `person`", 200),
        exchange,
      };
    }
    if (person === "none") {
      return {
        ok: true,
        result: { outcome: "not_found", data: {}, confidence: 0, billed: { match: false, fields: [] } },
        exchange,
      };
    }
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
