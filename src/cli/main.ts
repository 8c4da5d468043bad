#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config.js";
import { VERSION } from "../version.js";
import { registerDeliveryCommands } from "./commands/deliveries.js";
import { registerEventCommands } from "./commands/events.js";
import { registerListenCommand } from "./commands/listen.js";
import { registerSandboxCommand } from "./commands/sandbox.js";
import { registerServerCommands } from "./commands/server.js";
import { registerTenantCommands } from "./commands/tenants.js";
import { registerWebhookCommands } from "./commands/webhooks.js";
import { fail } from "./output.js";

const program = new Command("switchboard")
  .description("switchboard — signed, retried, logged webhooks for law-firm calling platforms")
  .version(VERSION, "-V, --version", "print the version")
  .helpOption("-h, --help", "show help")
  // Usage errors (unknown command or option, missing argument) exit 2 like the server's own
  // configuration errors; help and --version exit 0.
  .exitOverride()
  .showHelpAfterError("(run with --help for usage)");

registerServerCommands(program);
registerTenantCommands(program);
registerWebhookCommands(program);
registerEventCommands(program);
registerDeliveryCommands(program);
registerListenCommand(program);
registerSandboxCommand(program);
program.addHelpText(
  "after",
  `
Client commands talk to a server over HTTP: --url (env SWITCHBOARD_URL, default
http://127.0.0.1:8080), --key (env SWITCHBOARD_KEY; a tenant key, or the admin key with
--tenant ten_… / SWITCHBOARD_TENANT), --json for machine-readable output.

Server commands read the configuration from the environment (see README.md):
  SWITCHBOARD_DATABASE_URL, SWITCHBOARD_DATA_DIR, SWITCHBOARD_PORT, SWITCHBOARD_HOST,
  SWITCHBOARD_ADMIN_KEY, SWITCHBOARD_MASTER_KEY, SWITCHBOARD_ALLOW_PRIVATE_TARGETS, …`,
);

async function main(argv: string[]): Promise<void> {
  // Bare `switchboard` shows the help and succeeds, as it always has.
  if (argv.length === 0) {
    process.stdout.write(program.helpInformation());
    return;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    throw error;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) fail(error.message, 2);
  process.stderr.write(`switchboard: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
