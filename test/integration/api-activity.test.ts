import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetMonth } from "../../src/domain/enrichment/budget.js";
import { generateId } from "../../src/domain/ids.js";
import { recordAttempt } from "../helpers/attempts.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe.each(storeKinds())("chart series on %s", (kind) => {
  let sb: TestServer;
  let tenant: { id: string; key: string };

  beforeAll(async () => {
    sb = await startTestServer(kind);
    tenant = await sb.tenant("Hale & Ortiz Injury Law");
  });
  afterAll(async () => {
    await sb?.stop();
  });

  const get = (path: string, key = tenant.key) => sb.call("GET", path, { key });
  const webhook = async (url: string) =>
    (await sb.call("POST", "/v1/webhooks", { key: tenant.key, body: { url } })).body.id as string;

  it("counts a webhook's attempts per minute by outcome, with latency p50 / p95 of the answered ones", async () => {
    const id = await webhook("https://hooks.example.com/activity");
    const store = sb.server.store;
    // Two hours ago: a closed minute, read from the roll-up. Now: the open minute, read raw.
    const closed = Math.floor((Date.now() - 2 * HOUR) / MINUTE) * MINUTE;
    for (const ms of [100, 200, 300])
      await recordAttempt(store, tenant.id, id, closed + 5_000, { status: 200, succeeded: true, ms });
    await recordAttempt(store, tenant.id, id, closed + 6_000, { status: 500, succeeded: false, ms: 400 });
    await recordAttempt(store, tenant.id, id, closed + 7_000, { status: null, succeeded: false, ms: 15_000 });
    await recordAttempt(store, tenant.id, id, Date.now(), { status: 204, succeeded: true, ms: 42 });

    for (const pass of ["rolls up", "reads the roll-up"]) {
      const answer = await get(`/v1/webhooks/${id}/activity`);
      expect(answer.status, pass).toBe(200);
      expect(answer.body.step_s).toBe(60);
      expect(answer.body.points).toHaveLength(24 * 60);
      expect(Date.parse(answer.body.until) - Date.parse(answer.body.from)).toBe(24 * HOUR);
      const at = (ms: number) =>
        answer.body.points.find((p: { at: string }) => Date.parse(p.at) === Math.floor(ms / MINUTE) * MINUTE);
      expect(at(closed), pass).toEqual({
        at: new Date(closed).toISOString(),
        succeeded: 3,
        failed: 1,
        errored: 1,
        p50_ms: 200,
        p95_ms: 400,
      });
      expect(answer.body.points.at(-1)).toMatchObject({ succeeded: 1, failed: 0, errored: 0, p50_ms: 42 });
      const total = answer.body.points.reduce(
        (sum: number, p: { succeeded: number; failed: number; errored: number }) =>
          sum + p.succeeded + p.failed + p.errored,
        0,
      );
      expect(total, pass).toBe(6);
    }

    const hour = await get(`/v1/webhooks/${id}/activity?hours=1`);
    expect(hour.body.points).toHaveLength(60);
    expect(at0(hour.body.points)).toBe(1);
  });

  it("refuses another tenant's webhook and a window past a day", async () => {
    const id = await webhook("https://hooks.example.com/private");
    const other = await sb.tenant("Another Firm");
    expect((await get(`/v1/webhooks/${id}/activity`, other.key)).status).toBe(404);
    expect((await get(`/v1/webhooks/${id}/activity?hours=25`)).status).toBe(422);
    expect((await get(`/v1/webhooks/${id}/activity?hours=0`)).status).toBe(422);
  });

  it("gives the tenant's volume and failure rate by webhook per hour, busiest first", async () => {
    const own = await sb.tenant("Volume Firm");
    const make = async (url: string) =>
      (await sb.call("POST", "/v1/webhooks", { key: own.key, body: { url } })).body.id as string;
    const busy = await make("https://hooks.example.com/busy");
    const quiet = await make("https://hooks.example.com/quiet");
    await make("https://hooks.example.com/idle");
    const store = sb.server.store;
    const threeHoursAgo = Date.now() - 3 * HOUR;
    for (let i = 0; i < 3; i++)
      await recordAttempt(store, own.id, busy, threeHoursAgo, { status: 200, succeeded: true, ms: 10 });
    await recordAttempt(store, own.id, busy, threeHoursAgo, { status: 503, succeeded: false, ms: 10 });
    await recordAttempt(store, own.id, quiet, Date.now(), { status: null, succeeded: false, ms: 10 });

    const answer = await get("/v1/webhooks/volumes", own.key);
    expect(answer.status).toBe(200);
    expect(answer.body.step_s).toBe(3600);
    expect(answer.body.data.map((w: { webhook_id: string }) => w.webhook_id)).toEqual([busy, quiet]);
    const [first, second] = answer.body.data;
    expect(first).toMatchObject({
      url: "https://hooks.example.com/busy",
      attempts: 4,
      failed: 1,
      failure_rate: 0.25,
    });
    expect(first.points).toHaveLength(24);
    const hourOf = (ms: number) => new Date(Math.floor(ms / HOUR) * HOUR).toISOString();
    expect(first.points.find((p: { at: string }) => p.at === hourOf(threeHoursAgo))).toEqual({
      at: hourOf(threeHoursAgo),
      attempts: 4,
      failed: 1,
    });
    expect(second).toMatchObject({ attempts: 1, failed: 1, failure_rate: 1 });
    expect(second.points.at(-1)).toMatchObject({ attempts: 1, failed: 1 });

    // Another tenant sees none of it.
    expect(
      (await get("/v1/webhooks/volumes")).body.data.map((w: { webhook_id: string }) => w.webhook_id),
    ).not.toContain(busy);
  });

  it("gives enrichment spend per day by provider in the firm's days, zeros included", async () => {
    const created = await sb.call("POST", "/v1/tenants", {
      key: "sk_admin_test_0123456789abcdef",
      body: { name: "Pacific Firm", timezone: "America/Los_Angeles" },
    });
    const tenantId = created.body.id as string;
    const { key } = (
      await sb.call("POST", `/v1/tenants/${tenantId}/keys`, { key: "sk_admin_test_0123456789abcdef" })
    ).body;
    const store = sb.server.store;
    const unlimited = { monthlyBudget: null, maxCostPerLookup: null };
    const spend = async (provider: string, at: number, micros: number) => {
      const run = generateId("enr_");
      const lookup = await store.enrichment.reserveLookup(
        tenantId,
        run,
        provider,
        budgetMonth(at, "America/Los_Angeles"),
        micros,
        unlimited,
        at,
      );
      await store.enrichment.settleLookup(lookup.id, "found", micros, null, null, at);
    };
    const now = Date.now();
    await spend("pdl", now, 280_000);
    await spend("pdl", now, 280_000);
    await spend("trestle", now, 70_000);
    await spend("pdl", now - 2 * 24 * HOUR, 100_000);
    await spend("pdl", now - 40 * 24 * HOUR, 999_000);

    const answer = await sb.call("GET", "/v1/enrichment/spend?days=7", { key });
    expect(answer.status).toBe(200);
    expect(answer.body.time_zone).toBe("America/Los_Angeles");
    expect(answer.body.providers).toEqual(["pdl", "trestle"]);
    expect(answer.body.days).toHaveLength(7);
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Los_Angeles" }).format(now);
    expect(answer.body.days.at(-1)).toEqual({
      date: today,
      by_provider: { pdl: 0.56, trestle: 0.07 },
      total: 0.63,
    });
    expect(answer.body.days.at(-3)).toMatchObject({ by_provider: { pdl: 0.1 }, total: 0.1 });
    expect(answer.body.days.at(-2)).toMatchObject({ by_provider: {}, total: 0 });
    const total = answer.body.days.reduce((sum: number, d: { total: number }) => sum + d.total, 0);
    expect(Math.round(total * 100) / 100).toBe(0.73);
    expect((await sb.call("GET", "/v1/enrichment/spend?days=91", { key })).status).toBe(422);
  });
});

/** Attempts in the last point of a series. */
function at0(points: Array<{ succeeded: number; failed: number; errored: number }>): number {
  const last = points.at(-1);
  return last ? last.succeeded + last.failed + last.errored : 0;
}
