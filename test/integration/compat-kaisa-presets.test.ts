import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ReceivedRequest, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const CALL = {
  call_id: "call_kaisa_1",
  direction: "inbound",
  from_number: "+13125550187",
  to_number: "+18885550123",
  started_at: "2025-06-10T14:02:11.480Z",
  duration: 412,
  answered: true,
  client_id: "cli_5Jc3Xp8D",
  summary: "Rear-ended on I-90.",
};

/**
 * What a receiver written for Kaisa's signature option does: take the `data` field as sent,
 * HMAC-SHA256 it with the secret's decoded bytes, compare with `sign` in constant time, and only
 * then parse the data. Returns the verified data text, or null.
 */
function verifyKaisaSign(secret: string, data: string | null, sign: string | null): string | null {
  if (data === null || sign === null || !/^[0-9a-f]{64}$/.test(sign)) return null;
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(data, "utf8").digest();
  return timingSafeEqual(expected, Buffer.from(sign, "hex")) ? data : null;
}

/** Answers like each service does, so the presets' success rules are exercised for real. */
function serviceAnswer(request: ReceivedRequest, response: import("node:http").ServerResponse): void {
  const path = request.url.split("?")[0];
  if (path === "/slack") response.writeHead(200, { "content-type": "text/plain" }).end("ok");
  else if (path === "/teams") response.writeHead(202).end();
  else if (path === "/sheets")
    response.writeHead(302, { location: "https://script.googleusercontent.com/macros/echo?x" }).end();
  else if (path === "/zapier")
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ status: "success", id: "z1", request_id: "r1" }));
  else if (path === "/zapier-down")
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "error" }));
  else if (path === "/make") response.writeHead(200, { "content-type": "text/plain" }).end("Accepted");
  else if (path === "/crm/v3/objects/contacts/batch/upsert")
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ status: "COMPLETE", results: [{ id: "101", properties: {} }] }));
  else response.writeHead(200).end("ok");
}

