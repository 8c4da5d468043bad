import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIO_CLIENT, type ClioFake, startClioFake } from "../../fakes/clio.js";
import { type FilevineFake, startFilevineFake } from "../../fakes/filevine.js";
import {
  hasChromium,
  launchChromium,
  pageErrors,
  SCREENSHOTS,
  warnWithoutChromium,
} from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

warnWithoutChromium("CRM connect flows");

/**
 * The dashboard's connect flows in Chromium: Clio's "Connect with Clio" sends the browser to the
 * Clio fake's authorize page, which sends it back through the OAuth callback to the connection's
 * page showing the connected account; Filevine's token form (client id and secret, PAT) connects
 * and shows its account; a PAT Filevine refuses is shown in Filevine's words.
 */
describe.skipIf(!hasChromium)("CRM connect flows (Chromium)", { timeout: 60_000 }, () => {
  let sb: TestServer;
  let clio: ClioFake;
  let filevine: FilevineFake;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let tenant: { id: string; key: string };

  beforeAll(async () => {
    browser = await launchChromium();
    sb = await startTestServer("sqlite");
    clio = await startClioFake();
    filevine = await startFilevineFake();
    tenant = await sb.tenant("Hale & Ortiz Injury Law");
  }, 180_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await clio?.close();
    await filevine?.close();
    await sb?.stop();
  });

  async function signedIn(): Promise<{ page: Page; errors: string[] }> {
    await context?.close().catch(() => {});
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const errors = pageErrors(page);
    await page.goto(sb.url);
    await page.getByLabel("API key").fill(tenant.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.goto(`${sb.url}/integrations`);
    return { page, errors };
  }

  const cardOf = (page: Page, title: string) =>
    page.locator("section.card", { has: page.getByRole("heading", { name: title, exact: true }) });

  it("Clio: Connect with Clio → Clio's authorize page → callback → the connected account", async () => {
    const { page, errors } = await signedIn();
    const card = cardOf(page, "Clio Manage");
    await card.getByRole("button", { name: "Connect Clio Manage" }).click();
    // The Connect button needs only the app's key and secret: the tokens come from Clio.
    expect(await card.getByLabel("Access token").count()).toBe(0);
    await card.getByRole("button", { name: "Connect with Clio" }).click();
    await card.getByText("Required.").first().waitFor();
    await card.getByLabel("App key (client id)").fill(CLIO_CLIENT.client_id);
    await card.getByLabel("App secret").fill(CLIO_CLIENT.client_secret);
    await card.getByLabel("Base URL").fill(clio.url);
    await card.getByRole("button", { name: "Connect with Clio" }).click();

    // Clio's page sent the browser back through the callback to the connection's page.
    await page.waitForURL(/\/integrations\/crm\/crm_[0-9A-Za-z]+\?connected=1$/);
    expect(clio.log.some((e) => e.path === "/oauth/authorize")).toBe(true);
    expect(await page.getByTestId("crm-account").textContent()).toBe("Fake Clio User");
    await page.getByText("Connected to Clio Manage as").waitFor();
    const id = new URL(page.url()).pathname.split("/").pop() as string;
    const connection = await sb.call("GET", `/v1/crm/connections/${id}`, { key: tenant.key });
    expect(connection.body.credentials.access_token).toMatch(/^••••/);
    const status = await sb.call("GET", `/v1/crm/connections/${id}/status`, { key: tenant.key });
    expect(status.body.message).toBeNull();
    await page.screenshot({ path: join(SCREENSHOTS, "crm-clio-connected.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("Filevine: the token form connects and shows the account; a refused PAT shows Filevine's words", async () => {
    const { page, errors } = await signedIn();
    const card = cardOf(page, "Filevine");
    await card.getByRole("button", { name: "Connect Filevine" }).click();
    const fill = async (pat: string) => {
      await card.getByLabel("Client id").fill(filevine.credentials.client_id as string);
      await card.getByLabel("Client secret").fill(filevine.credentials.client_secret as string);
      await card.getByLabel("Personal access token").fill(pat);
      await card.getByLabel("Identity service URL").fill(filevine.url);
      await card.getByLabel("Base URL").fill(filevine.url);
      await card.getByRole("button", { name: "Connect", exact: true }).click();
    };
    await fill(filevine.credentials.pat as string);
    await page.waitForURL(/\/integrations\/crm\/crm_[0-9A-Za-z]+\?connected=1$/);
    expect(await page.getByTestId("crm-account").textContent()).toBe("Api User (Fake Injury Law)");
    await page.screenshot({ path: join(SCREENSHOTS, "crm-filevine-connected.png"), fullPage: true });

    await page.goto(`${sb.url}/integrations`);
    await cardOf(page, "Filevine").getByRole("button", { name: "Connect Filevine" }).click();
    await fill("fvpat_not-the-token");
    await page.waitForURL(/\?connected=1$/);
    await page.getByText("Filevine refused the connection").waitFor();
    await page.getByText("The personal access token is invalid").first().waitFor();
    // The browser logs the refused test (422) itself; nothing else went wrong.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });
});
