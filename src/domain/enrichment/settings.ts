import { type Static, Type } from "@sinclair/typebox";
import { invalid } from "../errors.js";
import { DEFAULT_CACHE_DAYS } from "./cache-key.js";
import type { PriceTable } from "./prices.js";
import type { DataKind } from "./types.js";

/** The enrichment providers Switchboard speaks to (one folder each under src/integrations/enrichment/). */
export const PROVIDER_NAMES = ["pdl", "enformion", "trestle", "twilio_lookup"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

export type Trigger = "call" | "sms" | "import" | "manual";
export const TRIGGERS: readonly Trigger[] = ["call", "sms", "import", "manual"];

const Flag = (description: string) => Type.Boolean({ description });
const Usd = (description: string) => Type.Union([Type.Number({ description }), Type.Null()]);

export const EnrichmentSettingsSchema = Type.Object(
  {
    triggers: Type.Object(
      {
        call: Flag("Enrich the caller of an inbound call (call.ended), found by phone."),
        sms: Flag("Enrich the sender of an inbound SMS (message.received), found by phone."),
        import: Flag("Allow imports to enrich the clients they create (each import opts in)."),
        manual: Flag("Allow POST /v1/clients/{id}/enrich and the dashboard's Enrich now."),
      },
      { additionalProperties: false },
    ),
    data: Type.Object(
      {
        phone: Flag("Phone append."),
        email: Flag("Email append."),
        address: Flag("Address append."),
        demographics: Flag("Name, date of birth, age range, gender, line type."),
      },
      { additionalProperties: false },
    ),
    write: Type.Union([Type.Literal("fill_empty"), Type.Literal("overwrite")], {
      description: "fill_empty writes empty fields only; overwrite also replaces values (never hand edits).",
    }),
    max_cost_per_lookup: Usd("USD; a lookup that could cost more is skipped_budget. Null: no cap."),
    monthly_budget: Usd("USD per calendar month in the tenant's time zone. Null: no budget."),
    cache_days: Type.Integer({ minimum: 0, maximum: 365, description: "How long an answer is reused." }),
  },
  { additionalProperties: false },
);
export type EnrichmentSettings = Static<typeof EnrichmentSettingsSchema>;

/** A PUT may leave out what it does not change. */
export const EnrichmentSettingsInputSchema = Type.Partial(EnrichmentSettingsSchema, {
  additionalProperties: false,
});
export type EnrichmentSettingsInput = Static<typeof EnrichmentSettingsInputSchema>;

/** Off until a firm turns it on: nothing is spent by default. */
export const DEFAULT_ENRICHMENT_SETTINGS: EnrichmentSettings = {
  triggers: { call: false, sms: false, import: false, manual: true },
  data: { phone: true, email: true, address: true, demographics: false },
  write: "fill_empty",
  max_cost_per_lookup: 1,
  monthly_budget: 50,
  cache_days: DEFAULT_CACHE_DAYS,
};

/** `input` applied to `current`, with the rules the schema cannot say (no negative money). */
export function applySettings(
  current: EnrichmentSettings,
  input: EnrichmentSettingsInput,
): EnrichmentSettings {
  for (const key of ["max_cost_per_lookup", "monthly_budget"] as const) {
    const value = input[key];
    if (value !== undefined && value !== null && (!Number.isFinite(value) || value < 0)) {
      throw invalid(`/body/${key}`, `must be zero or more (USD), or null for no limit; got ${value}`);
    }
  }
  return {
    ...current,
    ...input,
    triggers: { ...current.triggers, ...input.triggers },
    data: { ...current.data, ...input.data },
  };
}

export function wantedKinds(data: EnrichmentSettings["data"]): DataKind[] {
  return (Object.keys(data) as DataKind[]).filter((kind) => data[kind]);
}

export const PriceTableSchema = Type.Object(
  {
    per_request: Type.Number({ minimum: 0 }),
    per_match: Type.Number({ minimum: 0 }),
    per_field: Type.Record(Type.String(), Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export function checkPrice(price: PriceTable, path: string): void {
  const all = [price.per_request, price.per_match, ...Object.values(price.per_field)];
  if (all.some((v) => !Number.isFinite(v) || v < 0)) throw invalid(path, "prices must be zero or more (USD)");
}
