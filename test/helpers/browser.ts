/**
 * What every browser test shares: Debian's Chromium through playwright-core (launched the way
 * this machine allows: headless, no sandbox, no background networking), where screenshots go,
 * and the page's console errors. The dashboard itself is built by the global setup.
 */
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** A temp directory, or docs/screenshots/ with UPDATE_SCREENSHOTS=1. */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(ROOT, "docs", "screenshots")
  : join(tmpdir(), "switchboard-screenshots");

/** Says why a suite is skipped on a machine without Chromium. */
export function warnWithoutChromium(suite: string): void {
  if (!hasChromium)
    console.warn(
      `${suite} browser tests skipped: ${CHROMIUM} is missing (install Debian's chromium package)`,
    );
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Collects the page's console errors and uncaught exceptions, for a test to expect none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}
