import { assertCan, assertPlanAllows, assertProposalAllows, assertProposalHasRoom, type Proposal } from "@gatherkit/core";
import { proposals, proposalTakers } from "@gatherkit/db";
import { and, eq, sql } from "drizzle-orm";
import { conflict, notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { resumedFrom, resumeOnCommit } from "../../../lib/idempotent-writes.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { actingParticipant, loadPlan, requirePlan } from "../access.js";
import { assertWithinPlanTotal, withinPlanTotal } from "../costs/plan-total.js";
import { enqueueProposalsChanged } from "../proposals/proposals.events.js";
import { memberOf, planAllowsSql, proposalHasRoom } from "../proposals/proposals.guards.js";
import { hiddenForRoom, type ProposalRow, presentOne, proposalRow, target } from "../proposals/proposals.view.js";

/** A statement setting `taken_count` to the number of takers (the CHECK refuses an overshoot). */
const recount = (db: Deps["db"], proposalId: string) =>
  db
    .update(proposals)
    .set({ takenCount: db.$count(proposalTakers, eq(proposalTakers.proposalId, proposalId)) })
    .where(eq(proposals.id, proposalId))
    .returning();

/** The recounted proposal (404 if it were gone). */
function recounted([row]: ProposalRow[]): ProposalRow {
  if (!row) throw notFound("Proposal");
  return row;
}

/**
 * Takes a place in a proposal for the caller: one batch inserts the taker only while the
 * proposal has room (`taken_count < capacity`), is open and the plan active, then recounts.
 * Concurrent commitments never exceed the capacity (409 `proposal_full`). Committing again is
 * harmless: `created` is false.
 */
export async function commit(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  proposalId: string,
): Promise<{ proposal: Proposal; created: boolean }> {
  const access = await requirePlan(deps, caller, planId, "commit");
  const { plan } = access;
  const participantId = actingParticipant(access, "commit to a proposal");
  const row = await proposalRow(deps, plan, proposalId);
  assertPlanAllows(plan.status, "commit");
  assertProposalAllows(row.status, "commit");
  const now = deps.now();
  const db = deps.db;
  // A place in a selected proposal whose per-person cost someone collects adds that cost to the
  // plan's money: it must stay within MAX_PLAN_TOTAL (checked by the insert itself).
  const adds = row.status === "selected" && row.paidByParticipantId !== null && row.costKind === "per_person" ? (row.costAmount ?? 0) : 0;
  // Committing again changes nothing, so the retry of a request that died right after its place
  // was taken runs again (the point sealed here) and answers as the first would have: created.
  const point = `commit:${proposalId}`;
  const resumed = resumedFrom(deps) === point;
  resumeOnCommit(
    deps,
    point,
    sql`EXISTS (SELECT 1 FROM ${proposalTakers} WHERE ${proposalTakers.proposalId} = ${proposalId} AND ${proposalTakers.participantId} = ${participantId} AND ${proposalTakers.createdAt} = ${now})`,
  );
  const { row: updated, created } = await guardedWrite(
    deps,
    [
      insertWhen(
        db,
        proposalTakers,
        { orgId: plan.orgId, planId, proposalId, participantId, createdAt: now },
        and(
          proposalHasRoom(db, proposalId),
          planAllowsSql(db, planId, "commit"),
          memberOf(db, planId, participantId),
          adds > 0 ? withinPlanTotal(planId, adds) : undefined,
        )!,
      )
        .onConflictDoNothing()
        .returning(),
      enqueueProposalsChanged(db, target(plan, now), {
        where: sql`p.id = ${proposalId}`,
        hidden: hiddenForRoom(plan, now),
        when: previousStatementChanged,
      }),
      recount(db, proposalId),
    ],
    {
      written: ([taken, , counted]) => (taken.length > 0 ? { row: recounted(counted), created: true } : undefined),
      explain: async ([, , counted]) => {
        const row = recounted(counted);
        const [held] = await db
          .select({ proposalId: proposalTakers.proposalId })
          .from(proposalTakers)
          .where(and(eq(proposalTakers.proposalId, proposalId), eq(proposalTakers.participantId, participantId)));
        if (held) return { row, created: false };
        // Not taken: say why, from the current state.
        const fresh = await loadPlan(deps, caller, planId);
        assertCan(fresh.plan.type, fresh.role, "commit");
        assertPlanAllows(fresh.plan.status, "commit");
        assertProposalAllows(row.status, "commit");
        assertProposalHasRoom(row);
        if (adds > 0) await assertWithinPlanTotal(deps, planId, adds);
        throw conflict("The proposal changed at the same time; retry.");
      },
    },
  );
  return { proposal: await presentOne(deps, access, updated), created: created || resumed };
}

/** Gives the caller's place back; harmless when they had none. */
export async function withdrawCommitment(deps: Deps, caller: Caller | null, planId: string, proposalId: string): Promise<void> {
  const access = await requirePlan(deps, caller, planId, "commit");
  const { plan } = access;
  const participantId = actingParticipant(access, "withdraw from a proposal");
  await proposalRow(deps, plan, proposalId);
  assertPlanAllows(plan.status, "commit");
  const now = deps.now();
  const db = deps.db;
  await guardedWrite(
    deps,
    [
      db
        .delete(proposalTakers)
        .where(
          and(
            eq(proposalTakers.proposalId, proposalId),
            eq(proposalTakers.participantId, participantId),
            planAllowsSql(db, planId, "commit"),
          ),
        )
        .returning(),
      enqueueProposalsChanged(db, target(plan, now), {
        where: sql`p.id = ${proposalId}`,
        hidden: hiddenForRoom(plan, now),
        when: previousStatementChanged,
      }),
      recount(db, proposalId),
    ],
    {
      written: ([removed]) => removed[0],
      // No place removed: refused if the plan no longer takes changes, harmless if there was none.
      explain: async () => {
        const fresh = await loadPlan(deps, caller, planId);
        assertPlanAllows(fresh.plan.status, "commit");
      },
    },
  );
}
