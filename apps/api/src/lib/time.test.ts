import { describe, expect, it } from "vitest";
import { toIso } from "./time.js";

describe("toIso", () => {
  it("formats each instant as Date does, also when it repeats or alternates (it keeps the last one)", () => {
    for (const ms of [0, 0, 1_900_000_000_123, 1_900_000_000_123, 1, 0, -1, 1_900_000_000_124]) {
      expect(toIso(ms)).toBe(new Date(ms).toISOString());
    }
    expect(toIso(null)).toBeNull();
  });

  it("still refuses a time that is not one, every time", () => {
    expect(() => toIso(Number.NaN)).toThrow(RangeError);
    expect(() => toIso(Number.NaN)).toThrow(RangeError);
    expect(toIso(5)).toBe("1970-01-01T00:00:00.005Z");
  });
});
