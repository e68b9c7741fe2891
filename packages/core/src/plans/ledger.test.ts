import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  balanceStatus,
  balances,
  EXACT_SETTLE_UP_LIMIT,
  type LedgerExpense,
  type LedgerPayment,
  ledger,
  paymentStatusOnRecord,
  settleUp,
} from "./ledger.js";
import type { Balance, SplitSpec } from "./schemas/costs.js";
import { splitAmount } from "./split.js";
import { expectDomainError, pid } from "./test-helpers.js";

const PEOPLE = Array.from({ length: 8 }, (_, i) => pid(i));
const person = fc.constantFrom(...PEOPLE);
const amount = fc.integer({ min: 1, max: 10_000_000 });

const expense: fc.Arbitrary<LedgerExpense> = fc
  .record({
    paidBy: person,
    amount,
    among: fc.uniqueArray(person, { minLength: 1, maxLength: PEOPLE.length }),
    mode: fc.constantFrom("equal", "shares"),
    weights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: PEOPLE.length, maxLength: PEOPLE.length }),
  })
  .map(({ paidBy, amount, among, mode, weights }) => {
    const spec: SplitSpec =
      mode === "equal"
        ? { mode: "equal", participantIds: among }
        : { mode: "shares", shares: among.map((participantId, i) => ({ participantId, shares: weights[i]! })) };
    return { paidByParticipantId: paidBy, amount, currency: "EUR", shares: splitAmount(amount, spec) };
  });

const payment: fc.Arbitrary<LedgerPayment> = fc
  .record({ from: person, to: person, amount, status: fc.constantFrom("pending", "received", "cancelled" as const) })
  .filter((p) => p.from !== p.to)
  .map((p) => ({ fromParticipantId: p.from, toParticipantId: p.to, amount: p.amount, currency: "EUR", status: p.status }));

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("balances", () => {
  it("always add up to zero, confirmed and outstanding alike", () => {
    fc.assert(
      fc.property(fc.array(expense, { maxLength: 30 }), fc.array(payment, { maxLength: 20 }), (es, ps) => {
        const bs = balances(es, ps, PEOPLE.slice(0, 3), "EUR");
        expect(sum(bs.map((b) => b.net))).toBe(0);
        expect(sum(bs.map((b) => b.outstanding))).toBe(0);
        expect(sum(bs.map((b) => b.paid))).toBe(sum(es.map((e) => e.amount)));
        expect(sum(bs.map((b) => b.share))).toBe(sum(es.map((e) => e.amount)));
        for (const b of bs) {
          expect(b.net).toBe(b.paid - b.share + b.sent - b.received);
          expect(b.outstanding).toBe(b.net + b.pendingOut - b.pendingIn);
          expect(b.status).toBe(balanceStatus(b));
        }
        // Listed participants first and once, then the rest by id.
        expect(bs.slice(0, 3).map((b) => b.participantId)).toEqual(PEOPLE.slice(0, 3));
        const rest = bs.slice(3).map((b) => b.participantId);
        expect(rest).toEqual([...rest].sort());
        expect(new Set(bs.map((b) => b.participantId)).size).toBe(bs.length);
      }),
    );
  });

  it("a taxi of 42.00 paid by one and split between four", () => {
    const [a, b, c, d] = PEOPLE as [string, string, string, string];
    const shares = splitAmount(4200, { mode: "equal", participantIds: [a, b, c, d] });
    const pay = (from: string, status: LedgerPayment["status"]): LedgerPayment => ({
      fromParticipantId: from,
      toParticipantId: a,
      amount: 1050,
      currency: "EUR",
      status,
    });
    const bs = balances(
      [{ paidByParticipantId: a, amount: 4200, currency: "EUR", shares }],
      [pay(b, "received"), pay(c, "pending"), pay(d, "cancelled")],
      [a, b, c, d],
      "EUR",
    );
    const by = Object.fromEntries(bs.map((x) => [x.participantId, x]));
    expect(by[a]).toMatchObject({ paid: 4200, share: 1050, received: 1050, pendingIn: 1050, net: 2100, outstanding: 1050, status: "owed" });
    expect(by[b]).toMatchObject({ net: 0, outstanding: 0, status: "settled" });
    expect(by[c]).toMatchObject({ net: -1050, outstanding: 0, status: "paid" });
    expect(by[d]).toMatchObject({ net: -1050, outstanding: -1050, status: "owes" });
  });

  it("refuses money in another currency and shares that do not add up", () => {
    const shares = [{ participantId: PEOPLE[0]!, amount: 100 }];
    expectDomainError(
      () => balances([{ paidByParticipantId: PEOPLE[0]!, amount: 100, currency: "USD", shares }], [], [], "EUR"),
      422,
      "currency_mismatch",
    );
    expectDomainError(
      () =>
        balances(
          [],
          [{ fromParticipantId: PEOPLE[0]!, toParticipantId: PEOPLE[1]!, amount: 1, currency: "USD", status: "pending" }],
          [],
          "EUR",
        ),
      422,
      "currency_mismatch",
    );
    expectDomainError(
      () => balances([{ paidByParticipantId: PEOPLE[0]!, amount: 101, currency: "EUR", shares }], [], [], "EUR"),
      422,
      "split_mismatch",
    );
  });
});

