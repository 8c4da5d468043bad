import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as JSON.
type Json = Record<string, any>;

describe.each(storeKinds())("record timelines on %s", (kind) => {
  let sb: TestServer;
  let receiver: Receiver;
  let other: { id: string; key: string };
  beforeAll(async () => {
    sb = await startTestServer(kind);
    receiver = await Receiver.start();
    other = await sb.tenant("Other Firm");
  });
  afterAll(async () => {
    await sb?.stop();
    await receiver?.close();
  });

  async function call(
    method: string,
    path: string,
    key: string,
    body?: unknown,
    status = 200,
  ): Promise<Json> {
    const res = await sb.call(method, path, { key, ...(body === undefined ? {} : { body }) });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  }

  async function post(key: string, type: string, data: Json): Promise<string> {
    return (await call("POST", "/v1/events", key, { type, data }, 202)).id;
  }

  async function timeline(path: string, key: string, limit = 200): Promise<Json[]> {
    const entries: Json[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : "";
      const page = await call("GET", `${path}?limit=${limit}${query}`, key);
      entries.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    return entries;
  }

  /** Waits until every delivery on the timeline has been attempted (the receiver answers 200). */
  async function settled(path: string, key: string): Promise<Json[]> {
    for (let i = 0; i < 100; i++) {
      const entries = await timeline(path, key);
      const deliveries = entries.flatMap((e) => e.deliveries);
      if (deliveries.length > 0 && deliveries.every((d: Json) => d.status === "succeeded")) return entries;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("deliveries did not settle");
  }

  it("shows a client's changes, its cases' events and calls from its number, with their deliveries", async () => {
    const t = await sb.tenant("Timeline Firm");
    const hook = await call("POST", "/v1/webhooks", t.key, { url: `${receiver.url}/timeline` }, 201);
    const client = await call(
      "POST",
      "/v1/clients",
      t.key,
      { first_name: "Maria", phones: [{ number: "(312) 555-0187" }, { number: "+13125550199" }] },
      201,
    );
    const someoneElse = await call(
      "POST",
      "/v1/clients",
      t.key,
      { phones: [{ number: "+13125550100" }] },
      201,
    );
    const patched = await call("PATCH", `/v1/clients/${client.id}`, t.key, { last_name: "Delgado" });
    const theCase = await call("POST", "/v1/cases", t.key, { client_id: client.id, title: "Fall" }, 201);
    const inbound = await post(t.key, "call.ended", {
      call_id: "call_in1",
      direction: "inbound",
      from_number: "+13125550187",
      to_number: "+18885550123",
    });
    const outbound = await post(t.key, "call.started", {
      call_id: "call_out1",
      direction: "outbound",
      from_number: "+18885550123",
      to_number: "+13125550199",
    });
    const named = await post(t.key, "call.analyzed", {
      call_id: "call_x",
      client_id: client.id,
      case_id: theCase.id,
    });
    // Not about this client: another client's number, and the firm's own number calling out to someone else.
    await post(t.key, "call.ended", { call_id: "call_o", direction: "inbound", from_number: "+13125550100" });
    await post(t.key, "call.ended", {
      call_id: "call_o2",
      direction: "outbound",
      from_number: "+13125550187",
      to_number: "+13125550100",
    });

    const entries = await settled(`/v1/clients/${client.id}/timeline`, t.key);
    expect(entries.map((e) => [e.kind, e.event.type])).toEqual([
      ["event", "call.analyzed"],
      ["event", "call.started"],
      ["event", "call.ended"],
      ["event", "case.created"],
      ["change", "client.updated"],
      ["change", "client.created"],
    ]);
    expect(entries.map((e) => e.event.id).slice(0, 3)).toEqual([named, outbound, inbound]);
    const updated = entries[4];
    expect(updated).toMatchObject({
      change_source: "api",
      changes: { last_name: { old: null, new: "Delgado" } },
      event: { data: { client_id: client.id, version: patched.version } },
    });
    expect(updated?.at).toBe(updated?.event.occurred_at);
    for (const entry of entries) {
      expect(entry.deliveries).toEqual([
        { id: expect.stringMatching(/^dlv_/), webhook_id: hook.id, status: "succeeded", attempts: 1 },
      ]);
    }
    expect(entries[2]?.change_source).toBeUndefined();
    const others = await timeline(`/v1/clients/${someoneElse.id}/timeline`, t.key);
    expect(others.map((e) => e.event.type)).toEqual(["call.ended", "call.ended", "client.created"]);

    const caseEntries = await timeline(`/v1/cases/${theCase.id}/timeline`, t.key);
    expect(caseEntries.map((e) => [e.kind, e.event.type])).toEqual([
      ["event", "call.analyzed"],
      ["change", "case.created"],
    ]);
  });

  it("pages newest first with cursors and limits up to 200", async () => {
    const t = await sb.tenant("Paging Firm");
    const client = await call("POST", "/v1/clients", t.key, { phones: [{ number: "+13125550142" }] }, 201);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(await post(t.key, "call.ended", { call_id: `call_${i}`, from_number: "+13125550142" }));
      await call("PATCH", `/v1/clients/${client.id}`, t.key, { first_name: `Name ${i}` });
    }
    const all = await timeline(`/v1/clients/${client.id}/timeline`, t.key);
    expect(all).toHaveLength(15);
    const paged = await timeline(`/v1/clients/${client.id}/timeline`, t.key, 2);
    expect(paged.map((e) => e.event.id)).toEqual(all.map((e) => e.event.id));
    const sorted = [...paged.map((e) => e.event.id)].sort().reverse();
    expect(paged.map((e) => e.event.id)).toEqual(sorted);
    expect(paged.filter((e) => e.event.type === "call.ended").map((e) => e.event.id)).toEqual(
      [...ids].reverse(),
    );
    const first = await call("GET", `/v1/clients/${client.id}/timeline?limit=4`, t.key);
    expect(first.data).toHaveLength(4);
    expect(first.next_cursor).toBe(first.data[3].event.id);
    expect((await sb.call("GET", `/v1/clients/${client.id}/timeline?limit=201`, { key: t.key })).status).toBe(
      422,
    );
    expect((await sb.call("GET", `/v1/clients/${client.id}/timeline?limit=0`, { key: t.key })).status).toBe(
      422,
    );
  });

  it("keeps the merged history on the survivor and answers 404 for other tenants' and unknown records", async () => {
    const t = await sb.tenant("Merge Timeline Firm");
    const target = await call("POST", "/v1/clients", t.key, { first_name: "Ana" }, 201);
    const source = await call("POST", "/v1/clients", t.key, { phones: [{ number: "+13125550177" }] }, 201);
    const theCase = await call("POST", "/v1/cases", t.key, { client_id: source.id }, 201);
    await post(t.key, "call.ended", { call_id: "call_m", direction: "inbound", from_number: "+13125550177" });
    await call("POST", `/v1/clients/${target.id}/merge`, t.key, { from: [source.id] });
    const entries = await timeline(`/v1/clients/${target.id}/timeline`, t.key);
    expect(entries.map((e) => [e.kind, e.event.type])).toEqual([
      ["change", "client.merged"],
      ["change", "client.updated"],
      ["event", "case.updated"],
      // The source's call, found now by the number the survivor took over.
      ["event", "call.ended"],
      ["change", "client.created"],
    ]);
    expect(entries[0]?.event.data).toMatchObject({
      surviving_client_id: target.id,
      merged_client_ids: [source.id],
    });
    const caseEntries = await timeline(`/v1/cases/${theCase.id}/timeline`, t.key);
    expect(caseEntries.map((e) => e.event.type)).toEqual(["case.updated", "case.created"]);
    expect(caseEntries[0]?.changes).toEqual({ client_id: { old: source.id, new: target.id } });

    for (const path of [`/v1/clients/${target.id}/timeline`, `/v1/cases/${theCase.id}/timeline`]) {
      const res = await sb.call("GET", path, { key: other.key });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect((await sb.call("GET", `/v1/clients/${source.id}/timeline`, { key: t.key })).status).toBe(404);
    expect((await sb.call("GET", "/v1/cases/cas_nothing/timeline", { key: t.key })).status).toBe(404);
  });
});
