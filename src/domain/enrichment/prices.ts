/**
 * What each provider charges, as data a tenant may override (PUT /v1/enrichment/providers/{name}
 * `price`). Amounts in USD. A lookup costs `per_request`, plus `per_match` when the vendor found
 * someone, plus `per_field[package]` for each priced package the answer carries.
 */
export interface PriceTable {
  per_request: number;
  per_match: number;
  per_field: Record<string, number>;
}

/**
 * Defaults from the vendors' public list prices (self-serve tiers, December 2026); a firm on a
 * contract sets its own.
 * - People Data Labs: person enrichment credits at $0.28 each on the Pro plan, spent only on a
 *   match (a 404 is free).
 * - EnformionGO: Contact Enrich billed per successful match, $0.25 on pay-as-you-go.
 * - Trestle: Reverse Phone API, $0.07 per query whether or not an owner is found.
 * - Twilio Lookup v2: each data package per request — Line Type Intelligence $0.008, Caller
 *   Name (CNAM) $0.01; the basic formatting lookup is free.
 */
export const DEFAULT_PRICES: Record<string, PriceTable> = {
  pdl: { per_request: 0, per_match: 0.28, per_field: {} },
  enformion: { per_request: 0, per_match: 0.25, per_field: {} },
  trestle: { per_request: 0.07, per_match: 0, per_field: {} },
  twilio_lookup: {
    per_request: 0,
    per_match: 0,
    per_field: { line_type_intelligence: 0.008, caller_name: 0.01 },
  },
};

/** Money is kept in whole micro-dollars so sums in the store are exact. */
export const MICROS_PER_USD = 1_000_000;

export function toMicros(usd: number): number {
  return Math.round(usd * MICROS_PER_USD);
}

export function toUsd(micros: number): number {
  return Math.round(micros) / MICROS_PER_USD;
}

/** The cost of an answer, in micro-dollars. */
export function costOf(price: PriceTable, billed: { match: boolean; fields: string[] }): number {
  let usd = price.per_request + (billed.match ? price.per_match : 0);
  for (const field of billed.fields) usd += price.per_field[field] ?? 0;
  return toMicros(usd);
}

/**
 * The most one lookup can cost (a match carrying every priced package): what the budget reserves
 * before the vendor is asked, so concurrent lookups can never together pass the budget.
 */
export function maxCostOf(price: PriceTable, fields: string[]): number {
  return costOf(price, { match: true, fields });
}
