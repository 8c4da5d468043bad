import { describe, expect, it } from "vitest";
import { chunks } from "../../src/store/chunks.js";

const sizes = (n: number, max?: number) =>
  [
    ...chunks(
      Array.from({ length: n }, (_, i) => i),
      max,
    ),
  ].map((c) => c.length);

describe("chunks", () => {
  it("splits rows into power-of-two slices, largest first, in order", () => {
    expect(sizes(0)).toEqual([]);
    expect(sizes(1)).toEqual([1]);
    expect(sizes(300)).toEqual([256, 32, 8, 4]);
    expect(sizes(600)).toEqual([256, 256, 64, 16, 8]);
    expect(sizes(7, 4)).toEqual([4, 2, 1]);
    expect([...chunks([1, 2, 3, 4, 5], 4)]).toEqual([[1, 2, 3, 4], [5]]);
  });

  it("uses at most log2(max) + 1 distinct sizes whatever the batch", () => {
    const seen = new Set<number>();
    for (let n = 1; n <= 1_000; n++) for (const size of sizes(n)) seen.add(size);
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
  });
});
