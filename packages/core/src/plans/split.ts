import { DomainError } from "../errors.js";
import { allocate } from "../money.js";
import type { Share, SplitSpec } from "./schemas/costs.js";
import type { ProposalCost } from "./schemas/proposals.js";
import { DECIMAL_SCALE, toScaled } from "./schemas/shared.js";

/**
 * Divides `total` minor units as `spec` says. `everyone` is the plan's participants, used by an
 * `equal` split that names nobody. Parts always add up to exactly `total` and are never
 * negative: shares and percentages use the largest-remainder method, and a leftover cent goes
 * to the larger remainder, ties to the lower participant id, so the result does not depend on
 * the order the participants were listed in. Parts come back in the spec's order.
 *
 * Throws 422 `split_mismatch` when exact amounts do not add up to the total, percentages do not
 * add up to 100, a participant is listed twice, or nobody is left to pay.
 */
export function splitAmount(total: number, spec: SplitSpec, everyone: readonly string[] = []): Share[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a non-negative integer, got ${total}`);
  let entries: { participantId: string; weight: number }[];
  switch (spec.mode) {
    case "equal":
      entries = (spec.participantIds ?? everyone).map((participantId) => ({ participantId, weight: 1 }));
      break;
    case "shares":
      entries = spec.shares.map((s) => ({ participantId: s.participantId, weight: scaled(s.shares, "shares") }));
      break;
    case "percent": {
      entries = spec.percents.map((p) => ({ participantId: p.participantId, weight: scaled(p.percent, "percent") }));
      const sum = entries.reduce((s, e) => s + e.weight, 0);
      if (sum !== 100 * DECIMAL_SCALE) mismatch(`The percentages add up to ${sum / DECIMAL_SCALE}, not 100.`);
      break;
    }
    case "exact": {
      const sum = spec.amounts.reduce((s, a) => s + a.amount, 0);
      if (sum !== total) mismatch(`The exact amounts add up to ${sum}, not the total of ${total}.`);
      assertDistinct(spec.amounts.map((a) => a.participantId));
      return spec.amounts.map((a) => ({ participantId: a.participantId, amount: a.amount }));
    }
  }
  if (entries.length === 0) mismatch("Nobody to split between.");
  assertDistinct(entries.map((e) => e.participantId));
  if (entries.every((e) => e.weight === 0)) mismatch("Every share is zero.");
  const byId = entries.map((e, i) => ({ ...e, i })).sort((a, b) => (a.participantId < b.participantId ? -1 : 1));
  const parts = allocate(
    total,
    byId.map((e) => e.weight),
  );
  const out: Share[] = new Array(entries.length);
  byId.forEach((e, k) => {
    out[e.i] = { participantId: e.participantId, amount: parts[k]! };
  });
  return out;
}

function scaled(x: number, what: string): number {
  const v = toScaled(x);
  if (v === null || v < 0) mismatch(`A ${what} value must be a non-negative number with at most 4 decimals.`);
  return v;
}

function assertDistinct(ids: readonly string[]): void {
  if (new Set(ids).size !== ids.length) mismatch("A participant is listed twice in the split.");
}

function mismatch(detail: string): never {
  throw new DomainError(422, "split_mismatch", detail);
}

/**
 * Who takes a proposal, for its cost: the participants who committed to it when it has a
 * capacity or any commitment, otherwise everyone in the plan.
 */
export function proposalTakers(
  proposal: { capacity: number | null },
  committedIds: readonly string[],
  everyone: readonly string[],
): string[] {
  return proposal.capacity !== null || committedIds.length > 0 ? [...committedIds] : [...everyone];
}

/**
 * Each taker's part of a proposal's cost: a `per_person` cost is `amount` each; a `total` cost
 * is split evenly (largest remainder, so the parts add up to the total). No takers, no shares.
 */
export function proposalCostShares(cost: Pick<ProposalCost, "kind" | "amount">, takerIds: readonly string[]): Share[] {
  if (takerIds.length === 0) return [];
  if (cost.kind === "per_person") return takerIds.map((participantId) => ({ participantId, amount: cost.amount }));
  return splitAmount(cost.amount, { mode: "equal", participantIds: [...takerIds] });
}

/**
 * Refuses participants the plan does not know (422 `unknown_participant`): the payer and split
 * of an expense, the ends of a payment, a proposal's payer.
 */
export function assertKnownParticipants(ids: readonly string[], known: ReadonlySet<string> | readonly string[]): void {
  const set = known instanceof Set ? known : new Set(known as readonly string[]);
  const unknown = [...new Set(ids)].filter((id) => !set.has(id));
  if (unknown.length > 0) {
    throw new DomainError(422, "unknown_participant", `Not participants of this plan: ${unknown.join(", ")}.`);
  }
}

/** Money in a plan is in the plan's currency: 422 `currency_mismatch` otherwise. */
export function assertCurrency(planCurrency: string, currency: string, what = "The amount"): void {
  if (currency !== planCurrency) {
    throw new DomainError(422, "currency_mismatch", `${what} is in ${currency} but this plan keeps its money in ${planCurrency}.`);
  }
}
