import { DomainError } from "../errors.js";
import type { Balance, BalanceStatus, PaymentStatus, SettleUpTransfer, Share } from "./schemas/costs.js";
import type { PlanRole } from "./schemas/plans.js";

/**
 * Anything that was paid by one participant on behalf of others: a recorded expense, or a
 * selected proposal's cost that one participant collects (its `paidByParticipantId`, with shares
 * from `proposalCostShares`).
 */
export interface LedgerExpense {
  paidByParticipantId: string;
  amount: number;
  currency: string;
  shares: readonly Share[];
}

export interface LedgerPayment {
  fromParticipantId: string;
  toParticipantId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
}

type Figures = Omit<Balance, "participantId" | "status">;
type ExactRow = { participantId: string } & { [K in keyof Figures]: bigint };

function zero(participantId: string): ExactRow {
  return { participantId, paid: 0n, share: 0n, sent: 0n, received: 0n, pendingOut: 0n, pendingIn: 0n, net: 0n, outstanding: 0n };
}

export function balanceStatus(b: Pick<Balance, "net" | "outstanding">): BalanceStatus {
  if (b.outstanding < 0) return "owes";
  if (b.outstanding > 0) return "owed";
  if (b.net < 0) return "paid";
  return b.net > 0 ? "owed" : "settled";
}

/**
 * Every participant's balance in `currency`. `net` = paid − share + sent − received counts
 * confirmed payments; `outstanding` also counts pending ones. Both always add up to zero over
 * all participants. Participants come back in `participantIds` order, then anyone else the
 * ledger mentions (say, someone since removed) by id. Cancelled payments count for nothing.
 * Sums are exact (BigInt): within MAX_PLAN_TOTAL every figure is an exact JavaScript number.
 *
 * Throws 422 `currency_mismatch` for money in another currency and 422 `split_mismatch` for an
 * expense whose shares do not add up to its amount.
 */
export function balances(
  expenses: readonly LedgerExpense[],
  payments: readonly LedgerPayment[],
  participantIds: readonly string[],
  currency: string,
): Balance[] {
  return exactBalances(expenses, payments, participantIds, currency).map(toBalance);
}

/**
 * `balances` and the `settleUp` transfers of them, both worked out exactly (BigInt) from the
 * same figures, so they never disagree and never fail, whatever the amounts.
 */
export function ledger(
  expenses: readonly LedgerExpense[],
  payments: readonly LedgerPayment[],
  participantIds: readonly string[],
  currency: string,
): { balances: Balance[]; transfers: SettleUpTransfer[] } {
  const rows = exactBalances(expenses, payments, participantIds, currency);
  return { balances: rows.map(toBalance), transfers: exactSettleUp(rows.map((r) => ({ id: r.participantId, amount: r.outstanding }))) };
}

function toBalance(r: ExactRow): Balance {
  const b = {
    participantId: r.participantId,
    paid: Number(r.paid),
    share: Number(r.share),
    sent: Number(r.sent),
    received: Number(r.received),
    pendingOut: Number(r.pendingOut),
    pendingIn: Number(r.pendingIn),
    net: Number(r.net),
    outstanding: Number(r.outstanding),
  };
  return { ...b, status: balanceStatus(b) };
}

function exactBalances(
  expenses: readonly LedgerExpense[],
  payments: readonly LedgerPayment[],
  participantIds: readonly string[],
  currency: string,
): ExactRow[] {
  const rows = new Map<string, ExactRow>();
  for (const id of participantIds) rows.set(id, zero(id));
  const extra: string[] = [];
  const row = (id: string) => {
    let r = rows.get(id);
    if (!r) {
      r = zero(id);
      rows.set(id, r);
      extra.push(id);
    }
    return r;
  };
  for (const e of expenses) {
    if (e.currency !== currency) {
      throw new DomainError(422, "currency_mismatch", `An expense is in ${e.currency}, the plan's balances are in ${currency}.`);
    }
    const sum = e.shares.reduce((s, x) => s + BigInt(x.amount), 0n);
    if (sum !== BigInt(e.amount)) throw new DomainError(422, "split_mismatch", `An expense of ${e.amount} has shares adding up to ${sum}.`);
    row(e.paidByParticipantId).paid += BigInt(e.amount);
    for (const s of e.shares) row(s.participantId).share += BigInt(s.amount);
  }
  for (const p of payments) {
    if (p.currency !== currency) {
      throw new DomainError(422, "currency_mismatch", `A payment is in ${p.currency}, the plan's balances are in ${currency}.`);
    }
    if (p.status === "received") {
      row(p.fromParticipantId).sent += BigInt(p.amount);
      row(p.toParticipantId).received += BigInt(p.amount);
    } else if (p.status === "pending") {
      row(p.fromParticipantId).pendingOut += BigInt(p.amount);
      row(p.toParticipantId).pendingIn += BigInt(p.amount);
    }
  }
  extra.sort();
  return [...participantIds.filter((id, i) => participantIds.indexOf(id) === i), ...extra].map((id) => {
    const r = rows.get(id)!;
    r.net = r.paid - r.share + r.sent - r.received;
    r.outstanding = r.net + r.pendingOut - r.pendingIn;
    return r;
  });
}

