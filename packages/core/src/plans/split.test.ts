import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate, MAX_MINOR_UNITS } from "../money.js";
import { type SplitSpec, SplitSpecSchema } from "./schemas/costs.js";
import { assertCurrency, assertKnownParticipants, proposalCostShares, proposalTakers, splitAmount } from "./split.js";
import { expectDomainError, participantIds, pid } from "./test-helpers.js";

const total = fc.integer({ min: 0, max: MAX_MINOR_UNITS });

/** A random split spec over random participants (percentages built to add up to 100). */
type Case = { spec: SplitSpec; everyone: string[] };
const spec: fc.Arbitrary<Case> = participantIds(20).chain((ids) =>
  fc.oneof(
    fc.constant<Case>({ spec: { mode: "equal" }, everyone: ids }),
    fc.constant<Case>({ spec: { mode: "equal", participantIds: ids }, everyone: [] }),
    fc.array(fc.integer({ min: 1, max: 1_000_000 * 10_000 }), { minLength: ids.length, maxLength: ids.length }).map(
      (ws): Case => ({
        spec: { mode: "shares", shares: ids.map((participantId, i) => ({ participantId, shares: ws[i]! / 10_000 })) } as SplitSpec,
        everyone: [],
      }),
    ),
    // Percentages in units of 0.0001 %, a random composition of 1 000 000.
    fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: ids.length - 1, maxLength: ids.length - 1 }).map((cuts): Case => {
      const points = [0, ...cuts.sort((a, b) => a - b), 1_000_000];
      const percents = ids.map((participantId, i) => ({ participantId, percent: (points[i + 1]! - points[i]!) / 10_000 }));
      return { spec: { mode: "percent", percents } as SplitSpec, everyone: [] };
    }),
  ),
);

describe("allocate", () => {
  it("parts add up to the total, are never negative and stay within one unit of the exact share", () => {
    fc.assert(
      fc.property(total, fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 50 }), (t, weights) => {
        fc.pre(weights.some((w) => w > 0));
        const parts = allocate(t, weights);
        const sum = weights.reduce((a, b) => a + b, 0);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(t);
        parts.forEach((p, i) => {
          expect(p).toBeGreaterThanOrEqual(0);
          // |p − t·w/W| < 1, checked exactly: |p·W − t·w| < W
          const diff = BigInt(p) * BigInt(sum) - BigInt(t) * BigInt(weights[i]!);
          expect(diff < BigInt(sum) && diff > -BigInt(sum)).toBe(true);
        });
      }),
    );
  });

  it("gives leftover units to the largest remainders, ties to the lower index", () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(101, [1, 1, 1])).toEqual([34, 34, 33]);
    expect(allocate(10, [1, 2])).toEqual([3, 7]); // 3.33 | 6.67: the larger remainder gets the unit
    expect(allocate(0, [5, 5])).toEqual([0, 0]);
  });

  it("refuses nonsense", () => {
    expect(() => allocate(-1, [1])).toThrow(RangeError);
    expect(() => allocate(1.5, [1])).toThrow(RangeError);
    expect(() => allocate(1, [])).toThrow(RangeError);
    expect(() => allocate(1, [0, 0])).toThrow(RangeError);
  });
});

