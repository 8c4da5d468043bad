import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, type ApiResponse, startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const CALL = { type: "call.ended", data: { call_id: "call_1", direction: "inbound", duration: 42 } };

/** The error envelope of DESIGN.md: `{"error": {"code", "message", "details"?}}` and nothing else. */
function expectError(res: ApiResponse, status: number, code?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(["error"]);
  const { error } = res.body;
  expect(typeof error.code).toBe("string");
  expect(error.code).not.toBe("");
  expect(typeof error.message).toBe("string");
  expect(error.message).not.toBe("");
  for (const field of Object.keys(error)) expect(["code", "message", "details"]).toContain(field);
  if ("details" in error) expect(typeof error.details).toBe("object");
  if (code !== undefined) expect(error.code).toBe(code);
}

/** A call.ended event whose JSON is about `bytes` long. */
function bigEvent(bytes: number): Record<string, unknown> {
  return { type: "call.ended", data: { call_id: "call_big", summary: "x".repeat(bytes) } };
}

describe.each(storeKinds())("errors on %s", (kind) => {
  let sb: TestServer;
  beforeAll(async () => {
    sb = await startTestServer(kind, {}, "api");
  });
  afterAll(async () => {
    await sb?.stop();
  });

  async function eventIds(key: string): Promise<string[]> {
    const res = await sb.call("GET", "/v1/events?limit=200", { key });
    expect(res.status).toBe(200);
    return res.body.data.map((e: { id: string }) => e.id);
  }

  async function webhookIds(key: string): Promise<string[]> {
    const res = await sb.call("GET", "/v1/webhooks?limit=200", { key });
    expect(res.status).toBe(200);
    return res.body.data.map((w: { id: string }) => w.id);
  }

  describe("malformed requests", () => {
    it("malformed JSON is 400 and stores nothing", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", { key, body: '{"type": "call.ended", "data": {' });
      expectError(res, 400, "malformed_json");
      expect(await eventIds(key)).toEqual([]);
      const hook = await sb.call("POST", "/v1/webhooks", { key, body: "{url:" });
      expectError(hook, 400);
      expect(await webhookIds(key)).toEqual([]);
    });

    it("an empty JSON body is 400", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", {
        key,
        body: "",
        headers: { "content-type": "application/json" },
      });
      expect([400, 422]).toContain(res.status);
      expectError(res, res.status);
      expect(await eventIds(key)).toEqual([]);
    });

    it("a text/plain body is 415 and stores nothing", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", {
        key,
        body: JSON.stringify(CALL),
        headers: { "content-type": "text/plain" },
      });
      expectError(res, 415, "unsupported_media_type");
      expect(await eventIds(key)).toEqual([]);
    });

    it("a form-encoded body is 415 and stores nothing", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/webhooks", {
        key,
        body: "url=https%3A%2F%2Fx.example.com",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expectError(res, 415, "unsupported_media_type");
      expect(await webhookIds(key)).toEqual([]);
    });

    it("a JSON body that is not an object is 422", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", { key, body: [CALL] });
      expectError(res, 422, "validation_failed");
      expect(await eventIds(key)).toEqual([]);
    });
  });

  describe("authentication", () => {
    it("a missing key is 401 and stores nothing", async () => {
      const { key } = await sb.tenant();
      expectError(await sb.call("GET", "/v1/webhooks"), 401, "unauthorized");
      expectError(await sb.call("POST", "/v1/events", { body: CALL }), 401, "unauthorized");
      expectError(await sb.call("POST", "/v1/tenants", { body: { name: "x" } }), 401, "unauthorized");
      expect(await eventIds(key)).toEqual([]);
    });

    it("a bad key is 401", async () => {
      expectError(
        await sb.call("GET", "/v1/webhooks", { key: "sk_not_a_real_key_at_all_0000" }),
        401,
        "unauthorized",
      );
      expectError(await sb.call("GET", "/v1/tenants", { key: `${ADMIN_KEY}x` }), 401, "unauthorized");
    });

    it("an Authorization header that is not Bearer is 401", async () => {
      const { key } = await sb.tenant();
      for (const authorization of [`Basic ${key}`, key, "Bearer", "Bearer a b"]) {
        expectError(
          await sb.call("GET", "/v1/webhooks", { headers: { authorization } }),
          401,
          "unauthorized",
        );
      }
    });

    it("a bad key is 401 even when the body is also malformed", async () => {
      const res = await sb.call("POST", "/v1/events", { key: "sk_wrong_0000000000000000", body: "{" });
      expectError(res, 401);
    });

    it("a tenant key on an admin route is 403", async () => {
      const { key } = await sb.tenant();
      expectError(await sb.call("GET", "/v1/tenants", { key }), 403, "forbidden");
    });
  });

  describe("routing", () => {
    it("an unknown route is 404 with the envelope, with or without a key", async () => {
      const { key } = await sb.tenant();
      expectError(await sb.call("GET", "/v1/nothing-here", { key }), 404, "not_found");
      expectError(await sb.call("GET", "/v1/nothing-here"), 404, "not_found");
      expectError(await sb.call("GET", "/nope"), 404, "not_found");
      expectError(await sb.call("POST", "/v2/events", { key, body: CALL }), 404, "not_found");
    });

    it("a known path with an unsupported method is answered with the envelope", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("PUT", "/v1/events", { key, body: CALL });
      expect([404, 405]).toContain(res.status);
      expectError(res, res.status);
      expect(await eventIds(key)).toEqual([]);
    });
  });

  describe("validation", () => {
    it("a validation failure is 422 with the failing path in details", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", { key, body: { type: "call.ended" } });
      expectError(res, 422, "validation_failed");
      expect(res.body.error.details.path).toBe("/body/data");
      expect(res.body.error.message).toContain("/body/data");
      expect(await eventIds(key)).toEqual([]);
    });

    it("a wrongly typed field is 422 naming it", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/webhooks", {
        key,
        body: { url: "https://x.example.com", enabled: "yes" },
      });
      expectError(res, 422, "validation_failed");
      expect(res.body.error.details.path).toBe("/body/enabled");
      expect(await webhookIds(key)).toEqual([]);
    });

    it("a page size of 201 is 422, and 200 is accepted", async () => {
      const { key } = await sb.tenant();
      for (const path of ["/v1/events", "/v1/webhooks"]) {
        const res = await sb.call("GET", `${path}?limit=201`, { key });
        expectError(res, 422, "validation_failed");
        expect(res.body.error.details.path).toBe("/querystring/limit");
        expect((await sb.call("GET", `${path}?limit=200`, { key })).status).toBe(200);
      }
      expectError(await sb.call("GET", "/v1/tenants?limit=201", { key: ADMIN_KEY }), 422);
    });

    it("a page size of 0 or not a number is 422", async () => {
      const { key } = await sb.tenant();
      expectError(await sb.call("GET", "/v1/events?limit=0", { key }), 422);
      expectError(await sb.call("GET", "/v1/events?limit=ten", { key }), 422);
    });

    it("an unknown event type is 422 with suggestions in details", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", { key, body: { type: "call.endd", data: {} } });
      expectError(res, 422, "unknown_event_type");
      expect(res.body.error.details.suggestions).toContain("call.ended");
    });
  });

  describe("size limits", () => {
    it("an event body over 256 KiB is 413 and stores nothing", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", { key, body: bigEvent(257 * 1024) });
      expectError(res, 413, "payload_too_large");
      expect(await eventIds(key)).toEqual([]);
    });

    it("an event body just under 256 KiB is accepted", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/events", { key, body: bigEvent(250 * 1024) });
      expect(res.status).toBe(202);
    });

    it("a batch over 1 MiB is 413 and stores nothing", async () => {
      const { key } = await sb.tenant();
      const events = Array.from({ length: 5 }, () => bigEvent(220 * 1024));
      const res = await sb.call("POST", "/v1/events/batch", { key, body: { events } });
      expectError(res, 413, "payload_too_large");
      expect(await eventIds(key)).toEqual([]);
    });

    it("a 300 KiB batch is accepted", async () => {
      const { key } = await sb.tenant();
      const events = Array.from({ length: 3 }, () => bigEvent(100 * 1024));
      expect(JSON.stringify({ events }).length).toBeGreaterThan(256 * 1024);
      const res = await sb.call("POST", "/v1/events/batch", { key, body: { events } });
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(202);
      expect(res.body.data).toHaveLength(3);
      expect(await eventIds(key)).toHaveLength(3);
    });

    it("a webhook body over 256 KiB is 413 and stores nothing", async () => {
      const { key } = await sb.tenant();
      const res = await sb.call("POST", "/v1/webhooks", {
        key,
        body: { url: "https://x.example.com/h", description: "x".repeat(300 * 1024) },
      });
      expectError(res, 413);
      expect(await webhookIds(key)).toEqual([]);
    });
  });

  describe("service routes", () => {
    it("GET /healthz answers 200 without a key", async () => {
      const res = await sb.call("GET", "/healthz");
      expect(res.status).toBe(200);
      expect(res.body.status).toBe("ok");
    });

    it("GET /openapi.json is OpenAPI 3.1 and lists the webhook and event paths", async () => {
      const res = await sb.call("GET", "/openapi.json");
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\.1\./);
      const paths = Object.keys(res.body.paths);
      for (const path of [
        "/v1/webhooks",
        "/v1/webhooks/{id}",
        "/v1/events",
        "/v1/events/{id}",
        "/v1/events/batch",
        "/v1/event-types",
        "/v1/tenants",
        "/v1/deliveries/{id}",
      ]) {
        expect(paths).toContain(path);
      }
      const create = res.body.paths["/v1/webhooks"].post;
      expect(create.requestBody.content["application/json"].schema.properties).toHaveProperty("url");
    });
  });
});
