import {
  assertCan,
  assertCurrency,
  assertKnownParticipants,
  assertPlanAllows,
  type CreateExpense,
  type Expense,
  MAX_PLAN_TOTAL,
  newId,
  type Page,
  type PageQuery,
  type Share,
  type SplitSpec,
  splitAmount,
  type UpdateExpense,
} from "@gatherkit/core";
import { expenseShares, expenses, planParticipants, proposals } from "@gatherkit/db";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { paginate } from "../../../lib/pagination.js";
import { fromIso, toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { actingParticipant, loadPlan, requirePlan } from "../access.js";
import { enqueuePlanEvent } from "../events.js";
import { planMoneyTotal, planTotalExceeded, withinPlanTotal } from "./plan-total.js";

type ExpenseRow = typeof expenses.$inferSelect;

/** The participants currently in the plan (not removed), in the order they joined. */
export async function activeParticipantIds(deps: Deps, planId: string): Promise<string[]> {
  const rows = await deps.db
    .select({ id: planParticipants.participantId })
    .from(planParticipants)
    .where(and(eq(planParticipants.planId, planId), isNull(planParticipants.removedAt)))
    .orderBy(asc(planParticipants.createdAt), asc(planParticipants.id));
  return rows.map((r) => r.id);
}

/**
 * Shares in a stable order: as the split lists its participants, or by participant id for an
 * equal split among everyone (which is also the order `splitAmount` gets them in on create).
 */
function orderShares(split: SplitSpec, shares: Share[]): Share[] {
  const listed =
    split.mode === "equal"
      ? split.participantIds
      : split.mode === "shares"
        ? split.shares
        : split.mode === "exact"
          ? split.amounts
          : split.percents;
  const ids = listed?.map((x) => (typeof x === "string" ? x : x.participantId));
  const rank = new Map((ids ?? [...shares.map((s) => s.participantId)].sort()).map((id, i) => [id, i]));
  return [...shares].sort((a, b) => (rank.get(a.participantId) ?? 0) - (rank.get(b.participantId) ?? 0));
}

function toExpense(row: ExpenseRow, shares: Share[]): Expense {
  const split = row.split as SplitSpec;
  return {
    id: row.id,
    planId: row.planId,
    description: row.description,
    amount: row.amount,
    currency: row.currency,
    paidByParticipantId: row.paidByParticipantId,
    proposalId: row.proposalId,
    occurredAt: toIso(row.occurredAt),
    split,
    shares: orderShares(split, shares),
    recordedByParticipantId: row.recordedByParticipantId,
    createdAt: toIso(row.createdAt),
  };
}

const expenseChanged = (planId: string, expenseId: string, deleted: boolean) => ({
  type: "plan.expense_changed" as const,
  data: { planId, expenseId, deleted },
});

/**
 * Records what one participant paid for others ("I paid the taxi: 42.00, split between these
 * four"). Any participant may record one; the payer defaults to the caller (staff must name
 * them). Money is in the plan's currency (422 `currency_mismatch`); the payer and everyone in
 * the split must be in the plan (422 `unknown_participant`); an equal split that names nobody is
 * among everyone in the plan. The expense, its shares and the realtime event are one batch:
 * either all of it is written or none — none when it would take the plan's money past
 * MAX_PLAN_TOTAL (422 `plan_total_exceeded`).
 */
export async function createExpense(deps: Deps, caller: Caller | null, planId: string, input: CreateExpense): Promise<Expense> {
  const access = await requirePlan(deps, caller, planId, "record_expense");
  const { plan } = access;
  assertPlanAllows(plan.status, "expense");
  assertCurrency(plan.currency, input.currency, "The expense");
  const payer = input.paidByParticipantId ?? actingParticipant(access, "record an expense without naming who paid (paidByParticipantId)");
  const everyone = await activeParticipantIds(deps, planId);
  const named = splitParticipants(input.split);
  assertKnownParticipants([payer, ...named], everyone);
  const shares = splitAmount(input.amount, input.split, [...everyone].sort());
  if (input.proposalId !== undefined) await assertProposalOfPlan(deps, planId, input.proposalId);

  const db = deps.db;
  const now = deps.now();
  const id = newId("expense");
  const written = sql`EXISTS (SELECT 1 FROM ${expenses} WHERE ${expenses.id} = ${id})`;
  const row: typeof expenses.$inferSelect = {
    id,
    orgId: plan.orgId,
    planId,
    description: input.description,
    amount: input.amount,
    currency: input.currency,
    paidByParticipantId: payer,
    proposalId: input.proposalId ?? null,
    occurredAt: fromIso(input.occurredAt),
    split: input.split,
    recordedByParticipantId: access.role ? access.participantId : null,
    createdAt: now,
    deletedAt: null,
  };
  const expense = toExpense(row, shares);
  answerOnCommit(deps, 201, expense, written);
  await guardedWrite(
    deps,
    [
      // Written only while the plan's money stays within MAX_PLAN_TOTAL, checked by the insert
      // itself: concurrent expenses cannot together slip past it.
      insertWhen(db, expenses, row, withinPlanTotal(planId, input.amount)).returning(),
      insertWhen(
        db,
        expenseShares,
        {
          orgId: plan.orgId,
          planId,
          expenseId: id,
          participantId: sql`json_extract(share.value, '$.participantId')`,
          amount: sql`json_extract(share.value, '$.amount')`,
        },
        written,
        sql`FROM json_each(${JSON.stringify(shares)}) AS share`,
      ),
      enqueuePlanEvent(deps, plan.orgId, planId, expenseChanged(planId, id, false), written),
    ],
    {
      written: ([[inserted]]) => inserted,
      explain: () => planTotalExceeded(deps, planId, input.amount),
    },
  );
  return expense;
}

function splitParticipants(split: SplitSpec): string[] {
  switch (split.mode) {
    case "equal":
      return split.participantIds ?? [];
    case "shares":
      return split.shares.map((s) => s.participantId);
    case "exact":
      return split.amounts.map((a) => a.participantId);
    case "percent":
      return split.percents.map((p) => p.participantId);
  }
}

async function assertProposalOfPlan(deps: Deps, planId: string, proposalId: string): Promise<void> {
  const [row] = await deps.db
    .select({ id: proposals.id })
    .from(proposals)
    .where(and(eq(proposals.id, proposalId), eq(proposals.planId, planId)))
    .limit(1);
  if (!row) throw notFound("Proposal in this plan");
}

/** The live expense `expenseId` of the plan, or 404 (after the read check, so an outsider learns nothing). */
async function loadExpense(deps: Deps, caller: Caller | null, planId: string, expenseId: string) {
  const access = await loadPlan(deps, caller, planId);
  const [row] = await deps.db
    .select()
    .from(expenses)
    .where(and(eq(expenses.id, expenseId), eq(expenses.planId, planId), isNull(expenses.deletedAt)))
    .limit(1);
  if (!row) {
    assertCan(access.plan.type, access.role, "read");
    throw notFound("Expense");
  }
  const isOwner =
    access.role !== null && (access.participantId === row.recordedByParticipantId || access.participantId === row.paidByParticipantId);
  return { access, row, isOwner };
}

/**
 * Changes a recorded expense: who recorded it, who paid it, or an organizer (as for deleting
 * it), while the plan takes expenses. Only the fields given change, with the rules of a new
 * expense (the plan's currency, everyone named in the plan, a split that adds up); the shares are
 * worked out again when the amount or the split changes (an equal split among everyone: over who
 * is in the plan now). One batch replaces the shares, updates the row and publishes
 * `plan.expense_changed`, all guarded by the expense still being live and the plan's money
 * staying within MAX_PLAN_TOTAL: an edit racing a deletion answers 404 and writes nothing. Two
 * edits at once: the last one to commit wins, whole (its amount with its own shares).
 */
export async function updateExpense(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  expenseId: string,
  input: UpdateExpense,
): Promise<Expense> {
  const { access, row, isOwner } = await loadExpense(deps, caller, planId, expenseId);
  const { plan } = access;
  assertCan(plan.type, access.role, "edit_expense", { isOwner });
  assertPlanAllows(plan.status, "expense");
  if (input.currency !== undefined) assertCurrency(plan.currency, input.currency, "The expense");
  const next: ExpenseRow = {
    ...row,
    description: input.description ?? row.description,
    amount: input.amount ?? row.amount,
    paidByParticipantId: input.paidByParticipantId ?? row.paidByParticipantId,
    split: input.split ?? row.split,
    occurredAt: input.occurredAt === undefined ? row.occurredAt : fromIso(input.occurredAt),
  };
  const split = next.split as SplitSpec;
  const everyone = await activeParticipantIds(deps, planId);
  // Only who is named anew must be in the plan: an expense keeps counting for someone who left.
  const named = [...(input.paidByParticipantId ? [input.paidByParticipantId] : []), ...(input.split ? splitParticipants(input.split) : [])];
  assertKnownParticipants(named, everyone);
  // The shares change only with the amount or the split (a new description keeps them as they are).
  const shares =
    input.amount !== undefined || input.split !== undefined
      ? splitAmount(next.amount, split, [...everyone].sort())
      : await deps.db
          .select({ participantId: expenseShares.participantId, amount: expenseShares.amount })
          .from(expenseShares)
          .where(eq(expenseShares.expenseId, expenseId));
  await applyExpenseEdit(deps, row, next, shares, () => loadExpense(deps, caller, planId, expenseId));
  return toExpense(next, shares);
}

/**
 * Writes an edit read from `before`: the shares replaced, the row updated and
 * `plan.expense_changed` published, in one batch guarded by the expense still being live and the
 * plan's money staying within MAX_PLAN_TOTAL. Refused, `reread` says why (404 when it was
 * deleted meanwhile), else 422 `plan_total_exceeded`.
 */
export async function applyExpenseEdit(
  deps: Deps,
  before: ExpenseRow,
  next: ExpenseRow,
  shares: Share[],
  reread: () => Promise<unknown>,
): Promise<void> {
  const db = deps.db;
  const { id, planId, orgId } = before;
  const current = sql`(SELECT ${expenses.amount} FROM ${expenses} WHERE ${expenses.id} = ${id} AND ${expenses.deletedAt} IS NULL)`;
  // Evaluated before the row changes (the shares go first), so every statement sees the same state.
  const guard = sql`${current} IS NOT NULL AND (${next.amount} <= ${current} OR ${planMoneyTotal(planId)} - ${current} + ${next.amount} <= ${MAX_PLAN_TOTAL})`;
  await guardedWrite(
    deps,
    [
      db.delete(expenseShares).where(and(eq(expenseShares.expenseId, id), guard)),
      insertWhen(
        db,
        expenseShares,
        {
          orgId,
          planId,
          expenseId: id,
          participantId: sql`json_extract(share.value, '$.participantId')`,
          amount: sql`json_extract(share.value, '$.amount')`,
        },
        guard,
        sql`FROM json_each(${JSON.stringify(shares)}) AS share`,
      ),
      db
        .update(expenses)
        .set({
          description: next.description,
          amount: next.amount,
          paidByParticipantId: next.paidByParticipantId,
          split: next.split,
          occurredAt: next.occurredAt,
        })
        .where(and(eq(expenses.id, id), guard))
        .returning({ id: expenses.id }),
      enqueuePlanEvent(deps, orgId, planId, expenseChanged(planId, id, false), previousStatementChanged),
    ],
    {
      written: ([, , updated]) => updated[0],
      explain: async () => {
        await reread(); // 404 when deleted meanwhile
        return planTotalExceeded(deps, planId, next.amount - before.amount);
      },
    },
  );
}

/** The plan's expenses, newest first, each with its shares. */
export async function listExpenses(deps: Deps, caller: Caller | null, planId: string, page: PageQuery): Promise<Page<Expense>> {
  await requirePlan(deps, caller, planId, "read");
  const db = deps.db;
  const result = await paginate(
    expenses,
    page,
    (p) =>
      db
        .select()
        .from(expenses)
        .where(and(eq(expenses.planId, planId), isNull(expenses.deletedAt), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (row) => row,
  );
  const ids = result.data.map((e) => e.id);
  const shareRows =
    ids.length === 0
      ? []
      : await db
          .select({ expenseId: expenseShares.expenseId, participantId: expenseShares.participantId, amount: expenseShares.amount })
          .from(expenseShares)
          .where(inArray(expenseShares.expenseId, ids));
  const byExpense = new Map<string, Share[]>();
  for (const s of shareRows) {
    byExpense.set(s.expenseId, [...(byExpense.get(s.expenseId) ?? []), { participantId: s.participantId, amount: s.amount }]);
  }
  return { data: result.data.map((row) => toExpense(row, byExpense.get(row.id) ?? [])), nextCursor: result.nextCursor };
}

/**
 * Deletes an expense (who recorded it, who paid it, or an organizer). It stops counting in the
 * balances at once; the row stays (soft delete) so the history is not rewritten.
 */
export async function deleteExpense(deps: Deps, caller: Caller | null, planId: string, expenseId: string): Promise<void> {
  const { access, isOwner } = await loadExpense(deps, caller, planId, expenseId);
  assertCan(access.plan.type, access.role, "delete_expense", { isOwner });
  assertPlanAllows(access.plan.status, "expense");
  const db = deps.db;
  await guardedWrite(
    deps,
    [
      db
        .update(expenses)
        .set({ deletedAt: deps.now() })
        .where(and(eq(expenses.id, expenseId), isNull(expenses.deletedAt)))
        .returning({ id: expenses.id }),
      enqueuePlanEvent(deps, access.plan.orgId, planId, expenseChanged(planId, expenseId, true), previousStatementChanged),
    ],
    {
      written: ([deleted]) => deleted[0],
      explain: async () => {
        throw notFound("Expense"); // deleted meanwhile by someone else
      },
    },
  );
}
