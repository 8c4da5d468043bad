import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_PERSON, type VendorFake } from "../../fakes/enrichment-fake.js";
import { startPdlFake } from "../../fakes/pdl.js";
import { hasChromium, launchChromium } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe.skipIf(!hasChromium)("enrichment dashboard (Chromium)", { timeout: 60_000 }, () => {
  let sb: TestServer;
  let browser: Browser;
  let pdl: VendorFake<{ api_key: string }>;
  let tenant: { id: string; key: string };

  beforeAll(async () => {
    browser = await launchChromium();
    sb = await startTestServer("sqlite");
    pdl = await startPdlFake();
    tenant = await sb.tenant("Hale & Ortiz Injury Law");
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
    await pdl?.close();
  });

  const api = (method: string, path: string, body?: unknown) =>
    sb.call(method, path, { key: tenant.key, body });

  async function signIn(page: Page, path: string): Promise<void> {
    await page.goto(sb.url);
    await page.getByLabel("API key").fill(tenant.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.goto(`${sb.url}${path}`);
  }

  it("saves credentials and budget on the Enrichment page, then enriches a client by hand", async () => {
    // The fake's address is a development base URL: set through the API, like a script would.
    expect((await api("PUT", "/v1/enrichment/providers/pdl", { base_url: pdl.url })).status).toBe(200);
    const client = await api("POST", "/v1/clients", {
      first_name: "Maria",
      phones: [{ number: FAKE_PERSON.phone }],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    await signIn(page, "/enrichment");
    await page.getByRole("heading", { name: "Enrichment", level: 1 }).waitFor();
    const pdlBox = page.getByRole("group", { name: "People Data Labs" });
    await pdlBox.getByLabel("People Data Labs api_key").fill(pdl.credentials.api_key);
    await pdlBox.getByLabel("Enabled").check();
    await pdlBox.getByRole("button", { name: "Save People Data Labs" }).click();
    await page.getByText("People Data Labs · configured").waitFor();
    await page.getByLabel("Monthly budget (USD)").fill("12.5");
    await page.getByRole("button", { name: "Save enrichment settings" }).click();
    await expect
      .poll(async () => (await api("GET", "/v1/enrichment/settings")).body.monthly_budget)
      .toBe(12.5);
    const providers = (await api("GET", "/v1/enrichment/providers")).body.data;
    expect(providers[0]).toMatchObject({ name: "pdl", enabled: true, configured: true });

    await page.goto(`${sb.url}/clients/${client.body.id}`);
    await page.getByRole("button", { name: "Enrich now" }).click();
    const history = page.getByRole("table", { name: "Enrichment history" });
    await history.getByRole("cell", { name: "found", exact: true }).waitFor({ timeout: 15_000 });
    await history.getByRole("cell", { name: "$0.280" }).waitFor();
    await page.getByText(FAKE_PERSON.email).first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
