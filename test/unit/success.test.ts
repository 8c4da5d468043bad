import { describe, expect, it } from "vitest";
import { extractAppend, isSuccessfulResponse, jsonDeepEqual, lookupPath } from "../../src/domain/success.js";

describe("isSuccessfulResponse — status", () => {
  it("accepts any 2xx by default", () => {
    for (const status of [200, 201, 202, 204, 299]) {
      expect(isSuccessfulResponse({}, status, undefined)).toEqual({ success: true });
    }
  });

  it("rejects non-2xx by default with a clear reason", () => {
    expect(isSuccessfulResponse({}, 500, "oops")).toEqual({
      success: false,
      reason: "status 500 is not 2xx",
    });
    expect(isSuccessfulResponse({}, 404, undefined).reason).toBe("status 404 is not 2xx");
    expect(isSuccessfulResponse({}, 199, undefined).success).toBe(false);
    expect(isSuccessfulResponse({}, 300, undefined).success).toBe(false);
  });

  it("never treats a redirect as success unless listed, and says redirects are not followed", () => {
    const verdict = isSuccessfulResponse({}, 302, undefined);
    expect(verdict.success).toBe(false);
    expect(verdict.reason).toMatch(/status 302 is not 2xx.*redirect/);
    expect(isSuccessfulResponse({ status_codes: [200, 302] }, 302, undefined).success).toBe(true);
  });

  it("status_codes is an exact list that replaces the 2xx rule", () => {
    const conditions = { status_codes: [200, 409] };
    expect(isSuccessfulResponse(conditions, 409, undefined).success).toBe(true);
    expect(isSuccessfulResponse(conditions, 200, undefined).success).toBe(true);
    const verdict = isSuccessfulResponse(conditions, 201, undefined);
    expect(verdict.success).toBe(false);
    expect(verdict.reason).toBe("status 201 is not one of the accepted codes 200, 409");
  });

  it("an empty status_codes list falls back to any 2xx", () => {
    expect(isSuccessfulResponse({ status_codes: [] }, 204, undefined).success).toBe(true);
  });

  it("checks the status before the response key", () => {
    const verdict = isSuccessfulResponse({ response_key: "ok" }, 500, '{"ok": true}');
    expect(verdict).toEqual({ success: false, reason: "status 500 is not 2xx" });
  });
});

describe("isSuccessfulResponse — response_key", () => {
  it("requires the key to deep-equal expected_value", () => {
    const conditions = { response_key: "result.ok", expected_value: true };
    expect(isSuccessfulResponse(conditions, 200, '{"result": {"ok": true}}').success).toBe(true);
    expect(isSuccessfulResponse(conditions, 200, '{"result": {"ok": false}}')).toEqual({
      success: false,
      reason: "response key result.ok was false, expected true",
    });
  });

  it("compares strings, numbers, null, arrays and objects structurally", () => {
    const check = (expected: unknown, body: string) =>
      isSuccessfulResponse({ response_key: "v", expected_value: expected }, 200, body).success;
    expect(check("accepted", '{"v": "accepted"}')).toBe(true);
    expect(check("accepted", '{"v": "rejected"}')).toBe(false);
    expect(check(1, '{"v": 1.0}')).toBe(true);
    expect(check(1, '{"v": "1"}')).toBe(false);
    expect(check(null, '{"v": null}')).toBe(true);
    expect(check([1, { a: 2 }], '{"v": [1, {"a": 2}]}')).toBe(true);
    expect(check([1, 2], '{"v": [2, 1]}')).toBe(false);
    expect(check({ a: 1, b: [true] }, '{"v": {"b": [true], "a": 1}}')).toBe(true);
    expect(check({ a: 1 }, '{"v": {"a": 1, "b": 2}}')).toBe(false);
  });

  it("quotes string values in the reason", () => {
    const verdict = isSuccessfulResponse(
      { response_key: "status", expected_value: "accepted" },
      200,
      '{"status": "rejected"}',
    );
    expect(verdict.reason).toBe('response key status was "rejected", expected "accepted"');
  });

  it("without expected_value, the key must exist and be truthy", () => {
    const conditions = { response_key: "data.id" };
    expect(isSuccessfulResponse(conditions, 200, '{"data": {"id": "abc"}}').success).toBe(true);
    expect(isSuccessfulResponse(conditions, 200, '{"data": {"id": 7}}').success).toBe(true);
    for (const falsy of ["0", '""', "false", "null"]) {
      const verdict = isSuccessfulResponse(conditions, 200, `{"data": {"id": ${falsy}}}`);
      expect(verdict.success).toBe(false);
      expect(verdict.reason).toBe(`response key data.id was ${falsy}, expected a truthy value`);
    }
  });

  it("reports a missing key and where the path broke", () => {
    expect(isSuccessfulResponse({ response_key: "result.ok" }, 200, '{"result": {}}')).toEqual({
      success: false,
      reason: "response key result.ok is missing",
    });
    expect(isSuccessfulResponse({ response_key: "result.ok" }, 200, '{"other": 1}').reason).toBe(
      "response key result.ok is missing (nothing at result)",
    );
  });

  it("follows array indexes in the path", () => {
    const body = '{"items": [{"id": "a"}, {"id": "b"}]}';
    expect(isSuccessfulResponse({ response_key: "items.1.id", expected_value: "b" }, 200, body).success).toBe(
      true,
    );
    expect(isSuccessfulResponse({ response_key: "items.2.id" }, 200, body).success).toBe(false);
    expect(isSuccessfulResponse({ response_key: "items.x" }, 200, body).success).toBe(false);
    expect(isSuccessfulResponse({ response_key: "0", expected_value: 5 }, 200, "[5]").success).toBe(true);
  });

  it("fails when the body is not JSON, saying so", () => {
    const verdict = isSuccessfulResponse({ response_key: "ok" }, 200, "<html>ok</html>", "text/html");
    expect(verdict.success).toBe(false);
    expect(verdict.reason).toMatch(/not JSON/);
    expect(verdict.reason).toMatch(/text\/html/);
  });

  it("fails when the body is empty", () => {
    expect(isSuccessfulResponse({ response_key: "ok" }, 200, undefined).reason).toMatch(/empty/);
    expect(isSuccessfulResponse({ response_key: "ok" }, 200, "  ").success).toBe(false);
  });

  it("parses JSON regardless of the declared content type", () => {
    expect(isSuccessfulResponse({ response_key: "ok" }, 200, '{"ok": 1}', "text/plain").success).toBe(true);
  });

  it("does not follow inherited properties", () => {
    expect(isSuccessfulResponse({ response_key: "constructor" }, 200, "{}").success).toBe(false);
    expect(isSuccessfulResponse({ response_key: "a.length" }, 200, '{"a": "xyz"}').success).toBe(false);
  });

  it("truncates long values in the reason", () => {
    const long = "x".repeat(500);
    const verdict = isSuccessfulResponse({ response_key: "v", expected_value: "y" }, 200, `{"v": "${long}"}`);
    expect(verdict.reason!.length).toBeLessThan(200);
  });
});

