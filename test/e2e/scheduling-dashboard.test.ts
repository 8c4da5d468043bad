import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CalcomFake, startCalcomFake } from "../../fakes/calcom.js";
import { hasChromium, launchChromium, SCREENSHOTS, warnWithoutChromium } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

warnWithoutChromium("scheduling dashboard");

/** The tests provoke 404, 409 and 422 on purpose; the browser logs each. */
const unexpected = (errors: string[]) =>
  errors.filter(
    (e) => !/Failed to load resource: the server responded with a status of (404|409|422)/.test(e),
  );

describe.skipIf(!hasChromium)("scheduling dashboard (Chromium)", { timeout: 60_000 }, () => {
  let sb: TestServer;
  let fake: CalcomFake;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tenant: { id: string; key: string };
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    sb = await startTestServer("sqlite");
    fake = await startCalcomFake();
    tenant = await sb.tenant("Hale & Ortiz Injury Law");
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
    page.on("dialog", (dialog) => void dialog.accept());
  }, 180_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await fake?.close();
    await sb?.stop();
  });

  const card = () => page.getByRole("region", { name: "Scheduling" });
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it("opens Integrations from the nav; a wrong key shows Cal.com's reason and stays not connected", async () => {
    await page.goto(sb.url);
    await page.getByLabel("API key").fill(tenant.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" }).click();
    await page.getByRole("heading", { name: "Integrations" }).waitFor();
    await card().getByText("Not connected").waitFor();
    await card().getByLabel("Cal.com API key").fill("cal_live_wrong");
    await card().getByLabel("Self-hosted Cal.com URL").fill(fake.url);
    await card().getByRole("button", { name: "Connect" }).click();
    await card().getByRole("alert").filter({ hasText: "Invalid API Key" }).waitFor();
    expect(await card().getByText("Not connected").isVisible()).toBe(true);
  });

  it("connects with the right key: a green Connected badge and the account", async () => {
    await card().getByLabel("Cal.com API key").fill(fake.apiKey);
    await card().getByRole("button", { name: "Connect" }).click();
    const badge = card().locator(".badge-succeeded", { hasText: "Connected" });
    await badge.waitFor();
    await card().getByText("Hartwell Law Intake").waitFor();
    expect(await card().textContent()).not.toContain(fake.apiKey);
    expect(fake.webhooks).toHaveLength(1);
  });

  it("adds an agent: an unknown event type is refused with Cal.com's message, a known one saved", async () => {
    await card().getByLabel("New agent id").fill("agt_ava");
    await card().getByLabel("Event type id for agt_ava").fill("999");
    await card().getByRole("button", { name: "Add agent" }).click();
    await card().getByRole("alert").filter({ hasText: "Event type with id=999 not found" }).waitFor();
    await card().getByLabel("Event type id for agt_ava").fill("1001");
    await card().getByRole("button", { name: "Add agent" }).click();
    await card().getByRole("cell", { name: "agt_ava", exact: true }).waitFor();
    await card().getByText("Free consultation").waitFor();
    const saved = await sb.call("GET", "/v1/scheduling/agents", { key: tenant.key });
    expect(saved.body.data).toEqual([expect.objectContaining({ agent_id: "agt_ava", event_type_id: 1001 })]);
  });

  it("finds open slots for the agent in the company's zone", async () => {
    await card().getByLabel("Agent id", { exact: true }).fill("agt_ava");
    await card().getByRole("button", { name: "Find open slots" }).click();
    await card()
      .getByText(/\d+ open slots \(UTC\)/)
      .waitFor();
    expect(await card().locator(".slot-list time").count()).toBeGreaterThan(0);
  });

  it("shows a booking made during a call under upcoming bookings", async () => {
    const slots = await sb.call("GET", "/v1/scheduling/availability?agent_id=agt_ava", { key: tenant.key });
    const booked = await sb.call("POST", "/v1/scheduling/bookings", {
      key: tenant.key,
      body: {
        agent_id: "agt_ava",
        start: slots.body.data[0].start,
        attendee: { name: "Maria Delgado", phone: "+13125550187" },
        call_id: "call_e2e",
      },
    });
    expect(booked.status).toBe(201);
    await card().getByRole("button", { name: "Refresh" }).click();
    await card()
      .getByRole("cell", { name: /Maria Delgado/ })
      .waitFor();
    await shot("integrations-scheduling");
  });

  it("disconnects: back to Not connected and Cal.com's webhook removed", async () => {
    await card().getByRole("button", { name: "Disconnect" }).click();
    await card().getByText("Not connected").waitFor();
    expect(fake.webhooks).toHaveLength(0);
    expect(unexpected(errors)).toEqual([]);
  });
});
