import { describe, expect, it } from "vitest";
import { type AttemptResult, decideAttempt } from "../../src/domain/outcome.js";
import type { RetryPolicy, SuccessConditions } from "../../src/domain/webhook.js";

const NOW = Date.UTC(2025, 5, 10, 12, 0, 0);
const STARTED = NOW - 250;
/** 0.5 → no jitter, so due times are exact. */
const noJitter = () => 0.5;

function response(status: number, headers: Record<string, string> = {}, body = ""): AttemptResult {
  return { status, headers, body, errorKind: null, errorMessage: null };
}

function networkError(kind: string, message = "it broke"): AttemptResult {
  return { status: null, headers: null, body: null, errorKind: kind, errorMessage: message };
}

function decide(
  result: AttemptResult,
  options: { attemptsBefore?: number; retry?: RetryPolicy; success?: SuccessConditions; first?: number } = {},
) {
  const attemptsBefore = options.attemptsBefore ?? 0;
  return decideAttempt(
    result,
    { attemptsBefore, firstAttemptAt: options.first ?? (attemptsBefore === 0 ? null : STARTED - 60_000) },
    { retry: options.retry ?? { schedule: [10, 20], max_attempts: 3 }, success: options.success ?? {} },
    STARTED,
    NOW,
    noJitter,
  );
}

describe("decideAttempt", () => {
  it.each([200, 201, 202, 204, 299])("counts %i as a successful delivery", (status) => {
    const decision = decide(response(status));
    expect(decision).toMatchObject({
      succeeded: true,
      status: "succeeded",
      error: null,
      disableWebhook: null,
    });
    expect(decision).not.toHaveProperty("appended");
  });

  it("schedules the next attempt after a 500 at the policy's wait for that attempt", () => {
    const first = decide(response(500));
    expect(first).toMatchObject({ succeeded: false, status: "pending", nextAttemptAt: NOW + 10_000 });
    expect(first.error).toContain("500");
    const second = decide(response(500), { attemptsBefore: 1 });
    expect(second).toMatchObject({ status: "pending", nextAttemptAt: NOW + 20_000 });
  });

  it("jitters the wait by at most 10 %", () => {
    const low = decideAttempt(
      response(500),
      { attemptsBefore: 0, firstAttemptAt: null },
      { retry: { schedule: [100] }, success: {} },
      STARTED,
      NOW,
      () => 0,
    );
    const high = decideAttempt(
      response(500),
      { attemptsBefore: 0, firstAttemptAt: null },
      { retry: { schedule: [100] }, success: {} },
      STARTED,
      NOW,
      () => 0.999_999,
    );
    expect(low.nextAttemptAt).toBe(NOW + 90_000);
    expect(high.nextAttemptAt).toBeGreaterThan(NOW + 109_000);
    expect(high.nextAttemptAt).toBeLessThanOrEqual(NOW + 110_000);
  });

  it("fails the delivery when the last allowed attempt fails", () => {
    const decision = decide(response(500), { attemptsBefore: 2 });
    expect(decision).toMatchObject({ succeeded: false, status: "failed", disableWebhook: null });
    expect(decision.error).toContain("500");
  });

  it("fails at once when max_attempts is 1", () => {
    expect(decide(response(502), { retry: { max_attempts: 1 } }).status).toBe("failed");
  });

  it("retries network errors and records their kind in the error", () => {
    const decision = decide(networkError("timeout", "no complete response within the timeout"));
    expect(decision.status).toBe("pending");
    expect(decision.nextAttemptAt).toBe(NOW + 10_000);
    expect(decision.error).toMatch(/^timeout: /);
  });

  it("treats a 3xx as a failure that mentions redirects are not followed", () => {
    const decision = decide(response(302, { location: "https://elsewhere.example/" }));
    expect(decision.status).toBe("pending");
    expect(decision.error).toMatch(/redirect/);
  });

  it("stops on 410 Gone: the delivery fails and the webhook is to be disabled, attempts left or not", () => {
    const decision = decide(response(410), { retry: { schedule: [1], max_attempts: 10 } });
    expect(decision.succeeded).toBe(false);
    expect(decision.status).toBe("failed");
    expect(decision.disableWebhook).toEqual(expect.any(String));
    expect(decision.disableWebhook).toContain("410");
  });

  it.each([429, 503])("waits at least the Retry-After seconds of a %i", (status) => {
    const decision = decide(response(status, { "retry-after": "120" }));
    expect(decision).toMatchObject({ status: "pending", nextAttemptAt: NOW + 120_000 });
  });

  it("keeps the schedule's wait when Retry-After asks for less (a floor, not a replacement)", () => {
    const decision = decide(response(429, { "retry-after": "2" }));
    expect(decision.nextAttemptAt).toBe(NOW + 10_000);
  });

  it("honours Retry-After given as an HTTP date", () => {
    const at = new Date(NOW + 300_000).toUTCString();
    const decision = decide(response(503, { "retry-after": at }));
    expect(decision.nextAttemptAt).toBe(NOW + 300_000);
  });

  it("caps Retry-After at 24 hours", () => {
    const decision = decide(response(429, { "retry-after": String(7 * 86_400) }), {
      retry: { schedule: [10], max_attempts: 3, total_timeout_s: 2_592_000 },
    });
    expect(decision.nextAttemptAt).toBe(NOW + 86_400_000);
  });

  it("ignores Retry-After on statuses other than 429 and 503", () => {
    const decision = decide(response(500, { "retry-after": "120" }));
    expect(decision.nextAttemptAt).toBe(NOW + 10_000);
  });

  it("still fails on the last attempt even when Retry-After is given", () => {
    const decision = decide(response(429, { "retry-after": "5" }), { attemptsBefore: 2 });
    expect(decision.status).toBe("failed");
  });

  it("gives up when the next attempt would start past total_timeout_s", () => {
    const decision = decide(response(500), {
      attemptsBefore: 1,
      first: NOW - 50_000,
      retry: { schedule: [10, 20], max_attempts: 10, total_timeout_s: 60 },
    });
    expect(decision.status).toBe("failed");
  });

  it.each(["destination_blocked", "render"])("fails a %s error without retrying", (kind) => {
    const decision = decide(networkError(kind, "nope"), { retry: { schedule: [1], max_attempts: 10 } });
    expect(decision).toMatchObject({ succeeded: false, status: "failed", disableWebhook: null });
    expect(decision.error).toMatch(new RegExp(`^${kind}: nope`));
  });

  it("extracts an append value from a successful JSON answer", () => {
    const decision = decide(response(200, { "content-type": "application/json" }, '{"append":"Gold tier"}'));
    expect(decision).toMatchObject({ succeeded: true, appended: "Gold tier" });
  });

  it("does not extract an append value from a failed answer", () => {
    const decision = decide(response(500, {}, '{"append":"x"}'));
    expect(decision.appended).toBeUndefined();
  });

  it("applies the webhook's success conditions: a 200 without the expected key is retried", () => {
    const success = { response_key: "result.ok", expected_value: true };
    const failed = decide(response(200, {}, '{"result":{"ok":false}}'), { success });
    expect(failed.status).toBe("pending");
    expect(failed.error).toContain("result.ok");
    expect(decide(response(200, {}, '{"result":{"ok":true}}'), { success }).succeeded).toBe(true);
  });

  it("accepts exactly the configured status codes, including a 3xx", () => {
    const success = { status_codes: [200, 302] };
    expect(decide(response(302), { success }).succeeded).toBe(true);
    expect(decide(response(201), { success }).status).toBe("pending");
  });
});
