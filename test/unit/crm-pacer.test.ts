import { describe, expect, it } from "vitest";
import { CrmPacer, FORGET_AFTER_MS } from "../../src/integrations/crm/pacer.js";

describe("CrmPacer", () => {
  it("is unpaced until a 429, then paces at 70% of what the CRM accepted in the second before", () => {
    let now = 1_000_000;
    const pacer = new CrmPacer(null, () => now);
    expect(pacer.rate).toBeNull();
    for (let i = 0; i < 10; i++) {
      now += 50;
      pacer.answered();
    }
    now += 10;
    pacer.limited(1_000);
    expect(pacer.rate).toBeCloseTo(7, 5);
    // The requests in flight that answer 429 right after do not slow it again.
    now += 20;
    pacer.limited(1_000);
    expect(pacer.rate).toBeCloseTo(7, 5);
    // A later 429 learns again from the (paced) rate.
    for (let i = 0; i < 7; i++) {
      now += 140;
      pacer.answered();
    }
    now += 100;
    pacer.limited(null);
    expect(pacer.rate).toBeCloseTo(4.9, 5);
    now += FORGET_AFTER_MS + 1;
    expect(pacer.rate).toBeNull();
  });

  it("waits out a 429's Retry-After and spaces requests at the learned rate", async () => {
    const pacer = new CrmPacer(null);
    for (let i = 0; i < 20; i++) pacer.answered();
    pacer.limited(200);
    const started = Date.now();
    await pacer.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const before = Date.now();
    await pacer.acquire();
    await pacer.acquire();
    // 14/s: about 71 ms apart.
    expect(Date.now() - before).toBeGreaterThanOrEqual(130);
  });
});
