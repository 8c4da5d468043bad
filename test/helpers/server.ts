import { randomBytes } from "node:crypto";
import pino from "pino";
import { type Config, loadConfig } from "../../src/config.js";
import { type Role, type RunningServer, startServer } from "../../src/server.js";
import { type ApiResponse, apiCall } from "./api.js";
import { createStorage, type StoreKind, type TestStorage } from "./stores.js";

export const ADMIN_KEY = "sk_admin_test_0123456789abcdef";

export interface TestServer {
  url: string;
  server: RunningServer;
  storage: TestStorage;
  config: Config;
  /** JSON request with the given key; returns status, parsed body and headers. */
  call(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse>;
  /** A new tenant and one of its API keys. */
  tenant(name?: string): Promise<{ id: string; key: string }>;
  stop(): Promise<void>;
}

export type { ApiResponse };

export async function startTestServer(
  kind: StoreKind,
  env: Record<string, string> = {},
  role: Role = "all",
): Promise<TestServer> {
  const storage = createStorage(kind);
  const config = loadConfig({
    SWITCHBOARD_DATA_DIR: storage.dataDir,
    ...(storage.databaseUrl ? { SWITCHBOARD_DATABASE_URL: storage.databaseUrl } : {}),
    SWITCHBOARD_PORT: "0",
    SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
    SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "1",
    SWITCHBOARD_POLL_INTERVAL_MS: "100",
    // Tests that make many deliveries fail on purpose would otherwise trip the circuit breaker;
    // the breaker's own tests set a low threshold.
    SWITCHBOARD_BREAKER_THRESHOLD: "1000",
    SWITCHBOARD_LOG_LEVEL: process.env.SWITCHBOARD_TEST_LOG_LEVEL ?? "silent",
    ...env,
  });
  const server = await startServer(config, role, pino({ level: config.logLevel }));
  const url = server.url ?? "";
  const call: TestServer["call"] = (method, path, options = {}) => apiCall(url, method, path, options);
  return {
    url,
    server,
    storage,
    config,
    call,
    async tenant(name = "Test Firm") {
      const tenant = await call("POST", "/v1/tenants", { key: ADMIN_KEY, body: { name } });
      const key = await call("POST", `/v1/tenants/${tenant.body.id}/keys`, { key: ADMIN_KEY });
      return { id: tenant.body.id as string, key: key.body.key as string };
    },
    async stop() {
      await server.stop();
      await storage.cleanup();
    },
  };
}
