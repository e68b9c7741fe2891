import {
  assertCan,
  assertCurrency,
  assertKnownParticipants,
  assertPlanAllows,
  type CreatePayment,
  newId,
  type Page,
  type PageQuery,
  type Payment,
  type PlanPermission,
  paymentStatusOnRecord,
  paymentTransition,
} from "@gatherkit/core";
import { payments, planParticipants } from "@gatherkit/db";
import { and, eq, sql } from "drizzle-orm";
import { ApiError, notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { actingParticipant, loadPlan, requirePlan } from "../access.js";
import { enqueuePlanEvent } from "../events.js";
import { planTotalExceeded, withinPlanTotal } from "./plan-total.js";

type PaymentRow = typeof payments.$inferSelect;

function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    planId: row.planId,
    fromParticipantId: row.fromParticipantId,
    toParticipantId: row.toParticipantId,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    note: row.note,
    recordedByParticipantId: row.recordedByParticipantId,
    createdAt: toIso(row.createdAt),
    receivedAt: toIso(row.receivedAt),
    cancelledAt: toIso(row.cancelledAt),
  };
}

const paymentChanged = (payment: Payment) => ({ type: "plan.payment_changed" as const, data: { payment } });

/**
 * Records money one participant gave another to settle up. The sender records it (it waits for
 * the recipient to confirm), the recipient records it (received at once), or an organizer
 * records it between two others (received at once). Both ends must have been in the plan
 * (someone who left may still be paid back), in the plan's currency, and keep the plan's money
 * within MAX_PLAN_TOTAL (422 `plan_total_exceeded`).
 */
export async function createPayment(deps: Deps, caller: Caller | null, planId: string, input: CreatePayment): Promise<Payment> {
  const access = await loadPlan(deps, caller, planId);
  const { plan } = access;
  const me = access.role ? access.participantId : null;
  const from = input.fromParticipantId ?? actingParticipant(access, "record a payment without naming who paid (fromParticipantId)");
  const isOwner = me !== null && (me === from || me === input.toParticipantId);
  assertCan(plan.type, access.role, "record_payment", { isOwner });
  assertPlanAllows(plan.status, "payment");
  assertCurrency(plan.currency, input.currency, "The payment");
  if (from === input.toParticipantId) {
    const message = "a payment goes from one participant to another: you cannot pay yourself";
    throw new ApiError(400, "validation_failed", `body.toParticipantId: ${message}`, {
      errors: [{ path: "body.toParticipantId", message }],
    });
  }
  const members = await deps.db
    .select({ id: planParticipants.participantId })
    .from(planParticipants)
    .where(eq(planParticipants.planId, planId));
  assertKnownParticipants(
    [from, input.toParticipantId],
    members.map((m) => m.id),
  );

  const now = deps.now();
  const status = paymentStatusOnRecord(
    { role: access.role!, participantId: me },
    { fromParticipantId: from, toParticipantId: input.toParticipantId },
  );
  const row: PaymentRow = {
    id: newId("payment"),
    orgId: plan.orgId,
    planId,
    fromParticipantId: from,
    toParticipantId: input.toParticipantId,
    amount: input.amount,
    currency: input.currency,
    status,
    note: input.note ?? null,
    recordedByParticipantId: me,
    createdAt: now,
    receivedAt: status === "received" ? now : null,
    cancelledAt: null,
  };
  const payment = toPayment(row);
  const db = deps.db;
  answerOnCommit(deps, 201, payment, sql`EXISTS (SELECT 1 FROM ${payments} WHERE ${payments.id} = ${row.id})`);
  // Written only while the plan's money stays within MAX_PLAN_TOTAL (checked by the insert itself).
  return guardedWrite(
    deps,
    [
      insertWhen(db, payments, row, withinPlanTotal(planId, input.amount)).returning({ id: payments.id }),
      enqueuePlanEvent(deps, plan.orgId, planId, paymentChanged(payment), previousStatementChanged),
    ],
    {
      written: ([[inserted]]) => (inserted ? payment : undefined),
      explain: () => planTotalExceeded(deps, planId, input.amount),
    },
  );
}

