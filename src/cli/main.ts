#!/usr/bin/env node
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { type Role, startServer } from "../server.js";
import { openStore } from "../store/index.js";
import { rotateMasterKey } from "./rotate-master-key.js";

const HELP = `switchboard — signed, retried, logged webhooks for law-firm calling platforms

Usage:
  switchboard start [--role api|worker|all]   run the server (default role: all)
  switchboard migrate                         apply database migrations and exit
  switchboard rotate-master-key               re-encrypt stored secrets under a new master key
                                              (SWITCHBOARD_NEW_MASTER_KEY, or a generated one);
                                              stop the servers first
  switchboard --help                          show this help

Configuration is read from the environment (see README.md):
  SWITCHBOARD_DATABASE_URL, SWITCHBOARD_DATA_DIR, SWITCHBOARD_PORT, SWITCHBOARD_HOST,
  SWITCHBOARD_ADMIN_KEY, SWITCHBOARD_MASTER_KEY, SWITCHBOARD_ALLOW_PRIVATE_TARGETS, …
`;

function fail(message: string, code: number): never {
  process.stderr.write(`switchboard: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: { role: { type: "string" }; help: { type: "boolean"; short: "h" } };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args: argv,
      options: { role: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`, 2);
  }
  const [command] = parsed.positionals;
  if (parsed.values.help || command === undefined || command === "help") {
    process.stdout.write(HELP);
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  const log = createLogger(config);

  if (command === "migrate") {
    const store = await openStore(config);
    await store.migrate();
    await store.close();
    process.stdout.write(`migrations applied (${store.dialect})\n`);
    return;
  }
  if (command === "rotate-master-key") {
    process.stdout.write(
      await rotateMasterKey(config, process.env.SWITCHBOARD_NEW_MASTER_KEY?.trim() || null),
    );
    return;
  }
  if (command !== "start") fail(`unknown command "${command}"\n\n${HELP}`, 2);

  const role = (parsed.values.role ?? "all") as Role;
  if (!["api", "worker", "all"].includes(role)) fail(`--role must be api, worker or all (got "${role}")`, 2);

  // Under load V8 let the old generation grow to several times the live set before collecting it
  // (peak RSS 317 MiB for ~40 MiB live in the throughput benchmark); 50 % keeps it at 208 MiB
  // for ~10 % more CPU. A GC heuristic, so it may be set now the VM runs (docs/operations.md).
  if (config.heapGrowthPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowthPercent}`);
  const server = await startServer(config, role, log);
  if (server.generatedAdminKey) {
    // To the terminal (stderr), once, in plain text: never a line in the JSON log stream on stdout,
    // which is shipped to log storage.
    process.stderr.write(
      `\n  Admin key (shown once; only its hash is stored):\n\n    ${server.generatedAdminKey}\n\n` +
        "  Set SWITCHBOARD_ADMIN_KEY to choose your own.\n\n",
    );
  }
  log.info({ role, url: server.url, store: server.store.dialect }, "switchboard started");

  let signals = 0;
  const shutdown = (signal: string) => {
    signals++;
    if (signals > 1) process.exit(1);
    log.info({ signal }, "shutting down: finishing in-flight attempts");
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) fail(error.message, 2);
  process.stderr.write(`switchboard: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
