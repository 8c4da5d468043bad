import { describe, expect, it } from "vitest";
import { ClaimPlan } from "../../src/delivery/claim-plan.js";

const none = new Set<string>();
/** A lane of capacity 80 with `room` free. */
const lane = (room: number) => ({ room, capacity: 80 });

describe("ClaimPlan", () => {
  it("asks for nothing until some webhook is known to have due work", () => {
    const plan = new ClaimPlan(500);
    expect(plan.wants(100, none, () => lane(80))).toEqual([]);
  });

  it("gives each backlogged webhook its lane's room, within the claim's limit", () => {
    const plan = new ClaimPlan(500);
    plan.noteBacklog("wh_a");
    plan.noteBacklog("wh_b");
    plan.noteBacklog("wh_c");
    const room: Record<string, number> = { wh_a: 80, wh_b: 0, wh_c: 50 };
    expect(plan.wants(100, none, (id) => lane(room[id] ?? 0))).toEqual([
      { webhookId: "wh_a", limit: 80 },
      { webhookId: "wh_c", limit: 20 },
    ]);
  });

  it("waits until a lane has drained to half, then tops up every lane with an eighth free", () => {
    const plan = new ClaimPlan(500);
    for (const id of ["wh_a", "wh_b", "wh_c"]) plan.noteBacklog(id);
    const some: Record<string, number> = { wh_a: 30, wh_b: 20, wh_c: 5 };
    expect(plan.wants(200, none, (id) => lane(some[id] ?? 0))).toEqual([]);
    const drained: Record<string, number> = { wh_a: 50, wh_b: 15, wh_c: 5 };
    expect(plan.wants(200, none, (id) => lane(drained[id] ?? 0))).toEqual([
      { webhookId: "wh_a", limit: 50 },
      { webhookId: "wh_b", limit: 15 },
    ]);
  });

  it("passes over skipped webhooks (full lane, open circuit) but keeps them backlogged", () => {
    const plan = new ClaimPlan(500);
    plan.noteBacklog("wh_dead");
    plan.noteBacklog("wh_ok");
    expect(plan.wants(100, new Set(["wh_dead"]), () => lane(40))).toEqual([
      { webhookId: "wh_ok", limit: 40 },
    ]);
    expect(plan.wants(100, none, () => lane(40)).map((w) => w.webhookId)).toContain("wh_dead");
  });

  it("lets webhooks take turns when the limit is smaller than their room together", () => {
    const plan = new ClaimPlan(500);
    for (const id of ["wh_a", "wh_b", "wh_c"]) plan.noteBacklog(id);
    const served = [0, 1, 2].map(() => plan.wants(50, none, () => lane(80))[0]?.webhookId);
    expect(served).toEqual(["wh_a", "wh_b", "wh_c"]);
  });

  it("forgets a webhook that got less than it asked for, and keeps one that got all of it", () => {
    const plan = new ClaimPlan(500);
    plan.noteBacklog("wh_a");
    plan.noteBacklog("wh_b");
    const wants = plan.wants(100, none, () => lane(40));
    plan.claimed(wants, [...Array(40).fill("wh_a"), ...Array(3).fill("wh_b")]);
    expect(plan.wants(100, none, () => lane(40))).toEqual([{ webhookId: "wh_a", limit: 40 }]);
  });

  it("looks up due webhooks once per interval and resumes a bounded look-up where it stopped", () => {
    const plan = new ClaimPlan(500);
    expect(plan.shouldLookUp(1_000)).toBe(true);
    plan.lookedUp(1_000, { webhookIds: ["wh_x"], resumeAfter: "wh_x" });
    expect(plan.lookUpAfter).toBe("wh_x");
    expect(plan.shouldLookUp(1_499)).toBe(false);
    expect(plan.shouldLookUp(1_500)).toBe(true);
    expect(plan.wants(100, none, () => lane(80))).toEqual([{ webhookId: "wh_x", limit: 80 }]);
    plan.lookedUp(1_500, { webhookIds: [], resumeAfter: null });
    expect(plan.lookUpAfter).toBeNull();
  });
});
