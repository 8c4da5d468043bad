import { DEFAULT_PRICES, type PriceTable } from "../domain/enrichment/prices.js";
import { isProviderName, type ProviderName } from "../domain/enrichment/settings.js";
import type { EnrichmentProvider, ProviderConnection } from "../integrations/enrichment/provider.js";
import { ENRICHMENT_PROVIDERS } from "../integrations/enrichment/registry.js";
import type { SecretCipher } from "../secrets/cipher.js";
import type { ProviderRecord } from "../store/index.js";

/** How long one vendor request may take. */
export const LOOKUP_TIMEOUT_MS = 15_000;

/** A tenant's provider ready to ask: its implementation, decrypted connection and prices. */
export interface ReadyProvider {
  provider: EnrichmentProvider;
  priority: number;
  connection: ProviderConnection;
  price: PriceTable;
}

export function priceOf(record: Pick<ProviderRecord, "name" | "price">): PriceTable {
  if (record.price) return JSON.parse(record.price) as PriceTable;
  return DEFAULT_PRICES[record.name] ?? { per_request: 0, per_match: 0, per_field: {} };
}

/** The tenant's enabled providers that have credentials, decrypted for this run only. */
export function readyProviders(
  records: ProviderRecord[],
  cipher: SecretCipher,
  network?: ProviderConnection["network"],
): ReadyProvider[] {
  const ready: ReadyProvider[] = [];
  for (const record of records) {
    if (!record.enabled || record.credentials === null || !isProviderName(record.name)) continue;
    const provider = ENRICHMENT_PROVIDERS[record.name as ProviderName];
    ready.push({
      provider,
      priority: record.priority,
      connection: {
        baseUrl: record.base_url ?? provider.defaultBaseUrl,
        credentials: JSON.parse(cipher.decrypt(record.credentials)) as Record<string, string>,
        timeoutMs: LOOKUP_TIMEOUT_MS,
        ...(network ? { network } : {}),
      },
      price: priceOf(record),
    });
  }
  return ready;
}
