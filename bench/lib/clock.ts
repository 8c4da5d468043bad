/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every intervalMs until it returns a non-null value; throws after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null> | T | null,
  options: { timeoutMs: number; intervalMs: number; progress?: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastReport = Date.now();
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${progressOf(options)}`);
    }
    if (options.progress && Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      process.stderr.write(`  … waiting for ${what}: ${options.progress()}\n`);
    }
    await sleep(options.intervalMs);
  }
}

function progressOf(options: { progress?: () => string }): string {
  return options.progress ? ` (${options.progress()})` : "";
}