export async function listPayments(deps: Deps, caller: Caller | null, planId: string, page: PageQuery): Promise<Page<Payment>> {
  await requirePlan(deps, caller, planId, "read");
  const db = deps.db;
  return paginate(
    payments,
    page,
    (p) =>
      db
        .select()
        .from(payments)
        .where(and(eq(payments.planId, planId), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toPayment,
  );
}

/** Who may move a pending payment to each status: the recipient confirms, the sender withdraws (or an organizer). */
const TRANSITION: Record<"received" | "cancelled", { permission: PlanPermission; owner: (p: PaymentRow) => string }> = {
  received: { permission: "confirm_payment", owner: (p) => p.toParticipantId },
  cancelled: { permission: "cancel_payment", owner: (p) => p.fromParticipantId },
};

/**
 * Confirms a pending payment as received (its recipient or an organizer) or cancels it (its
 * sender or an organizer). A payment that is no longer pending answers 409
 * `payment_not_pending`, also when two people settle it at the same moment: the write is
 * conditional on the payment still being pending, and only the winner's event is published.
 */
export async function updatePayment(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  paymentId: string,
  input: { status: "received" | "cancelled" },
): Promise<Payment> {
  const access = await loadPlan(deps, caller, planId);
  const [current] = await deps.db
    .select()
    .from(payments)
    .where(and(eq(payments.id, paymentId), eq(payments.planId, planId)))
    .limit(1);
  if (!current) {
    assertCan(access.plan.type, access.role, "read");
    throw notFound("Payment");
  }
  const rule = TRANSITION[input.status];
  const isOwner = access.role !== null && access.participantId === rule.owner(current);
  assertCan(access.plan.type, access.role, rule.permission, { isOwner });
  assertPlanAllows(access.plan.status, "payment");
  return settlePayment(deps, current, input.status);
}

/**
 * The one way a pending payment becomes received or cancelled, after the caller's right to do
 * it was checked: a conditional UPDATE (still pending) and the realtime event, in one batch.
 *
 * Seam for card payments of shares (they come with the ticketing checkout and its payments
 * provider; nothing here pretends to charge a card): the provider flow records the payment as
 * its sender would (`pending`, from the debtor to the collector), keeps the provider's payment
 * id with it (a new column then) and opens the provider's checkout for `amount`/`currency`;
 * the provider's verified webhook then calls `settlePayment(…, "received")`, or `"cancelled"`
 * for a checkout that failed or expired. The guarded transition makes a webhook delivered twice,
 * or racing a manual confirmation, settle the payment exactly once.
 */
export async function settlePayment(deps: Deps, current: PaymentRow, to: "received" | "cancelled"): Promise<Payment> {
  paymentTransition(current.status, to);
  const now = deps.now();
  const next: PaymentRow = { ...current, status: to, ...(to === "received" ? { receivedAt: now } : { cancelledAt: now }) };
  const db = deps.db;
  const row = await guardedWrite(
    deps,
    [
      db
        .update(payments)
        .set({ status: to, receivedAt: next.receivedAt, cancelledAt: next.cancelledAt })
        .where(and(eq(payments.id, current.id), eq(payments.status, "pending")))
        .returning(),
      enqueuePlanEvent(deps, current.orgId, current.planId, paymentChanged(toPayment(next)), previousStatementChanged),
    ],
    {
      written: ([[updated]]) => updated,
      explain: async () => {
        // Someone else settled it between our read and our write: say what it is now.
        const [now] = await db.select({ status: payments.status }).from(payments).where(eq(payments.id, current.id)).limit(1);
        paymentTransition(now?.status ?? current.status, to);
        throw new ApiError(409, "payment_not_pending", "The payment changed meanwhile; reload it.");
      },
    },
  );
  return toPayment(row);
}