describe("lookupPath and jsonDeepEqual", () => {
  it("lookupPath finds nested values", () => {
    expect(lookupPath({ a: { b: [0, { c: 3 }] } }, "a.b.1.c")).toEqual({ found: true, value: 3 });
    expect(lookupPath({ a: null }, "a")).toEqual({ found: true, value: null });
    expect(lookupPath({ a: null }, "a.b")).toEqual({ found: false, at: "a.b" });
  });

  it("jsonDeepEqual distinguishes arrays from objects", () => {
    expect(jsonDeepEqual([], {})).toBe(false);
    expect(jsonDeepEqual({ 0: 1 }, [1])).toBe(false);
  });
});

describe("extractAppend", () => {
  it("returns a string append value", () => {
    expect(extractAppend('{"append": "case #123"}')).toEqual({ value: "case #123", truncated: false });
  });

  it("coerces numbers and booleans to strings", () => {
    expect(extractAppend('{"append": 42}')).toEqual({ value: "42", truncated: false });
    expect(extractAppend('{"append": true}')).toEqual({ value: "true", truncated: false });
  });

  it("cuts values longer than 40 characters and flags them", () => {
    const result = extractAppend(JSON.stringify({ append: "a".repeat(41) }));
    expect(result).toEqual({ value: "a".repeat(40), truncated: true });
    expect(extractAppend(JSON.stringify({ append: "b".repeat(40) }))).toEqual({
      value: "b".repeat(40),
      truncated: false,
    });
  });

  it("counts characters, not UTF-16 units, when cutting", () => {
    const result = extractAppend(JSON.stringify({ append: "😀".repeat(45) }));
    expect(result?.truncated).toBe(true);
    expect(Array.from(result!.value)).toHaveLength(40);
  });

  it("returns undefined without a usable append value", () => {
    expect(extractAppend(undefined)).toBeUndefined();
    expect(extractAppend("")).toBeUndefined();
    expect(extractAppend("append")).toBeUndefined();
    expect(extractAppend('{"other": "x"}')).toBeUndefined();
    expect(extractAppend('{"append": null}')).toBeUndefined();
    expect(extractAppend('{"append": {"x": 1}}')).toBeUndefined();
    expect(extractAppend('{"append": ""}')).toBeUndefined();
    expect(extractAppend('["append"]')).toBeUndefined();
    expect(extractAppend('{"append": "x"')).toBeUndefined();
  });
});
