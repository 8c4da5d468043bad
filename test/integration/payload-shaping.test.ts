import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, type ReceivedRequest, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const CALL = {
  call_id: "call_7Hq2mX9kT4",
  direction: "inbound",
  from_number: "+13125550187",
  to_number: "+18885550123",
  started_at: "2025-06-10T14:02:11Z",
  ended_at: "2025-06-10T14:09:03Z",
  duration: 412,
  answered: true,
  lead_score: "hot",
  customer: { name: "Maria Delgado", phone: "+13125550187" },
};

describe.each(storeKinds())("payload shaping, methods and auth on %s", (kind) => {
  let sb: TestServer;
  let receiver: Receiver;
  let key: string;
  let n = 0;

  beforeAll(async () => {
    sb = await startTestServer(kind);
    receiver = await Receiver.start();
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
  });
  afterAll(async () => {
    await sb?.stop();
    await receiver?.close();
  });

  /** A webhook with its own receiver path; returns it and that path. */
  async function createWebhook(body: Record<string, unknown>) {
    const path = `/p${++n}`;
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}${path}`, events: ["call.ended"], ...body },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { webhook: created.body as { id: string; secret: string }, path };
  }

  async function send(data: Record<string, unknown> = CALL): Promise<string> {
    const sent = await sb.call("POST", "/v1/events", { key, body: { type: "call.ended", data } });
    expect(sent.status).toBe(202);
    return sent.body.id as string;
  }

  function requestAt(path: string): Promise<ReceivedRequest> {
    return eventually(async () =>
      receiver.requests.find((r) => r.url === path || r.url.startsWith(`${path}?`)),
    );
  }

  /** The event's (only) delivery once it finished, with its attempts. */
  // biome-ignore lint/suspicious/noExplicitAny: API answers are read as JSON.
  async function finishedDelivery(eventId: string): Promise<any> {
    return eventually(async () => {
      const event = await sb.call("GET", `/v1/events/${eventId}`, { key });
      const delivery = event.body.deliveries?.[0];
      if (!delivery || delivery.status === "pending") return null;
      return (await sb.call("GET", `/v1/deliveries/${delivery.id}`, { key })).body;
    });
  }

  describe("methods", () => {
    it("GET sends the template's fields as the query string, with no body", async () => {
      const { path } = await createWebhook({
        method: "GET",
        body: {
          format: "json",
          template: { caller: "{from_nr}", secs: "{duration}", who: "{customer_name}" },
        },
      });
      const eventId = await send();
      const request = await requestAt(path);
      expect(request.method).toBe("GET");
      expect(request.body).toBe("");
      const query = new URL(request.url, receiver.url).searchParams;
      expect(Object.fromEntries(query)).toEqual({
        caller: "+13125550187",
        secs: "412",
        who: "Maria Delgado",
      });
      expect(request.headers["webhook-id"]).toBe(eventId);
      const delivery = await finishedDelivery(eventId);
      expect(delivery.status).toBe("succeeded");
      expect(delivery.attempts[0].request.method).toBe("GET");
      expect(delivery.attempts[0].request.url).toContain("caller=%2B13125550187");
    });

    it("GET without a template sends the envelope and data fields", async () => {
      const { path } = await createWebhook({ method: "GET" });
      const eventId = await send();
      const query = new URL((await requestAt(path)).url, receiver.url).searchParams;
      expect(query.get("id")).toBe(eventId);
      expect(query.get("event")).toBe("call.ended");
      expect(query.get("from_number")).toBe("+13125550187");
      expect(query.get("duration")).toBe("412");
    });

    it("PUT and DELETE send the signed body", async () => {
      for (const method of ["PUT", "DELETE"]) {
        const { webhook, path } = await createWebhook({ method });
        const eventId = await send();
        const request = await requestAt(path);
        expect(request.method).toBe(method);
        expect(request.headers["content-type"]).toBe("application/json");
        const payload = new Webhook(webhook.secret).verify(
          request.body,
          request.headers as Record<string, string>,
        ) as { id: string };
        expect(payload.id).toBe(eventId);
      }
    });
  });

  describe("templates", () => {
    it("a JSON template keeps types and nests objects", async () => {
      const { webhook, path } = await createWebhook({
        body: {
          format: "json",
          template: {
            call: { id: "{call_id}", seconds: "{duration}", answered: "{answered}" },
            customer: "{{ data.customer }}",
            score: "{{ data.lead_score | upcase }}",
            day: "{{ data.started_at | date: '%Y-%m-%d' }}",
            fallback: "{{ data.disposition | default: 'none' }}",
            source: "switchboard",
          },
        },
      });
      await send();
      const request = await requestAt(path);
      // Still signed over exactly the bytes sent.
      new Webhook(webhook.secret).verify(request.body, request.headers as Record<string, string>);
      expect(JSON.parse(request.body)).toEqual({
        call: { id: "call_7Hq2mX9kT4", seconds: 412, answered: true },
        customer: { name: "Maria Delgado", phone: "+13125550187" },
        score: "HOT",
        day: "2025-06-10",
        fallback: "none",
        source: "switchboard",
      });
    });

    it("a form template with call-tracking macros", async () => {
      const { path } = await createWebhook({
        body: {
          format: "form",
          template: "start={start}&duration={duration}&from_nr={from_nr}&to_nr={to_nr}&answered={answered}",
        },
      });
      await send();
      const request = await requestAt(path);
      expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
      expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
        start: "2025-06-10T14:02:11Z",
        duration: "412",
        from_nr: "+13125550187",
        to_nr: "+18885550123",
        answered: "true",
      });
    });

    it("refuses a template with a syntax error with 422, the field path and the position", async () => {
      const bad = await sb.call("POST", "/v1/webhooks", {
        key,
        body: {
          url: `${receiver.url}/never`,
          body: {
            format: "json",
            template: { contact: { name: "Name:\n  {{ data.customer.name | shout }}" } },
          },
        },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details).toMatchObject({
        path: "/body/body/template/contact/name",
        line: 2,
        column: 3,
        reason: "template_syntax",
      });
      expect(bad.body.error.message).toContain("undefined filter: shout (line 2, column 3)");
      const include = await sb.call("POST", "/v1/webhooks", {
        key,
        body: { url: `${receiver.url}/never`, body: { format: "form", template: "{% include 'x' %}" } },
      });
      expect(include.status).toBe(422);
      expect(include.body.error.details.path).toBe("/body/body/template");
    });

    it("a template that fails at send time is a failed attempt with a clear render error", async () => {
      const { path } = await createWebhook({
        body: { format: "json", template: { big: "{% for i in (1..100000000) %}{{ i }}{% endfor %}" } },
      });
      const eventId = await send();
      const delivery = await finishedDelivery(eventId);
      expect(delivery.status).toBe("failed");
      expect(delivery.attempt_count).toBe(1);
      expect(delivery.last_error).toMatch(/^render: template field "big" failed to render/);
      expect(delivery.attempts[0].error.kind).toBe("render");
      expect(delivery.attempts[0].response).toBeNull();
      expect(receiver.requests.some((r) => r.url === path)).toBe(false);
      // The server is fine: the next delivery goes out.
      const ok = await createWebhook({});
      await send();
      await requestAt(ok.path);
    });
  });

  describe("auth, app key and the extra signature header", () => {
    const cases = [
      {
        name: "api_key",
        auth: { type: "api_key", header: "X-Api-Token", value: "apikey_0123456789abcdef" },
        header: "x-api-token",
        sent: "apikey_0123456789abcdef",
        secret: "apikey_0123456789abcdef",
      },
      {
        name: "basic",
        auth: { type: "basic", username: "hartwell", password: "p4ssw0rd-very-secret-123" },
        header: "authorization",
        sent: `Basic ${Buffer.from("hartwell:p4ssw0rd-very-secret-123").toString("base64")}`,
        secret: "p4ssw0rd-very-secret-123",
      },
      {
        name: "bearer",
        auth: { type: "bearer", token: "tok_live_abcdefghijklmnop" },
        header: "authorization",
        sent: "Bearer tok_live_abcdefghijklmnop",
        secret: "tok_live_abcdefghijklmnop",
      },
    ];

    for (const c of cases) {
      it(`${c.name}: the receiver gets the credential; API answers and attempt logs never show it`, async () => {
        const { webhook, path } = await createWebhook({ auth: c.auth });
        const eventId = await send();
        const request = await requestAt(path);
        expect(request.headers[c.header]).toBe(c.sent);

        const shown = await sb.call("GET", `/v1/webhooks/${webhook.id}`, { key });
        expect(shown.body.auth.type).toBe(c.name);
        expect(JSON.stringify(shown.body)).not.toContain(c.secret);
        const delivery = await finishedDelivery(eventId);
        expect(delivery.status).toBe("succeeded");
        const logged = delivery.attempts[0].request.headers;
        const loggedName = Object.keys(logged).find((h) => h.toLowerCase() === c.header) as string;
        expect(logged[loggedName]).toContain("(redacted)");
        const everything = JSON.stringify(delivery);
        expect(everything).not.toContain(c.secret);
        expect(everything).not.toContain(c.sent);
      });
    }

    it("app_key goes as X-Public-Api-Key and is masked everywhere else", async () => {
      const appKey = "app_key_0123456789abcdef";
      const { webhook, path } = await createWebhook({ app_key: appKey });
      const eventId = await send();
      expect((await requestAt(path)).headers["x-public-api-key"]).toBe(appKey);
      const shown = await sb.call("GET", `/v1/webhooks/${webhook.id}`, { key });
      expect(shown.body.app_key).not.toBe(appKey);
      expect(JSON.stringify(shown.body)).not.toContain(appKey);
      expect(JSON.stringify(await finishedDelivery(eventId))).not.toContain(appKey);
    });

    it("signature_header adds sha256=<hex HMAC of the body> with the current secret", async () => {
      const { webhook, path } = await createWebhook({
        signature_header: "X-Hub-Signature-256",
        headers: { "X-Firm": "hartwell" },
      });
      const eventId = await send();
      const request = await requestAt(path);
      const keyBytes = Buffer.from(webhook.secret.slice("whsec_".length), "base64");
      const expected = `sha256=${createHmac("sha256", keyBytes).update(request.body).digest("hex")}`;
      expect(request.headers["x-hub-signature-256"]).toBe(expected);
      expect(request.headers["x-firm"]).toBe("hartwell");
      // Standard Webhooks still verifies.
      new Webhook(webhook.secret).verify(request.body, request.headers as Record<string, string>);
      const shown = await sb.call("GET", `/v1/webhooks/${webhook.id}`, { key });
      expect(shown.body.signature_header).toBe("X-Hub-Signature-256");
      const delivery = await finishedDelivery(eventId);
      expect(delivery.attempts[0].request.headers["X-Hub-Signature-256"]).toBe("sha256=…");
    });

    it("refuses signature headers Switchboard sets itself", async () => {
      for (const name of ["webhook-signature", "Content-Length", "Authorization", "bad header"]) {
        const refused = await sb.call("POST", "/v1/webhooks", {
          key,
          body: { url: `${receiver.url}/never`, signature_header: name },
        });
        expect(refused.status, name).toBe(422);
        expect(refused.body.error.details.path).toBe("/body/signature_header");
      }
    });
  });

  it("GET /v1/event-types/{type} lists the template variables and the macros", async () => {
    const answer = await sb.call("GET", "/v1/event-types/call.ended", { key });
    expect(answer.status).toBe(200);
    expect(answer.body.variables).toEqual(expect.arrayContaining(["data.from_number", "data.duration"]));
    expect(answer.body.macros).toEqual(
      expect.arrayContaining([
        { macro: "{from_nr}", variable: "data.from_number" },
        { macro: "{to_nr}", variable: "data.to_number" },
        { macro: "{start}", variable: "data.started_at" },
        { macro: "{end}", variable: "data.ended_at" },
        { macro: "{customer_name}", variable: "data.customer.name" },
      ]),
    );
  });
});