/** Random non-zero integers that add up to zero, spread over distinct participants. */
const zeroSum = (maxLen: number) =>
  fc
    .array(
      fc.integer({ min: -50_000, max: 50_000 }).filter((x) => x !== 0),
      { minLength: 1, maxLength: maxLen - 1 },
    )
    .map((xs) => {
      const last = -sum(xs);
      const all = last === 0 ? xs : [...xs, last];
      return all.map((outstanding, i) => ({ participantId: pid(i), outstanding }));
    });

function applyTransfers(entries: { participantId: string; outstanding: number }[], transfers: ReturnType<typeof settleUp>) {
  const left = new Map(entries.map((e) => [e.participantId, e.outstanding]));
  for (const t of transfers) {
    expect(t.amount).toBeGreaterThan(0);
    expect(left.get(t.fromParticipantId)!).toBeLessThan(0); // only debtors pay
    expect(left.get(t.toParticipantId)!).toBeGreaterThan(0); // only creditors are paid
    left.set(t.fromParticipantId, left.get(t.fromParticipantId)! + t.amount);
    left.set(t.toParticipantId, left.get(t.toParticipantId)! - t.amount);
  }
  return left;
}

/** The true minimum number of transfers, by brute force over set partitions: k − (most zero-sum groups). */
function bruteForceMinimum(amounts: number[]): number {
  const n = amounts.length;
  let best = 0;
  const groups: number[] = [];
  const go = (i: number) => {
    if (i === n) {
      if (groups.every((g) => g === 0)) best = Math.max(best, groups.length);
      return;
    }
    for (let g = 0; g < groups.length; g++) {
      groups[g]! += amounts[i]!;
      go(i + 1);
      groups[g]! -= amounts[i]!;
    }
    groups.push(amounts[i]!);
    go(i + 1);
    groups.pop();
  };
  go(0);
  return n - best;
}

