import { costOf } from "../../../domain/enrichment/prices.js";
import { failure } from "../http.js";
import type { EnrichmentProvider } from "../provider.js";
import { trestleReversePhone } from "./client.js";
import { trestlePerson } from "./map.js";

export const trestleProvider: EnrichmentProvider = {
  name: "trestle",
  label: "Trestle",
  credentialFields: ["api_key"],
  defaultBaseUrl: "https://api.trestleiq.com",
  capabilities: { accepts: [["phone"]], gives: ["phone", "email", "address", "demographics"] },
  pricedFields: [],
  async lookup(connection, input) {
    const { json, failure: failed, exchange } = await trestleReversePhone(connection, input.phone ?? "");
    if (failed) return { ok: false, failure: failed, exchange };
    const person = trestlePerson(json);
    // Trestle bills every query, found or not.
    const billed = { match: false, fields: [] };
    if (person === null) {
      return {
        ok: false,
        failure: failure("malformed", "Trestle answered without `is_valid` and `owners`", 200),
        exchange,
      };
    }
    if (person === "none")
      return { ok: true, result: { outcome: "not_found", data: {}, confidence: 0, billed }, exchange };
    return {
      ok: true,
      result: { outcome: "found", data: person.found, confidence: person.confidence, billed },
      exchange,
    };
  },
  costOf: (result, price) => costOf(price, result.billed),
};
