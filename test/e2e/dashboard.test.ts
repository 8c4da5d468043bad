/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core against a real
 * server (SQLite) and a local receiver. Skipped, with the reason printed, where
 * /usr/bin/chromium is missing (.ci/run installs it).
 *
 * Screenshots of each page are written to a temp directory, or to docs/screenshots/ (referenced
 * from the README) with UPDATE_SCREENSHOTS=1, so a test run does not rewrite tracked files.
 */

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
import { eventually, Receiver } from "../helpers/receiver.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";
import { MailServer } from "../helpers/smtp.js";

warnWithoutChromium("dashboard");

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!hasChromium)("dashboard (Chromium)", () => {
  let sb: TestServer;
  let receiver: Receiver;
  let mail: MailServer;
  let browser: Browser;
  let tenant: { id: string; key: string };
  /** The receiver answers 500 on /failing while this is true. */
  let failing = true;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    receiver = await Receiver.start((request, response) => {
      if (request.url.startsWith("/failing") && failing) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end('{"error":"intake system unavailable"}');
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"received":true}');
    });
    mail = await MailServer.start();
    sb = await startTestServer("sqlite");
    tenant = await sb.tenant("Hale & Ortiz Injury Law");
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await sb?.stop();
    await receiver?.close();
    await mail?.close();
  });

  /** A fresh tab; records console errors and uncaught exceptions. */
  async function open(viewport = DESKTOP): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors = pageErrors(page);
    return { page, errors };
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.goto(sb.url);
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  const shot = (page: Page, name: string, fullPage = false) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });

  /** Runs an expression in the page (a string: this project's TypeScript has no DOM types). */
  const inPage = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;

  /** The page scrolls sideways when its content is wider than the viewport. */
  const horizontalOverflow = (page: Page) =>
    inPage<number>(page, "document.documentElement.scrollWidth - document.documentElement.clientWidth");

  it("serves the dashboard at / and keeps API 404s as JSON", async () => {
    const html = await fetch(`${sb.url}/webhooks/wh_123`, { headers: { accept: "text/html" } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<div id="root">');
    const api = await fetch(`${sb.url}/v1/nothing-here`, { headers: { accept: "text/html" } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const asset = await fetch(`${sb.url}/assets/missing.js`, { headers: { accept: "text/html" } });
    expect(asset.status).toBe(404);
  });

  it("a wrong key shows a clear message", async () => {
    const { page, errors } = await open();
    await page.goto(sb.url);
    await expect.poll(() => page.title()).toContain("Sign in");
    await shot(page, "sign-in");
    await signIn(page, "sk_this_is_not_a_real_key_0000000000000000000000");
    const message = page.locator("#api-key-error");
    await message.waitFor();
    expect(await message.textContent()).toContain("That API key was not accepted");
    expect(await page.getByLabel("API key").getAttribute("aria-invalid")).toBe("true");
    await shot(page, "sign-in-wrong-key");
    // The browser itself logs the refused request; nothing else may appear.
    expect(errors.filter((e) => !/Failed to load resource.*401/.test(e))).toEqual([]);
  });

  it("the admin key picks a tenant", async () => {
    const { page, errors } = await open();
    await signIn(page, ADMIN_KEY);
    await page.getByRole("heading", { name: "Choose a tenant" }).waitFor();
    await page.getByLabel(/Hale & Ortiz Injury Law/).check();
    await shot(page, "tenant-picker");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.getByText("No webhooks yet").waitFor();
    await expect.poll(() => page.getByText(/Admin · Hale & Ortiz/).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  let webhookId = "";
  let failingId = "";

  it("signs in, creates a webhook through the form, tests it, inspects the attempt and rotates the secret", async () => {
    const { page, errors } = await open();
    await signIn(page, tenant.key);
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.getByText("No webhooks yet").waitFor();

    await page.getByRole("link", { name: "New webhook" }).click();
    await page.getByRole("heading", { name: "New webhook" }).waitFor();
    const url = page.getByLabel("Endpoint URL");
    await url.fill("hooks.example.com/intake");
    await page.getByText("Enter an absolute URL").waitFor();
    await url.fill(`${receiver.url}/hooks`);
    expect(await page.locator("#wh-url-error").count()).toBe(0);
    await page.getByLabel("Description").fill("Intake sheet");

    // Events: a call event and a message event → no campaign filter, with the reason shown.
    await page.getByLabel("Only the events I pick").check();
    await page.locator('input[value="call.ended"]').check();
    await page.locator('input[value="message.received"]').check();
    // Filters, request, body and retries are under "Advanced", folded on a new webhook.
    expect(await page.getByLabel("HTTP method").isVisible()).toBe(false);
    await page.getByText("Advanced", { exact: true }).click();
    expect(await page.getByLabel(/Campaign-scoped webhook/).isDisabled()).toBe(true);
    await page.getByText(/Campaign filters are available only while every picked event/).waitFor();
    await page.locator('input[value="message.received"]').uncheck();
    expect(await page.getByLabel(/Campaign-scoped webhook/).isDisabled()).toBe(false);
    await page.getByLabel(/Case types/).fill("auto_accident, slip_and_fall");

    await page.getByRole("button", { name: "Add header" }).click();
    await page.getByLabel("Header 1 name").fill("X-Firm");
    await page.getByLabel("Header 1 value").fill("hale-ortiz");
    await page.getByLabel("Authentication").selectOption("bearer");
    await page.getByLabel("Bearer token").fill("tok_intake_123");

    // Template with its variables and a live preview from the catalog example.
    await page.getByLabel("Template", { exact: true }).selectOption("fields");
    await page.getByText("{{ data.call_id }}", { exact: true }).first().waitFor();
    const preview = page.getByTestId("template-preview");
    await expect.poll(() => preview.textContent()).toContain('"call": "call_7Hq2mX9kT4"');
    expect(await preview.textContent()).toContain('"seconds": 412');
    await page.getByText(/This preview substitutes/).waitFor();
    await page.locator('section[aria-labelledby="section-body"]').screenshot({
      path: join(SCREENSHOTS, "webhook-form-template.png"),
    });
    await page.getByLabel("Template", { exact: true }).selectOption("none");

    await page.getByLabel("Retries").selectOption("custom");
    await page.getByLabel("Seconds to wait before each retry").fill("10, 60, 600");
    await page.getByLabel(/Status codes/).fill("200, 202");
    await inPage(page, "window.scrollTo(0, 0)");
    await shot(page, "webhook-form");
    await page.locator('section[aria-labelledby="section-filters"]').screenshot({
      path: join(SCREENSHOTS, "webhook-form-events.png"),
    });

    await page.getByRole("button", { name: "Create webhook" }).click();
    await page.getByText("Webhook created").waitFor();
    const created = (await page.getByTestId("new-secret").textContent()) ?? "";
    expect(created).toMatch(/^whsec_/);
    webhookId = new URL(page.url()).pathname.split("/").pop() ?? "";
    expect(webhookId).toMatch(/^wh_/);
    const stored = await sb.call("GET", `/v1/webhooks/${webhookId}`, { key: tenant.key });
    expect(stored.body).toMatchObject({
      url: `${receiver.url}/hooks`,
      description: "Intake sheet",
      events: ["call.ended"],
      filters: { case_types: ["auto_accident", "slip_and_fall"] },
      headers: { "X-Firm": "hale-ortiz" },
      auth: { type: "bearer" },
      retry: { schedule: [10, 60, 600] },
      success: { status_codes: [200, 202] },
    });

    // Send a test and see the result inline.
    const before = receiver.requests.length;
    await page.getByLabel("Event type").selectOption("call.ended");
    await page.getByRole("button", { name: "Send test" }).click();
    const result = page.getByTestId("test-result");
    await result.getByText("Delivered").waitFor();
    expect(await result.textContent()).toContain("HTTP 200");
    expect(receiver.requests.length).toBe(before + 1);
    expect(receiver.requests.at(-1)?.headers.authorization).toBe("Bearer tok_intake_123");

    // The attempt in the inspector: request headers and body, response status and body.
    await result.getByRole("link", { name: "Inspect this delivery" }).click();
    const inspector = page.locator("section.inspector");
    await inspector.getByTestId("attempt").first().waitFor();
    expect(await inspector.getByTestId("response-status").first().textContent()).toBe("200");
    expect(await inspector.textContent()).toContain("webhook-signature");
    expect(await inspector.textContent()).toContain('"received": true');
    expect(await inspector.textContent()).toContain("call_7Hq2mX9kT4");
    await inspector.screenshot({ path: join(SCREENSHOTS, "delivery-inspector.png") });

    // Reveal, then rotate the secret.
    await page.getByRole("button", { name: "Reveal secret" }).click();
    await expect.poll(() => page.getByTestId("secret-value").textContent()).toBe(created);
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByRole("button", { name: "Yes, rotate" }).click();
    await page.getByText(/Secret rotated/).waitFor();
    const rotated = (await page.getByTestId("secret-value").textContent()) ?? "";
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(created);
    const secret = await sb.call("GET", `/v1/webhooks/${webhookId}/secret`, { key: tenant.key });
    expect(secret.body.secret).toBe(rotated);
    expect(secret.body.previous_secret).toBe(created);

    await inPage(page, "window.scrollTo(0, 0)");
    await shot(page, "webhook-detail");
    expect(errors).toEqual([]);
  });

  it("a failing delivery is retried from the inspector once the receiver recovers", async () => {
    const { page, errors } = await open();
    await signIn(page, tenant.key);
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.getByRole("link", { name: "New webhook" }).click();
    await page.getByLabel("Endpoint URL").fill(`${receiver.url}/failing`);
    await page.getByLabel("Description").fill("Case tracker (flaky)");
    await page.getByLabel("Only the events I pick").check();
    await page.getByRole("checkbox", { name: /Every case event/ }).check();
    await page.getByText("Advanced", { exact: true }).click();
    await page.getByLabel("Max attempts").fill("1");
    await page.getByRole("button", { name: "Create webhook" }).click();
    await page.getByText("Webhook created").waitFor();
    failingId = new URL(page.url()).pathname.split("/").pop() ?? "";

    const example = (await sb.call("GET", "/v1/event-types/case.created", { key: tenant.key })).body.example;
    const event = await sb.call("POST", "/v1/events", {
      key: tenant.key,
      body: { type: "case.created", data: example },
    });
    expect(event.status).toBe(202);
    const delivery = await eventually(async () => {
      const list = await sb.call("GET", `/v1/webhooks/${failingId}/deliveries?status=failed`, {
        key: tenant.key,
      });
      return list.body.data[0] as { id: string } | undefined;
    });

    await page.getByLabel("Status", { exact: true }).selectOption("failed");
    const row = page.locator("tr", { hasText: event.body.id });
    await row.getByRole("link", { name: /Inspect/ }).click();
    const inspector = page.locator("section.inspector");
    await inspector.getByTestId("attempt").first().waitFor();
    expect(await inspector.getByTestId("inspector-status").textContent()).toContain("Failed");
    expect(await inspector.getByTestId("response-status").first().textContent()).toBe("500");
    expect(await inspector.textContent()).toContain("intake system unavailable");
    await inspector.screenshot({ path: join(SCREENSHOTS, "delivery-failed.png") });

    failing = false;
    await inspector.getByRole("button", { name: "Retry now" }).click();
    await expect
      .poll(() => inspector.getByTestId("inspector-status").textContent(), { timeout: 20_000 })
      .toContain("Succeeded");
    expect(await inspector.getByTestId("attempt").count()).toBe(2);
    expect(await inspector.getByTestId("response-status").first().textContent()).toBe("200");
    const after = await sb.call("GET", `/v1/deliveries/${delivery.id}`, { key: tenant.key });
    expect(after.body.status).toBe("succeeded");

    // Replay finds nothing left to resend.
    await page.getByRole("button", { name: "Replay failed" }).click();
    await page.getByText("No failed deliveries since then.").waitFor();
    expect(errors).toEqual([]);
  });

  it("the webhooks list shows health, 24 h statistics and the last delivery", async () => {
    const { page, errors } = await open();
    await signIn(page, tenant.key);
    const table = page.locator("table.webhook-table");
    await table.waitFor();
    const first = table.locator("tr", { hasText: "Intake sheet" });
    await first.getByText("Healthy").waitFor();
    // The page also loads the volume charts: on a loaded machine the cells take more than a second.
    await expect
      .poll(() => first.locator('td[data-label="Success (24 h)"]').textContent(), { timeout: 15_000 })
      .toBe("100%");
    expect(await first.locator('td[data-label="Deliveries (24 h)"]').textContent()).toBe("1");
    expect(await first.locator('td[data-label="Events"]').textContent()).toBe("call.ended");
    const flaky = table.locator("tr", { hasText: "Case tracker" });
    await expect.poll(() => flaky.locator('td[data-label="Success (24 h)"]').textContent()).toBe("100%");
    expect(await flaky.locator('td[data-label="Last delivery"]').textContent()).not.toBe("Never");
    await shot(page, "webhooks");
    expect(errors).toEqual([]);
  });

  it("edits a webhook without touching its stored credentials, and disables and enables it", async () => {
    const { page, errors } = await open();
    await signIn(page, tenant.key);
    await page.getByRole("link", { name: `${receiver.url}/hooks` }).click();
    await page.getByRole("link", { name: "Edit", exact: true }).click();
    await page.getByRole("heading", { name: "Edit webhook" }).waitFor();
    // Credentials come back masked: the form keeps them unless asked to change them.
    await page.getByRole("button", { name: "Change credentials" }).waitFor();
    await page.getByLabel("Description").fill("Intake sheet (v2)");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Changes saved.").waitFor();
    await page.getByText("Intake sheet (v2)").waitFor();

    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByRole("button", { name: "Enable" }).waitFor();
    expect((await sb.call("GET", `/v1/webhooks/${webhookId}`, { key: tenant.key })).body.enabled).toBe(false);
    await page.getByRole("button", { name: "Enable" }).click();
    await page.getByRole("button", { name: "Disable" }).waitFor();

    const stored = await sb.call("GET", `/v1/webhooks/${webhookId}`, { key: tenant.key });
    expect(stored.body).toMatchObject({
      description: "Intake sheet (v2)",
      enabled: true,
      auth: { type: "bearer" },
    });
    const test = await sb.call("POST", `/v1/webhooks/${webhookId}/test`, { key: tenant.key, body: {} });
    expect(test.body.succeeded).toBe(true);
    expect(receiver.requests.at(-1)?.headers.authorization).toBe("Bearer tok_intake_123");
    expect(errors).toEqual([]);
  });

  it("pages through recent deliveries", async () => {
    const example = (await sb.call("GET", "/v1/event-types/case.updated", { key: tenant.key })).body.example;
    const batch = await sb.call("POST", "/v1/events/batch", {
      key: tenant.key,
      body: { events: Array.from({ length: 25 }, () => ({ type: "case.updated", data: example })) },
    });
    expect(batch.status).toBe(202);
    const { page, errors } = await open();
    await signIn(page, tenant.key);
    await page.goto(`${sb.url}/webhooks/${failingId}`);
    const table = page.locator("table.deliveries-table");
    await table.waitFor();
    await expect.poll(() => table.locator("tbody tr").count()).toBe(20);
    await page.getByRole("button", { name: "Older →" }).click();
    await page.getByText("Page 2").waitFor();
    await expect.poll(() => table.locator("tbody tr").count()).toBe(6);
    await page.getByRole("button", { name: "← Newer" }).click();
    await page.getByText("Page 1").waitFor();
    await page.getByLabel("Status", { exact: true }).selectOption("cancelled");
    await page.getByText("No cancelled deliveries").waitFor();
    expect(errors).toEqual([]);
  });

  it("a destination the server refuses shows its reason next to the URL field", async () => {
    const { page, errors } = await open();
    await signIn(page, tenant.key);
    await page.getByRole("link", { name: "New webhook" }).click();
    await page.getByLabel("Endpoint URL").fill("http://intake:secret@127.0.0.1:9/hooks");
    await page.getByRole("button", { name: "Create webhook" }).click();
    const message = page.locator("#wh-url-error");
    await message.waitFor();
    expect(await message.textContent()).toMatch(/credential|user/i);
    // Focus moves in the frame after the error renders.
    await page.waitForFunction("document.activeElement?.id === 'wh-url'", undefined, { timeout: 5_000 });
    expect(errors.filter((e) => !/Failed to load resource.*422/.test(e))).toEqual([]);
  });

  it("the event catalog lists every type with its schema and example", async () => {
    const { page, errors } = await open();
    await signIn(page, tenant.key);
    await page.getByRole("link", { name: "Event catalog" }).click();
    await page.getByRole("heading", { name: "Event catalog" }).waitFor();
    const catalog = await sb.call("GET", "/v1/event-types", { key: tenant.key });
    expect(await page.locator("article.event-type").count()).toBe(catalog.body.data.length);
    const ended = page.locator('[id="type-call.ended"]');
    await ended.getByText("Schema and example").click();
    await ended.getByText("Schema of data").waitFor();
    expect(await ended.textContent()).toContain("call_7Hq2mX9kT4");
    await inPage(page, "window.scrollTo(0, 0)");
    await shot(page, "event-catalog");
    expect(errors).toEqual([]);
  });

  it("renders the list and a webhook at 390 px without horizontal scrolling", async () => {
    const { page, errors } = await open(PHONE);
    await signIn(page, tenant.key);
    const table = page.locator("table.webhook-table");
    await table.waitFor();
    await table.getByText("Healthy").first().waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    await shot(page, "webhooks-mobile", true);

    await page.getByRole("link", { name: `${receiver.url}/hooks` }).click();
    await page.getByRole("heading", { name: "Recent deliveries" }).waitFor();
    await page
      .getByRole("link", { name: /Inspect delivery/ })
      .first()
      .click();
    await page.locator("section.inspector").getByTestId("attempt").first().waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    await page
      .locator("section.inspector")
      .screenshot({ path: join(SCREENSHOTS, "delivery-inspector-mobile.png") });

    await page.goto(`${sb.url}/webhooks/${webhookId}/edit`);
    await page.getByRole("heading", { name: "Edit webhook" }).waitFor();
    expect(await page.getByLabel("Endpoint URL").inputValue()).toBe(`${receiver.url}/hooks`);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(errors).toEqual([]);
  });

  it("creates an email destination through the form, emails an event over SMTP and inspects the reply", async () => {
    const { page, errors } = await open();
    await signIn(page, tenant.key);
    await page.getByRole("link", { name: "Destinations", exact: true }).click();
    await page.getByRole("heading", { name: "Destinations" }).waitFor();
    await page.getByText("No destinations yet").waitFor();
    await page.getByRole("link", { name: "New email destination" }).first().click();
    await page.getByRole("heading", { name: "New email destination" }).waitFor();

    await page.getByLabel("SMTP host").fill("127.0.0.1");
    await page.getByLabel(/^Port/).fill(String(mail.port));
    // Plain SMTP to loopback: accepted because the test server allows private targets.
    await page.getByLabel("Security", { exact: true }).selectOption("none");
    await page.getByLabel("From", { exact: true }).fill("switchboard@hale-ortiz.example");
    await page.getByLabel("To", { exact: true }).fill("intake@hale-ortiz.example, front desk");
    await page.getByLabel(/Subject template/).fill("Call {{ data.call_id }} ended");
    await page.getByLabel("Description").fill("Intake inbox");
    await page.getByLabel("Only the events I pick").check();
    await page.locator('input[value="call.ended"]').check();

    // The server refuses the second recipient; its reason shows next to the To field.
    await page.getByRole("button", { name: "Create destination" }).click();
    const message = page.locator("#dst-to-error");
    await message.waitFor();
    expect(await message.textContent()).toContain('"front desk" is not an email address');
    await page.waitForFunction("document.activeElement?.id === 'dst-to'", undefined, { timeout: 5_000 });
    await page.locator("#dst-to").screenshot({ path: join(SCREENSHOTS, "destination-form-error.png") });

    await page
      .getByLabel("To", { exact: true })
      .fill("intake@hale-ortiz.example, paralegal@hale-ortiz.example");
    await page.getByRole("button", { name: "Create destination" }).click();
    await page.getByText("Email destination created").waitFor();
    const destinationId = new URL(page.url()).pathname.split("/").pop() ?? "";
    expect(destinationId).toMatch(/^dst_/);
    const stored = await sb.call("GET", `/v1/destinations/${destinationId}`, { key: tenant.key });
    expect(stored.body).toMatchObject({
      kind: "email",
      description: "Intake inbox",
      events: ["call.ended"],
      email: {
        smtp: { host: "127.0.0.1", port: mail.port, security: "none", username: null, password: null },
        from: "switchboard@hale-ortiz.example",
        to: ["intake@hale-ortiz.example", "paralegal@hale-ortiz.example"],
        subject: "Call {{ data.call_id }} ended",
      },
    });

    const event = await sb.call("POST", "/v1/events", {
      key: tenant.key,
      body: { type: "call.ended", data: { call_id: "call_1", direction: "inbound", duration: 5 } },
    });
    expect(event.status).toBe(202);
    await eventually(async () => {
      const list = await sb.call("GET", `/v1/destinations/${destinationId}/deliveries?status=succeeded`, {
        key: tenant.key,
      });
      return list.body.data[0] as { id: string } | undefined;
    });

    // The delivery on the destination's page, then its attempt in the inspector: SMTP, reply 250.
    const deliveries = page.locator('section[aria-labelledby="deliveries-title"]');
    await deliveries.getByRole("button", { name: "Refresh" }).click();
    const row = page.locator("table.deliveries-table tr", { hasText: event.body.id });
    await row.getByText("Succeeded").waitFor();
    expect(await row.locator('td[data-label="Last answer"]').textContent()).toBe("SMTP 250");
    await row.getByRole("link", { name: /Inspect/ }).click();
    const inspector = page.locator("section.inspector");
    await inspector.getByTestId("attempt").first().waitFor();
    expect(await inspector.getByTestId("response-status").first().textContent()).toBe("250");
    const text = (await inspector.textContent()) ?? "";
    expect(text).toContain(`SMTP smtp://127.0.0.1:${mail.port}`);
    expect(text).toContain("Call call_1 ended");
    expect(text).toContain("Mail server reply");
    await inspector.screenshot({ path: join(SCREENSHOTS, "destination-inspector.png") });

    // The mail server received the email.
    expect(mail.messages).toHaveLength(1);
    const received = mail.messages[0]!;
    expect(received.subject).toBe("Call call_1 ended");
    expect(received.from?.text).toContain("switchboard@hale-ortiz.example");
    const to = Array.isArray(received.to) ? received.to.map((a) => a.text).join(", ") : received.to?.text;
    expect(to).toContain("intake@hale-ortiz.example");
    expect(to).toContain("paralegal@hale-ortiz.example");
    expect(received.text).toContain("call_1");

    await inPage(page, "window.scrollTo(0, 0)");
    await shot(page, "destination-detail");

    // Disable, enable, then delete it from its page.
    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByRole("button", { name: "Enable" }).click();
    await page.getByRole("button", { name: "Disable" }).waitFor();
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await page.getByText("No destinations yet").waitFor();
    expect((await sb.call("GET", `/v1/destinations/${destinationId}`, { key: tenant.key })).status).toBe(404);
    expect(errors.filter((e) => !/Failed to load resource.*422/.test(e))).toEqual([]);
  });

  it("is keyboard reachable: Tab reaches the sign-in field and Enter submits", async () => {
    const { page, errors } = await open();
    await page.goto(sb.url);
    await page.getByLabel("API key").waitFor();
    let focused = "";
    for (let i = 0; i < 5 && focused !== "api-key"; i++) {
      await page.keyboard.press("Tab");
      focused = await inPage<string>(page, "document.activeElement?.id ?? ''");
    }
    expect(focused).toBe("api-key");
    await page.keyboard.type(tenant.key);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    expect(errors).toEqual([]);
  });
});
