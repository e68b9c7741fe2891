import { type LedgerExpense, ledger, type PlanBalances, proposalCostShares, proposalTakers, type Share } from "@gatherkit/core";
import { expenseShares, expenses, payments, planParticipants, proposals, proposalTakers as takers } from "@gatherkit/db";
import { and, asc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { Caller, Deps } from "../../../lib/types.js";
import { requirePlan } from "../access.js";

/**
 * Who owes whom in the plan: every recorded expense, plus the cost of every selected proposal
 * that has a payer (split among its takers — those who committed, or everyone in the plan when
 * nobody did and it has no capacity), minus payments. `net` counts received payments;
 * `outstanding` also counts pending ones, and the suggested transfers settle `outstanding`.
 * The reads run in one batch, so they see one consistent state of the plan; the sums are exact
 * (BigInt), so the balances of any accepted data never fail.
 */
export async function planBalances(deps: Deps, caller: Caller | null, planId: string): Promise<PlanBalances> {
  const { plan } = await requirePlan(deps, caller, planId, "read");
  const db = deps.db;
  const [members, shareRows, selected, takerRows, paymentRows] = await db.batch([
    db
      .select({ id: planParticipants.participantId })
      .from(planParticipants)
      .where(and(eq(planParticipants.planId, planId), isNull(planParticipants.removedAt)))
      .orderBy(asc(planParticipants.createdAt), asc(planParticipants.id)),
    db
      .select({
        expenseId: expenses.id,
        amount: expenses.amount,
        currency: expenses.currency,
        paidBy: expenses.paidByParticipantId,
        participantId: expenseShares.participantId,
        share: expenseShares.amount,
      })
      .from(expenses)
      .innerJoin(expenseShares, eq(expenseShares.expenseId, expenses.id))
      .where(and(eq(expenses.planId, planId), isNull(expenses.deletedAt))),
    db
      .select()
      .from(proposals)
      .where(
        and(
          eq(proposals.planId, planId),
          eq(proposals.status, "selected"),
          isNotNull(proposals.paidByParticipantId),
          isNotNull(proposals.costKind),
        ),
      )
      .orderBy(asc(proposals.createdAt), asc(proposals.id)),
    db
      .select({ proposalId: takers.proposalId, participantId: takers.participantId })
      .from(takers)
      .innerJoin(proposals, eq(proposals.id, takers.proposalId))
      .where(and(eq(takers.planId, planId), eq(proposals.status, "selected")))
      .orderBy(asc(takers.createdAt), asc(takers.participantId)),
    db
      .select()
      .from(payments)
      .where(and(eq(payments.planId, planId), inArray(payments.status, ["pending", "received"]))),
  ]);

  const everyone = members.map((m) => m.id);
  const recorded = new Map<string, LedgerExpense & { shares: Share[] }>();
  for (const r of shareRows) {
    let e = recorded.get(r.expenseId);
    if (!e) {
      e = { paidByParticipantId: r.paidBy, amount: r.amount, currency: r.currency, shares: [] };
      recorded.set(r.expenseId, e);
    }
    e.shares.push({ participantId: r.participantId, amount: r.share });
  }
  const committed = new Map<string, string[]>();
  for (const t of takerRows) committed.set(t.proposalId, [...(committed.get(t.proposalId) ?? []), t.participantId]);
  const proposalCosts: LedgerExpense[] = selected.flatMap((p) => {
    const shares = proposalCostShares({ kind: p.costKind!, amount: p.costAmount! }, proposalTakers(p, committed.get(p.id) ?? [], everyone));
    if (shares.length === 0) return [];
    return [
      {
        paidByParticipantId: p.paidByParticipantId!,
        amount: shares.reduce((s, x) => s + x.amount, 0),
        currency: p.costCurrency!,
        shares,
      },
    ];
  });

  const { balances, transfers } = ledger(
    [...recorded.values(), ...proposalCosts],
    paymentRows.map((p) => ({
      fromParticipantId: p.fromParticipantId,
      toParticipantId: p.toParticipantId,
      amount: p.amount,
      currency: p.currency,
      status: p.status,
    })),
    everyone,
    plan.currency,
  );
  return { currency: plan.currency, balances, transfers };
}
