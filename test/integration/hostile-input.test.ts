import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});

export { ADMIN_KEY, rawCall };
