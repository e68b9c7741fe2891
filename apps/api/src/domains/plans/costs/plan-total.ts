import { MAX_PLAN_TOTAL } from "@gatherkit/core";
import { expenses, payments, planParticipants, plans, proposals } from "@gatherkit/db";
import { eq, type SQL, sql } from "drizzle-orm";
import { ApiError, conflict } from "../../../lib/errors.js";
import type { Deps } from "../../../lib/types.js";

/**
 * The plan's money total as the balances count it (see MAX_PLAN_TOTAL), as SQL: its live
 * expenses, its pending and received payments, and the cost of each selected proposal that
 * someone collects (a `per_person` cost once per taker: those who committed, or everyone in the
 * plan when it has no capacity and nobody committed).
 */
export function planMoneyTotal(planId: string): SQL {
  return sql`(
    (SELECT coalesce(sum(${expenses.amount}), 0) FROM ${expenses} WHERE ${expenses.planId} = ${planId} AND ${expenses.deletedAt} IS NULL)
    + (SELECT coalesce(sum(${payments.amount}), 0) FROM ${payments} WHERE ${payments.planId} = ${planId} AND ${payments.status} IN ('pending', 'received'))
    + (SELECT coalesce(sum(${proposalCost(planId)}), 0)
       FROM ${proposals}
       WHERE ${proposals.planId} = ${planId} AND ${proposals.status} = 'selected'
         AND ${proposals.paidByParticipantId} IS NOT NULL AND ${proposals.costKind} IS NOT NULL)
  )`;
}

/**
 * What a proposal (the `proposals` row in scope) adds to the plan's money once selected with a
 * payer: its cost, a per-person cost once per taker (those who committed, or everyone in the
 * plan when it has no capacity and nobody committed); 0 without a cost or a payer.
 */
export function proposalCost(planId: string): SQL {
  const everyone = sql`(SELECT count(*) FROM ${planParticipants} WHERE ${planParticipants.planId} = ${planId} AND ${planParticipants.removedAt} IS NULL)`;
  const takers = sql`CASE WHEN ${proposals.capacity} IS NOT NULL OR ${proposals.takenCount} > 0 THEN ${proposals.takenCount} ELSE ${everyone} END`;
  return sql`CASE WHEN ${proposals.paidByParticipantId} IS NULL OR ${proposals.costKind} IS NULL THEN 0 WHEN ${proposals.costKind} = 'per_person' THEN ${proposals.costAmount} * ${takers} ELSE ${proposals.costAmount} END`;
}

/** Guard of a write that adds `amount` (a number, or SQL the write computes) to the plan's money: the total stays within MAX_PLAN_TOTAL. */
export function withinPlanTotal(planId: string, amount: number | SQL): SQL {
  return sql`${planMoneyTotal(planId)} + ${amount} <= ${MAX_PLAN_TOTAL}`;
}

/**
 * What one more person in the plan adds to its money, as SQL: each selected per-person cost that
 * someone collects and that everyone in the plan takes (no capacity, nobody committed).
 */
export function perNewcomerCost(planId: string): SQL {
  return sql`(SELECT coalesce(sum(${proposals.costAmount}), 0) FROM ${proposals}
    WHERE ${proposals.planId} = ${planId} AND ${proposals.status} = 'selected' AND ${proposals.paidByParticipantId} IS NOT NULL
      AND ${proposals.costKind} = 'per_person' AND ${proposals.capacity} IS NULL AND ${proposals.takenCount} = 0)`;
}

/** Guard of a join (or a restored membership): the plan's money, one more taker included, stays within MAX_PLAN_TOTAL. */
export const joinFitsPlanTotal = (planId: string): SQL => withinPlanTotal(planId, perNewcomerCost(planId));

/** 422 `plan_total_exceeded` when one more person would take the plan's money past MAX_PLAN_TOTAL. */
export const assertJoinFitsPlanTotal = (deps: Deps, planId: string) => assertAddFitsPlanTotal(deps, planId, perNewcomerCost(planId));

/** `assertWithinPlanTotal` for an amount the database computes (`adds`, SQL over the plan). */
export async function assertAddFitsPlanTotal(deps: Deps, planId: string, adds: SQL): Promise<void> {
  const [row] = await deps.db
    .select({ adds: sql<number>`${adds}` })
    .from(plans)
    .where(eq(plans.id, planId));
  await assertWithinPlanTotal(deps, planId, Number(row?.adds ?? 0));
}

/** The 422 of a write the guard refused, saying how much room the plan has left. */
export async function planTotalExceeded(deps: Deps, planId: string, amount: number): Promise<never> {
  await assertWithinPlanTotal(deps, planId, amount);
  throw conflict("The plan's money changed at the same time; retry.");
}

/** 422 `plan_total_exceeded` unless `amount` more still fits in the plan's money total now. */
export async function assertWithinPlanTotal(deps: Deps, planId: string, amount: number): Promise<void> {
  const [row] = await deps.db
    .select({ total: sql<number>`${planMoneyTotal(planId)}` })
    .from(plans)
    .where(eq(plans.id, planId));
  const left = Math.max(0, MAX_PLAN_TOTAL - Number(row?.total ?? 0));
  if (amount <= left) return;
  throw new ApiError(
    422,
    "plan_total_exceeded",
    `A plan's money (expenses, collected proposal costs and payments together) may total at most ${MAX_PLAN_TOTAL} minor units; this plan has ${left} left, less than ${amount}.`,
  );
}
