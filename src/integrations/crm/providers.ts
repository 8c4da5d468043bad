import type { CrmProvider } from "./connector.js";
import { lawRulerProvider } from "./lawruler/index.js";
import { smartAdvocateProvider } from "./smartadvocate/index.js";

/**
 * Every CRM product Switchboard connects to, by name. Adding a CRM is one folder and one line here;
 * nothing else switches on the provider's name.
 */
const PROVIDERS: readonly CrmProvider[] = [lawRulerProvider, smartAdvocateProvider];

export function crmProviders(): readonly CrmProvider[] {
  return PROVIDERS;
}

/** The provider called `name`, or undefined for a name we do not know. */
export function crmProvider(name: string): CrmProvider | undefined {
  return PROVIDERS.find((provider) => provider.name === name);
}
