import { Type } from "@sinclair/typebox";
import { defineEventType, Id, opt, StringList, Text, Timestamp } from "./common.js";
import type { EventTypeDefinition } from "./types.js";

/** client.enriched: what an enrichment run found and wrote (the writes also emit client.updated). */
export const enrichmentEvents: EventTypeDefinition[] = [
  defineEventType(
    "client.enriched",
    "Enrichment looked a client up (on a call, an SMS, an import or by hand) and found data; `fields_written` lists the client fields it changed.",
    Type.Object({
      client_id: Id("Client id (cli_…)."),
      run_id: Id("The enrichment run (enr_…), as GET /v1/enrichment/runs lists it."),
      trigger: Text("What started it: call, sms, import or manual."),
      status: Text("found, or cached when every answer came from the cache (no cost)."),
      providers: StringList(
        "Providers whose answers were used, in waterfall order (pdl, enformion, trestle, twilio_lookup).",
      ),
      fields_found: StringList("Data kinds found: phone, email, address, demographics."),
      fields_written: StringList(
        "Client fields written (phones, emails, addresses, first_name, last_name, date_of_birth).",
      ),
      cost: Type.Number({ minimum: 0, description: "What the run cost, USD." }),
      change_source: opt(Text("Always enrichment.")),
      enriched_at: opt(Timestamp("When the run finished.")),
    }),
    {
      client_id: "cli_9Wm4Rt7Q",
      run_id: "enr_2Pq8Lx4V",
      trigger: "call",
      status: "found",
      providers: ["pdl"],
      fields_found: ["email", "address"],
      fields_written: ["emails", "addresses"],
      cost: 0.28,
      change_source: "enrichment",
      enriched_at: "2025-06-10T14:12:40Z",
    },
  ),
];
