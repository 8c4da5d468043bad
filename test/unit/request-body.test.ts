import { createHmac } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { withFollowUp } from "../../src/delivery/body.js";
import {
  buildRequest,
  prepareRequest,
  type ResolvedWebhook,
  sendPrepared,
} from "../../src/delivery/request.js";
import { decideAttempt } from "../../src/domain/outcome.js";
import { generateWebhookSecret } from "../../src/domain/signing.js";
import type { EventRecord } from "../../src/store/index.js";

const secret = generateWebhookSecret();
let version = 1;

function webhook(over: Partial<ResolvedWebhook> = {}): ResolvedWebhook {
  return {
    kind: "webhook",
    id: "wh_test",
    tenant_id: "ten_1",
    enabled: true,
    deleted: false,
    url: "https://hooks.example.com/in",
    method: "POST",
    headers: {},
    auth: { type: "none" },
    app_key: null,
    body: { format: "json" },
    timeout_ms: 1000,
    retry: {},
    success: {},
    secrets: [secret],
    secretHeaderNames: [],
    signature_header: null,
    max_in_flight: null,
    rate_limit_per_s: null,
    // A new version per fixture, as a saved change would give.
    updated_at: version++,
    ...over,
  };
}

const event: EventRecord = {
  id: "evt_1",
  tenant_id: "ten_1",
  type: "call.ended",
  data: {
    call_id: "call_1",
    from_number: "+13125550187",
    to_number: "+18885550123",
    started_at: "2025-06-10T14:02:11Z",
    duration: 412,
    answered: true,
    customer: { name: "Maria Delgado" },
  },
  campaign_id: null,
  case_type: null,
  idempotency_key: null,
  occurred_at: Date.parse("2025-06-10T14:09:03Z"),
  created_at: 0,
};

const TS = 1_750_000_000;

describe("JSON bodies", () => {
  it("without a template: the DESIGN.md envelope, with the Standard Webhooks `type` beside `event`", () => {
    const request = buildRequest(event, webhook(), TS);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.body ?? "")).toEqual({
      id: "evt_1",
      type: "call.ended",
      event: "call.ended",
      timestamp: "2025-06-10T14:09:03.000Z",
      data: event.data,
    });
  });

  it("a mapping template keeps JSON types", () => {
    const request = buildRequest(
      event,
      webhook({
        body: {
          format: "json",
          template: { secs: "{duration}", who: { name: "{customer_name}" }, ok: "{{ data.answered }}" },
        },
      }),
      TS,
    );
    expect(JSON.parse(request.body ?? "")).toEqual({ secs: 412, who: { name: "Maria Delgado" }, ok: true });
  });

  it("a string template is the whole body, and must render to JSON", () => {
    const ok = buildRequest(event, webhook({ body: { format: "json", template: '{"n": {duration}}' } }), TS);
    expect(ok.body).toBe('{"n": 412}');
    const broken = prepareRequest(
      event,
      webhook({ body: { format: "json", template: '{"n": {customer_name}}' } }),
      TS,
    );
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.message).toContain("not valid JSON");
  });
});

describe("form bodies", () => {
  it("without a template: envelope and data fields, objects as JSON", () => {
    const request = buildRequest(event, webhook({ body: { format: "form" } }), TS);
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(request.body ?? "");
    expect(form.get("id")).toBe("evt_1");
    expect(form.get("event")).toBe("call.ended");
    expect(form.get("duration")).toBe("412");
    expect(form.get("from_number")).toBe("+13125550187");
    expect(JSON.parse(form.get("customer") ?? "")).toEqual({ name: "Maria Delgado" });
  });

  it("a mapping template: its fields, encoded", () => {
    const request = buildRequest(
      event,
      webhook({
        body: { format: "form", template: { caller: "{from_nr}", note: "{{ data.customer.name }} & co" } },
      }),
      TS,
    );
    expect(request.body).toBe("caller=%2B13125550187&note=Maria+Delgado+%26+co");
  });

  it("a query-string template with macros", () => {
    const request = buildRequest(
      event,
      webhook({
        body: {
          format: "form",
          template: "start={start}&duration={duration}&from_nr={from_nr}&to_nr={to_nr}&answered={answered}",
        },
      }),
      TS,
    );
    expect(Object.fromEntries(new URLSearchParams(request.body ?? ""))).toEqual({
      start: "2025-06-10T14:02:11Z",
      duration: "412",
      from_nr: "+13125550187",
      to_nr: "+18885550123",
      answered: "true",
    });
  });
});

describe("methods", () => {
  it("GET sends the fields as the query string, no body, signed over the empty body", () => {
    const request = buildRequest(
      event,
      webhook({
        method: "GET",
        url: "https://hooks.example.com/in?token=abc",
        body: { format: "json", template: { d: "{duration}", n: "{customer_name}" } },
      }),
      TS,
    );
    expect(request.method).toBe("GET");
    expect(request.body).toBeNull();
    expect(request.headers["content-type"]).toBeUndefined();
    const url = new URL(request.url);
    expect(url.searchParams.get("token")).toBe("abc");
    expect(url.searchParams.get("d")).toBe("412");
    expect(url.searchParams.get("n")).toBe("Maria Delgado");
  });

  it("GET without a template sends the envelope and data fields; with a string template, that text", () => {
    const plain = new URL(buildRequest(event, webhook({ method: "GET" }), TS).url);
    expect(plain.searchParams.get("event")).toBe("call.ended");
    expect(plain.searchParams.get("duration")).toBe("412");
    const text = new URL(
      buildRequest(
        event,
        webhook({ method: "GET", body: { format: "form", template: "?from={from_nr}&s={duration}" } }),
        TS,
      ).url,
    );
    expect(text.search).toBe("?from=%2B13125550187&s=412");
  });

  it("PUT and DELETE send the body like POST", () => {
    for (const method of ["PUT", "DELETE"] as const) {
      const request = buildRequest(event, webhook({ method }), TS);
      expect(request.method).toBe(method);
      expect(JSON.parse(request.body ?? "").id).toBe("evt_1");
    }
  });
});

