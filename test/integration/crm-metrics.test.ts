import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LawRulerFake, startLawRulerFake } from "../../fakes/lawruler.js";
import { LAWRULER_MAPPINGS } from "../helpers/crm.js";
import { eventually } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const PROMTOOL = "/usr/bin/promtool";

/** A sample's value by its series (`name{labels}` with labels in prom-client's order), or undefined. */
function sample(metrics: string, series: string): number | undefined {
  for (const line of metrics.split("\n"))
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  return undefined;
}

async function promtool(metrics: string): Promise<void> {
  if (!existsSync(PROMTOOL)) return;
  const child = execFile(PROMTOOL, ["check", "metrics"]);
  const output = new Promise<{ code: number | null; text: string }>((resolve) => {
    let text = "";
    child.stdout?.on("data", (chunk) => (text += chunk));
    child.stderr?.on("data", (chunk) => (text += chunk));
    child.on("close", (code) => resolve({ code, text }));
  });
  child.stdin?.end(metrics);
  const { code, text } = await output;
  expect(text.trim(), "promtool check metrics").toBe("");
  expect(code).toBe(0);
}

describe.each(storeKinds())("CRM metrics on %s", (kind) => {
  let sb: TestServer;
  let fake: LawRulerFake;

  beforeAll(async () => {
    sb = await startTestServer(kind);
    fake = await startLawRulerFake();
  });
  afterAll(async () => {
    await sb?.stop();
    await fake?.close();
  });

  it("counts pushes and pulls by outcome and reports each connection's sync lag", {
    timeout: 120_000,
  }, async () => {
    const { key } = await sb.tenant();
    const call = (method: string, path: string, body?: unknown) => sb.call(method, path, { key, body });
    const created = await call("POST", "/v1/crm/connections", {
      provider: "lawruler",
      base_url: fake.url,
      credentials: { ...fake.credentials },
      settings: { direction: "both", frequency: "daily", initial_sync: "none" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await call("PUT", `/v1/crm/connections/${id}/mappings`, LAWRULER_MAPPINGS)).status).toBe(200);
    const scrape = async () => (await fetch(`${sb.url}/metrics`)).text();
    const labels = (outcome: string) => `{connection="${id}",provider="lawruler",outcome="${outcome}"}`;

    // A new case is pushed (created in LawRuler).
    const client = await call("POST", "/v1/clients", { first_name: "Rosa", last_name: "Parks" });
    await call("POST", "/v1/cases", { client_id: client.body.id, description: "Bus stop fall" });
    await eventually(async () =>
      (await scrape()).includes(`switchboard_crm_pushes_total${labels("created")}`) ? true : undefined,
    );
    const lead = [...fake.records.leads.values()][0];
    expect(lead).toBeDefined();

    // Edited in LawRuler, then read by a sync: one record applied, and the lag is reported.
    fake.records.edit(lead?.LeadId as number, { Summary: "Fell at the bus stop" });
    const sync = await call("POST", `/v1/crm/connections/${id}/sync`, {});
    expect(sync.status).toBe(202);
    const metrics = await eventually(async () => {
      const text = await scrape();
      return sample(text, `switchboard_crm_pulls_total${labels("applied")}`) === 1 ? text : undefined;
    });
    expect(sample(metrics, `switchboard_crm_pushes_total${labels("created")}`)).toBe(1);
    const lag = sample(metrics, `switchboard_crm_sync_lag_seconds{connection="${id}",provider="lawruler"}`);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(60);
    expect(metrics).toContain("# TYPE switchboard_crm_conflicts_total counter");
    await promtool(metrics);
  });
});
