import { startLawRulerFake } from "./lawruler.js";
import type { FakeOptions } from "./shared.js";
import { startSmartAdvocateFake } from "./smartadvocate.js";

/**
 * Every vendor fake `switchboard sandbox` can run, by name. Adding one (the Cal.com or enrichment
 * fakes) is one entry here: how to start it and what a person pastes into a connection.
 */
export interface SandboxFake {
  name: string;
  label: string;
  /** What a connection to it is made of: `POST /v1/crm/connections` (or the vendor's own route). */
  start(options: FakeOptions): Promise<{
    url: string;
    credentials: Record<string, string>;
    connection: Record<string, unknown>;
    close(): Promise<void>;
  }>;
}

/** Records each sandbox fake starts with, so a newcomer has something to pull. */
const SANDBOX_SEED = 25;

export const FAKES: SandboxFake[] = [
  {
    name: "lawruler",
    label: "LawRuler",
    async start(options) {
      const fake = await startLawRulerFake({ seed: SANDBOX_SEED, ...options });
      return {
        url: fake.url,
        credentials: fake.credentials,
        connection: { provider: "lawruler", base_url: fake.url, credentials: fake.credentials },
        close: () => fake.close(),
      };
    },
  },
  {
    name: "smartadvocate",
    label: "SmartAdvocate",
    async start(options) {
      const fake = await startSmartAdvocateFake({ seed: SANDBOX_SEED, ...options });
      return {
        url: fake.url,
        credentials: fake.credentials,
        connection: { provider: "smartadvocate", base_url: fake.url, credentials: fake.credentials },
        close: () => fake.close(),
      };
    },
  },
];
