import { setFlagsFromString } from "node:v8";
import type { Command } from "commander";
import { ConfigError, loadConfig } from "../../config.js";
import type { Role } from "../../server.js";
import { fail } from "../output.js";

// The server, the store and the logger are imported when a server command runs: loading them
// costs ~1.3 s, which every client command (`switchboard webhooks list`, …) would pay otherwise.

/** The configuration from the environment; an invalid value is a usage error (exit 2). */
function configOrExit(): ReturnType<typeof loadConfig> {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
}

async function start(options: { role?: string }): Promise<void> {
  const config = configOrExit();
  const [{ createLogger }, { startServer }] = await Promise.all([
    import("../../logger.js"),
    import("../../server.js"),
  ]);
  const log = createLogger(config);

  const role = (options.role ?? "all") as Role;
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

async function migrate(): Promise<void> {
  const config = configOrExit();
  const { openStore } = await import("../../store/index.js");
  const store = await openStore(config);
  await store.migrate();
  await store.close();
  process.stdout.write(`migrations applied (${store.dialect})\n`);
}

async function rotate(): Promise<void> {
  const config = configOrExit();
  const { rotateMasterKey } = await import("../rotate-master-key.js");
  process.stdout.write(await rotateMasterKey(config, process.env.SWITCHBOARD_NEW_MASTER_KEY?.trim() || null));
}

/**
 * Writes the API's OpenAPI document (what `/openapi.json` serves) without a running server: an
 * API-only server on a throwaway embedded store, asked once, then removed.
 */
async function openapi(options: { out?: string }): Promise<void> {
  const [{ mkdirSync, mkdtempSync, rmSync, writeFileSync }, { tmpdir }, { dirname, join }, { randomBytes }] =
    await Promise.all([import("node:fs"), import("node:os"), import("node:path"), import("node:crypto")]);
  const [{ startServer }, { default: pino }] = await Promise.all([import("../../server.js"), import("pino")]);
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-openapi-"));
  try {
    const config = loadConfig({
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_PORT: "0",
      SWITCHBOARD_ADMIN_KEY: `sk_admin_${randomBytes(16).toString("hex")}`,
      SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
    });
    const server = await startServer(config, "api", pino({ level: "silent" }));
    try {
      const answer = await fetch(`${server.url}/openapi.json`);
      const text = `${JSON.stringify(await answer.json(), null, 2)}\n`;
      if (options.out) {
        mkdirSync(dirname(options.out), { recursive: true });
        writeFileSync(options.out, text);
      } else process.stdout.write(text);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const CONFIG_HELP = `
Configuration is read from the environment (see README.md):
  SWITCHBOARD_DATABASE_URL, SWITCHBOARD_DATA_DIR, SWITCHBOARD_PORT, SWITCHBOARD_HOST,
  SWITCHBOARD_ADMIN_KEY, SWITCHBOARD_MASTER_KEY, SWITCHBOARD_ALLOW_PRIVATE_TARGETS, …`;

/** The commands that run on the server's own machine and read its configuration. */
export function registerServerCommands(program: Command): void {
  program
    .command("start")
    .description(
      "run the server: --role api|worker|all (default all); a worker serves /healthz, /readyz and /metrics on its port",
    )
    .option("--role <role>", "api, worker or all")
    .addHelpText("after", CONFIG_HELP)
    .action(start);
  program
    .command("migrate")
    .description("apply database migrations and exit")
    .addHelpText("after", CONFIG_HELP)
    .action(migrate);
  program
    .command("rotate-master-key")
    .description(
      "re-encrypt stored secrets under a new master key (SWITCHBOARD_NEW_MASTER_KEY, or a generated one); stop the servers first",
    )
    .addHelpText("after", CONFIG_HELP)
    .action(rotate);
  program
    .command("openapi")
    .description("print the API's OpenAPI 3.1 document (what /openapi.json serves) without a running server")
    .option("--out <file>", "write it to a file instead")
    .action(openapi);
}
