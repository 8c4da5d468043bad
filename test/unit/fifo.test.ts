import { describe, expect, it } from "vitest";
import { Fifo } from "../../src/delivery/fifo.js";

describe("Fifo", () => {
  it("returns items in the order they were pushed", () => {
    const q = new Fifo<number>();
    q.push(1);
    q.push(2);
    q.push(3);
    expect([q.shift(), q.shift(), q.shift()]).toEqual([1, 2, 3]);
  });

  it("returns undefined when empty, and keeps working afterwards", () => {
    const q = new Fifo<string>();
    expect(q.shift()).toBeUndefined();
    q.push("a");
    expect(q.shift()).toBe("a");
    expect(q.shift()).toBeUndefined();
    q.push("b");
    expect(q.shift()).toBe("b");
  });

  it("tracks its length through pushes and shifts", () => {
    const q = new Fifo<number>();
    expect(q.length).toBe(0);
    q.push(1);
    q.push(2);
    expect(q.length).toBe(2);
    q.shift();
    expect(q.length).toBe(1);
    q.shift();
    q.shift();
    expect(q.length).toBe(0);
  });

  it("keeps order across compaction when many items pass through", () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) q.push(next++);
      for (let i = 0; i < 90; i++) out.push(q.shift() as number);
    }
    while (q.length > 0) out.push(q.shift() as number);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it("drain returns everything still queued, in order, and empties the queue", () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 5; i++) q.push(i);
    q.shift();
    expect(q.drain()).toEqual([1, 2, 3, 4]);
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
    q.push(9);
    expect(q.shift()).toBe(9);
  });
});
