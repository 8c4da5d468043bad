import { startCalcomFake } from "./calcom.js";
import { startClioFake } from "./clio.js";
import { startEnformionFake } from "./enformion.js";
import type { VendorFake } from "./enrichment-fake.js";
import { startFilevineFake } from "./filevine.js";
import { startLawRulerFake } from "./lawruler.js";
import { startPdlFake } from "./pdl.js";
import type { FakeOptions } from "./shared.js";
import { startSmartAdvocateFake } from "./smartadvocate.js";
import { startTrestleFake } from "./trestle.js";
import { startTwilioLookupFake } from "./twilio-lookup.js";

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
  {
    name: "clio",
    label: "Clio Manage",
    async start(options) {
      const fake = await startClioFake({ seed: SANDBOX_SEED, ...options });
      return {
        url: fake.url,
        credentials: fake.credentials,
        connection: { provider: "clio", base_url: fake.url, credentials: fake.credentials },
        close: () => fake.close(),
      };
    },
  },
  {
    name: "filevine",
    label: "Filevine",
    async start(options) {
      const fake = await startFilevineFake({ seed: SANDBOX_SEED, ...options });
      return {
        url: fake.url,
        credentials: fake.credentials,
        connection: { provider: "filevine", base_url: fake.url, credentials: fake.credentials },
        close: () => fake.close(),
      };
    },
  },
  {
    name: "calcom",
    label: "Cal.com (scheduling)",
    async start(options) {
      const fake = await startCalcomFake({
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
        ...(options.rateLimitPerSecond !== undefined
          ? { rateLimitPerSecond: options.rateLimitPerSecond }
          : {}),
        sendWebhooks: true,
      });
      return {
        url: fake.url,
        credentials: { api_key: fake.apiKey },
        // PUT /v1/scheduling/connection; then PUT /v1/scheduling/agents/{id} with event type 1001 or 1002.
        connection: { provider: "calcom", api_key: fake.apiKey, base_url: fake.url },
        close: () => fake.close(),
      };
    },
  },
  ...(
    [
      ["pdl", "People Data Labs", startPdlFake],
      ["enformion", "EnformionGO", startEnformionFake],
      ["trestle", "Trestle", startTrestleFake],
      ["twilio_lookup", "Twilio Lookup", startTwilioLookupFake],
    ] as const
  ).map(
    ([name, label, startFake]): SandboxFake => ({
      name,
      label,
      async start(options) {
        // Every number or email looked up is "found", so a sandbox shows enrichment working.
        const fake: VendorFake<Record<string, string>> = await startFake({
          matchAny: true,
          ...(options.port !== undefined ? { port: options.port } : {}),
          ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
        });
        return {
          url: fake.url,
          credentials: fake.credentials,
          // PUT /v1/enrichment/providers/{name}
          connection: { credentials: fake.credentials, enabled: true, base_url: fake.url },
          close: () => fake.close(),
        };
      },
    }),
  ),
];
