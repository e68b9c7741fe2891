import { describe, expect, it } from "vitest";
import { PublishIds, type SeenPublish } from "../src/publish-ids.js";

/** An entry whose `at` counts how often it is read: the work a publish does on the memory. */
function counted(seq: number, at: number, reads: { n: number }): SeenPublish {
  return {
    seq,
    get at() {
      reads.n++;
      return at;
    },
  };
}

describe("PublishIds (issue 8: forgetting old ids is O(1) amortised)", () => {
  it("looks at O(1) entries per publish, however many are remembered (counted, 5,000 publishes)", () => {
    const MEMORY = 1000;
    const N = 5000;
    const ids = new PublishIds(MEMORY);
    const reads = { n: 0 };
    // One publish per ms, as a busy room: ~1000 ids remembered at any time.
    for (let now = 1; now <= N; now++) {
      expect(ids.recent(`obx_${now}`, now)).toBeUndefined();
      ids.add(`obx_${now}`, counted(now, now, reads));
      ids.forgetOld(now);
    }
    expect(ids.size).toBe(MEMORY + 1);
    // Scanning the whole memory each time would be ~N × MEMORY = 5,000,000 reads.
    expect(reads.n).toBeLessThan(3 * N);
  });

  it("keeps the same window: an id older than the memory is forgotten, a recent one is still a repeat", () => {
    const ids = new PublishIds(300);
    for (let i = 0; i < 100; i++) ids.add(`obx_old_${i}`, { seq: i + 1, at: 1000 + i });
    ids.add("obx_recent", { seq: 101, at: 1350 });
    const now = 1400 + 1; // 300 ms after obx_old_0 … obx_old_99 (at ≤ 1099) and 51 after the recent one
    expect(ids.recent("obx_old_0", now)).toBeUndefined();
    expect(ids.recent("obx_recent", now)).toEqual({ seq: 101, at: 1350 });
    expect(ids.forgetOld(now)).toEqual(Array.from({ length: 100 }, (_, i) => `obx_old_${i}`));
    expect(ids.size).toBe(1);
    // Exactly at the edge of the memory an id is still a repeat, as before.
    expect(ids.recent("obx_recent", 1650)).toEqual({ seq: 101, at: 1350 });
    expect(ids.recent("obx_recent", 1651)).toBeUndefined();
  });

  it("puts what storage held (in key order) back in broadcast order, so none stays behind a newer one", () => {
    // Storage lists keys alphabetically: obx_a (newest) first.
    const stored: [string, SeenPublish][] = [
      ["obx_a", { seq: 3, at: 3000 }],
      ["obx_b", { seq: 1, at: 1000 }],
      ["obx_c", { seq: 2, at: 2000 }],
    ];
    const ids = new PublishIds(1500, stored);
    expect(ids.forgetOld(3000)).toEqual(["obx_b"]);
    expect(ids.forgetOld(4000)).toEqual(["obx_c"]);
    expect(ids.size).toBe(1);
  });

  it("moves an id published again after it was forgotten (but not yet dropped) to the back", () => {
    const ids = new PublishIds(100);
    ids.add("obx_1", { seq: 1, at: 0 });
    ids.add("obx_2", { seq: 2, at: 10 });
    // obx_1 is out of the memory at 150 and comes again before anything dropped it.
    expect(ids.recent("obx_1", 150)).toBeUndefined();
    ids.add("obx_1", { seq: 3, at: 150 });
    expect(ids.forgetOld(150)).toEqual(["obx_2"]);
    expect(ids.recent("obx_1", 150)).toEqual({ seq: 3, at: 150 });
  });
});
