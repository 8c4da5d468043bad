import { type ChildProcess, spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** A port that was free a moment ago: listen on 0, note the port, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** `switchboard start` running in a child process (the real CLI, through tsx). */
export interface ChildServer {
  readonly process: ChildProcess;
  readonly url: string;
  /** Everything it wrote so far (stdout and stderr, most recent 256 KiB). */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

const OUTPUT_LIMIT = 256 * 1024;

/**
 * Spawns `node --import tsx src/cli/main.ts start` with `env` added to this process's environment
 * and resolves once it logs "switchboard started". `env` must set SWITCHBOARD_PORT to a real port
 * (see {@link freePort}): with 0 the test could not tell where it listens.
 */
export async function spawnServer(
  env: Record<string, string>,
  options: { startTimeoutMs?: number; args?: string[] } = {},
): Promise<ChildServer> {
  const port = env.SWITCHBOARD_PORT;
  if (!port || port === "0") throw new Error("spawnServer needs SWITCHBOARD_PORT set to a real port");
  const host = env.SWITCHBOARD_HOST ?? "127.0.0.1";
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "start", ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: { ...process.env, SWITCHBOARD_LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  // Always drained, so a chatty child never blocks on a full pipe.
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | string>((done) => {
    child.once("exit", (code, signal) => done(code ?? signal ?? "unknown"));
  });

  const started = new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      fail(new Error(`switchboard did not start in time; output:\n${output.slice(-4000)}`));
    }, options.startTimeoutMs ?? 30_000);
    const check = () => {
      if (output.includes("switchboard started")) {
        clearTimeout(timer);
        child.stdout?.off("data", check);
        done();
      }
    };
    child.stdout?.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`switchboard exited (${code}) before it started; output:\n${output.slice(-4000)}`));
    });
  });
  try {
    await started;
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }

  return {
    process: child,
    url: `http://${host}:${port}`,
    output: () => output,
    exited,
    async kill(signal: NodeJS.Signals = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
