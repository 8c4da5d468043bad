import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const PASSWORD = "correct-horse-battery-staple-9431";
const TOKEN = "tok_live_5f1c2e8a9b7d4c3e2f1a0b9c";
const API_KEY_VALUE = "ak_7d3f9a2b1c4e5f6a7b8c9d0e";
const APP_KEY = "pub_2b7e151628aed2a6abf71588";
const RAW_CREDENTIALS = [PASSWORD, TOKEN, API_KEY_VALUE, APP_KEY];

const CALL = { type: "call.ended", data: { call_id: "call_1", direction: "inbound", duration: 42 } };

/** Every field of the webhook contract, with non-default values. */
const FULL = {
  url: "http://127.0.0.1:9/crm/intake",
  description: "LawRuler intake for the Chicago auto campaign",
  enabled: true,
  events: ["call.*", "case.created"],
  campaign_id: "cmp_chicago_auto",
  filters: {
    campaign_ids: ["cmp_chicago_auto", "cmp_chicago_truck"],
    case_types: ["auto_accident"],
    directions: ["inbound"],
    agent_ids: ["agt_ava"],
    lead_scores: ["hot", "warm"],
  },
  method: "PUT",
  headers: { "X-Firm": "delgado-park", "X-Source": "switchboard" },
  auth: { type: "basic", username: "intake", password: PASSWORD },
  app_key: APP_KEY,
  body: {
    format: "form",
    template: { lead_name: "{{ data.customer.name }}", phone: "{{ data.from_number }}" },
  },
  timeout_ms: 5000,
  retry: { schedule: [60, 600, 3600], max_attempts: 4, total_timeout_s: 86_400 },
  success: { status_codes: [200, 201], response_key: "result.ok", expected_value: true },
};

