import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command } from "commander";
import { fail } from "../output.js";

/**
 * `switchboard sandbox`: runs the local vendor fakes (fakes/) on 127.0.0.1 and prints what to paste
 * into a connection, so a newcomer can try CRM sync without a CRM account. The fakes live outside
 * src/ (tests and benchmarks use them too) and are compiled to dist/fakes; this declares the shape
 * it needs instead of importing their types, which would pull fakes/ into the src/ build.
 */
interface SandboxFake {
  name: string;
  label: string;
  start(options: { port?: number; latencyMs?: number; rateLimitPerSecond?: number }): Promise<{
    url: string;
    credentials: Record<string, string>;
    connection: Record<string, unknown>;
    close(): Promise<void>;
  }>;
}

/** dist/cli/commands → dist/fakes/index.js when built; src/cli/commands → fakes/index.ts under tsx. */
async function loadFakes(): Promise<SandboxFake[]> {
  const candidates = [
    new URL("../../fakes/index.js", import.meta.url),
    new URL("../../../fakes/index.ts", import.meta.url),
  ];
  const found = candidates.find((url) => existsSync(fileURLToPath(url)));
  if (!found) fail("the vendor fakes are not installed next to this build (expected dist/fakes)", 1);
  const module = (await import(pathToFileURL(fileURLToPath(found)).href)) as { FAKES: SandboxFake[] };
  return module.FAKES;
}

interface SandboxOptions {
  portBase?: string;
  only?: string;
  latencyMs?: string;
  rateLimit?: string;
}

function number(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    fail(`${name} must be an integer from ${min} to ${max}`, 2);
  return parsed;
}

async function sandbox(options: SandboxOptions): Promise<void> {
  const portBase = number(options.portBase, "--port-base", 1, 65_000);
  const latencyMs = number(options.latencyMs, "--latency-ms", 0, 60_000);
  const rateLimitPerSecond = number(options.rateLimit, "--rate-limit", 1, 1_000_000);
  const all = await loadFakes();
  const names = options.only
    ? options.only
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean)
    : all.map((f) => f.name);
  const unknown = names.filter((n) => !all.some((f) => f.name === n));
  if (unknown.length > 0)
    fail(`unknown fake ${unknown.join(", ")} (known: ${all.map((f) => f.name).join(", ")})`, 2);

  const running: { fake: SandboxFake; close(): Promise<void> }[] = [];
  const out: string[] = [];
  for (const [index, fake] of all.filter((f) => names.includes(f.name)).entries()) {
    const started = await fake
      .start({ port: portBase === undefined ? 0 : portBase + index, latencyMs, rateLimitPerSecond })
      .catch((error: unknown) => {
        void Promise.all(running.map((r) => r.close()));
        fail(`${fake.name} could not start: ${(error as Error).message}`, 1);
      });
    running.push({ fake, close: started.close });
    out.push(`${fake.label} (${fake.name})`);
    out.push(`  base URL     ${started.url}`);
    for (const [name, value] of Object.entries(started.credentials))
      out.push(`  ${name.padEnd(12)} ${value}`);
    out.push(`  connection   ${JSON.stringify(started.connection)}`);
    out.push("");
  }
  // Listening for Ctrl-C before saying so: a signal right after the message must stop us cleanly.
  const stopped = new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  process.stdout.write(
    `switchboard sandbox: ${running.length} fake${running.length === 1 ? "" : "s"} on 127.0.0.1\n\n${out.join("\n")}` +
      "\nStart the server with SWITCHBOARD_ALLOW_PRIVATE_TARGETS=true to connect to them. Ctrl-C stops.\n",
  );

  await stopped;
  await Promise.all(running.map((r) => r.close()));
  process.stdout.write("switchboard sandbox: stopped\n");
}

export function registerSandboxCommand(program: Command): void {
  program
    .command("sandbox")
    .description(
      "run local fakes of the CRMs (LawRuler, SmartAdvocate) to try connections without an account",
    )
    .option("--port-base <port>", "listen on consecutive ports from this one (default: any free ports)")
    .option("--only <names>", "comma-separated fakes to run, e.g. lawruler,smartadvocate")
    .option("--latency-ms <ms>", "delay every answer, like a real network")
    .option("--rate-limit <per-second>", "answer 429 + Retry-After past this many requests a second")
    .action((options: SandboxOptions) => sandbox(options));
}
