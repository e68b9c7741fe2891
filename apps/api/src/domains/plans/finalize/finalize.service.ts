import { type Finalize, finalizeSelection, type Plan, planTransition, type Tally, tally } from "@gatherkit/core";
import { plans, proposals, votes } from "@gatherkit/db";
import { and, asc, eq, inArray, notExists, sql } from "drizzle-orm";
import { conflict, notFound } from "../../../lib/errors.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { feedViewer, type PlanRow, requirePlan, toPlan } from "../access.js";
import { assertAddFitsPlanTotal, proposalCost, withinPlanTotal } from "../costs/plan-total.js";
import { planNotification, reminderWrites } from "../notify.js";
import { enqueueEvent, enqueueFinalized, enqueueProposalsChanged } from "../proposals/proposals.events.js";
import { planAsRead, proposalsWithStatus } from "../proposals/proposals.guards.js";
import { target } from "../proposals/proposals.view.js";

/**
 * Chooses the itinerary and moves the plan planning → finalized (organizers). One batch selects
 * the chosen proposals, rejects the other open ones and finalizes the plan, every statement
 * guarded by "the plan is as it was read (status planning, same `updated_at`) and none of the
 * chosen was rejected meanwhile". The plan's `updated_at` strictly increases (as in the plans
 * service), so of two concurrent finalizes exactly one applies; the other re-reads and answers
 * 409 `invalid_plan_transition`, and a concurrent edit of the plan makes it retry.
 * Events: every proposal (tallies now revealed), `plan.updated`, then `plan.finalized`.
 */
export async function finalizePlan(deps: Deps, caller: Caller | null, planId: string, choice: Finalize): Promise<Plan> {
  const access = await requirePlan(deps, caller, planId, "change_status");
  const db = deps.db;
  const actor = access.actor.kind === "participant" ? access.actor.participantId : null;
  let plan = access.plan;
  for (let attempt = 0; attempt < 8; attempt++) {
    planTransition(plan.status, "finalize");
    const rows = await db
      .select({ id: proposals.id, status: proposals.status })
      .from(proposals)
      .where(and(eq(proposals.planId, planId), eq(proposals.orgId, plan.orgId)))
      .orderBy(asc(proposals.createdAt), asc(proposals.id));
    const now = deps.now();
    let tallies: Tally[] = [];
    if (choice.mode === "top_voted") {
      const voteRows = await db
        .select({ proposalId: votes.proposalId, participantId: votes.participantId, value: votes.value })
        .from(votes)
        .where(eq(votes.planId, planId));
      tallies = tally(voteRows, { hideUntilDeadline: false, now, deadline: plan.votingDeadline, proposalIds: rows.map((r) => r.id) });
    }
    const { selected, rejected } = finalizeSelection(rows, choice, tallies);

    const updatedAt = Math.max(now, plan.updatedAt + 1);
    const next: PlanRow = { ...plan, status: "finalized", finalizedAt: now, updatedAt };
    const noneRejected = selected.length === 0 ? undefined : notExists(proposalsWithStatus(db, selected, "rejected"));
    // What selecting the chosen adds to the plan's money (their costs someone collects) must fit
    // within MAX_PLAN_TOTAL; as each is selected its cost moves from this sum into the total.
    const adds = selected.length === 0 ? undefined : costToSelect(planId, selected);
    const fits = adds && withinPlanTotal(planId, adds);
    const asRead = and(planAsRead(db, planId, "planning", plan.updatedAt), noneRejected, fits);
    const decide = (ids: string[], status: "selected" | "rejected") =>
      db
        .update(proposals)
        .set({ status, decidedAt: now, updatedAt: now })
        .where(and(inArray(proposals.id, ids), eq(proposals.status, "proposed"), asRead));
    const t = target(plan, now);
    const finalized = planAsRead(db, planId, "finalized", updatedAt);
    // Its answer, the plan as finalized, is sealed with the write (if it takes effect).
    answerOnCommit(deps, 200, toPlan(next, deps.config, feedViewer(access)), finalized);
    const outcome = await guardedWrite(
      deps,
      [
        decide(selected, "selected"),
        decide(rejected, "rejected"),
        db
          .update(plans)
          .set({ status: "finalized", finalizedAt: now, updatedAt })
          .where(
            and(
              eq(plans.id, planId),
              eq(plans.orgId, plan.orgId),
              eq(plans.status, "planning"),
              eq(plans.updatedAt, plan.updatedAt),
              noneRejected,
              fits,
            ),
          )
          .returning(),
        enqueueProposalsChanged(db, t, { where: sql`p.plan_id = ${planId}`, hidden: false, when: finalized }),
        enqueueEvent(db, t, { type: "plan.updated", data: { plan: toPlan(next, deps.config, null) } }, finalized),
        enqueueFinalized(db, t, { when: finalized }),
        ...(plan.notifyParticipants ? [planNotification(deps, next, "plan_finalized", finalized, actor)] : []),
        ...reminderWrites(deps, plan, next, finalized),
      ],
      {
        written: ([, , [updated]]) => updated && { finalized: updated },
        // The plan changed since it was read: read it again; the next round says why, or retries.
        explain: async () => {
          if (adds) await assertAddFitsPlanTotal(deps, planId, adds);
          const [fresh] = await db
            .select()
            .from(plans)
            .where(and(eq(plans.id, planId), eq(plans.orgId, plan.orgId)))
            .limit(1);
          if (!fresh) throw notFound("Plan");
          return { fresh };
        },
      },
    );
    if ("finalized" in outcome) return toPlan(outcome.finalized, deps.config, feedViewer(access));
    plan = outcome.fresh;
  }
  throw conflict("The plan is being changed by others right now; try again.");
}

/** What selecting the still-proposed ones among `ids` adds to the plan's money, as SQL. */
const costToSelect = (planId: string, ids: string[]) =>
  sql`(SELECT coalesce(sum(${proposalCost(planId)}), 0) FROM ${proposals} WHERE ${inArray(proposals.id, ids)} AND ${proposals.status} = 'proposed')`;
