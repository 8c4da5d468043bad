/**
 * The new-webhook preset gallery in a real browser (Chromium, SQLite): picking a preset fills the
 * form, the created webhook carries the preset's settings, and a test send shows the service's
 * answer. Skipped, with the reason printed, where /usr/bin/chromium is missing.
 */

import { createHmac } from "node:crypto";
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
import { Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

warnWithoutChromium("webhook presets");

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!hasChromium)("webhook preset gallery (Chromium)", () => {
  let sb: TestServer;
  let receiver: Receiver;
  let browser: Browser;
  let tenant: { id: string; key: string };
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    // Answers like Slack's incoming webhooks: 200 with the text "ok".
    receiver = await Receiver.start((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("ok");
    });
    sb = await startTestServer("sqlite");
    tenant = await sb.tenant("Hale & Ortiz Injury Law");
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await sb?.stop();
    await receiver?.close();
  });

  async function open(viewport = DESKTOP): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return { page, errors: pageErrors(page) };
  }

  async function newWebhookPage(page: Page): Promise<void> {
    await page.goto(sb.url);
    await page.getByLabel("API key").fill(tenant.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.getByRole("link", { name: "New webhook" }).click();
    await page.getByRole("heading", { name: "Start from a preset" }).waitFor();
  }

  const inPage = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;

  it("Slack: the gallery fills the form, the webhook is created and a test send shows Slack's answer", async () => {
    const { page, errors } = await open();
    await newWebhookPage(page);
    const gallery = page.getByRole("list", { name: "Presets" });
    for (const title of ["Slack", "Microsoft Teams", "Google Sheets", "Zapier", "Make", "HubSpot"]) {
      await gallery.getByRole("button", { name: new RegExp(`^${title}`) }).waitFor();
    }
    await page.locator('section[aria-labelledby="section-start-from-a-preset"]').screenshot({
      path: join(SCREENSHOTS, "webhook-preset-gallery.png"),
    });

    await gallery.getByRole("button", { name: /^Slack/ }).click();
    expect(await gallery.getByRole("button", { name: /^Slack/ }).getAttribute("aria-pressed")).toBe("true");
    const url = page.getByLabel("Endpoint URL");
    expect(await url.getAttribute("placeholder")).toContain("hooks.slack.com");
    await page
      .getByText(/Incoming Webhooks/)
      .first()
      .waitFor();
    expect(await page.getByLabel("Template", { exact: true }).inputValue()).toBe("fields");
    expect(await page.getByLabel("Field mapping").inputValue()).toContain('"text"');
    expect(await page.getByLabel(/Status codes/).inputValue()).toBe("200");

    await url.fill(`${receiver.url}/services/T000/B000/XXXX`);
    await page.getByRole("button", { name: "Create webhook" }).click();
    await page.getByText("Webhook created").waitFor();
    const id = new URL(page.url()).pathname.split("/").pop() ?? "";
    const stored = await sb.call("GET", `/v1/webhooks/${id}`, { key: tenant.key });
    expect(stored.body).toMatchObject({
      description: "Slack",
      method: "POST",
      body: { format: "json", template: { text: expect.stringContaining("{{ event }}") } },
      success: { status_codes: [200] },
    });

    const before = receiver.requests.length;
    await page.getByLabel("Event type").selectOption("call.ended");
    await page.getByRole("button", { name: "Send test" }).click();
    const result = page.getByTestId("test-result");
    await result.getByText("Delivered").waitFor();
    expect(await result.textContent()).toContain("HTTP 200");
    expect(receiver.requests.length).toBe(before + 1);
    const sent = JSON.parse(receiver.requests.at(-1)?.body ?? "{}") as { text: string };
    expect(sent.text).toContain("call.ended");
    expect(sent.text).toContain("Maria Delgado");
    expect(errors).toEqual([]);
  }, 120_000);

  it("Kaisa: Kaisa's macros and default body, the signature option, and back to blank", async () => {
    const { page, errors } = await open();
    await newWebhookPage(page);
    const gallery = page.getByRole("list", { name: "Presets" });
    await gallery.getByRole("button", { name: /^Kaisa/ }).click();
    expect(await page.getByLabel("Macros").inputValue()).toBe("kaisa");
    expect(await page.getByLabel("Body format").inputValue()).toBe("form");
    expect(await page.getByLabel("Template text").inputValue()).toMatch(
      /^event_type=\{event_type\}&id=\{id\}/,
    );
    expect(await page.getByLabel("Retries").inputValue()).toBe("every_30m_for_7d");
    // The preview renders Kaisa's formats from the catalog example (call.ended: post-call).
    const preview = page.getByTestId("template-preview");
    await expect.poll(() => preview.textContent()).toContain("event_type=0&id=call_7Hq2mX9kT4");
    expect(await preview.textContent()).toContain("start=2025-06-10%2014%3A02%3A11");
    expect(await preview.textContent()).toContain("answered=1");

    // "Blank" starts over; picking Kaisa again restores its settings.
    await gallery.getByRole("button", { name: /^Blank/ }).click();
    expect(await page.getByLabel("Macros").inputValue()).toBe("standard");
    expect(await page.getByLabel("Template", { exact: true }).inputValue()).toBe("none");
    await gallery.getByRole("button", { name: /^Kaisa/ }).click();

    await page.getByLabel(/Kaisa signature/).check();
    await page.getByLabel("Endpoint URL").fill(`${receiver.url}/kaisa`);
    await page.getByRole("button", { name: "Create webhook" }).click();
    await page.getByText("Webhook created").waitFor();
    const secret = (await page.getByTestId("new-secret").textContent()) ?? "";
    const id = new URL(page.url()).pathname.split("/").pop() ?? "";
    const stored = await sb.call("GET", `/v1/webhooks/${id}`, { key: tenant.key });
    expect(stored.body).toMatchObject({
      events: ["call.pre_connect", "call.ended", "message.received"],
      body: { format: "form", macros: "kaisa", sign: true },
      retry: { preset: "every_30m_for_7d" },
    });

    await page.getByLabel("Event type").selectOption("call.ended");
    await page.getByRole("button", { name: "Send test" }).click();
    await page.getByTestId("test-result").getByText("Delivered").waitFor();
    const form = new URLSearchParams(receiver.requests.at(-1)?.body ?? "");
    const data = form.get("data") ?? "";
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    expect(form.get("sign")).toBe(createHmac("sha256", key).update(data).digest("hex"));
    const fields = new URLSearchParams(data);
    expect(fields.get("event_type")).toBe("0");
    expect(fields.get("answered")).toBe("1");
    expect(fields.get("start")).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(errors).toEqual([]);
  }, 120_000);

  it("the gallery fits a phone screen", async () => {
    const { page, errors } = await open(PHONE);
    await newWebhookPage(page);
    await page
      .getByRole("list", { name: "Presets" })
      .getByRole("button", { name: /^HubSpot/ })
      .click();
    expect(await page.getByLabel("Endpoint URL").inputValue()).toBe(
      "https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert",
    );
    expect(await page.getByLabel("Authentication").inputValue()).toBe("bearer");
    const overflow = await inPage<number>(
      page,
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, "webhook-preset-gallery-phone.png") });
    expect(errors).toEqual([]);
  }, 120_000);
});