describe("headers", () => {
  it("adds the GitHub-style signature under the chosen header, keyed like the Standard Webhooks one", () => {
    const request = buildRequest(event, webhook({ signature_header: "X-Hub-Signature-256" }), TS);
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const expected = `sha256=${createHmac("sha256", key)
      .update(request.body ?? "")
      .digest("hex")}`;
    expect(request.headers["X-Hub-Signature-256"]).toBe(expected);
    expect(request.headers["webhook-signature"]).toMatch(/^v1,/);
  });

  it("custom headers, auth and the app key", () => {
    const request = buildRequest(
      event,
      webhook({
        headers: { "X-Firm": "hartwell" },
        auth: { type: "bearer", token: "tok_123" },
        app_key: "app_9",
      }),
      TS,
    );
    expect(request.headers["X-Firm"]).toBe("hartwell");
    expect(request.headers.authorization).toBe("Bearer tok_123");
    expect(request.headers["x-public-api-key"]).toBe("app_9");
  });
});

describe("render failures", () => {
  const failing = () =>
    webhook({
      body: { format: "json", template: { loop: "{% for i in (1..100000000) %}{{ i }}{% endfor %}" } },
    });

  it("are returned, not thrown, and nothing is sent", async () => {
    const prepared = prepareRequest(event, failing(), TS);
    expect(prepared.ok).toBe(false);
    expect(prepared.request.body).toBeNull();
    const sender = { send: vi.fn() };
    const result = await sendPrepared(sender, prepared, 1000);
    expect(sender.send).not.toHaveBeenCalled();
    expect(result.errorKind).toBe("render");
    expect(result.errorMessage).toMatch(/template field "loop" failed to render/);
  });

  it("fail the delivery at once (no retry can fix a template)", () => {
    const decision = decideAttempt(
      {
        status: null,
        headers: null,
        body: null,
        errorKind: "render",
        errorMessage: "template field x failed",
      },
      { attemptsBefore: 0, firstAttemptAt: null },
      { retry: {}, success: {} },
      0,
      0,
    );
    expect(decision.status).toBe("failed");
    expect(decision.error).toBe("render: template field x failed");
  });

  it("a stored template that no longer compiles is a render failure too", () => {
    const prepared = prepareRequest(
      event,
      webhook({ body: { format: "json", template: { a: "{{ x | nope }}" } } }),
      TS,
    );
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) expect(prepared.message).toContain('template field "a" does not compile');
  });

  it("templates are recompiled when the webhook changes", () => {
    const first = webhook({ body: { format: "json", template: { v: "one" } } });
    expect(buildRequest(event, first, TS).body).toBe('{"v":"one"}');
    expect(buildRequest(event, { ...first, body: { format: "json", template: { v: "two" } } }, TS).body).toBe(
      '{"v":"one"}',
    );
    const changed = {
      ...first,
      updated_at: first.updated_at + 1,
      body: { format: "json" as const, template: { v: "two" } },
    };
    expect(buildRequest(event, changed, TS).body).toBe('{"v":"two"}');
  });
});

describe("success conditions", () => {
  it("a 200 whose response key is not the expected value is a failed attempt that retries", () => {
    const decision = decideAttempt(
      { status: 200, headers: {}, body: '{"result":{"ok":false}}', errorKind: null, errorMessage: null },
      { attemptsBefore: 0, firstAttemptAt: null },
      { retry: { schedule: [5] }, success: { response_key: "result.ok", expected_value: true } },
      1_000,
      1_000,
    );
    expect(decision.status).toBe("pending");
    // 5 s later, give or take the schedule's jitter.
    expect(decision.nextAttemptAt).toBeGreaterThanOrEqual(5_000);
    expect(decision.nextAttemptAt).toBeLessThanOrEqual(8_000);
    expect(decision.error).toBe("response key result.ok was false, expected true");
  });
});

describe("held deliveries: merging the follow-up", () => {
  it("fills the fields the held event lacks; its own fields win", () => {
    const held = { ...event, data: { call_id: "call_1", duration: 412, recording_url: null } };
    const followUp = {
      ...event,
      id: "evt_2",
      type: "call.recording_ready",
      data: { call_id: "call_1", recording_id: "rec_1", recording_url: "https://r/1.mp3", duration: 410 },
    };
    const merged = withFollowUp(held, followUp);
    expect(merged.id).toBe("evt_1");
    expect(merged.type).toBe("call.ended");
    expect(merged.data).toEqual({
      call_id: "call_1",
      duration: 412,
      recording_url: "https://r/1.mp3",
      recording_id: "rec_1",
    });
    expect(withFollowUp(held, undefined)).toBe(held);
  });
});