describe("settleUp", () => {
  it("settles every balance to zero with at most n − 1 transfers", () => {
    fc.assert(
      fc.property(zeroSum(40), (entries) => {
        const transfers = settleUp(entries);
        const left = applyTransfers(entries, transfers);
        for (const v of left.values()) expect(v).toBe(0);
        expect(transfers.length).toBeLessThanOrEqual(Math.max(0, entries.length - 1));
      }),
    );
  });

  it("finds the true minimum for small groups", () => {
    fc.assert(
      // Small amounts make zero-sum subgroups likely, which is where greedy alone falls short.
      fc.property(
        fc
          .array(
            fc.integer({ min: -6, max: 6 }).filter((x) => x !== 0),
            { minLength: 1, maxLength: 7 },
          )
          .filter((xs) => sum(xs) !== 0 || xs.length > 1),
        (xs) => {
          const all = sum(xs) === 0 ? xs : [...xs, -sum(xs)];
          const entries = all.map((outstanding, i) => ({ participantId: pid(i), outstanding }));
          expect(settleUp(entries).length).toBe(bruteForceMinimum(all));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("splits into zero-sum groups where largest-to-largest alone would take more transfers", () => {
    // Greedy over everyone: 9→6, 6→5, 3→4, 1→1 = 4 transfers. As {9, −4, −5} and {6, −6}: 3.
    const entries = [900, -400, -500, 600, -600].map((outstanding, i) => ({ participantId: pid(i), outstanding }));
    const transfers = settleUp(entries);
    expect(transfers).toHaveLength(3);
    expect(transfers).toContainEqual({ fromParticipantId: pid(4), toParticipantId: pid(3), amount: 600 });
    for (const v of applyTransfers(entries, transfers).values()) expect(v).toBe(0);
  });

  it("still settles beyond the exact limit, and is deterministic", () => {
    const entries = Array.from({ length: EXACT_SETTLE_UP_LIMIT + 10 }, (_, i) => ({
      participantId: pid(i),
      outstanding: i % 2 ? 1000 + i : -(1000 + i - 1),
    }));
    const fix = sum(entries.map((e) => e.outstanding));
    entries[0]!.outstanding -= fix;
    const a = settleUp(entries);
    expect(settleUp([...entries].reverse())).toEqual(a);
    for (const v of applyTransfers(entries, a).values()) expect(v).toBe(0);
    expect(a.length).toBeLessThanOrEqual(entries.length - 1);
  });

  it("refuses balances that do not add up to zero", () => {
    expect(() => settleUp([{ participantId: pid(1), outstanding: 1 }])).toThrow(RangeError);
    expect(settleUp([])).toEqual([]);
  });

  it("works on what balances() returns", () => {
    fc.assert(
      fc.property(fc.array(expense, { maxLength: 20 }), fc.array(payment, { maxLength: 10 }), (es, ps) => {
        const bs: Balance[] = balances(es, ps, PEOPLE, "EUR");
        const left = applyTransfers(bs, settleUp(bs));
        for (const v of left.values()) expect(v).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe("payments", () => {
  it("recorded by the recipient or by an organizer for others: received; by the sender: pending", () => {
    const p = { fromParticipantId: pid(1), toParticipantId: pid(2) };
    expect(paymentStatusOnRecord({ role: "participant", participantId: pid(2) }, p)).toBe("received");
    expect(paymentStatusOnRecord({ role: "participant", participantId: pid(1) }, p)).toBe("pending");
    expect(paymentStatusOnRecord({ role: "organizer", participantId: pid(1) }, p)).toBe("pending");
    expect(paymentStatusOnRecord({ role: "organizer", participantId: pid(3) }, p)).toBe("received");
    expect(paymentStatusOnRecord({ role: "organizer", participantId: null }, p)).toBe("received");
  });
});

describe("ledger: exact whatever the amounts", () => {
  it("balances and settles totals beyond 2^53 without failing, and the transfers match the balances", () => {
    const [a, b, c] = PEOPLE as [string, string, string];
    const expense = {
      paidByParticipantId: a,
      amount: 2_000_000_000_000_001,
      currency: "EUR",
      shares: [
        { participantId: b, amount: 1_000_000_000_000_001 },
        { participantId: c, amount: 1_000_000_000_000_000 },
      ],
    };
    // a paid 10 000 000 000 000 005 in all, more than 2^53: floating-point sums lose the last unit.
    const expenses = [expense, expense, expense, expense, expense];
    const { balances: rows, transfers } = ledger(expenses, [], [a, b, c], "EUR");
    expect(rows.map((r) => r.status)).toEqual(["owed", "owes", "owes"]);
    expect(transfers).toEqual([
      { fromParticipantId: b, toParticipantId: a, amount: 5_000_000_000_000_005 },
      { fromParticipantId: c, toParticipantId: a, amount: 5_000_000_000_000_000 },
    ]);
  });
});
