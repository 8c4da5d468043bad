/**
 * The embeddable portal in a real browser (Debian's Chromium): a link from
 * POST /v1/portal/sessions opens one tenant's webhooks and deliveries and nothing else, and stops
 * working when the session ends. With UPDATE_SCREENSHOTS=1 its screenshot lands in
 * docs/screenshots/portal.png (shown in the README).
 */
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PORTAL_KEY_PURPOSE } from "../../src/api/auth.js";
import { signPortalToken } from "../../src/domain/portal-token.js";
import { parseMasterKey, SecretCipher } from "../../src/secrets/cipher.js";
import {
  hasChromium,
  launchChromium,
  pageErrors,
  SCREENSHOTS,
  warnWithoutChromium,
} from "../helpers/browser.js";
import { eventually, Receiver } from "../helpers/receiver.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";

warnWithoutChromium("portal");

describe.skipIf(!hasChromium)("embeddable portal (Chromium)", () => {
  let sb: TestServer;
  let receiver: Receiver;
  let browser: Browser;
  let firm: { id: string; key: string };
  let other: { id: string; key: string };
  let failingId: string;
  let otherWebhookId: string;
  let eventId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    receiver = await Receiver.start((request, response) => {
      const failing = request.url?.startsWith("/failing");
      response.writeHead(failing ? 500 : 200, { "content-type": "application/json" });
      response.end(failing ? '{"error":"intake down"}' : '{"received":true}');
    });
    sb = await startTestServer("sqlite");
    firm = await sb.tenant("Hale & Ortiz Injury Law");
    other = await sb.tenant("Another Firm");
    const failing = await sb.call("POST", "/v1/webhooks", {
      key: firm.key,
      body: { url: `${receiver.url}/failing`, description: "Intake (down)", retry: { max_attempts: 1 } },
    });
    failingId = failing.body.id;
    await sb.call("POST", "/v1/webhooks", {
      key: firm.key,
      body: { url: `${receiver.url}/crm`, description: "Case tracker" },
    });
    otherWebhookId = (
      await sb.call("POST", "/v1/webhooks", {
        key: other.key,
        body: { url: `${receiver.url}/other-firm`, description: "Other firm's hook" },
      })
    ).body.id;
    const example = (await sb.call("GET", "/v1/event-types/call.ended", { key: firm.key })).body.example;
    eventId = (
      await sb.call("POST", "/v1/events", { key: firm.key, body: { type: "call.ended", data: example } })
    ).body.id;
    await eventually(async () => {
      const list = await sb.call("GET", `/v1/webhooks/${failingId}/deliveries?status=failed`, {
        key: firm.key,
      });
      return list.body.data[0];
    });
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await sb?.stop();
    await receiver?.close();
  });

  async function open(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return { page, errors: pageErrors(page) };
  }

  it("a portal link opens the firm's webhooks and deliveries, and nothing else", async () => {
    const session = await sb.call("POST", "/v1/portal/sessions", {
      key: ADMIN_KEY,
      headers: { "switchboard-tenant": firm.id },
    });
    expect(session.status).toBe(201);
    const { page, errors } = await open();
    await page.goto(session.body.url);
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    // The token leaves the address bar (and so the history) at once.
    expect(page.url()).toBe(`${sb.url}/`);
    await page.getByRole("link", { name: `${receiver.url}/crm` }).waitFor();
    expect(await page.getByText("Other firm's hook").count()).toBe(0);
    // No way elsewhere: no main navigation, no sign-out into a key form.
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);
    for (const name of ["Clients", "Cases", "Destinations", "Integrations", "Settings"]) {
      expect(await page.getByRole("link", { name }).count(), name).toBe(0);
    }
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    await page.getByText("Session ends").waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "portal.png") });

    // The webhook's deliveries can be read, not retried or replayed.
    await page.getByRole("link", { name: `${receiver.url}/failing` }).click();
    await page.getByRole("heading", { name: "Recent deliveries" }).waitFor();
    const row = page.locator("tr", { hasText: eventId });
    await row.getByRole("link", { name: /Inspect/ }).click();
    const inspector = page.locator("section.inspector");
    await inspector.getByTestId("attempt").first().waitFor();
    expect(await inspector.textContent()).toContain("intake down");
    expect(await page.getByRole("button", { name: /Retry/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Replay failed" }).count()).toBe(0);

    // Other pages of the dashboard are not there, and another firm's webhook is not found.
    await page.goto(`${sb.url}/clients`);
    await page.getByText("Not available here").waitFor();
    await page.goto(`${sb.url}/webhooks/${otherWebhookId}`);
    await page
      .getByText(/not found/i)
      .first()
      .waitFor();
    expect(await page.getByText("Other firm's hook").count()).toBe(0);
    expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
  });

  it("a session that ends while open, or a link opened too late, shows that, not the firm's data", async () => {
    const cipher = new SecretCipher(parseMasterKey(sb.config.masterKey ?? ""));
    const sign = (ms: number) =>
      signPortalToken(cipher.deriveKey(PORTAL_KEY_PURPOSE), firm.id, Date.now() + ms);
    // Long enough for the page to load on a busy machine before it ends.
    const lifetime = 25_000;
    const ends = Date.now() + lifetime;
    const token = sign(lifetime);
    const { page } = await open();
    await page.goto(`${sb.url}/portal#token=${token}`);
    await page.getByRole("link", { name: `${receiver.url}/crm` }).waitFor({ timeout: lifetime });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ends - Date.now()) + 200));
    await page.reload();
    await page.getByText("This session has ended").waitFor();
    expect(await page.getByText(`${receiver.url}/crm`).count()).toBe(0);
    expect(await page.getByLabel("API key").count()).toBe(0);

    const late = await open();
    await late.page.goto(`${sb.url}/portal#token=${sign(-1000)}`);
    await late.page.getByText("This session has ended").waitFor();
    expect(await late.page.getByText(`${receiver.url}/crm`).count()).toBe(0);
  }, 120_000);
});
