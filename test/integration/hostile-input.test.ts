import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Receiver } from "../helpers/receiver.js";
import { ADMIN_KEY, type ApiResponse, startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/** The error envelope: `{"error": {"code", "message", "details"?}}`, JSON, and no framework code names. */
function expectError(res: ApiResponse, status: number, code?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(["error"]);
  expect(typeof res.body.error.code).toBe("string");
  expect(typeof res.body.error.message).toBe("string");
  expect(JSON.stringify(res.body)).not.toMatch(/FST_|ERR_/);
  if (code !== undefined) expect(res.body.error.code).toBe(code);
}

/** A request with a raw byte body, which fetch would re-encode. */
function rawCall(
  base: string,
  method: string,
  path: string,
  body: Buffer | null,
  headers: Record<string, string>,
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON
        }
        const h = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === "string") h.set(name, value);
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: h });
      });
    });
    req.on("error", reject);
    if (body) req.end(body);
    else req.end();
  });
}

const WEBHOOK = { url: "http://127.0.0.1:9/hook", events: ["call.ended"] };

describe.each(storeKinds())("hostile input on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  beforeAll(async () => {
    sb = await startTestServer(kind, {}, "api");
    key = (await sb.tenant()).key;
  });
  afterAll(async () => {
    await sb?.stop();
  });

  async function count(path: string): Promise<number> {
    const res = await sb.call("GET", `${path}?limit=200`, { key });
    expect(res.status).toBe(200);
    return res.body.data.length;
  }

  describe("class 1: $regex filters", () => {
    it.each(["(a)\\1", "a(?=b)", "(?<!x)y", "("])("refuses %s at create and patch", async (pattern) => {
      const before = await count("/v1/webhooks");
      const filters = { match: { "data.summary": { $regex: pattern } } };
      expectError(await sb.call("POST", "/v1/webhooks", { key, body: { ...WEBHOOK, filters } }), 422);
      expect(await count("/v1/webhooks")).toBe(before);
      const hook = await sb.call("POST", "/v1/webhooks", { key, body: WEBHOOK });
      expect(hook.status).toBe(201);
      expectError(await sb.call("PATCH", `/v1/webhooks/${hook.body.id}`, { key, body: { filters } }), 422);
    });

    it("a pathological pattern is stored and an event against it is answered fast", async () => {
      const filters = { match: { "data.summary": { $regex: "(a|a)+$" } } };
      const hook = await sb.call("POST", "/v1/webhooks", { key, body: { ...WEBHOOK, filters } });
      expect(hook.status).toBe(201);
      const started = performance.now();
      const res = await sb.call("POST", "/v1/events", {
        key,
        body: { type: "call.ended", data: { call_id: "c1", summary: `${"a".repeat(20_000)}!` } },
      });
      expect(res.status).toBe(202);
      expect(performance.now() - started).toBeLessThan(2_000);
    });
  });

  describe("class 6: invalid UTF-8", () => {
    const INVALID = [
      ["lone continuation byte", Buffer.from([0x80])],
      ["0xff", Buffer.from([0xff])],
      ["overlong slash", Buffer.from([0xc0, 0xaf])],
      ["truncated sequence", Buffer.from([0xe2, 0x82])],
      ["encoded surrogate", Buffer.from([0xed, 0xa0, 0x80])],
    ] as const;
    const json = (prefix: string, bad: Buffer, suffix: string) =>
      Buffer.concat([Buffer.from(prefix), bad, Buffer.from(suffix)]);

    it.each(INVALID)("%s in a string is 400 on every JSON route", async (_name, bad) => {
      const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      for (const [method, path, body] of [
        ["POST", "/v1/events", json('{"type":"call.ended","idempotency_key":"k-', bad, '","data":{}}')],
        ["POST", "/v1/events/batch", json('{"events":[{"type":"call.ended","data":{"x":"', bad, '"}}]}')],
        ["POST", "/v1/webhooks", json('{"url":"http://127.0.0.1:9/', bad, '"}')],
        ["POST", "/v1/tenants", json('{"name":"', bad, '"}')],
      ] as const) {
        const auth = path === "/v1/tenants" ? { ...headers, authorization: `Bearer ${ADMIN_KEY}` } : headers;
        expectError(await rawCall(sb.url, method, path, body, auth), 400, "invalid_encoding");
      }
    });

    it("two keys that differ only in invalid bytes no longer collide: both are refused", async () => {
      const before = await count("/v1/events");
      const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      for (const byte of [0xff, 0xfe]) {
        const body = json('{"type":"call.ended","idempotency_key":"k-', Buffer.from([byte]), '","data":{}}');
        expectError(await rawCall(sb.url, "POST", "/v1/events", body, headers), 400, "invalid_encoding");
      }
      expect(await count("/v1/events")).toBe(before);
    });

    it("valid multi-byte UTF-8 and a BOM are accepted", async () => {
      const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      const body = Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('{"type":"call.ended","data":{"call_id":"c","summary":"Müller 😀 東京"}}'),
      ]);
      const res = await rawCall(sb.url, "POST", "/v1/events", body, headers);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    });

    it("a __proto__ key is refused", async () => {
      const res = await sb.call("POST", "/v1/events", {
        key,
        body: '{"type":"call.ended","data":{"__proto__":{"admin":true}}}',
      });
      expectError(res, 422, "validation_failed");
    });
  });

  describe("class 2: deep nesting", () => {
    // Built as text: JSON.stringify itself overflows on 10 000 levels.
    const deep = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;
    const event = (levels: number) => `{"type":"call.ended","data":{"call_id":"c","deep":${deep(levels)}}}`;
    it.each([65, 1_000, 10_000])(
      "%i nested arrays in event data are 422, alone and in a batch",
      async (n) => {
        const before = await count("/v1/events");
        expectError(await sb.call("POST", "/v1/events", { key, body: event(n) }), 422, "validation_failed");
        const batch = `{"events":[{"type":"call.ended","data":{"call_id":"ok"}},${event(n)}]}`;
        const res = await sb.call("POST", "/v1/events/batch", { key, body: batch });
        expectError(res, 422, "validation_failed");
        expect(res.body.error.details.path).toMatch(/^\/body\/events\/1\/data\/deep/);
        expect(await count("/v1/events")).toBe(before);
      },
    );

    it("deep nesting in any other body (webhook filters, tenant) is 422", async () => {
      const body = `{"url":"http://127.0.0.1:9/h","filters":{"match":{"data.x":${deep(5_000)}}}}`;
      expectError(await sb.call("POST", "/v1/webhooks", { key, body }), 422, "validation_failed");
      const tenant = `{"name":"x","timezone":${deep(100)}}`;
      expectError(await sb.call("POST", "/v1/tenants", { key: ADMIN_KEY, body: tenant }), 422);
    });

    it("nesting within the limit is accepted and read back", async () => {
      const res = await sb.call("POST", "/v1/events", { key, body: event(50) });
      expect(res.status).toBe(202);
      const back = await sb.call("GET", `/v1/events/${res.body.id}`, { key });
      expect(back.body.data.deep).toEqual(JSON.parse(deep(50)));
    });
  });

  /** Writes that take client text, each a valid request apart from `bad` in one string. */
  const TEXT_FIELDS: Array<[string, string, (bad: string) => unknown]> = [
    ["POST", "/v1/events", (bad) => ({ type: "call.ended", data: { call_id: "c", summary: bad } })],
    ["POST", "/v1/events", (bad) => ({ type: "call.ended", data: { [bad]: 1 } })],
    ["POST", "/v1/events", (bad) => ({ type: "call.ended", data: {}, idempotency_key: bad })],
    ["POST", "/v1/events", (bad) => ({ type: "call.ended", data: {}, campaign_id: bad })],
    ["POST", "/v1/events", (bad) => ({ type: bad, data: {} })],
    ["POST", "/v1/events/batch", (bad) => ({ events: [{ type: "call.ended", data: { n: [bad] } }] })],
    ["POST", "/v1/webhooks", (bad) => ({ ...WEBHOOK, description: bad })],
    ["POST", "/v1/webhooks", (bad) => ({ ...WEBHOOK, url: `http://127.0.0.1:9/${bad}` })],
    ["POST", "/v1/webhooks", (bad) => ({ ...WEBHOOK, headers: { "x-note": bad } })],
    ["POST", "/v1/tenants", (bad) => ({ name: bad })],
  ];

  async function expectRefusedEverywhere(bad: string): Promise<void> {
    const before = [await count("/v1/events"), await count("/v1/webhooks")];
    for (const [method, path, body] of TEXT_FIELDS) {
      const res = await sb.call(method, path, {
        key: path === "/v1/tenants" ? ADMIN_KEY : key,
        body: body(bad),
      });
      expectError(res, 422, "validation_failed");
    }
    expect([await count("/v1/events"), await count("/v1/webhooks")]).toEqual(before);
  }

  describe("class 5: NUL characters", () => {
    it("a NUL anywhere in any string field or key is 422 and stores nothing", async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), async (a, b) => {
          await expectRefusedEverywhere(`${a}\u0000${b}`);
        }),
        { numRuns: 5 },
      );
    });

    it("a NUL in a query string or path parameter is 422", async () => {
      expectError(await sb.call("GET", "/v1/events?type=call.ended%00", { key }), 422, "validation_failed");
      expectError(await sb.call("GET", "/v1/events?cursor=%00", { key }), 422, "validation_failed");
      expectError(await sb.call("GET", "/v1/webhooks/wh_abc%00", { key }), 422, "validation_failed");
    });
  });

  describe("class 7: lone surrogates", () => {
    it("a lone surrogate anywhere in any string field or key is 422 and stores nothing", async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0xd800, max: 0xdfff }), async (code) => {
          await expectRefusedEverywhere(`x${String.fromCharCode(code)}y`);
        }),
        { numRuns: 4 },
      );
    });

    it("the escaped form in raw JSON is refused too; a well-formed pair is stored intact", async () => {
      const raw = '{"type":"call.ended","data":{"call_id":"c","summary":"x\\udfffy"}}';
      expectError(await sb.call("POST", "/v1/events", { key, body: raw }), 422, "validation_failed");
      const pair = '{"type":"call.ended","data":{"call_id":"c","summary":"x\\ud83d\\ude00y"}}';
      const res = await sb.call("POST", "/v1/events", { key, body: pair });
      expect(res.status).toBe(202);
      const back = await sb.call("GET", `/v1/events/${res.body.id}`, { key });
      expect(back.body.data.summary).toBe("x😀y");
    });
  });

  describe("class 3: numeric query parameters", () => {
    /** Every GET route with a `limit` parameter, from the OpenAPI document (so new routes are covered). */
    async function listRoutes(): Promise<string[]> {
      const hook = await sb.call("POST", "/v1/webhooks", { key, body: WEBHOOK });
      const client = await sb.call("POST", "/v1/clients", { key, body: { first_name: "Limit" } });
      const kase = await sb.call("POST", "/v1/cases", { key, body: { client_id: client.body.id } });
      // Each resource's own kind of id, so only the limit can be wrong.
      const ids: Record<string, string> = {
        webhooks: hook.body.id,
        clients: client.body.id,
        cases: kase.body.id,
      };
      const doc = await sb.call("GET", "/openapi.json");
      const paths = Object.entries(
        doc.body.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>,
      )
        .filter(([, ops]) => ops.get?.parameters?.some((p) => p.in === "query" && p.name === "limit"))
        .map(([path]) =>
          path.replace(/^\/v1\/(\w+)\/\{id\}/, (whole, resource: string) =>
            ids[resource] ? `/v1/${resource}/${ids[resource]}` : whole,
          ),
        );
      return paths.filter((p) => !p.includes("{") && !p.startsWith("/v1/destinations/"));
    }

    it.each(["1e400", "-1", "0", "1.5", "abc", "201", "", " 5", "0x10", "1e2", "Infinity", "5&limit=6"])(
      "limit=%s is 422 on every list route",
      async (limit) => {
        const routes = await listRoutes();
        expect(routes.length).toBeGreaterThanOrEqual(4);
        for (const route of routes) {
          const caller = route === "/v1/tenants" ? ADMIN_KEY : key;
          const res = await sb.call("GET", `${route}?limit=${limit}`, { key: caller });
          expectError(res, 422, "validation_failed");
          expect(res.body.error.details.path).toBe("/querystring/limit");
        }
      },
    );

    it("a plain limit within bounds works everywhere", async () => {
      for (const route of await listRoutes()) {
        const caller = route === "/v1/tenants" ? ADMIN_KEY : key;
        for (const limit of ["1", "200", "007"]) {
          const res = await sb.call("GET", `${route}?limit=${limit}`, { key: caller });
          expect(res.status, `${route}?limit=${limit}: ${JSON.stringify(res.body)}`).toBe(200);
        }
      }
    });
  });

  describe("class 8: no coercion of bodies", () => {
    const CASES: Array<[string, Record<string, unknown>]> = [
      ["enabled: null", { enabled: null }],
      ["enabled: 0", { enabled: 0 }],
      ['enabled: "false"', { enabled: "false" }],
      ["rate_limit_per_s: 0", { rate_limit_per_s: 0 }],
      ['rate_limit_per_s: "5"', { rate_limit_per_s: "5" }],
      ["max_in_flight: 0", { max_in_flight: 0 }],
      ['timeout_ms: "1000"', { timeout_ms: "1000" }],
      ["description: 12345", { description: 12345 }],
      ["url: [..]", { url: ["http://127.0.0.1:9/a"] }],
      ['events: "call.ended"', { events: "call.ended" }],
    ];

    it.each(CASES)("webhook %s is 422 on create and patch, and changes nothing", async (_name, fields) => {
      const before = await count("/v1/webhooks");
      expectError(await sb.call("POST", "/v1/webhooks", { key, body: { ...WEBHOOK, ...fields } }), 422);
      expect(await count("/v1/webhooks")).toBe(before);
      const hook = await sb.call("POST", "/v1/webhooks", { key, body: WEBHOOK });
      expectError(await sb.call("PATCH", `/v1/webhooks/${hook.body.id}`, { key, body: fields }), 422);
      const after = await sb.call("GET", `/v1/webhooks/${hook.body.id}`, { key });
      expect(after.body.enabled).toBe(true);
      expect(after.body.updated_at).toBe(hook.body.updated_at);
    });

    it.each([
      ["name: 12345", "/v1/tenants", { name: 12345 }],
      ["occurred_at: -1", "/v1/events", { type: "call.ended", data: {}, occurred_at: -1 }],
      ['occurred_at: "-1"', "/v1/events", { type: "call.ended", data: {}, occurred_at: "-1" }],
      ['occurred_at: "1"', "/v1/events", { type: "call.ended", data: {}, occurred_at: "1" }],
      ["type: 1", "/v1/events", { type: 1, data: {} }],
      ["data: []", "/v1/events", { type: "call.ended", data: [] }],
      ["idempotency_key: 7", "/v1/events", { type: "call.ended", data: {}, idempotency_key: 7 }],
      ["events: {}", "/v1/events/batch", { events: { type: "call.ended", data: {} } }],
    ])("%s is 422", async (_name, path, body) => {
      const before = await count("/v1/events");
      const caller = path === "/v1/tenants" ? ADMIN_KEY : key;
      expectError(await sb.call("POST", path, { key: caller, body }), 422, "validation_failed");
      expect(await count("/v1/events")).toBe(before);
    });

    it.each([
      ["since: -1", { since: -1 }],
      ['since: "-1"', { since: "-1" }],
      ["until: 0", { until: 0 }],
      ["status: 1", { status: 1 }],
    ])("replay %s is 422", async (_name, body) => {
      const hook = await sb.call("POST", "/v1/webhooks", { key, body: WEBHOOK });
      expectError(await sb.call("POST", `/v1/webhooks/${hook.body.id}/replay`, { key, body }), 422);
    });
  });

  describe("class 4: framework errors use the envelope", () => {
    const json = { "content-type": "application/json" };
    it.each<[string, string, string, string | null, Record<string, string>, number, string]>([
      ["over-long id", "GET", `/v1/webhooks/wh_${"a".repeat(500)}`, null, {}, 414, "uri_too_long"],
      ["bad percent-encoding", "GET", "/v1/webhooks/%E0%A4%A", null, {}, 400, "bad_url"],
      ["unknown route", "GET", "/v1/nothing-here", null, {}, 404, "not_found"],
      ["wrong method", "PUT", "/v1/events", "{}", json, 404, "not_found"],
      [
        "unsupported media type",
        "POST",
        "/v1/events",
        "x",
        { "content-type": "text/xml" },
        415,
        "unsupported_media_type",
      ],
      ["bad JSON", "POST", "/v1/events", "{", json, 400, "malformed_json"],
      ["empty JSON", "POST", "/v1/events", "", json, 400, "malformed_json"],
      ["too large", "POST", "/v1/events", `"${"x".repeat(300_000)}"`, json, 413, "payload_too_large"],
      [
        "bad content-length",
        "POST",
        "/v1/events",
        "{}",
        { ...json, "content-length": "1" },
        400,
        "bad_request",
      ],
    ])("%s", async (_name, method, path, body, headers, status, code) => {
      const res = await rawCall(sb.url, method, path, body === null ? null : Buffer.from(body), {
        authorization: `Bearer ${key}`,
        ...headers,
      });
      expectError(res, status, code);
    });

    it("headers too large (refused by Node's parser) still answer in the envelope", async () => {
      const { port } = new URL(sb.url);
      const text = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), "127.0.0.1", () => {
          socket.write(`GET /v1/events HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
        });
        let data = "";
        socket.on("data", (chunk) => {
          data += chunk.toString();
        });
        socket.on("close", () => resolve(data));
        socket.on("error", reject);
      });
      expect(text).toMatch(/^HTTP\/1\.1 431/);
      const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
      expect(body).toEqual({ error: { code: "headers_too_large", message: expect.any(String) } });
    });
  });

  describe("class 9: unknown fields on every write route", () => {
    /** Every POST/PUT/PATCH/DELETE route, from the OpenAPI document, with real ids filled in. */
    async function writeRoutes(): Promise<Array<[string, string]>> {
      const hook = await sb.call("POST", "/v1/webhooks", { key, body: WEBHOOK });
      const doc = await sb.call("GET", "/openapi.json");
      const out: Array<[string, string]> = [];
      for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
        for (const method of Object.keys(ops)) {
          if (!["post", "put", "patch", "delete"].includes(method)) continue;
          out.push([method.toUpperCase(), path]);
        }
      }
      return out.map(([m, p]) => [m, p.replace("{id}", p.startsWith("/v1/webhooks") ? hook.body.id : "x")]);
    }

    it("an unknown field is 422 on every write route a tenant key can reach", async () => {
      const routes = (await writeRoutes()).filter(
        ([, p]) => !p.includes("{") && !p.startsWith("/v1/tenants"),
      );
      expect(routes.length).toBeGreaterThanOrEqual(6);
      for (const [method, path] of routes) {
        if (path === "/v1/imports") continue; // multipart
        const res = await sb.call(method, path, { key, body: { surely_not_a_field: 1 } });
        // 422 (a required field may be reported first) or 404 for a placeholder id.
        expect([404, 422], `${method} ${path}: ${JSON.stringify(res.body)}`).toContain(res.status);
        expectError(res, res.status);
      }
    });

    it.each<[string, (ids: { tenant: string; hook: string }) => string, unknown]>([
      [
        "POST",
        (i) => `/v1/tenants/${i.tenant}/keys`,
        // Keys take scopes and an expiry now; a field besides those is still refused.
        { scopes: ["events:write"], expires_at: "2030-01-01T00:00:00Z", admin: true },
      ],
      ["POST", (i) => `/v1/webhooks/${i.hook}/rotate-secret`, { grace_s: 0 }],
      ["POST", (i) => `/v1/webhooks/${i.hook}/test`, { event_type: "call.ended", extra: 1 }],
      ["POST", (i) => `/v1/webhooks/${i.hook}/replay`, { status: "failed", at: "now" }],
      ["DELETE", (i) => `/v1/webhooks/${i.hook}`, { force: true }],
      ["POST", (i) => `/v1/tenants/${i.tenant}/keys`, [1]],
      ["POST", (i) => `/v1/tenants/${i.tenant}/keys`, '"text"'],
    ])("%s %s with a body it does not take is 422", async (method, path, body) => {
      const tenant = await sb.call("POST", "/v1/tenants", { key: ADMIN_KEY, body: { name: "t" } });
      const hook = await sb.call("POST", "/v1/webhooks", { key, body: WEBHOOK });
      const ids = { tenant: tenant.body.id, hook: hook.body.id };
      const caller = path(ids).startsWith("/v1/tenants") ? ADMIN_KEY : key;
      expectError(await sb.call(method, path(ids), { key: caller, body }), 422, "validation_failed");
      const keys = await sb.call("GET", `/v1/tenants/${ids.tenant}/keys`, { key: ADMIN_KEY });
      expect(keys.body.data).toEqual([]);
      expect((await sb.call("GET", `/v1/webhooks/${ids.hook}`, { key })).status).toBe(200);
    });

    it("no body or {} still works on routes without one", async () => {
      const tenant = await sb.call("POST", "/v1/tenants", { key: ADMIN_KEY, body: { name: "t" } });
      expect((await sb.call("POST", `/v1/tenants/${tenant.body.id}/keys`, { key: ADMIN_KEY })).status).toBe(
        201,
      );
      const withEmpty = await sb.call("POST", `/v1/tenants/${tenant.body.id}/keys`, {
        key: ADMIN_KEY,
        body: {},
      });
      expect(withEmpty.status).toBe(201);
      const hook = await sb.call("POST", "/v1/webhooks", { key, body: WEBHOOK });
      expect(
        (await sb.call("POST", `/v1/webhooks/${hook.body.id}/rotate-secret`, { key, body: {} })).status,
      ).toBe(200);
    });
  });

  describe("class 10: the per-event size limit applies inside batches", () => {
    const event = (chars: number) => ({
      type: "call.ended",
      data: { call_id: "c", transcript: "x".repeat(chars) },
    });
    it.each([
      [[300_000], 0],
      [[10, 10, 300_000], 2],
      [[10, 270_000, 10], 1],
    ])("a batch of sizes %j is 413 naming index %i, and stores nothing", async (sizes, index) => {
      const before = await count("/v1/events");
      const res = await sb.call("POST", "/v1/events/batch", { key, body: { events: sizes.map(event) } });
      expectError(res, 413, "payload_too_large");
      expect(res.body.error.details.path).toBe(`/body/events/${index}`);
      expect(await count("/v1/events")).toBe(before);
      if (sizes.length === 1) {
        expectError(
          await sb.call("POST", "/v1/events", { key, body: event(sizes[0] ?? 0) }),
          413,
          "payload_too_large",
        );
      }
    });

    it("events just under the limit are accepted alone and in a batch", async () => {
      const res = await sb.call("POST", "/v1/events/batch", {
        key,
        body: { events: [event(200_000), event(200_000)] },
      });
      expect(res.status).toBe(202);
      expect((await sb.call("POST", "/v1/events", { key, body: event(200_000) })).status).toBe(202);
    });
  });

  describe("class 13: credential-looking headers are masked where shown", () => {
    it("a custom x-api-token is masked in webhook answers and attempts, and sent in full", async () => {
      const receiver = await Receiver.start();
      try {
        const token = "tok_live_0123456789abcdefghij";
        const headers = {
          "x-api-token": token,
          "X-Client-Secret": "s3cr3t-value-0123456789",
          "x-campaign": "spring",
        };
        const created = await sb.call("POST", "/v1/webhooks", {
          key,
          body: { url: `${receiver.url}/hook`, headers },
        });
        expect(created.status).toBe(201);
        const shown = [
          created.body,
          (await sb.call("GET", `/v1/webhooks/${created.body.id}`, { key })).body,
          (await sb.call("GET", "/v1/webhooks?limit=200", { key })).body.data.find(
            (w: { id: string }) => w.id === created.body.id,
          ),
        ];
        for (const webhook of shown) {
          expect(JSON.stringify(webhook)).not.toContain("0123456789");
          expect(webhook.headers["x-campaign"]).toBe("spring");
        }
        const test = await sb.call("POST", `/v1/webhooks/${created.body.id}/test`, { key });
        expect(test.status).toBe(200);
        expect(JSON.stringify(test.body)).not.toContain("0123456789");
        const delivery = await sb.call("GET", `/v1/deliveries/${test.body.delivery_id}`, { key });
        expect(JSON.stringify(delivery.body)).not.toContain("0123456789");
        expect(receiver.requests[0]?.headers["x-api-token"]).toBe(token);
        expect(receiver.requests[0]?.headers["x-client-secret"]).toBe(headers["X-Client-Secret"]);
      } finally {
        await receiver.close();
      }
    });
  });

  describe("class 14: request ids", () => {
    it.each([
      ["abc-123", true],
      ["req_01HX/with:punctuation", true],
      ["x".repeat(128), true],
      ["x".repeat(129), false],
      ["has space", false],
      ["tab\there", false],
      ["", false],
    ])("X-Request-Id %j is echoed when valid, replaced when not", async (id, kept) => {
      const res = await sb.call("GET", "/v1/webhooks?limit=1", { key, headers: { "x-request-id": id } });
      expect(res.status).toBe(200);
      const echoed = res.headers.get("x-request-id") ?? "";
      if (kept) expect(echoed).toBe(id);
      else expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("errors carry one too", async () => {
      const res = await sb.call("GET", "/v1/nothing", { key });
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
