import type { ProviderName } from "../../domain/enrichment/settings.js";
import { enformionProvider } from "./enformion/index.js";
import { pdlProvider } from "./pdl/index.js";
import type { EnrichmentProvider } from "./provider.js";
import { trestleProvider } from "./trestle/index.js";
import { twilioLookupProvider } from "./twilio_lookup/index.js";

/** Every provider, by name. */
export const ENRICHMENT_PROVIDERS: Record<ProviderName, EnrichmentProvider> = {
  pdl: pdlProvider,
  enformion: enformionProvider,
  trestle: trestleProvider,
  twilio_lookup: twilioLookupProvider,
};
