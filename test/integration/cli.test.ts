import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");

/** The environment without any SWITCHBOARD_* variable of the caller's, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("SWITCHBOARD_")),
  );
  return { ...base, SWITCHBOARD_LOG_LEVEL: "info", ...env };
}

function launch(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  const child = launch(args, env);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `switchboard start`, waits for "switchboard started", sends SIGTERM and waits for exit. */
async function startAndStop(env: Record<string, string>): Promise<Finished> {
  const child = launch(["start"], env);
  let stdout = "";
  let stderr = "";
  let signalled = false;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    if (!signalled && stdout.includes("switchboard started")) {
      signalled = true;
      child.kill("SIGTERM");
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const code = await exited;
  clearTimeout(timer);
  expect(signalled, `never saw "switchboard started"; stdout: ${stdout}; stderr: ${stderr}`).toBe(true);
  return { code, stdout, stderr };
}

describe("switchboard CLI", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("--help exits 0 and lists start and migrate", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("start");
    expect(result.stdout).toContain("migrate");
    expect(result.stdout).toContain("--role");
  });

  it("a port that is not a number stops start with exit 2 and one line naming SWITCHBOARD_PORT", async () => {
    const result = await run(["start"], { SWITCHBOARD_PORT: "abc", SWITCHBOARD_DATA_DIR: tempDir() });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("SWITCHBOARD_PORT");
    expect(result.stdout).not.toContain("switchboard started");
  });

  it("a malformed database URL stops start with exit 2 naming SWITCHBOARD_DATABASE_URL", async () => {
    const result = await run(["start"], {
      SWITCHBOARD_DATABASE_URL: "notaurl",
      SWITCHBOARD_DATA_DIR: tempDir(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("SWITCHBOARD_DATABASE_URL");
  });

  it("an unknown command exits 2", async () => {
    const result = await run(["launch"], { SWITCHBOARD_DATA_DIR: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("launch");
  });

  it("an unknown role exits 2", async () => {
    const result = await run(["start", "--role", "boss"], { SWITCHBOARD_DATA_DIR: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--role");
  });

  it("migrate applies the migrations to a fresh data dir and exits 0", async () => {
    const dir = tempDir();
    const result = await run(["migrate"], { SWITCHBOARD_DATA_DIR: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("migrations applied");
    const again = await run(["migrate"], { SWITCHBOARD_DATA_DIR: dir });
    expect(again.code, again.stderr).toBe(0);
  });

  it("start prints a generated admin key on the first start only, and exits 0 on SIGTERM", async () => {
    const dir = tempDir();
    const env = { SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_PORT: "0" };
    const first = await startAndStop(env);
    expect(first.code, first.stderr).toBe(0);
    // Printed to the terminal (stderr) once, never into the JSON log stream on stdout.
    const keys = first.stderr.match(/sk_admin_[0-9A-Za-z_-]+/g) ?? [];
    expect(keys).toHaveLength(1);
    expect(first.stdout).not.toMatch(/sk_admin_/);

    const second = await startAndStop(env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toMatch(/sk_admin_/);
    expect(second.stderr).not.toMatch(/sk_admin_/);
    expect(second.stdout).not.toContain(keys[0]);
  });

  it("start with SWITCHBOARD_ADMIN_KEY set prints no admin key", async () => {
    const result = await startAndStop({
      SWITCHBOARD_DATA_DIR: tempDir(),
      SWITCHBOARD_PORT: "0",
      SWITCHBOARD_ADMIN_KEY: "sk_admin_chosen_by_me_0123456789",
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain("sk_admin_chosen_by_me_0123456789");
    expect(result.stdout).not.toContain("Admin key");
    expect(result.stderr).not.toContain("Admin key");
  });
});
