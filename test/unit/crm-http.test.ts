import { describe, expect, it } from "vitest";
import type { CrmExchange } from "../../src/integrations/crm/connector.js";
import {
  classifyResponse,
  defaultVendorMessage,
  parseRetryAfter,
  REDACTED,
  redactExchange,
} from "../../src/integrations/crm/http.js";

const NOW = Date.parse("2026-12-02T10:00:00Z");

describe("parseRetryAfter", () => {
  it("reads delta seconds, fractional seconds and HTTP dates", () => {
    expect(parseRetryAfter({ "Retry-After": "7" }, NOW)).toBe(7000);
    expect(parseRetryAfter({ "retry-after": "0.5" }, NOW)).toBe(500);
    expect(parseRetryAfter({ "retry-after": "0" }, NOW)).toBe(0);
    expect(parseRetryAfter({ "retry-after": "Wed, 02 Dec 2026 10:00:30 GMT" }, NOW)).toBe(30_000);
  });

  it("never answers a negative wait for a date in the past", () => {
    expect(parseRetryAfter({ "retry-after": "Wed, 02 Dec 2026 09:00:00 GMT" }, NOW)).toBe(0);
  });

  it("falls back to rate-limit reset headers: delta seconds or a Unix time", () => {
    expect(parseRetryAfter({ "RateLimit-Reset": "12" }, NOW)).toBe(12_000);
    expect(parseRetryAfter({ "x-ratelimit-reset": String(NOW / 1000 + 20) }, NOW)).toBe(20_000);
  });

  it("prefers Retry-After and ignores what it cannot read", () => {
    expect(parseRetryAfter({ "retry-after": "3", "x-ratelimit-reset": "50" }, NOW)).toBe(3000);
    expect(parseRetryAfter({ "retry-after": "soon" }, NOW)).toBeNull();
    expect(parseRetryAfter({ "x-ratelimit-reset": "-4" }, NOW)).toBeNull();
    expect(parseRetryAfter({}, NOW)).toBeNull();
  });
});

describe("classifyResponse", () => {
  const answer = (status: number, body = "", headers: Record<string, string> = {}) => ({
    status,
    headers,
    body,
  });

  it("passes 2xx", () => {
    expect(classifyResponse(answer(200), NOW)).toBeNull();
    expect(classifyResponse(answer(204), NOW)).toBeNull();
  });

  it.each([
    [401, "auth"],
    [403, "auth"],
    [404, "not_found"],
    [400, "validation"],
    [422, "validation"],
    [409, "conflict"],
    [412, "conflict"],
    [429, "rate_limited"],
    [500, "transient"],
    [502, "transient"],
    [503, "transient"],
    [302, "validation"],
  ])("%i → %s", (status, stage) => {
    const error = classifyResponse(answer(status), NOW);
    expect(error?.stage).toBe(stage);
    expect(error?.status).toBe(status);
  });

  it("carries the vendor's message and the retry-after", () => {
    const limited = classifyResponse(answer(429, '{"message":"slow down"}', { "retry-after": "9" }), NOW);
    expect(limited?.retryAfterMs).toBe(9000);
    expect(limited?.vendorMessage).toBe("slow down");
    const invalid = classifyResponse(answer(400, '{"Success":false,"Message":"Invalid Case Type"}'), NOW);
    expect(invalid?.vendorMessage).toBe("Invalid Case Type");
    expect(invalid?.message).toContain("Invalid Case Type");
  });
});

describe("defaultVendorMessage", () => {
  const from = (body: string) => defaultVendorMessage({ status: 400, headers: {}, body });
  it("finds the message in the shapes vendors use", () => {
    expect(from('{"error":{"message":"bad phone"}}')).toBe("bad phone");
    expect(from('{"errors":["a","b"]}')).toBe("a; b");
    expect(from('{"title":"One or more validation errors occurred."}')).toBe(
      "One or more validation errors occurred.",
    );
    expect(from("Invalid Status")).toBe("Invalid Status");
  });
  it("keeps HTML pages and empty bodies out, and clips long text", () => {
    expect(from("<html><body>Error</body></html>")).toBeNull();
    expect(from("   ")).toBeNull();
    expect(from("x".repeat(2000))?.length).toBe(501);
  });
});

describe("redactExchange", () => {
  const exchange = (
    request: CrmExchange["request"],
    response: CrmExchange["response"] = null,
  ): CrmExchange => ({
    request,
    response,
    error: null,
    durationMs: 1,
  });

  it("redacts the authorization header always, and named headers", () => {
    const out = redactExchange(
      exchange({
        method: "GET",
        url: "https://x.test/a",
        headers: { Authorization: "Bearer abc", "X-ApiKey": "k", accept: "*/*" },
        body: null,
      }),
      { headers: ["x-apikey"] },
    );
    expect(out.request.headers).toEqual({ Authorization: REDACTED, "X-ApiKey": REDACTED, accept: "*/*" });
  });

  it("redacts query parameters and form fields by name, case-insensitively", () => {
    const out = redactExchange(
      exchange({
        method: "POST",
        url: "https://x.test/api?key=SECRET&LeadID=5",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "Key=SECRET&FirstName=Ana+Maria",
      }),
      { query: ["Key"], form: ["Key"] },
    );
    expect(out.request.url).not.toContain("SECRET");
    expect(out.request.url).toContain("LeadID=5");
    expect(out.request.body).toBe(`Key=${encodeURIComponent(REDACTED)}&FirstName=Ana+Maria`);
  });

  it("redacts JSON keys at any depth in the request and the response", () => {
    const out = redactExchange(
      exchange(
        {
          method: "POST",
          url: "https://x.test/auth",
          headers: { "content-type": "application/json" },
          body: '{"Username":"u","Password":"hunter2"}',
        },
        {
          status: 200,
          headers: { "content-type": "application/json" },
          body: '{"user":{"token":"eyJ"},"userID":1}',
        },
      ),
      { json: ["Password", "token"] },
    );
    expect(JSON.parse(out.request.body ?? "")).toEqual({ Username: "u", Password: REDACTED });
    expect(JSON.parse(out.response?.body ?? "")).toEqual({ user: { token: REDACTED }, userID: 1 });
  });

  it("leaves a body it cannot parse as it is", () => {
    const out = redactExchange(
      exchange({
        method: "POST",
        url: "https://x.test",
        headers: { "content-type": "application/json" },
        body: "{oops",
      }),
      { json: ["Password"] },
    );
    expect(out.request.body).toBe("{oops");
  });
});
