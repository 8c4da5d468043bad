import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WEB = join(ROOT, "web");
const BUILT = join(WEB, "dist/index.html");

/** The newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * The browser tests serve web/dist. It is built once here, before any test file starts, when it
 * is missing or older than the dashboard's sources: building it inside a test file races the
 * other browser tests, which would be served a half-written directory.
 */
export default function setup(): void {
  const sourcesChanged = newest(join(WEB, "src")) > (existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0);
  if (sourcesChanged) execFileSync("npm", ["run", "build:web", "--silent"], { cwd: ROOT, stdio: "inherit" });
}