describe.each(storeKinds())("webhooks on %s", (kind) => {
  let sb: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    sb = await startTestServer(kind);
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await sb?.stop();
    await receiver?.close();
  });

  async function create(key: string, body: Record<string, unknown>) {
    const res = await sb.call("POST", "/v1/webhooks", { key, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  async function webhookIds(key: string): Promise<string[]> {
    const res = await sb.call("GET", "/v1/webhooks?limit=200", { key });
    expect(res.status).toBe(200);
    return res.body.data.map((w: { id: string }) => w.id);
  }

  /** Asserts a refused create: 422 naming `path`, and no webhook stored. */
  async function refused(key: string, body: Record<string, unknown>, path: string | RegExp) {
    const res = await sb.call("POST", "/v1/webhooks", { key, body });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    if (typeof path === "string") expect(res.body.error.details.path).toBe(path);
    else expect(res.body.error.details.path).toMatch(path);
    expect(await webhookIds(key)).toEqual([]);
    return res.body;
  }

  describe("create and read", () => {
    it("creates a webhook with defaults and returns a whsec_ secret of 32 random bytes", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/webhooks", {
        key,
        body: { url: "https://hooks.example.com/sb" },
      });
      expect(res.status).toBe(201);
      expect(res.body.id).toMatch(/^wh_[0-9A-Za-z]+$/);
      expect(res.body).toMatchObject({
        url: "https://hooks.example.com/sb",
        description: "",
        enabled: true,
        events: [],
        campaign_id: null,
        filters: {},
        method: "POST",
        headers: {},
        auth: { type: "none" },
        app_key: null,
        body: { format: "json" },
        timeout_ms: 15000,
      });
      expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(Buffer.from(res.body.secret.slice("whsec_".length), "base64")).toHaveLength(32);
      const other = await create(key, { url: "https://hooks.example.com/other" });
      expect(other.secret).not.toBe(res.body.secret);
    });

    it("never shows the secret in GET or the list, only at GET /v1/webhooks/{id}/secret", async () => {
      const { key } = await sb.tenant();
      const created = await create(key, { url: "https://hooks.example.com/sb" });
      const got = await sb.call("GET", `/v1/webhooks/${created.id}`, { key });
      const list = await sb.call("GET", "/v1/webhooks", { key });
      for (const answer of [got.body, list.body]) {
        expect(JSON.stringify(answer)).not.toContain(created.secret);
        expect(JSON.stringify(answer)).not.toContain("whsec_");
      }
      expect(got.body).not.toHaveProperty("secret");
      const secret = await sb.call("GET", `/v1/webhooks/${created.id}/secret`, { key });
      expect(secret.status).toBe(200);
      expect(secret.body.secret).toBe(created.secret);
    });

    it("round-trips every contract field, with credentials masked in every answer", async () => {
      const { key } = await sb.tenant();
      const created = await sb.call("POST", "/v1/webhooks", { key, body: FULL });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const got = await sb.call("GET", `/v1/webhooks/${created.body.id}`, { key });
      const listed = (await sb.call("GET", "/v1/webhooks", { key })).body.data[0];
      const { auth: _auth, app_key: _appKey, ...plain } = FULL;
      for (const answer of [created.body, got.body, listed]) {
        expect(answer).toMatchObject(plain);
        expect(answer.auth.type).toBe("basic");
        expect(answer.auth.username).toBe("intake");
        expect(answer.auth.password).not.toBe(PASSWORD);
        expect(typeof answer.app_key).toBe("string");
        expect(answer.app_key).not.toBe(APP_KEY);
        for (const raw of RAW_CREDENTIALS) expect(JSON.stringify(answer)).not.toContain(raw);
      }
      expect(got.body).toEqual(listed);
      const secret = await sb.call("GET", `/v1/webhooks/${created.body.id}/secret`, { key });
      for (const raw of RAW_CREDENTIALS) expect(JSON.stringify(secret.body)).not.toContain(raw);
    });

    it("masks bearer tokens and api_key values and never returns them", async () => {
      const { key } = await sb.tenant();
      const bearer = await create(key, {
        url: "https://a.example.com/h",
        auth: { type: "bearer", token: TOKEN },
      });
      const apiKey = await create(key, {
        url: "https://b.example.com/h",
        auth: { type: "api_key", header: "X-Api-Key", value: API_KEY_VALUE },
      });
      expect(bearer.auth.type).toBe("bearer");
      expect(apiKey.auth).toMatchObject({ type: "api_key", header: "X-Api-Key" });
      const list = await sb.call("GET", "/v1/webhooks", { key });
      const answers = [bearer, apiKey, list.body];
      for (const id of [bearer.id, apiKey.id])
        answers.push((await sb.call("GET", `/v1/webhooks/${id}`, { key })).body);
      for (const answer of answers) {
        expect(JSON.stringify(answer)).not.toContain(TOKEN);
        expect(JSON.stringify(answer)).not.toContain(API_KEY_VALUE);
      }
    });

    it("lists webhooks with cursor pagination and no duplicates", async () => {
      const { key } = await sb.tenant();
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await create(key, { url: `https://h${i}.example.com/x` })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await sb.call("GET", `/v1/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key });
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data.map((w: { id: string }) => w.id));
        cursor = res.body.next_cursor;
      } while (cursor && seen.length < 20);
      expect([...seen].sort()).toEqual([...made].sort());
    });

    it("an unknown webhook id is 404 on every webhook route", async () => {
      const { key } = await sb.tenant();
      const path = "/v1/webhooks/wh_doesnotexist";
      for (const res of [
        await sb.call("GET", path, { key }),
        await sb.call("PATCH", path, { key, body: { description: "x" } }),
        await sb.call("DELETE", path, { key }),
        await sb.call("GET", `${path}/secret`, { key }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe("not_found");
      }
    });
  });

  describe("validation", () => {
    it("refuses an unknown field with 422 naming it", async () => {
      const { key } = await sb.tenant();
      const body = await refused(key, { url: "https://x.example.com/h", secret: "whsec_mine" }, /^\/body/);
      expect(body.error.message).toContain("secret");
    });

    it("refuses an unknown field inside filters", async () => {
      const { key } = await sb.tenant();
      await refused(
        key,
        { url: "https://x.example.com/h", filters: { regions: ["IL"] } },
        /^\/body\/filters/,
      );
    });

    it("refuses a url with credentials", async () => {
      const { key } = await sb.tenant();
      await refused(key, { url: "https://user:pass@hooks.example.com/h" }, "/body/url");
    });

    it("refuses a relative url", async () => {
      const { key } = await sb.tenant();
      await refused(key, { url: "/hooks/intake" }, "/body/url");
    });

    it("refuses an ftp url", async () => {
      const { key } = await sb.tenant();
      await refused(key, { url: "ftp://files.example.com/drop" }, "/body/url");
    });

    it("refuses a missing url", async () => {
      const { key } = await sb.tenant();
      await refused(key, { events: ["call.ended"] }, "/body/url");
    });

    it("refuses events naming unknown types or categories", async () => {
      const { key } = await sb.tenant();
      await refused(
        key,
        { url: "https://x.example.com/h", events: ["call.ended", "call.endd"] },
        "/body/events/1",
      );
      await refused(key, { url: "https://x.example.com/h", events: ["invoice.*"] }, "/body/events/0");
    });

    it("accepts wildcards and exact names in events", async () => {
      const { key } = await sb.tenant();
      const hook = await create(key, {
        url: "https://x.example.com/h",
        events: ["*", "call.*", "message.received"],
      });
      expect(hook.events).toEqual(["*", "call.*", "message.received"]);
    });

    it.each(["host", "Host", "webhook-id", "Webhook-Signature", "content-length"])(
      "refuses the reserved header %s",
      async (name) => {
        const { key } = await sb.tenant();
        await refused(
          key,
          { url: "https://x.example.com/h", headers: { [name]: "x" } },
          `/body/headers/${name}`,
        );
      },
    );

    it("refuses a method outside POST, GET, PUT, DELETE", async () => {
      const { key } = await sb.tenant();
      await refused(key, { url: "https://x.example.com/h", method: "PATCH" }, /^\/body\/method/);
    });

    it("refuses an auth type it does not know", async () => {
      const { key } = await sb.tenant();
      await refused(
        key,
        { url: "https://x.example.com/h", auth: { type: "oauth2", token: "x" } },
        /^\/body\/auth/,
      );
    });

    it("refuses a timeout outside its range", async () => {
      const { key } = await sb.tenant();
      await refused(key, { url: "https://x.example.com/h", timeout_ms: 3_600_000 }, "/body/timeout_ms");
    });

    it("refuses a body format it does not know", async () => {
      const { key } = await sb.tenant();
      await refused(key, { url: "https://x.example.com/h", body: { format: "xml" } }, /^\/body\/body/);
    });
  });

  describe("update", () => {
    it("PATCH changes the fields it names and keeps the rest", async () => {
      const { key } = await sb.tenant();
      const created = await create(key, FULL);
      const res = await sb.call("PATCH", `/v1/webhooks/${created.id}`, {
        key,
        body: {
          url: "https://new.example.com/intake",
          description: "moved",
          events: ["message.*"],
          campaign_id: null,
          method: "POST",
          timeout_ms: 20000,
          auth: { type: "bearer", token: TOKEN },
          app_key: null,
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({
        url: "https://new.example.com/intake",
        description: "moved",
        events: ["message.*"],
        campaign_id: null,
        method: "POST",
        timeout_ms: 20000,
        auth: { type: "bearer" },
        app_key: null,
        filters: FULL.filters,
        headers: FULL.headers,
        body: FULL.body,
        retry: FULL.retry,
        success: FULL.success,
      });
      for (const raw of RAW_CREDENTIALS) expect(JSON.stringify(res.body)).not.toContain(raw);
      const got = await sb.call("GET", `/v1/webhooks/${created.id}`, { key });
      expect(got.body).toEqual(res.body);
      const secret = await sb.call("GET", `/v1/webhooks/${created.id}/secret`, { key });
      expect(secret.body.secret).toBe(created.secret);
    });

    it("PATCH enabled=false disables the webhook", async () => {
      const { key } = await sb.tenant();
      const created = await create(key, { url: "https://x.example.com/h" });
      const res = await sb.call("PATCH", `/v1/webhooks/${created.id}`, { key, body: { enabled: false } });
      expect(res.body.enabled).toBe(false);
      expect((await sb.call("GET", `/v1/webhooks/${created.id}`, { key })).body.enabled).toBe(false);
    });

    it("a refused PATCH changes nothing", async () => {
      const { key } = await sb.tenant();
      const created = await create(key, FULL);
      const before = (await sb.call("GET", `/v1/webhooks/${created.id}`, { key })).body;
      for (const body of [
        { url: "ftp://x.example.com/h" },
        { description: "ok", events: ["nope.nope"] },
        { headers: { host: "evil.example.com" } },
        { description: "ok", colour: "red" },
      ]) {
        const res = await sb.call("PATCH", `/v1/webhooks/${created.id}`, { key, body });
        expect(res.status, JSON.stringify(body)).toBe(422);
      }
      expect((await sb.call("GET", `/v1/webhooks/${created.id}`, { key })).body).toEqual(before);
    });

    it("rotate-secret issues a new secret and keeps the old one valid for a while", async () => {
      const { key } = await sb.tenant();
      const created = await create(key, { url: "https://x.example.com/h" });
      const res = await sb.call("POST", `/v1/webhooks/${created.id}/rotate-secret`, { key });
      expect(res.status).toBe(200);
      expect(res.body.secret).toMatch(/^whsec_/);
      expect(res.body.secret).not.toBe(created.secret);
      const secret = await sb.call("GET", `/v1/webhooks/${created.id}/secret`, { key });
      expect(secret.body.secret).toBe(res.body.secret);
      expect(secret.body.previous_secret).toBe(created.secret);
    });
  });

  describe("secrets in delivery logs", () => {
    it("no answer reveals the credentials, attempt logs and the test route included", async () => {
      const { key } = await sb.tenant();
      const basic = await create(key, {
        url: `${receiver.url}/basic`,
        events: ["call.ended"],
        auth: { type: "basic", username: "intake", password: PASSWORD },
        app_key: APP_KEY,
      });
      const bearer = await create(key, {
        url: `${receiver.url}/bearer`,
        events: ["call.ended"],
        auth: { type: "bearer", token: TOKEN },
      });
      const sent = await sb.call("POST", "/v1/events", { key, body: CALL });
      expect(sent.body.deliveries).toBe(2);
      const event = await eventually(async () => {
        const e = await sb.call("GET", `/v1/events/${sent.body.id}`, { key });
        return e.body.deliveries.every((d: { status: string }) => d.status === "succeeded") ? e.body : null;
      });
      // The receiver did get the real credentials…
      const basicHeader = `Basic ${Buffer.from(`intake:${PASSWORD}`).toString("base64")}`;
      const received = receiver.requests.filter((r) => r.url === "/basic" || r.url === "/bearer");
      expect(received.map((r) => r.headers.authorization)).toContain(basicHeader);
      expect(received.map((r) => r.headers.authorization)).toContain(`Bearer ${TOKEN}`);

      // …but nothing the API answers shows them.
      const answers: unknown[] = [event];
      for (const d of event.deliveries)
        answers.push((await sb.call("GET", `/v1/deliveries/${d.id}`, { key })).body);
      for (const id of [basic.id, bearer.id]) {
        answers.push((await sb.call("GET", `/v1/webhooks/${id}/deliveries`, { key })).body);
        const tested = await sb.call("POST", `/v1/webhooks/${id}/test`, { key, body: {} });
        expect(tested.status).toBe(200);
        answers.push(tested.body);
      }
      const attempts = answers.slice(1, 3) as Array<{ attempts: Array<{ request: { headers: unknown } }> }>;
      for (const d of attempts) expect(d.attempts).toHaveLength(1);
      const text = JSON.stringify(answers);
      for (const raw of [...RAW_CREDENTIALS, Buffer.from(`intake:${PASSWORD}`).toString("base64")]) {
        expect(text).not.toContain(raw);
      }
    });
  });

  describe("delete", () => {
    it("DELETE answers 204, then the webhook is 404 and gone from the list", async () => {
      const { key } = await sb.tenant();
      const created = await create(key, { url: "https://x.example.com/h" });
      const res = await sb.call("DELETE", `/v1/webhooks/${created.id}`, { key });
      expect(res.status).toBe(204);
      expect((await sb.call("GET", `/v1/webhooks/${created.id}`, { key })).status).toBe(404);
      expect((await sb.call("GET", `/v1/webhooks/${created.id}/secret`, { key })).status).toBe(404);
      expect((await sb.call("DELETE", `/v1/webhooks/${created.id}`, { key })).status).toBe(404);
      expect(await webhookIds(key)).toEqual([]);
    });

    it("DELETE cancels pending deliveries and keeps their logs reachable", async () => {
      const { key } = await sb.tenant();
      const failing = await Receiver.start((_req, res) => {
        res.writeHead(503).end("down");
      });
      try {
        const hook = await create(key, {
          url: `${failing.url}/hook`,
          retry: { schedule: [3600], max_attempts: 5 },
        });
        const healthy = await create(key, { url: `${receiver.url}/hook` });
        const sent = await sb.call("POST", "/v1/events", { key, body: CALL });
        expect(sent.body.deliveries).toBe(2);
        await failing.waitFor(1);
        const event = await sb.call("GET", `/v1/events/${sent.body.id}`, { key });
        const deliveryOf = (webhookId: string) =>
          event.body.deliveries.find((d: { webhook_id: string }) => d.webhook_id === webhookId).id as string;
        const pendingId = deliveryOf(hook.id);
        const healthyId = deliveryOf(healthy.id);
        // The first attempt failed and the next one is an hour away: the delivery waits.
        await eventually(async () => {
          const d = await sb.call("GET", `/v1/deliveries/${pendingId}`, { key });
          return d.body.status === "pending" && d.body.attempts.length === 1 && !d.body.in_flight;
        });
        await eventually(async () => {
          const d = await sb.call("GET", `/v1/deliveries/${healthyId}`, { key });
          return d.body.status === "succeeded";
        });

        expect((await sb.call("DELETE", `/v1/webhooks/${hook.id}`, { key })).status).toBe(204);

        const after = await sb.call("GET", `/v1/deliveries/${pendingId}`, { key });
        expect(after.status).toBe(200);
        expect(after.body.status).toBe("cancelled");
        expect(after.body.attempts).toHaveLength(1);
        expect(after.body.attempts[0].response.status).toBe(503);
        const other = await sb.call("GET", `/v1/deliveries/${healthyId}`, { key });
        expect(other.body.status).toBe("succeeded");
        const eventAfter = await sb.call("GET", `/v1/events/${sent.body.id}`, { key });
        expect(eventAfter.body.deliveries).toHaveLength(2);
        // A cancelled delivery of a deleted webhook cannot be retried.
        expect((await sb.call("POST", `/v1/deliveries/${pendingId}/retry`, { key })).status).toBe(409);
        expect(failing.requests).toHaveLength(1);
      } finally {
        await failing.close();
      }
    });
  });
});

describe.each(storeKinds())("webhook destinations without the development switch on %s", (kind) => {
  let sb: TestServer;
  beforeAll(async () => {
    sb = await startTestServer(kind, { SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "0" }, "api");
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it.each([
    "http://hooks.example.com/intake",
    "https://127.0.0.1/hook",
    "https://localhost/hook",
    "https://10.1.2.3/hook",
    "https://192.168.0.10/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hook",
  ])("refuses %s with 422 and stores nothing", async (url) => {
    const { key } = await sb.tenant();
    const res = await sb.call("POST", "/v1/webhooks", { key, body: { url } });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.details.path).toBe("/body/url");
    expect((await sb.call("GET", "/v1/webhooks", { key })).body.data).toEqual([]);
  });

  it("accepts a public https destination", async () => {
    const { key } = await sb.tenant();
    const res = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: "https://hooks.example.com/intake" },
    });
    expect(res.status).toBe(201);
  });

  it("refuses to move an existing webhook to a private destination", async () => {
    const { key } = await sb.tenant();
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: "https://hooks.example.com/a" },
    });
    const res = await sb.call("PATCH", `/v1/webhooks/${created.body.id}`, {
      key,
      body: { url: "https://127.0.0.1/admin" },
    });
    expect(res.status).toBe(422);
    const got = await sb.call("GET", `/v1/webhooks/${created.body.id}`, { key });
    expect(got.body.url).toBe("https://hooks.example.com/a");
  });
});
