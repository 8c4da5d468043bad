import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { MailServer } from "../helpers/smtp.js";
import { storeKinds } from "../helpers/stores.js";

const CALL = {
  call_id: "call_7781",
  direction: "inbound",
  from_number: "+13125550143",
  duration: 312,
  answered: true,
  lead_score: "hot",
};

describe.each(storeKinds())("email destinations on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  let mail: MailServer;

  beforeAll(async () => {
    sb = await startTestServer(kind);
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
  });
  afterEach(async () => {
    await mail?.close();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  function emailSettings(extra: Record<string, unknown> = {}) {
    return {
      smtp: { host: "127.0.0.1", port: mail.port, security: "none" },
      from: "switchboard@firm.example",
      to: ["intake@firm.example"],
      ...extra,
    };
  }

  async function createDestination(body: Record<string, unknown> = {}) {
    const created = await sb.call("POST", "/v1/destinations", {
      key,
      body: { kind: "email", events: ["call.*"], email: emailSettings(), ...body },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string };
  }

  async function sendEvent(): Promise<{ eventId: string; deliveryId: string }> {
    const sent = await sb.call("POST", "/v1/events", { key, body: { type: "call.ended", data: CALL } });
    expect(sent.status).toBe(202);
    expect(sent.body.deliveries).toBe(1);
    const event = await sb.call("GET", `/v1/events/${sent.body.id}`, { key });
    return { eventId: sent.body.id, deliveryId: event.body.deliveries[0].id };
  }

  it("emails each event: subject template, Label: value lines, the JSON envelope attached", async () => {
    mail = await MailServer.start();
    const destination = await createDestination({
      email: emailSettings({
        cc: ["paralegal@firm.example"],
        subject: "New {{ event }} from {{ data.from_number }}",
      }),
    });
    const { eventId, deliveryId } = await sendEvent();
    await eventually(async () => mail.messages.length === 1 || null, 10_000);
    const message = mail.messages[0];
    expect(message?.subject).toBe("New call.ended from +13125550143");
    expect(message?.from?.text).toBe("switchboard@firm.example");
    expect(message?.cc && !Array.isArray(message.cc) ? message.cc.text : "").toBe("paralegal@firm.example");
    expect(message?.messageId).toBe(`<${eventId}.${destination.id}@switchboard>`);
    expect(message?.headers.get("x-switchboard-event-type")).toBe("call.ended");
    const lines = (message?.text ?? "").trim().split("\n");
    expect(lines).toContain("Event: call.ended");
    expect(lines).toContain(`Event ID: ${eventId}`);
    expect(lines).toContain("From Number: +13125550143");
    expect(lines).toContain("Lead Score: hot");
    expect(lines).toContain("Answered: true");
    const attachment = message?.attachments[0];
    expect(attachment?.filename).toBe("event.json");
    const envelope = JSON.parse(attachment?.content.toString("utf8") ?? "{}");
    expect(envelope).toMatchObject({ id: eventId, event: "call.ended", data: CALL });

    const delivery = await eventually(async () => {
      const d = await sb.call("GET", `/v1/deliveries/${deliveryId}`, { key });
      return d.body.status === "succeeded" ? d.body : null;
    }, 10_000);
    expect(delivery.webhook_id).toBe(destination.id);
    const [attempt] = delivery.attempts;
    expect(attempt.request.method).toBe("SMTP");
    expect(attempt.request.url).toBe(`smtp://127.0.0.1:${mail.port}`);
    expect(attempt.request.headers.subject).toBe("New call.ended from +13125550143");
    expect(attempt.request.body).toContain("From Number: +13125550143");
    expect(attempt.response.status).toBe(250);
    expect(attempt.response.body).toContain("queued as test-0");
  });

  it("retries a 451 and a 554 reply on the schedule, logging each SMTP answer, then delivers", async () => {
    mail = await MailServer.start({
      reply: (index) =>
        index === 0
          ? { code: 451, message: "Temporary local problem, try later" }
          : index === 1
            ? { code: 554, message: "Transaction failed: relay busy" }
            : null,
    });
    await createDestination({ retry: { schedule: [1, 1], max_attempts: 3 } });
    const { deliveryId } = await sendEvent();
    const delivery = await eventually(async () => {
      const d = await sb.call("GET", `/v1/deliveries/${deliveryId}`, { key });
      return d.body.status === "succeeded" ? d.body : null;
    }, 15_000);
    expect(delivery.attempt_count).toBe(3);
    expect(delivery.attempts.map((a: { response: { status: number } }) => a.response.status)).toEqual([
      451, 554, 250,
    ]);
    expect(delivery.attempts[0].succeeded).toBe(false);
    expect(delivery.attempts[0].response.body).toContain("Temporary local problem");
    expect(delivery.attempts[1].response.body).toContain("relay busy");
    expect(mail.received).toBe(3);
    expect(mail.messages).toHaveLength(1);
  });

  it("logs in with the SMTP credentials, keeps the password encrypted, never shows it", async () => {
    mail = await MailServer.start({ auth: { user: "relay", pass: "correct horse battery staple" } });
    const destination = await createDestination({
      email: emailSettings({
        smtp: {
          host: "127.0.0.1",
          port: mail.port,
          security: "none",
          username: "relay",
          password: "correct horse battery staple",
        },
      }),
    });
    const shown = await sb.call("GET", `/v1/destinations/${destination.id}`, { key });
    expect(shown.body.email.smtp.password).toBe("••••••••");
    expect(JSON.stringify(shown.body)).not.toContain("battery");
    await sendEvent();
    await eventually(async () => mail.messages.length === 1 || null, 10_000);
    expect(mail.logins).toContain("relay");

    // Renaming the subject without the password keeps the stored password.
    const patched = await sb.call("PATCH", `/v1/destinations/${destination.id}`, {
      key,
      body: {
        email: emailSettings({
          smtp: { host: "127.0.0.1", port: mail.port, security: "none", username: "relay" },
          subject: "again",
        }),
      },
    });
    expect(patched.status).toBe(200);
    await sendEvent();
    await eventually(async () => mail.messages.length === 2 || null, 10_000);
    expect(mail.messages[1]?.subject).toBe("again");

    if (kind === "sqlite") {
      const raw = readFileSync(join(sb.storage.dataDir, "switchboard.db"));
      expect(raw.includes(Buffer.from("correct horse battery staple"))).toBe(false);
    }
  });

  it("a wrong SMTP password is the server's 535 answer, recorded on the attempt", async () => {
    mail = await MailServer.start({ auth: { user: "relay", pass: "right" } });
    const destination = await createDestination({
      email: emailSettings({
        smtp: { host: "127.0.0.1", port: mail.port, security: "none", username: "relay", password: "wrong" },
      }),
    });
    const test = await sb.call("POST", `/v1/destinations/${destination.id}/test`, { key });
    expect(test.status).toBe(200);
    expect(test.body.succeeded).toBe(false);
    expect(test.body.attempt.response.status).toBe(535);
    expect(test.body.attempt.error.message).toContain("535");
  });

  it("send test delivers one example email now", async () => {
    mail = await MailServer.start();
    const destination = await createDestination();
    const test = await sb.call("POST", `/v1/destinations/${destination.id}/test`, {
      key,
      body: { event_type: "call.ended" },
    });
    expect(test.status).toBe(200);
    expect(test.body.succeeded).toBe(true);
    expect(mail.messages[0]?.subject).toContain("[Switchboard] call.ended");
  });

  it("a refused connection is an error kind and is retried", async () => {
    mail = await MailServer.start();
    const port = mail.port;
    await mail.close();
    const destination = await createDestination({
      email: emailSettings({ smtp: { host: "127.0.0.1", port, security: "none" } }),
      retry: { schedule: [60], max_attempts: 2 },
    });
    const test = await sb.call("POST", `/v1/destinations/${destination.id}/test`, { key });
    expect(test.body.attempt.error.kind).toBe("connection_refused");
    mail = await MailServer.start();
  });

  it("lists, updates, deletes; webhooks and destinations stay apart; bad input gets a 422", async () => {
    mail = await MailServer.start();
    const destination = await createDestination({ description: "intake inbox" });
    const list = await sb.call("GET", "/v1/destinations", { key });
    expect(list.body.data.map((d: { id: string }) => d.id)).toEqual([destination.id]);
    const webhooks = await sb.call("GET", "/v1/webhooks", { key });
    expect(webhooks.body.data).toEqual([]);
    expect((await sb.call("GET", `/v1/webhooks/${destination.id}`, { key })).status).toBe(422);

    const bad = [
      { kind: "email", email: { ...emailSettings(), to: ["not an address"] } },
      { kind: "email", email: { ...emailSettings(), from: "x@y.z\r\nBcc: evil@example.com" } },
      { kind: "email", email: { ...emailSettings(), subject: "{{ event " } },
      { kind: "email", email: emailSettings(), events: ["call.nope"] },
      { kind: "sms", email: emailSettings() },
      { kind: "email" },
    ];
    for (const body of bad) {
      const answer = await sb.call("POST", "/v1/destinations", { key, body });
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.error.code).toBe("validation_failed");
    }
    expect((await sb.call("GET", "/v1/destinations", { key })).body.data).toHaveLength(1);

    const disabled = await sb.call("PATCH", `/v1/destinations/${destination.id}`, {
      key,
      body: { enabled: false },
    });
    expect(disabled.body.enabled).toBe(false);
    expect((await sb.call("DELETE", `/v1/destinations/${destination.id}`, { key })).status).toBe(204);
    expect((await sb.call("GET", `/v1/destinations/${destination.id}`, { key })).status).toBe(404);
  });

  it("another tenant's destination is not found", async () => {
    mail = await MailServer.start();
    const destination = await createDestination();
    const other = await sb.tenant("Other Firm");
    for (const [method, path] of [
      ["GET", `/v1/destinations/${destination.id}`],
      ["PATCH", `/v1/destinations/${destination.id}`],
      ["DELETE", `/v1/destinations/${destination.id}`],
      ["POST", `/v1/destinations/${destination.id}/test`],
      ["GET", `/v1/destinations/${destination.id}/deliveries`],
    ] as const) {
      const answer = await sb.call(method, path, {
        key: other.key,
        ...(method === "PATCH" ? { body: {} } : {}),
      });
      expect(answer.status, `${method} ${path}`).toBe(404);
    }
  });
});

describe("email destinations with private targets refused", () => {
  let sb: TestServer;
  beforeAll(async () => {
    sb = await startTestServer("sqlite", { SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "0" });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it("refuses loopback, private and internal SMTP hosts, and plain SMTP", async () => {
    const { key } = await sb.tenant();
    const base = { from: "a@firm.example", to: ["b@firm.example"] };
    for (const smtp of [
      { host: "127.0.0.1" },
      { host: "10.1.2.3" },
      { host: "169.254.169.254" },
      { host: "mail.internal" },
      { host: "localhost" },
      { host: "smtp.example.com", security: "none" },
    ]) {
      const answer = await sb.call("POST", "/v1/destinations", {
        key,
        body: { kind: "email", email: { ...base, smtp } },
      });
      expect(answer.status, JSON.stringify(smtp)).toBe(422);
      expect(answer.body.error.details.reason).toBe("destination_refused");
    }
    const ok = await sb.call("POST", "/v1/destinations", {
      key,
      body: { kind: "email", email: { ...base, smtp: { host: "smtp.example.com" } } },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.email.smtp).toMatchObject({ port: 587, security: "starttls" });
  });
});
