import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LawRulerFake, startLawRulerFake } from "../../fakes/lawruler.js";
import {
  hasChromium,
  launchChromium,
  pageErrors,
  SCREENSHOTS,
  warnWithoutChromium,
} from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

warnWithoutChromium("CRM dashboard");

const DESKTOP = { width: 1280, height: 900 };

/** The browser logs every refused request itself; the test provokes a 422 on purpose. */
const unexpected = (errors: string[]) =>
  errors.filter((e) => !/Failed to load resource: the server responded with a status of (404|422)/.test(e));

describe.skipIf(!hasChromium)("CRM dashboard (Chromium)", { timeout: 60_000 }, () => {
  let sb: TestServer;
  let fake: LawRulerFake;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let tenant: { id: string; key: string };
  let caseId = "";

  const api = (method: string, path: string, body?: unknown) =>
    sb.call(method, path, { key: tenant.key, body });

  beforeAll(async () => {
    browser = await launchChromium();
    sb = await startTestServer("sqlite");
    fake = await startLawRulerFake();
    tenant = await sb.tenant("Hale & Ortiz Injury Law");
    expect(
      (
        await api("PUT", "/v1/settings/case-types", {
          case_types: [
            {
              key: "auto_accident",
              label: "Auto accident",
              statuses: [
                { key: "new_lead", label: "New lead", substatuses: [] },
                { key: "signed", label: "Signed", substatuses: [] },
              ],
            },
          ],
        })
      ).status,
    ).toBe(200);
    const client = await api("POST", "/v1/clients", {
      first_name: "Maria",
      last_name: "Delgado",
      phones: [{ number: "+13125550142" }],
      emails: ["maria.delgado@example.com"],
    });
    const kase = await api("POST", "/v1/cases", {
      client_id: client.body.id,
      case_type: "auto_accident",
      title: "Rear-ended on Lake Shore Drive",
    });
    expect(kase.status).toBe(201);
    caseId = kase.body.id;
  }, 180_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await fake?.close();
    await sb?.stop();
  });

  async function open(): Promise<{ page: Page; errors: string[] }> {
    context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const errors = pageErrors(page);
    // Confirmations (the real test send) are accepted.
    page.on("dialog", (dialog) => void dialog.accept());
    return { page, errors };
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it("connects LawRuler, tests it, maps fields and a status, previews a case and syncs", async () => {
    const { page, errors } = await open();
    await page.goto(sb.url);
    await page.getByLabel("API key").fill(tenant.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.goto(`${sb.url}/integrations`);

    // The page's cards: webhooks, email, one per CRM (none connected yet).
    for (const title of ["Webhooks", "Email", "LawRuler", "SmartAdvocate"]) {
      await page.getByRole("heading", { name: title, exact: true }).waitFor();
    }
    const card = page.locator("section.card", {
      has: page.getByRole("heading", { name: "LawRuler", exact: true }),
    });
    await card.getByText("Not connected").waitFor();
    await card.getByRole("button", { name: "Connect LawRuler" }).click();

    // A missing key is shown at its input before anything is sent.
    await card.getByRole("button", { name: "Connect", exact: true }).click();
    await card.getByText("Required.").first().waitFor();
    await card.getByLabel("API security key").fill(fake.credentials.api_key as string);
    await card.getByLabel("Base URL").fill(fake.url);
    await card.getByRole("button", { name: "Connect", exact: true }).click();
    await page.waitForURL(/\/integrations\/crm\/crm_/);
    const id = new URL(page.url()).pathname.split("/").pop() as string;

    // Configuration: the key is masked and kept; the test shows the CRM's answer.
    await page.getByRole("tab", { name: "Configuration" }).waitFor();
    const keyInput = page.getByLabel("API security key");
    expect(await keyInput.getAttribute("type")).toBe("password");
    expect(await keyInput.inputValue()).toBe("");
    expect(await keyInput.getAttribute("placeholder")).toMatch(/^••••/);
    await page.getByLabel("Frequency").selectOption("hourly");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved.").waitFor();
    expect((await api("GET", `/v1/crm/connections/${id}`)).body.settings.frequency).toBe("hourly");
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByText("LawRuler accepted the credentials").waitFor();
    await shot(page, "crm-configuration");

    // Mappings: the CRM's fields load; a field and a status are mapped.
    await page.getByRole("tab", { name: "CRM Mappings" }).click();
    await page.getByText(/fields, \d+ statuses/).waitFor();
    await page.getByRole("button", { name: "Add field mapping" }).click();
    await page.getByLabel("Platform field, row 1", { exact: true }).selectOption("client.first_name");
    await page.getByLabel("CRM field, row 1", { exact: true }).selectOption("FirstName");
    await page.getByRole("button", { name: "Add field mapping" }).click();
    await page.getByLabel("Platform field, row 2", { exact: true }).selectOption("title");
    await page.getByLabel("CRM field, row 2", { exact: true }).selectOption("Summary");
    await page.getByRole("button", { name: "Add status mapping" }).click();
    await page.getByLabel("Status, row 1", { exact: true }).selectOption("new_lead");
    await page.getByLabel("CRM status, row 1", { exact: true }).selectOption("New Lead");
    await page.getByLabel("CRM substatus, row 1", { exact: true }).selectOption("Not Contacted");
    // Mapping a CRM field twice is refused with 422: the reason shows at the second row.
    await page.getByRole("button", { name: "Add field mapping" }).click();
    await page.getByLabel("Platform field, row 3", { exact: true }).selectOption("client.last_name");
    await page.getByLabel("CRM field, row 3", { exact: true }).selectOption("FirstName");
    await page.getByRole("button", { name: "Save mappings" }).click();
    await page.getByText("The mappings were not saved").waitFor();
    const third = page.getByRole("table", { name: "Field mappings" }).locator("tbody tr").nth(2);
    await third.getByText("mapped twice").waitFor();
    await page.getByLabel("CRM field, row 3", { exact: true }).selectOption("LastName");
    await page.getByRole("button", { name: "Save mappings" }).click();
    await page.getByText("Mappings saved.").waitFor();
    const saved = (await api("GET", `/v1/crm/connections/${id}/mappings`)).body;
    expect(saved.fields).toEqual([
      { platform_field: "client.first_name", crm_field: "FirstName", direction: "both" },
      { platform_field: "title", crm_field: "Summary", direction: "both" },
      { platform_field: "client.last_name", crm_field: "LastName", direction: "both" },
    ]);
    expect(saved.statuses).toEqual([
      { status: "new_lead", substatus: null, crm_status: "New Lead", crm_substatus: "Not Contacted" },
    ]);

    // The sample case's preview shows the exact write, and nothing reached the CRM.
    const before = fake.stats.requests;
    await page.getByLabel("Sample case").selectOption(caseId);
    await page.getByRole("button", { name: "Preview the request" }).click();
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.getByText("A push would").waitFor();
    const write = await preview.locator("pre").textContent();
    expect(JSON.parse(write ?? "")).toMatchObject({
      fields: { FirstName: "Maria", LastName: "Delgado", Summary: "Rear-ended on Lake Shore Drive" },
      status: "New Lead",
      substatus: "Not Contacted",
      external_id: caseId,
    });
    expect(fake.stats.requests).toBe(before);
    await shot(page, "crm-mappings");

    // A real test send creates the lead and shows each request with the CRM's answer.
    await page.getByRole("button", { name: "Send a test" }).click();
    const sent = page.getByRole("region", { name: "Test send" });
    await sent.locator("figcaption").first().waitFor();
    expect(await sent.locator("figcaption").allTextContents()).toContainEqual(
      expect.stringMatching(/^POST .* → 20\d$/),
    );
    expect(fake.stats.requests).toBeGreaterThan(before);
    const link = (await api("GET", `/v1/crm/connections/${id}/links`)).body.data[0];
    expect(link).toMatchObject({ platform_id: caseId });

    // Activity: sync now, and the run appears with its counts.
    await page.getByRole("tab", { name: "Activity" }).click();
    await page.getByRole("heading", { name: "Status" }).waitFor();
    await page.getByRole("button", { name: "Sync now" }).click();
    const runs = page.getByRole("table", { name: "Sync runs" });
    await runs.locator("tbody tr").first().waitFor({ timeout: 15_000 });
    await runs.locator("tbody tr").first().getByText("succeeded").waitFor({ timeout: 15_000 });
    await page.getByRole("heading", { name: "Recent deliveries" }).waitFor();

    // A platform edit is pushed as a delivery; its attempt shows the request to LawRuler.
    expect((await api("PATCH", `/v1/cases/${caseId}`, { title: "Rear-ended at a light" })).status).toBe(200);
    const deliveries = page.locator("section.card", {
      has: page.getByRole("heading", { name: "Recent deliveries" }),
    });
    const inspect = deliveries.getByRole("link", { name: /^Inspect delivery/ }).first();
    for (let i = 0; i < 20 && !(await inspect.isVisible()); i++) {
      await deliveries.getByRole("button", { name: "Refresh" }).click();
      await page.waitForTimeout(250);
    }
    await inspect.click();
    await page.getByRole("heading", { name: "Request" }).first().waitFor();
    expect(new URL(page.url()).searchParams.get("delivery")).not.toBeNull();
    await shot(page, "crm-activity");

    // The firm rotates its key in LawRuler: a refresh and a test show LawRuler's refusal.
    fake.rotateKey("LRKEY-ROTATED-0000000000000000");
    await page.getByRole("tab", { name: "CRM Mappings" }).click();
    await page.getByRole("button", { name: "Refresh CRM fields" }).click();
    await page.getByText("LawRuler did not answer with its fields").waitFor();
    await page.getByText(/LawRuler refused \(auth\)/).waitFor();
    await page.getByRole("tab", { name: "Configuration" }).click();
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByText("LawRuler refused the test").waitFor();

    // The Integrations page lists the connection on LawRuler's card, with its state.
    await page.getByRole("link", { name: "Integrations" }).click();
    await card.getByRole("link", { name: "LawRuler" }).waitFor();
    await card.getByText(/Connected · idle|Syncing|Failing/).waitFor();
    await shot(page, "crm-integrations");
    expect(unexpected(errors)).toEqual([]);
  });
});
