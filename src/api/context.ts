import type { IncomingMessage, ServerResponse } from "node:http";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from "fastify";
import type { Config } from "../config.js";
import type { Metrics } from "../delivery/metrics.js";
import type { WebhookTester } from "../delivery/tester.js";
import type { Enrichment } from "../enrichment/service.js";
import type { EventIngest } from "../events/ingest.js";
import type { CrmSync } from "../integrations/crm/sync/index.js";
import type { ListenHub } from "../listen/hub.js";
import type { ReadinessProbe } from "../readiness.js";
import type { Records } from "../records/index.js";
import type { SecretCipher } from "../secrets/cipher.js";
import type { Store } from "../store/index.js";
import type { Authenticator } from "./auth.js";

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What route handlers reach: built once at start and passed to every route group. */
export interface ApiContext {
  config: Config;
  store: Store;
  cipher: SecretCipher;
  auth: Authenticator;
  ingest: EventIngest;
  /** Clients and cases, written with their events. */
  records: Records;
  tester: WebhookTester;
  /** Connected `switchboard listen` streams and the attempts waiting for their reports. */
  listen: ListenHub;
  metrics: Metrics;
  /** `/readyz`: store, migrations and (with the worker role) the worker. */
  readiness: ReadinessProbe;
  /** Enrichment providers, settings, manual runs and history. */
  enrichment: Enrichment;
  /** Wakes the local dispatcher (after a retry or replay made deliveries due). */
  wake: () => void;
  /** CRM connections: connectors, links, runs and their jobs. */
  crm: CrmSync;
}
