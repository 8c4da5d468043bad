import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

type Tenant = { id: string; key: string };

function callEnded(callId: string, over: Record<string, unknown> = {}) {
  return {
    type: "call.ended",
    data: {
      call_id: callId,
      direction: "inbound",
      from_number: "+13125550187",
      to_number: "+18885550123",
      campaign_id: "cmp_chicago_auto",
      customer: { name: "Maria Delgado", phone: "+13125550187" },
      summary: "Rear-ended on I-90.",
      ...over,
    },
  };
}

describe.each(storeKinds())("intake from calls on %s", (kind) => {
  let sb: TestServer;
  beforeAll(async () => {
    sb = await startTestServer(kind);
  });
  afterAll(async () => {
    await sb?.stop();
  });

  async function intakeTenant(): Promise<Tenant> {
    const firm = await sb.tenant();
    const on = await sb.call("PATCH", "/v1/settings/records", {
      key: firm.key,
      body: { intake_from_calls: true },
    });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    return firm;
  }

  async function send(firm: Tenant, event: unknown) {
    const res = await sb.call("POST", "/v1/events", { key: firm.key, body: event });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body;
  }

  /** Waits until every intake job of the tenant has finished; answers them. */
  async function intakeJobsDone(firm: Tenant) {
    for (let i = 0; i < 200; i++) {
      const jobs = (await sb.call("GET", "/v1/jobs?limit=200", { key: firm.key })).body.data as Array<{
        kind: string;
        state: string;
        last_error: string | null;
      }>;
      const intake = jobs.filter((j) => j.kind === "intake");
      if (intake.every((j) => j.state === "succeeded" || j.state === "failed")) return intake;
      await sleep(50);
    }
    throw new Error("intake jobs did not finish");
  }

  async function list(firm: Tenant, path: string) {
    return (await sb.call("GET", path, { key: firm.key })).body.data as Array<Record<string, unknown>>;
  }

  it("turns an unknown caller into a lead client and a case linked to the call, with their events", async () => {
    const firm = await intakeTenant();
    await sb.call("PUT", "/v1/settings/case-types", {
      key: firm.key,
      body: {
        case_types: [
          {
            key: "auto_accident",
            label: "Auto",
            statuses: [{ key: "intake_review", label: "Review", substatuses: [] }],
          },
        ],
      },
    });
    await send(firm, callEnded("call_unknown_1"));
    const jobs = await intakeJobsDone(firm);
    expect(jobs.map((j) => [j.state, j.last_error])).toEqual([["succeeded", null]]);

    const clients = await list(firm, "/v1/clients");
    expect(clients).toHaveLength(1);
    expect(clients[0]).toMatchObject({
      first_name: "Maria",
      last_name: "Delgado",
      phones: [{ number: "+13125550187", type: "other" }],
      source: "call",
    });
    const cases = await list(firm, "/v1/cases");
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      client_id: clients[0]?.id,
      call_id: "call_unknown_1",
      case_type: "auto_accident",
      status: "intake_review",
      campaign_id: "cmp_chicago_auto",
      description: "Rear-ended on I-90.",
      source: "call",
    });
    const created = await list(firm, "/v1/events?type=client.created");
    expect(created.map((e) => (e.data as Record<string, unknown>).change_source)).toEqual(["api"]);
    const caseCreated = await list(firm, "/v1/events?type=case.created");
    expect(caseCreated.map((e) => (e.data as Record<string, unknown>).call_id)).toEqual(["call_unknown_1"]);
  });

  it("links a known caller's call to the existing client (any stored format of the number)", async () => {
    const firm = await intakeTenant();
    const client = await sb.call("POST", "/v1/clients", {
      key: firm.key,
      body: { first_name: "Known", phones: [{ number: "(312) 555-0187" }] },
    });
    await send(firm, callEnded("call_known_1", { customer: { name: "Someone Else" } }));
    await intakeJobsDone(firm);
    expect((await list(firm, "/v1/clients")).map((c) => c.id)).toEqual([client.body.id]);
    const cases = await list(firm, "/v1/cases");
    expect(cases).toHaveLength(1);
    // No vocabulary: the call's own case type (none here) and the default status.
    expect(cases[0]).toMatchObject({
      client_id: client.body.id,
      call_id: "call_known_1",
      status: "new_lead",
    });
  });

  it("opens one case per call however often the call is sent, and one client per number", async () => {
    const firm = await intakeTenant();
    await send(firm, callEnded("call_twice"));
    await send(firm, callEnded("call_twice"));
    const batch = await sb.call("POST", "/v1/events/batch", {
      key: firm.key,
      body: { events: [callEnded("call_twice"), callEnded("call_second")] },
    });
    expect(batch.status).toBe(202);
    await intakeJobsDone(firm);
    await send(firm, callEnded("call_twice"));
    await intakeJobsDone(firm);
    const cases = await list(firm, "/v1/cases");
    expect(cases.map((c) => c.call_id).sort()).toEqual(["call_second", "call_twice"]);
    expect(await list(firm, "/v1/clients")).toHaveLength(1);
    expect(await list(firm, "/v1/events?type=case.created")).toHaveLength(2);
  });

  it("does nothing when intake is off (the default), for outbound calls, or without a usable number", async () => {
    const off = await sb.tenant();
    await send(off, callEnded("call_off"));
    const on = await intakeTenant();
    await send(on, callEnded("call_out", { direction: "outbound" }));
    await send(on, callEnded("call_anon", { from_number: "anonymous", customer: {} }));
    await send(on, {
      type: "call.started",
      data: { call_id: "call_started", direction: "inbound", from_number: "+13125550111" },
    });
    // Give the runner time to have picked up anything that was (wrongly) enqueued.
    await sleep(400);
    for (const firm of [off, on]) {
      expect(await intakeJobsDone(firm)).toEqual([]);
      expect(await list(firm, "/v1/clients")).toEqual([]);
      expect(await list(firm, "/v1/cases")).toEqual([]);
    }
  });

  it("never links a call to another tenant's client", async () => {
    const other = await sb.tenant();
    await sb.call("POST", "/v1/clients", { key: other.key, body: { phones: [{ number: "+13125550187" }] } });
    const firm = await intakeTenant();
    await send(firm, callEnded("call_isolated"));
    await intakeJobsDone(firm);
    const clients = await list(firm, "/v1/clients");
    expect(clients).toHaveLength(1);
    expect((await list(firm, "/v1/cases"))[0]?.client_id).toBe(clients[0]?.id);
    expect(await list(other, "/v1/cases")).toEqual([]);
  });
});
