import { describe, expect, it } from "vitest";
import { decideAttempt } from "../../src/domain/outcome.js";
import { CrmError, type CrmExchange } from "../../src/integrations/crm/connector.js";
import { failed, type ResolvedCrm, subjectOf } from "../../src/integrations/crm/sync/target.js";

const target = {
  kind: "crm",
  id: "crm_1",
  tenant_id: "ten_1",
  enabled: true,
  deleted: false,
  url: "https://firm.lawruler.com",
  timeout_ms: 15_000,
  retry: {},
  success: {},
  max_in_flight: 4,
  rate_limit_per_s: null,
  secretHeaderNames: [],
  updated_at: 0,
  config: { provider: "lawruler", base_url: "https://firm.lawruler.com", credentials: {} },
} as ResolvedCrm;

const exchange: CrmExchange = {
  request: {
    method: "POST",
    url: "https://firm.lawruler.com/api-legalcrmapp.aspx",
    headers: {},
    body: "a=1",
  },
  response: {
    status: 400,
    headers: { "content-type": "application/json" },
    body: '{"Message":"Invalid Case Type"}',
  },
  error: null,
  durationMs: 12,
};

const decide = (result: ReturnType<typeof failed>["result"]) =>
  decideAttempt(
    result,
    { attemptsBefore: 0, firstAttemptAt: null },
    { retry: {}, success: {} },
    0,
    0,
    () => 0.5,
  );

describe("CRM push outcomes as attempts", () => {
  it("a validation refusal fails at once with the CRM's words and its exact answer", () => {
    const error = new CrmError("validation", "refused", { status: 400, vendorMessage: "Invalid Case Type" });
    const { request, result } = failed(target, [exchange], error, 12);
    expect(request).toMatchObject({ method: "POST", body: "a=1" });
    expect(result).toMatchObject({
      status: 400,
      errorKind: "crm_rejected",
      body: '{"Message":"Invalid Case Type"}',
    });
    expect(result.errorMessage).toContain("Invalid Case Type");
    expect(decide(result)).toMatchObject({ status: "failed" });
  });
  it("a rate limit is a 429 whose Retry-After is the CRM's wait, and is retried no sooner", () => {
    const error = new CrmError("rate_limited", "slow down", { status: 429, retryAfterMs: 7_500 });
    const { result } = failed(
      target,
      [{ ...exchange, response: { ...exchange.response!, status: 429 } }],
      error,
      3,
    );
    expect(result).toMatchObject({ status: 429, errorKind: null });
    expect(result.headers?.["retry-after"]).toBe("8");
    const decision = decide(result);
    expect(decision.status).toBe("pending");
    expect(decision.nextAttemptAt).toBeGreaterThanOrEqual(8_000);
  });
  it("credential refusals and outages retry on the schedule", () => {
    const auth = failed(target, [exchange], new CrmError("auth", "no", { status: 401 }), 1).result;
    expect(auth).toMatchObject({ status: 401, errorKind: null });
    expect(decide(auth).status).toBe("pending");
    const down = failed(target, [], new CrmError("transient", "socket hang up"), 1).result;
    expect(down).toMatchObject({ status: null, errorKind: "crm_transient" });
    expect(decide(down).status).toBe("pending");
    expect(failed(target, [], new Error("boom"), 1).result.errorKind).toBe("crm_error");
  });
  it("finds the record an event is about", () => {
    expect(subjectOf({ type: "case.updated", data: { case_id: "cas_1" } })).toEqual({
      object: "case",
      id: "cas_1",
    });
    expect(subjectOf({ type: "client.created", data: { client_id: "cli_1" } })).toEqual({
      object: "client",
      id: "cli_1",
    });
    expect(subjectOf({ type: "call.ended", data: { call_id: "x" } })).toBeNull();
    expect(subjectOf({ type: "case.updated", data: null })).toBeNull();
  });
});