describe.each(storeKinds())("Kaisa macros, sign and destination presets on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  let receiver: Receiver;

  beforeAll(async () => {
    sb = await startTestServer(kind);
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
    receiver = await Receiver.start(serviceAnswer);
  });
  afterEach(async () => {
    await receiver?.close();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  async function create(body: Record<string, unknown>) {
    const created = await sb.call("POST", "/v1/webhooks", { key, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as {
      id: string;
      secret: string;
      method: string;
      events: string[];
      body: Record<string, unknown>;
      success: Record<string, unknown>;
      retry: Record<string, unknown>;
    };
  }

  async function deliver(type: string, data: Record<string, unknown>): Promise<ReceivedRequest> {
    const before = receiver.requests.length;
    const sent = await sb.call("POST", "/v1/events", { key, body: { type, data } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    await receiver.waitFor(before + 1);
    return receiver.requests[before] as ReceivedRequest;
  }

  async function testSend(id: string, eventType: string) {
    const res = await sb.call("POST", `/v1/webhooks/${id}/test`, { key, body: { event_type: eventType } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as {
      event_id: string;
      succeeded: boolean;
      attempt: { request: { body: string | null }; response: { status: number } | null };
    };
  }

  it("lists the presets and every Kaisa macro with its meaning and source", async () => {
    const res = await sb.call("GET", "/v1/webhook-presets", { key });
    expect(res.status).toBe(200);
    const names = (res.body.data as Array<{ name: string }>).map((p) => p.name);
    expect(names).toEqual(["slack", "teams", "google_sheets", "zapier", "make", "hubspot", "kaisa"]);
    const macros = res.body.kaisa_macros as Array<{ macro: string; meaning: string; source: string }>;
    for (const name of [
      "event_type",
      "answered",
      "start",
      "id",
      "fsid",
      "custnr",
      "from_nr_area",
      "channel",
      "publisher_id",
      "referrer",
      "url",
      "details",
      "end_nr",
    ]) {
      const macro = macros.find((m) => m.macro === name);
      expect(macro?.meaning, name).toBeTruthy();
      expect(macro?.source, name).toBeTruthy();
    }
  });

  it("the kaisa preset sends Kaisa's default form body in Kaisa's formats", async () => {
    const webhook = await create({ url: `${receiver.url}/kaisa`, preset: "kaisa" });
    expect(webhook.body).toMatchObject({ format: "form", macros: "kaisa" });
    expect(webhook.retry).toEqual({ preset: "every_30m_for_7d" });
    expect(webhook.events).toEqual(["call.pre_connect", "call.ended", "message.received"]);

    const post = await deliver("call.ended", CALL);
    expect(post.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(post.body))).toEqual({
      event_type: "0",
      id: "call_kaisa_1",
      fsid: "",
      custnr: "cli_5Jc3Xp8D",
      from_nr: "+13125550187",
      from_nr_area: "312",
      to_nr: "+18885550123",
      end_nr: "+18885550123",
      start: "2025-06-10 14:02:11",
      duration: "412",
      answered: "1",
      channel: "",
      publisher_id: "",
      referrer: "",
      url: "",
      details: "Rear-ended on I-90.",
    });

    const pre = await deliver("call.pre_connect", { call_id: "call_kaisa_2", from_number: "+13125550187" });
    expect(new URLSearchParams(pre.body).get("event_type")).toBe("2");
    const sms = await deliver("sms.received", {
      message_id: "msg_k1",
      channel: "sms",
      from_number: "+13125550187",
    });
    expect(new URLSearchParams(sms.body).get("event_type")).toBe("1");
    expect(new URLSearchParams(sms.body).get("id")).toBe("msg_k1");
  });

  it("sign: form data in `data`, its HMAC in `sign`, verified like a receiver does", async () => {
    const webhook = await create({ url: `${receiver.url}/kaisa`, preset: "kaisa", body: { sign: true } });
    expect(webhook.body).toMatchObject({ format: "form", macros: "kaisa", sign: true });
    const request = await deliver("call.ended", CALL);
    const form = new URLSearchParams(request.body);
    expect([...form.keys()]).toEqual(["data", "sign"]);
    const data = verifyKaisaSign(webhook.secret, form.get("data"), form.get("sign"));
    expect(data).not.toBeNull();
    const fields = new URLSearchParams(data ?? "");
    expect(fields.get("id")).toBe("call_kaisa_1");
    expect(fields.get("answered")).toBe("1");
    // A tampered payload or another secret does not verify.
    expect(
      verifyKaisaSign(webhook.secret, form.get("data")?.replace("412", "413") ?? "", form.get("sign")),
    ).toBeNull();
    const other = await create({ url: `${receiver.url}/other` });
    expect(verifyKaisaSign(other.secret, form.get("data"), form.get("sign"))).toBeNull();
  });

  it("sign on a JSON body: {data: <the JSON text>, sign}", async () => {
    const webhook = await create({
      url: `${receiver.url}/kaisa-json`,
      events: ["call.ended"],
      body: {
        format: "json",
        template: { type: "{event_type}", answered: "{answered}", start: "{start}" },
        macros: "kaisa",
        sign: true,
      },
    });
    const request = await deliver("call.ended", CALL);
    expect(request.headers["content-type"]).toBe("application/json");
    const outer = JSON.parse(request.body) as { data: string; sign: string };
    const data = verifyKaisaSign(webhook.secret, outer.data, outer.sign);
    expect(JSON.parse(data ?? "null")).toEqual({ type: 0, answered: 1, start: "2025-06-10 14:02:11" });
  });

  it("refuses a template that does not compile under Kaisa macros, and a preset on PATCH", async () => {
    const bad = await sb.call("POST", "/v1/webhooks", {
      key,
      body: {
        url: `${receiver.url}/x`,
        body: { format: "form", template: "a={start}&b={{ x", macros: "kaisa" },
      },
    });
    expect(bad.status).toBe(422);
    const webhook = await create({ url: `${receiver.url}/x` });
    const patched = await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, { key, body: { preset: "slack" } });
    expect(patched.status).toBe(422);
    const unknown = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/x`, preset: "myspace" },
    });
    expect(unknown.status).toBe(422);
  });

  it("slack: a text message, success on Slack's 200 ok", async () => {
    const webhook = await create({ url: `${receiver.url}/slack`, preset: "slack" });
    const result = await testSend(webhook.id, "call.ended");
    expect(result.succeeded).toBe(true);
    const body = JSON.parse(result.attempt.request.body ?? "{}") as { text: string };
    expect(Object.keys(body)).toEqual(["text"]);
    expect(body.text).toContain("call.ended");
    expect(body.text).toContain("Maria Delgado");
  });

  it("teams: an Adaptive Card message, success on the workflow's 202", async () => {
    const webhook = await create({ url: `${receiver.url}/teams`, preset: "teams" });
    const result = await testSend(webhook.id, "call.ended");
    expect(result.succeeded).toBe(true);
    expect(result.attempt.response?.status).toBe(202);
    const body = JSON.parse(result.attempt.request.body ?? "{}");
    expect(body.type).toBe("message");
    expect(body.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(body.attachments[0].content.type).toBe("AdaptiveCard");
    expect(body.attachments[0].content.body[0].text).toContain("call.ended");
  });

  it("google_sheets: one flat row, success on Apps Script's 302", async () => {
    const webhook = await create({ url: `${receiver.url}/sheets`, preset: "google_sheets" });
    const result = await testSend(webhook.id, "call.ended");
    expect(result.succeeded).toBe(true);
    const row = JSON.parse(result.attempt.request.body ?? "{}");
    expect(row).toMatchObject({ event: "call.ended", call_id: "call_7Hq2mX9kT4", duration: 412 });
    expect(Object.values(row).every((v) => v === null || typeof v !== "object")).toBe(true);
  });

  it("zapier and make: the whole envelope; Zapier's answer must say success", async () => {
    const zap = await create({ url: `${receiver.url}/zapier`, preset: "zapier" });
    const zapped = await testSend(zap.id, "call.ended");
    expect(zapped.succeeded).toBe(true);
    expect(JSON.parse(zapped.attempt.request.body ?? "{}")).toMatchObject({
      type: "call.ended",
      event: "call.ended",
    });
    const down = await create({ url: `${receiver.url}/zapier-down`, preset: "zapier" });
    expect((await testSend(down.id, "call.ended")).succeeded).toBe(false);
    const scenario = await create({ url: `${receiver.url}/make`, preset: "make" });
    expect((await testSend(scenario.id, "call.ended")).succeeded).toBe(true);
  });

  it("hubspot: upserts a contact by email from lead.created with the token as bearer", async () => {
    const refused = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/crm/v3/objects/contacts/batch/upsert`, preset: "hubspot" },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.path).toBe("/body/auth");
    const webhook = await create({
      url: `${receiver.url}/crm/v3/objects/contacts/batch/upsert`,
      preset: "hubspot",
      auth: { type: "bearer", token: "pat-na1-00000000-0000-0000-0000-000000000000" },
    });
    expect(webhook.events).toEqual(["lead.created"]);
    const result = await testSend(webhook.id, "lead.created");
    expect(result.succeeded).toBe(true);
    const sent = receiver.requests.find((r) => r.headers["webhook-id"] === result.event_id);
    expect(sent?.headers.authorization).toBe("Bearer pat-na1-00000000-0000-0000-0000-000000000000");
    expect(JSON.parse(sent?.body ?? "{}")).toEqual({
      inputs: [
        {
          idProperty: "email",
          id: "djackson@example.com",
          properties: {
            email: "djackson@example.com",
            firstname: "Darnell",
            lastname: "Jackson",
            phone: "+17135550199",
          },
        },
      ],
    });
    // A lead delivered for real goes the same way.
    const lead = await deliver("lead.created", {
      lead_id: "lead_k1",
      customer: { name: "Ana María de la Cruz", email: "ana@example.com" },
    });
    expect(JSON.parse(lead.body).inputs[0].properties).toEqual({
      email: "ana@example.com",
      firstname: "Ana",
      lastname: "María de la Cruz",
      phone: null,
    });
  });
});
