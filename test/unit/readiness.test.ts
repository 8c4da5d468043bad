import { describe, expect, it } from "vitest";
import { decideReadiness, migrationCheck, workerCheck } from "../../src/domain/readiness.js";

describe("readiness", () => {
  it("is ready only when every check passed, and reports every check either way", () => {
    expect(decideReadiness({})).toEqual({ status: "ok", checks: {} });
    expect(decideReadiness({ store: { status: "ok" }, migrations: { status: "ok" } }).status).toBe("ok");
    const failing = decideReadiness({ store: { status: "ok" }, worker: { status: "fail", message: "down" } });
    expect(failing).toEqual({
      status: "unavailable",
      checks: { store: { status: "ok" }, worker: { status: "fail", message: "down" } },
    });
  });

  it.each([
    ["0011_records", "0011_records", "ok", null],
    [null, "0011_records", "fail", /no migration applied/],
    ["0010_target_kinds", "0011_records", "fail", /needs 0011_records; run `switchboard migrate`/],
    ["0012_later", "0011_records", "fail", /newer than this version/],
  ])("store at %s, code at %s → %s", (applied, expected, status, message) => {
    const check = migrationCheck(applied, expected);
    expect(check.status).toBe(status);
    if (message) expect(check.message).toMatch(message);
    else expect(check.message).toBeUndefined();
  });

  it("fails a worker that is not running or has not polled for ten intervals (at least 30 s)", () => {
    const now = 1_000_000;
    expect(workerCheck(null, now, 500)).toMatchObject({ status: "fail", message: /not running/ });
    expect(workerCheck(now, now, 500)).toEqual({ status: "ok", last_poll_ms_ago: 0 });
    expect(workerCheck(now - 30_000, now, 500).status).toBe("ok");
    expect(workerCheck(now - 30_001, now, 500)).toMatchObject({ status: "fail", message: /30 s/ });
    // A long poll interval stretches the allowance.
    expect(workerCheck(now - 50_000, now, 6_000).status).toBe("ok");
    expect(workerCheck(now - 60_001, now, 6_000).status).toBe("fail");
    // A clock step backwards is not a negative idle time.
    expect(workerCheck(now + 5_000, now, 500)).toEqual({ status: "ok", last_poll_ms_ago: 0 });
  });
});
