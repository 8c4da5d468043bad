import { costOf } from "../../../domain/enrichment/prices.js";
import { failure } from "../http.js";
import type { EnrichmentProvider } from "../provider.js";
import { twilioPhoneNumber } from "./client.js";
import { TWILIO_FIELDS, twilioLookup } from "./map.js";

export const twilioLookupProvider: EnrichmentProvider = {
  name: "twilio_lookup",
  label: "Twilio Lookup",
  credentialFields: ["account_sid", "auth_token"],
  defaultBaseUrl: "https://lookups.twilio.com",
  capabilities: { accepts: [["phone"]], gives: ["demographics"] },
  pricedFields: [...TWILIO_FIELDS],
  async lookup(connection, input) {
    const {
      json,
      failure: failed,
      exchange,
    } = await twilioPhoneNumber(connection, input.phone ?? "", TWILIO_FIELDS);
    if (failed) return { ok: false, failure: failed, exchange };
    const answer = twilioLookup(json);
    if (answer === null) {
      return {
        ok: false,
        failure: failure("malformed", "Twilio Lookup answered without `valid` and `phone_number`", 200),
        exchange,
      };
    }
    // Twilio bills each requested package whether or not it found a name.
    const billed = { match: false, fields: [...TWILIO_FIELDS] };
    if (answer === "none")
      return { ok: true, result: { outcome: "not_found", data: {}, confidence: 0, billed }, exchange };
    return {
      ok: true,
      result: { outcome: "found", data: answer.found, confidence: answer.confidence, billed },
      exchange,
    };
  },
  costOf: (result, price) => costOf(price, result.billed),
};
