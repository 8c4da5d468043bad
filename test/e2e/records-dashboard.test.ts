import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  hasChromium,
  launchChromium,
  pageErrors,
  SCREENSHOTS,
  warnWithoutChromium,
} from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

warnWithoutChromium("records dashboard");

const DESKTOP = { width: 1280, height: 900 };

/** The browser logs every refused request itself; the tests provoke 404, 409, 412 and 422 on purpose. */
const unexpected = (errors: string[]) =>
  errors.filter(
    (e) => !/Failed to load resource: the server responded with a status of (404|409|412|422)/.test(e),
  );

describe.skipIf(!hasChromium)("records dashboard (Chromium)", { timeout: 60_000 }, () => {
  let sb: TestServer;
  let browser: Browser;
  let tenant: { id: string; key: string };
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    sb = await startTestServer("sqlite");
    tenant = await sb.tenant("Hale & Ortiz Injury Law");
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await sb?.stop();
  });

  async function open(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const errors = pageErrors(page);
    return { page, errors };
  }

  /** Signs in with the tenant key, then opens `path` (the session lives in the tab). */
  async function signIn(page: Page, path: string): Promise<void> {
    await page.goto(sb.url);
    await page.getByLabel("API key").fill(tenant.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.goto(`${sb.url}${path}`);
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    sb.call(method, path, { key: tenant.key, body, headers });

  let anaId = "";

  it("creates a client through the form (server 422 shown at the field), finds it and lists it", async () => {
    const fields = await api("PUT", "/v1/settings/custom-fields", {
      clients: [
        {
          key: "referral_code",
          label: "Referral code",
          type: "text",
          required: false,
          help_text: "From the ad",
        },
        { key: "injured", label: "Injured", type: "boolean", required: false },
      ],
      cases: [],
    });
    expect(fields.status).toBe(200);
    await api("POST", "/v1/clients", {
      first_name: "Ben",
      last_name: "Okafor",
      phones: [{ number: "(415) 555-0100" }],
    });

    const { page, errors } = await open();
    await signIn(page, "/clients");
    await page.getByRole("heading", { name: "Clients" }).waitFor();
    await page.getByRole("link", { name: "New client" }).click();
    await page.getByRole("heading", { name: "New client" }).waitFor();
    await page.getByLabel("First name").fill("Ana");
    await page.getByLabel("Last name").fill("Ruiz");
    await page.getByLabel("Phone 1").fill("555");
    await page.getByLabel("Email 1").fill("Ana.Ruiz@Example.com");
    await page.getByLabel("Referral code").fill("FB-2291");
    await page.getByText("From the ad").waitFor();
    await page.getByLabel("Injured").check();
    await page.getByRole("button", { name: "Create client" }).click();
    // The server refuses the number; its message sits at the phone field, which gets focus.
    const phoneError = page.locator("#cl-phone-0-error");
    await phoneError.waitFor();
    expect(await page.locator("#cl-phone-0").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Phone 1").fill("(312) 555-0187");
    await page.getByRole("button", { name: "Create client" }).click();

    await page.getByRole("heading", { name: "Ana Ruiz" }).waitFor();
    await page.getByText("Client created").waitFor();
    await page.getByText("+13125550187").waitFor();
    await page.getByText("ana.ruiz@example.com").waitFor();
    expect(await page.locator('dd[data-field="referral_code"]').textContent()).toBe("FB-2291");
    anaId = /\/clients\/(cli_[0-9A-Za-z]+)/.exec(page.url())?.[1] ?? "";
    expect(anaId).toMatch(/^cli_/);

    // Search by part of the name, then by the phone in another format.
    await page.getByRole("link", { name: "All clients" }).click();
    const rows = page.locator("table tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel("Name").fill("ruiz");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("Ana Ruiz");
    expect(page.url()).toContain("q=ruiz");
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel("Phone").fill("415.555.0100");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("Ben Okafor");
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => rows.count()).toBe(2);
    await shot(page, "clients");
    expect(unexpected(errors)).toEqual([]);
  });

  it("edits a client's custom field with If-Match; a change by someone else meanwhile shows the reload message", async () => {
    const { page, errors } = await open();
    await signIn(page, `/clients/${anaId}/edit`);
    const referral = page.locator("#cl-cf-referral_code");
    await referral.waitFor();
    expect(await referral.inputValue()).toBe("FB-2291");
    await referral.fill("FB-3000");

    // Someone else writes the client after the form read it.
    const current = await api("GET", `/v1/clients/${anaId}`);
    const other = await api(
      "PATCH",
      `/v1/clients/${anaId}`,
      { preferred_language: "es" },
      { "if-match": String(current.body.version) },
    );
    expect(other.status).toBe(200);

    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText(/changed by someone else since you opened it — reload/).waitFor();
    const unchanged = await api("GET", `/v1/clients/${anaId}`);
    expect(unchanged.body.custom_fields.referral_code).toBe("FB-2291");

    await page.getByRole("button", { name: "Reload" }).click();
    await expect.poll(() => page.getByLabel("Preferred language").inputValue()).toBe("es");
    await page.locator("#cl-cf-referral_code").fill("FB-3000");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Changes saved.").waitFor();
    expect(await page.locator('dd[data-field="referral_code"]').textContent()).toBe("FB-3000");
    const saved = await api("GET", `/v1/clients/${anaId}`);
    expect(saved.body.custom_fields.referral_code).toBe("FB-3000");
    expect(saved.body.preferred_language).toBe("es");
    expect(saved.body.version).toBe(unchanged.body.version + 1);
    expect(unexpected(errors)).toEqual([]);
  });

  it("opens a case for the client and changes its status", async () => {
    const types = await api("PUT", "/v1/settings/case-types", {
      case_types: [
        {
          key: "auto_accident",
          label: "Auto accident",
          statuses: [
            { key: "new_lead", label: "New lead", substatuses: [] },
            {
              key: "signed",
              label: "Signed",
              substatuses: [{ key: "retainer_sent", label: "Retainer sent" }],
            },
          ],
        },
      ],
    });
    expect(types.status).toBe(200);
    const { page, errors } = await open();
    await signIn(page, `/clients/${anaId}`);
    await page.getByRole("link", { name: "New case" }).click();
    await page.getByRole("heading", { name: "New case" }).waitFor();
    // The picked client's name arrives after the page (it shows "…" while loading).
    await expect.poll(() => page.getByTestId("picked-client").textContent()).toBe("Ana Ruiz");
    await page.getByLabel("Title").fill("Rear-ended on I-90");
    await page.getByLabel("Case type").selectOption("auto_accident");
    await page.getByLabel("Status", { exact: true }).selectOption("new_lead");
    await page.getByLabel("Incident date").fill("2026-10-14");
    await page.getByRole("button", { name: "Create case" }).click();
    await page.getByRole("heading", { name: "Rear-ended on I-90" }).waitFor();
    await expect.poll(() => page.getByTestId("case-status").textContent()).toBe("New lead");

    await page.getByRole("link", { name: "Edit case" }).click();
    await page.getByRole("heading", { name: "Edit case" }).waitFor();
    await page.getByLabel("Status", { exact: true }).selectOption("signed");
    await page.getByLabel("Substatus").selectOption("retainer_sent");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Changes saved.").waitFor();
    await expect.poll(() => page.getByTestId("case-status").textContent()).toBe("Signed · Retainer sent");

    const cases = await api("GET", `/v1/cases?client_id=${anaId}`);
    expect(cases.body.data).toHaveLength(1);
    expect(cases.body.data[0].status).toBe("signed");
    expect(cases.body.data[0].version).toBe(2);

    // The cases list filters by status; the client's page lists the case.
    await page.goto(`${sb.url}/cases?status=signed`);
    await page.locator("table tbody tr", { hasText: "Rear-ended on I-90" }).waitFor();
    expect(await page.locator("table tbody tr").first().textContent()).toContain("Ana Ruiz");
    await page.goto(`${sb.url}/cases?status=lost`);
    await page.getByText("No case matches these filters").waitFor();
    await page.goto(`${sb.url}/clients/${anaId}`);
    await page
      .locator("section", { hasText: "Cases" })
      .getByRole("link", { name: "Rear-ended on I-90" })
      .waitFor();
    await shot(page, "client-detail");
    expect(unexpected(errors)).toEqual([]);
  });

  it("settings: case types are added, reordered and saved; removing a status in use answers 409, shown", async () => {
    const { page, errors } = await open();
    await signIn(page, "/settings");
    await page.getByRole("heading", { name: "Records settings" }).waitFor();
    await page.getByRole("button", { name: "Add case type" }).click();
    await page.getByLabel("Case type 2 label").fill("Slip and fall");
    expect(await page.getByLabel("Case type 2 key").inputValue()).toBe("slip_and_fall");
    await page.getByRole("button", { name: "Move Slip and fall up" }).click();
    expect(await page.getByLabel("Case type 1 label").inputValue()).toBe("Slip and fall");
    const types = page.locator('[data-testid="ct-0"]');
    await types.getByRole("button", { name: "Add status" }).click();
    // Exact: "Substatus 1 label" contains "status 1 label" too.
    await types.getByLabel("Status 1 label", { exact: true }).fill("New lead");
    const caseTypes = page.getByRole("region", { name: "Case types and statuses" });
    await caseTypes.getByRole("button", { name: "Save case types" }).click();
    await caseTypes.getByText("Saved.").waitFor();
    const saved = await api("GET", "/v1/settings/case-types");
    expect(saved.body.case_types.map((t: { key: string }) => t.key)).toEqual([
      "slip_and_fall",
      "auto_accident",
    ]);

    // "signed" is the status of the case opened above: removing it is refused.
    const auto = page.locator('[data-testid="ct-1"]');
    await auto.getByRole("button", { name: "Remove Signed", exact: true }).click();
    await caseTypes.getByRole("button", { name: "Save case types" }).click();
    await caseTypes.getByText("Still in use — not saved.").waitFor();
    expect(unexpected(errors)).toEqual([]);
  });

  it("settings: records settings save; custom fields show their definitions", async () => {
    const { page, errors } = await open();
    await signIn(page, "/settings");
    await page.getByLabel("Default region").fill("CA");
    await page.getByRole("button", { name: "Save records settings" }).click();
    await expect.poll(async () => (await api("GET", "/v1/settings/records")).body.default_region).toBe("CA");
    // The case types above have labels too: read the custom fields' own section.
    const customFields = page.getByRole("region", { name: "Custom fields" });
    await expect
      .poll(() => customFields.getByLabel("Label", { exact: true }).first().inputValue())
      .toBe("Referral code");
    expect(unexpected(errors)).toEqual([]);
  });

  it("duplicates: a client sharing the phone is listed and merged", async () => {
    const first = await api("POST", "/v1/clients", {
      first_name: "Carla",
      last_name: "Mendes",
      phones: [{ number: "(773) 555-0142" }],
    });
    const second = await api("POST", "/v1/clients", {
      first_name: "Carla",
      last_name: "M.",
      phones: [{ number: "773.555.0142" }],
      emails: ["carla@example.com"],
    });
    const { page, errors } = await open();
    await signIn(page, `/clients/${first.body.id}`);
    const panel = page.locator('section[aria-labelledby="duplicates-title"]');
    await panel.getByRole("link", { name: "Carla M." }).waitFor();
    expect(await panel.textContent()).toContain("same phone");
    await panel.getByRole("button", { name: "Merge" }).click();
    await panel.getByRole("button", { name: "Confirm merge" }).click();
    await panel.getByText("No other client shares a phone number or email with this one.").waitFor();
    // The merged email is among the contacts (the timeline names it too, in the change).
    await page
      .locator('section[aria-labelledby="contact-title"]')
      .getByRole("link", { name: "carla@example.com" })
      .waitFor();
    expect((await api("GET", `/v1/clients/${second.body.id}`)).status).toBe(404);
    expect(unexpected(errors)).toEqual([]);
  });

  it("timeline: a client's changes are listed with their source", async () => {
    const { page, errors } = await open();
    await signIn(page, `/clients/${anaId}`);
    const timeline = page.locator('section[aria-labelledby="timeline-title"]');
    await timeline.getByText("client.created").waitFor();
    await timeline.getByText("client.updated").first().waitFor();
    expect(await timeline.textContent()).toContain("FB-3000");
    expect(unexpected(errors)).toEqual([]);
  });

  it("import: paste a CSV, preview with suggested columns, dry run with row errors, import with progress", async () => {
    const { page, errors } = await open();
    const csv = [
      "First Name,Last Name,Mobile,Email",
      "Dana,Reyes,(312) 555-0111,dana@example.com",
      "Eli,Stone,not a phone,eli@example.com",
      "Fay,Ng,(312) 555-0133,fay@example.com",
    ].join("\n");
    await signIn(page, "/import");
    await page.getByRole("heading", { name: "Import" }).waitFor();
    await page.getByLabel("…or paste the contents").fill(csv);
    await page.getByRole("button", { name: "Preview" }).click();
    const mapping = page.getByTestId("column-mapping");
    await mapping.waitFor();
    expect(await page.getByLabel("Field for First Name").inputValue()).toBe("first_name");
    expect(await page.getByLabel("Field for Mobile").inputValue()).toBe("phone");
    expect(await page.getByTestId("preview-rows").textContent()).toContain("Dana");

    await page.getByRole("button", { name: "Dry run" }).click();
    const dry = page.getByTestId("import-run").first();
    await dry.getByText("Dry run finished").waitFor({ timeout: 20_000 });
    expect(await dry.textContent()).toMatch(/2\s*Would create|Would create\s*2/);
    await dry.locator("tbody tr", { hasText: "2" }).first().waitFor();
    expect((await api("GET", "/v1/clients?q=dana")).body.data).toHaveLength(0);

    await page.getByRole("button", { name: "Start import" }).click();
    const run = page.getByTestId("import-run").first();
    await run.getByText("Import finished").waitFor({ timeout: 20_000 });
    expect(await run.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
    await shot(page, "import");
    expect((await api("GET", "/v1/clients?q=dana")).body.data).toHaveLength(1);
    expect(unexpected(errors)).toEqual([]);
  });

  it("export: the lists download CSV", async () => {
    const { page, errors } = await open();
    await signIn(page, "/clients");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("clients.csv");
    expect(unexpected(errors)).toEqual([]);
  });
});