describe("splitAmount", () => {
  it("always adds up to the total and never goes negative, in every mode", () => {
    fc.assert(
      fc.property(total, spec, (t, { spec, everyone }) => {
        const shares = splitAmount(t, spec, everyone);
        expect(shares.reduce((s, x) => s + x.amount, 0)).toBe(t);
        for (const s of shares) {
          expect(Number.isSafeInteger(s.amount)).toBe(true);
          expect(s.amount).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it("does not depend on the order participants are listed in", () => {
    fc.assert(
      fc.property(total, spec, fc.integer(), (t, { spec, everyone }, seed) => {
        const shuffle = <T>(xs: readonly T[]) =>
          xs
            .map((x, i) => ({ x, k: Math.sin(seed + i * 7919) }))
            .sort((a, b) => a.k - b.k)
            .map(({ x }) => x);
        const reordered: SplitSpec =
          spec.mode === "equal"
            ? { mode: "equal", ...(spec.participantIds ? { participantIds: shuffle(spec.participantIds) } : {}) }
            : spec.mode === "shares"
              ? { mode: "shares", shares: shuffle(spec.shares) }
              : spec.mode === "percent"
                ? { mode: "percent", percents: shuffle(spec.percents) }
                : spec;
        const byId = (xs: { participantId: string; amount: number }[]) => Object.fromEntries(xs.map((x) => [x.participantId, x.amount]));
        expect(byId(splitAmount(t, reordered, shuffle(everyone)))).toEqual(byId(splitAmount(t, spec, everyone)));
      }),
    );
  });

  it("returns parts in the spec's order and gives the spare cent to the lowest id", () => {
    const [a, b, c] = [pid(1), pid(2), pid(3)];
    expect(splitAmount(100, { mode: "equal", participantIds: [c, b, a] })).toEqual([
      { participantId: c, amount: 33 },
      { participantId: b, amount: 33 },
      { participantId: a, amount: 34 },
    ]);
  });

  it("splits by shares and percentages", () => {
    const [a, b] = [pid(1), pid(2)];
    expect(
      splitAmount(4200, {
        mode: "shares",
        shares: [
          { participantId: a, shares: 2 },
          { participantId: b, shares: 1 },
        ],
      }),
    ).toEqual([
      { participantId: a, amount: 2800 },
      { participantId: b, amount: 1400 },
    ]);
    expect(
      splitAmount(1000, {
        mode: "shares",
        shares: [
          { participantId: a, shares: 0.5 },
          { participantId: b, shares: 1 },
        ],
      }),
    ).toEqual([
      { participantId: a, amount: 333 },
      { participantId: b, amount: 667 },
    ]);
    expect(
      splitAmount(1, {
        mode: "percent",
        percents: [
          { participantId: a, percent: 33.3333 },
          { participantId: b, percent: 66.6667 },
        ],
      }),
    ).toEqual([
      { participantId: a, amount: 0 },
      { participantId: b, amount: 1 },
    ]);
  });

  it("splits equally among everyone when the spec names nobody", () => {
    expect(splitAmount(90, { mode: "equal" }, [pid(1), pid(2), pid(3)]).map((s) => s.amount)).toEqual([30, 30, 30]);
    expectDomainError(() => splitAmount(90, { mode: "equal" }, []), 422, "split_mismatch");
  });

  it("keeps exact amounts that add up, refuses those that do not", () => {
    const amounts = [
      { participantId: pid(1), amount: 3000 },
      { participantId: pid(2), amount: 1200 },
    ];
    expect(splitAmount(4200, { mode: "exact", amounts })).toEqual(amounts);
    const err = expectDomainError(() => splitAmount(4300, { mode: "exact", amounts }), 422, "split_mismatch");
    expect(err.detail).toContain("4200");
  });

  it("refuses percentages that do not add up to 100, duplicates and all-zero weights", () => {
    expectDomainError(
      () =>
        splitAmount(100, {
          mode: "percent",
          percents: [
            { participantId: pid(1), percent: 50 },
            { participantId: pid(2), percent: 49.99 },
          ],
        }),
      422,
      "split_mismatch",
    );
    expectDomainError(() => splitAmount(100, { mode: "equal", participantIds: [pid(1), pid(1)] }), 422, "split_mismatch");
    expectDomainError(
      () =>
        splitAmount(100, {
          mode: "percent",
          percents: [
            { participantId: pid(1), percent: 0 },
            { participantId: pid(2), percent: 0 },
          ],
        }),
      422,
      "split_mismatch",
    );
  });

  it("agrees with the schema: every spec the schema accepts splits without error", () => {
    fc.assert(
      fc.property(total, spec, (t, { spec, everyone }) => {
        const parsed = SplitSpecSchema.parse(spec);
        const shares = splitAmount(t, parsed, everyone);
        expect(shares.reduce((s, x) => s + x.amount, 0)).toBe(t);
      }),
      { numRuns: 200 },
    );
  });
});

describe("proposal costs", () => {
  it("per person: everyone who takes it pays the amount", () => {
    expect(proposalCostShares({ kind: "per_person", amount: 2500 }, [pid(1), pid(2)])).toEqual([
      { participantId: pid(1), amount: 2500 },
      { participantId: pid(2), amount: 2500 },
    ]);
  });

  it("total: split evenly without losing a cent", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_MINOR_UNITS }), participantIds(30), (amount, ids) => {
        const shares = proposalCostShares({ kind: "total", amount }, ids);
        expect(shares.map((s) => s.participantId)).toEqual(ids);
        expect(shares.reduce((s, x) => s + x.amount, 0)).toBe(amount);
        const amounts = shares.map((s) => s.amount);
        expect(Math.max(...amounts) - Math.min(...amounts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("no takers, no shares", () => {
    expect(proposalCostShares({ kind: "total", amount: 100 }, [])).toEqual([]);
  });

  it("takers are the committed participants when there is a capacity or any commitment, else everyone", () => {
    const everyone = [pid(1), pid(2), pid(3)];
    expect(proposalTakers({ capacity: null }, [], everyone)).toEqual(everyone);
    expect(proposalTakers({ capacity: null }, [pid(2)], everyone)).toEqual([pid(2)]);
    expect(proposalTakers({ capacity: 4 }, [], everyone)).toEqual([]);
  });
});

describe("guards", () => {
  it("refuses unknown participants and other currencies", () => {
    assertKnownParticipants([pid(1), pid(1)], [pid(1), pid(2)]);
    const err = expectDomainError(() => assertKnownParticipants([pid(1), pid(9)], new Set([pid(1)])), 422, "unknown_participant");
    expect(err.detail).toContain(pid(9));
    assertCurrency("EUR", "EUR");
    expectDomainError(() => assertCurrency("EUR", "USD"), 422, "currency_mismatch");
  });
});
