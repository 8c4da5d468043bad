/**
 * The charts in Chromium: the home page's volume and failure rate by webhook, the webhook page's
 * attempts per minute and latency, the Enrichment page's spend per day — each a painted uPlot
 * canvas whose numbers (its "Data" table) are the series the API computed from seeded attempts
 * and lookups. And the new-webhook form: essentials first, the rest under "Advanced".
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetMonth } from "../../src/domain/enrichment/budget.js";
import { generateId } from "../../src/domain/ids.js";
import { recordAttempt } from "../helpers/attempts.js";
import { hasChromium, launchChromium, pageErrors, warnWithoutChromium } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

warnWithoutChromium("charts");

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe.skipIf(!hasChromium)("charts (Chromium)", { timeout: 60_000 }, () => {
  let sb: TestServer;
  let browser: Browser;
  let tenant: { id: string; key: string };
  let intake = "";
  const closedMinute = Math.floor((Date.now() - 2 * HOUR) / MINUTE) * MINUTE;

  beforeAll(async () => {
    browser = await launchChromium();
    sb = await startTestServer("sqlite");
    tenant = await sb.tenant("Hale & Ortiz Injury Law");
    const make = async (url: string, description: string) =>
      (await sb.call("POST", "/v1/webhooks", { key: tenant.key, body: { url, description } })).body
        .id as string;
    intake = await make("https://hooks.example.com/intake", "Intake sheet");
    const tracker = await make("https://hooks.example.com/tracker", "Case tracker");
    const store = sb.server.store;
    for (const ms of [100, 200, 300])
      await recordAttempt(store, tenant.id, intake, closedMinute + 1_000, {
        status: 200,
        succeeded: true,
        ms,
      });
    await recordAttempt(store, tenant.id, intake, closedMinute + 2_000, {
      status: 500,
      succeeded: false,
      ms: 400,
    });
    for (let i = 0; i < 2; i++)
      await recordAttempt(store, tenant.id, tracker, Date.now(), {
        status: null,
        succeeded: false,
        ms: 15_000,
      });

    const unlimited = { monthlyBudget: null, maxCostPerLookup: null };
    for (const [provider, micros] of [
      ["pdl", 280_000],
      ["pdl", 280_000],
      ["trestle", 70_000],
    ] as const) {
      const now = Date.now();
      const lookup = await store.enrichment.reserveLookup(
        tenant.id,
        generateId("enr_"),
        provider,
        budgetMonth(now, "UTC"),
        micros,
        unlimited,
        now,
      );
      await store.enrichment.settleLookup(lookup.id, "found", micros, null, null, now);
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
  });

  async function open(path: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors = pageErrors(page);
    await page.goto(sb.url);
    await page.getByLabel("API key").fill(tenant.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    if (path !== "/") await page.goto(`${sb.url}${path}`);
    return { page, errors };
  }

  /** The chart's canvas size and how many of its pixels are painted. */
  async function canvasOf(page: Page, label: string) {
    const figure = page.getByRole("figure", { name: label });
    await figure.locator("canvas").waitFor();
    const selector = JSON.stringify(`figure[aria-label="${label}"] canvas`);
    return (await page.evaluate(`(() => {
      const canvas = document.querySelector(${selector});
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return { width: canvas.width, height: canvas.height, painted };
    })()`)) as { width: number; height: number; painted: number };
  }

  /** The chart's data table, opened: one array of cell texts per row (header cell first). */
  async function dataOf(page: Page, label: string): Promise<string[][]> {
    const figure = page.getByRole("figure", { name: label });
    await figure.getByText("Data", { exact: true }).click();
    const rows = figure.getByRole("table", { name: `${label} data` }).locator("tbody tr");
    const out: string[][] = [];
    for (const row of await rows.all()) out.push(await row.locator("th, td").allTextContents());
    return out;
  }

  const expectPainted = async (page: Page, label: string) => {
    const canvas = await canvasOf(page, label);
    expect(canvas.width, label).toBeGreaterThan(200);
    expect(canvas.height, label).toBeGreaterThan(100);
    expect(canvas.painted, label).toBeGreaterThan(1000);
  };

  it("the home page charts each webhook's attempts and failure rate per hour", async () => {
    const { page, errors } = await open("/");
    await page.getByRole("heading", { name: "Volume and failures, last 24 hours" }).waitFor();
    await expectPainted(page, "Attempts per hour by webhook");
    await expectPainted(page, "Failure rate by webhook");

    const volume = await dataOf(page, "Attempts per hour by webhook");
    // Columns: time, then the busiest webhook first (Intake sheet: 4, Case tracker: 2).
    expect(volume.map((row) => row.slice(1))).toEqual([
      ["4", "0"],
      ["0", "2"],
    ]);
    const failure = await dataOf(page, "Failure rate by webhook");
    expect(failure.map((row) => row.slice(1))).toEqual([
      ["25%", "—"],
      ["—", "100%"],
    ]);
    expect(errors).toEqual([]);
  });

  it("the webhook page charts attempts per minute by outcome and latency p50 / p95", async () => {
    const { page, errors } = await open(`/webhooks/${intake}`);
    await page.getByRole("heading", { name: "Last 24 hours" }).waitFor();
    await expectPainted(page, "Deliveries per minute");
    await expectPainted(page, "Latency");
    // One minute with attempts: 3 succeeded, 1 failed (HTTP 500), none without an answer.
    expect((await dataOf(page, "Deliveries per minute")).map((row) => row.slice(1))).toEqual([
      ["3", "1", "0"],
    ]);
    // Answered: 100, 200, 300 and 400 ms → p50 200 ms, p95 400 ms.
    expect((await dataOf(page, "Latency")).map((row) => row.slice(1))).toEqual([["200 ms", "400 ms"]]);
    expect(errors).toEqual([]);
  });

  it("the Enrichment page charts spend per day by provider", async () => {
    const { page, errors } = await open("/enrichment");
    await page.getByRole("heading", { name: "Spend per day" }).waitFor();
    await expectPainted(page, "Spend per day by provider");
    const today = new Date().toISOString().slice(0, 10);
    expect(await dataOf(page, "Spend per day by provider")).toEqual([[today, "$0.56", "$0.07"]]);
    expect(errors).toEqual([]);
  });

  it("the new-webhook form asks for URL, description and events first; the rest is under Advanced", async () => {
    const { page, errors } = await open("/webhooks/new");
    await page.getByRole("heading", { name: "New webhook" }).waitFor();
    await page.getByLabel("Endpoint URL").fill("https://hooks.example.com/essentials");
    await page.getByLabel("Description").fill("Essentials only");
    expect(await page.getByLabel("HTTP method").isVisible()).toBe(false);
    expect(await page.getByLabel("Max attempts").isVisible()).toBe(false);
    await page.getByText("Advanced", { exact: true }).click();
    await page.getByLabel("HTTP method").waitFor();
    await page.getByLabel("Max attempts").fill("0");
    await page.getByText("Advanced", { exact: true }).click();
    expect(await page.getByLabel("Max attempts").isVisible()).toBe(false);
    // An error inside the fold opens it and focuses the field.
    await page.getByRole("button", { name: "Create webhook" }).click();
    await page.getByLabel("Max attempts").waitFor();
    await page.getByLabel("Max attempts").fill("");
    await page.getByRole("button", { name: "Create webhook" }).click();
    await page.getByText("Webhook created").waitFor();
    const id = new URL(page.url()).pathname.split("/").pop() ?? "";
    const stored = await sb.call("GET", `/v1/webhooks/${id}`, { key: tenant.key });
    expect(stored.body).toMatchObject({
      url: "https://hooks.example.com/essentials",
      description: "Essentials only",
      method: "POST",
      enabled: true,
      events: [],
    });
    // Editing shows every field at once.
    await page.goto(`${sb.url}/webhooks/${id}/edit`);
    await page.getByLabel("HTTP method").waitFor();
    expect(errors.filter((e) => !/Failed to load resource.*422/.test(e))).toEqual([]);
  });
});