/** Balances with at most this many non-zero entries are settled with the proven minimum of transfers. */
export const EXACT_SETTLE_UP_LIMIT = 15;

/**
 * Payments that bring every `outstanding` balance to zero (debtors pay creditors).
 *
 * Finding the fewest transfers is NP-hard in general (it contains subset-sum): with k non-zero
 * balances, the minimum is k − g where g is the largest number of groups the balances can be
 * split into that each sum to zero, because a group of m settles with m − 1 transfers and never
 * fewer. Up to `EXACT_SETTLE_UP_LIMIT` non-zero balances we find those groups exactly (dynamic
 * programming over subsets, O(2^k·k)); beyond that the whole set is one group. Within a group
 * the greedy rule pays the largest debt to the largest credit: each transfer zeroes at least one
 * balance, and the last zeroes two, so a group of m never needs more than m − 1 transfers.
 * Deterministic: ties are broken by participant id. Sums are exact (BigInt).
 */
export function settleUp(entries: readonly Pick<Balance, "participantId" | "outstanding">[]): SettleUpTransfer[] {
  return exactSettleUp(entries.map((b) => ({ id: b.participantId, amount: BigInt(b.outstanding) })));
}

function exactSettleUp(entries: readonly { id: string; amount: bigint }[]): SettleUpTransfer[] {
  const open = entries.filter((b) => b.amount !== 0n).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (open.reduce((s, b) => s + b.amount, 0n) !== 0n) throw new RangeError("balances must add up to zero");
  const groups = open.length <= EXACT_SETTLE_UP_LIMIT ? zeroSumGroups(open.map((b) => b.amount)) : [open.map((_, i) => i)];
  return groups.flatMap((g) => greedy(g.map((i) => ({ ...open[i]! }))));
}

/** Partition of the indices of `amounts` (non-zero, summing to zero) into the most zero-sum groups. */
function zeroSumGroups(amounts: readonly bigint[]): number[][] {
  const n = amounts.length;
  if (n === 0) return [];
  const full = (1 << n) - 1;
  const sum = new BigInt64Array(full + 1);
  const best = new Int32Array(full + 1);
  for (let mask = 1; mask <= full; mask++) {
    const low = mask & -mask;
    sum[mask] = sum[mask ^ low]! + amounts[31 - Math.clz32(low)]!;
    let m = 0;
    for (let rest = mask; rest; rest &= rest - 1) {
      const bit = rest & -rest;
      const v = best[mask ^ bit]!;
      if (v > m) m = v;
    }
    best[mask] = m + (sum[mask] === 0n ? 1 : 0);
  }
  // Walk back: remove one element at a time along an order that hits `best` zero-sum prefixes;
  // each time what remains sums to zero, the removed run is one group.
  const groups: number[][] = [];
  let group: number[] = [];
  let mask = full;
  while (mask) {
    const target = best[mask]! - (sum[mask] === 0n ? 1 : 0);
    let pick = -1;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i) && best[mask ^ (1 << i)] === target) {
        pick = i;
        break;
      }
    }
    group.push(pick);
    mask ^= 1 << pick;
    if (sum[mask] === 0n) {
      groups.push(group.sort((a, b) => a - b));
      group = [];
    }
  }
  return groups.sort((a, b) => a[0]! - b[0]!);
}

function greedy(group: { id: string; amount: bigint }[]): SettleUpTransfer[] {
  const out: SettleUpTransfer[] = [];
  const pickMax = (xs: { id: string; amount: bigint }[], sign: 1n | -1n) => {
    let best: { id: string; amount: bigint } | undefined;
    for (const x of xs) {
      if (sign * x.amount <= 0n) continue;
      if (!best || sign * x.amount > sign * best.amount || (x.amount === best.amount && x.id < best.id)) best = x;
    }
    return best;
  };
  for (;;) {
    const creditor = pickMax(group, 1n);
    const debtor = pickMax(group, -1n);
    if (!creditor || !debtor) return out;
    // biome-ignore lint/complexity/useMathMinMax: Math.min does not take BigInts
    const amount = creditor.amount < -debtor.amount ? creditor.amount : -debtor.amount;
    out.push({ fromParticipantId: debtor.id, toParticipantId: creditor.id, amount: Number(amount) });
    creditor.amount -= amount;
    debtor.amount += amount;
  }
}

/**
 * A payment recorded by its recipient, or by an organizer on others' behalf, counts as received
 * at once; recorded by its sender (organizer or not) it waits for the recipient or another
 * organizer to confirm. `participantId` is null for organization staff.
 */
export function paymentStatusOnRecord(
  recorder: { role: PlanRole; participantId: string | null },
  payment: { fromParticipantId: string; toParticipantId: string },
): "pending" | "received" {
  if (recorder.participantId === payment.toParticipantId) return "received";
  if (recorder.participantId === payment.fromParticipantId) return "pending";
  return recorder.role === "organizer" ? "received" : "pending";
}
