import { assertCan, assertPlanAllows, assertProposalAllows, assertProposalHasRoom, type Proposal } from "@gatherkit/core";
import { proposals, proposalTakers } from "@gatherkit/db";
import { and, eq, sql } from "drizzle-orm";
import { ApiError, notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { deliverSoon } from "../../../lib/outbox.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { actingParticipant, loadPlan, requirePlan } from "../access.js";
import { enqueueProposalsChanged } from "../proposals/proposals.events.js";
import { exists, memberOf, planAllowsSql } from "../proposals/proposals.guards.js";
import { hiddenForRoom, presentOne, proposalRow, target } from "../proposals/proposals.view.js";

/** A statement setting `taken_count` to the number of takers (the CHECK refuses an overshoot). */
const recount = (db: Deps["db"], proposalId: string) =>
  db
    .update(proposals)
    .set({ takenCount: sql`(SELECT count(*) FROM proposal_takers WHERE proposal_id = ${proposalId})` })
    .where(eq(proposals.id, proposalId))
    .returning();

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
  const room = exists(
    sql`SELECT 1 FROM proposals WHERE id = ${proposalId} AND status <> 'rejected' AND (capacity IS NULL OR taken_count < capacity)`,
  );
  const [taken, , [updated]] = await db.batch([
    insertWhen(
      db,
      proposalTakers,
      { orgId: plan.orgId, planId, proposalId, participantId, createdAt: now },
      and(room, planAllowsSql(planId, "commit"), memberOf(planId, participantId))!,
    )
      .onConflictDoNothing()
      .returning(),
    enqueueProposalsChanged(db, target(plan, now), {
      where: sql`p.id = ${proposalId}`,
      hidden: hiddenForRoom(plan, now),
      when: previousStatementChanged,
    }),
    recount(db, proposalId),
  ]);
  if (!updated) throw notFound("Proposal");
  if (taken.length > 0) {
    deliverSoon(deps);
    return { proposal: await presentOne(deps, access, updated), created: true };
  }
  const [held] = await db
    .select({ proposalId: proposalTakers.proposalId })
    .from(proposalTakers)
    .where(and(eq(proposalTakers.proposalId, proposalId), eq(proposalTakers.participantId, participantId)));
  if (held) return { proposal: await presentOne(deps, access, updated), created: false };
  // Not taken: say why, from the current state.
  const fresh = await loadPlan(deps, caller, planId);
  assertCan(fresh.plan.type, fresh.role, "commit");
  assertPlanAllows(fresh.plan.status, "commit");
  assertProposalAllows(updated.status, "commit");
  assertProposalHasRoom(updated);
  throw new ApiError(409, "conflict", "The proposal changed at the same time; retry.");
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
  const [removed] = await db.batch([
    db
      .delete(proposalTakers)
      .where(
        and(eq(proposalTakers.proposalId, proposalId), eq(proposalTakers.participantId, participantId), planAllowsSql(planId, "commit")),
      )
      .returning(),
    enqueueProposalsChanged(db, target(plan, now), {
      where: sql`p.id = ${proposalId}`,
      hidden: hiddenForRoom(plan, now),
      when: previousStatementChanged,
    }),
    recount(db, proposalId),
  ]);
  if (removed.length > 0) return deliverSoon(deps);
  const fresh = await loadPlan(deps, caller, planId);
  assertPlanAllows(fresh.plan.status, "commit");
}
