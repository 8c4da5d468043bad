import { describe, expect, it, vi } from "vitest";
import { generateApiKey, generateId, hashApiKey, idTimestamp } from "../../src/domain/ids.js";

describe("generateId", () => {
  it("is the prefix plus 26 Crockford base32 characters", () => {
    for (const prefix of ["evt_", "wh_", "dlv_", "att_", "ten_", "key_"]) {
      const id = generateId(prefix);
      expect(id.startsWith(prefix)).toBe(true);
      expect(id).toHaveLength(prefix.length + 26);
      expect(id.slice(prefix.length)).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    }
  });

  it("is unique and sorts in creation order across 10 000 generations", () => {
    const ids = Array.from({ length: 10_000 }, () => generateId("evt_"));
    expect(new Set(ids).size).toBe(ids.length);
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
  });

  it("keeps creation order across prefixes once the prefix is stripped", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => generateId(i % 2 ? "dlv_" : "att_").slice(4));
    expect([...ids].sort()).toEqual(ids);
  });

  it("stays monotonic when many ids share a millisecond or the clock steps back", () => {
    const realNow = Date.now();
    const now = vi.spyOn(Date, "now");
    try {
      now.mockReturnValue(realNow);
      const sameMs = Array.from({ length: 500 }, () => generateId("evt_"));
      now.mockReturnValue(realNow - 60_000);
      const afterStepBack = Array.from({ length: 10 }, () => generateId("evt_"));
      const ids = [...sameMs, ...afterStepBack];
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(ids);
      expect(idTimestamp(afterStepBack[9]!)).toBe(realNow);
    } finally {
      now.mockRestore();
    }
  });

  it("encodes the creation time, readable back with idTimestamp", () => {
    const before = Date.now();
    const id = generateId("evt_");
    const after = Date.now();
    const at = idTimestamp(id);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after + 1);
    expect(idTimestamp("evt_not-an-id")).toBeUndefined();
  });
});

describe("API keys", () => {
  it("generateApiKey returns sk_ plus base64url of 32 bytes, unique each time", () => {
    const key = generateApiKey();
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), "base64url")).toHaveLength(32);
    expect(generateApiKey()).not.toBe(key);
  });

  it("hashApiKey is the hex SHA-256 of the key, stable and distinct per key", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const key = generateApiKey();
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toBe(hashApiKey(generateApiKey()));
  });
});
