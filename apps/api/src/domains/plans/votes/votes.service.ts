import {
  assertCan,
  assertProposalAllows,
  assertVotingOpen,
  DomainError,
  newId,
  type Tally,
  tally,
  type VoteResult,
  type VoteValue,
  validateOneYes,
  yesLock,
} from "@gatherkit/core";
import { proposals, votes } from "@gatherkit/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { conflict } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { actingParticipant, loadPlan, requirePlan } from "../access.js";
import { enqueueTallyChanged } from "../proposals/proposals.events.js";
import { memberOf, proposalIn, votingOpenSql } from "../proposals/proposals.guards.js";
import { hiddenForRoom, proposalRow, rulesPlan, tallyView, target } from "../proposals/proposals.view.js";

/** After a guarded vote write matched nothing: the rule that closed it, read from the current state. */
async function explainVoteRefused(deps: Deps, caller: Caller | null, planId: string, proposalId: string, now: number): Promise<never> {
  const fresh = await loadPlan(deps, caller, planId);
  assertCan(fresh.plan.type, fresh.role, "vote");
  assertVotingOpen(rulesPlan(fresh.plan), now);
  assertProposalAllows((await proposalRow(deps, fresh.plan, proposalId)).status, "vote");
  throw conflict("The plan or the proposal changed at the same time; retry.");
}

/** A unique violation on `yes_lock`: 409 `one_yes_limit`, naming the proposal holding the caller's yes. */
async function refuseSecondYes(
  deps: Deps,
  err: unknown,
  next: { planId: string; proposalId: string; participantId: string; value: VoteValue },
): Promise<never> {
  if (!isUniqueViolation(err, "votes.yes_lock")) throw err;
  const mine = await deps.db
    .select({ proposalId: votes.proposalId, participantId: votes.participantId, value: votes.value })
    .from(votes)
    .where(and(eq(votes.planId, next.planId), eq(votes.participantId, next.participantId)));
  validateOneYes(mine, next, { oneYesPerParticipant: true });
  throw new DomainError(409, "one_yes_limit", 'This plan allows one "yes" per participant: change your other yes first.');
}

/**
 * Casts or replaces the caller's vote: an upsert on (proposal, participant), written only while
 * voting is open (planning, before the deadline), the proposal is still proposed and the caller
 * is in the plan — all checked by the statement itself, so a concurrent finalize cannot let a
 * late vote in. With "one yes per participant" the unique `yes_lock` refuses a second yes even
 * under concurrent requests (409 `one_yes_limit`).
 */
export async function castVote(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  proposalId: string,
  value: VoteValue,
): Promise<VoteResult> {
  const access = await requirePlan(deps, caller, planId, "vote");
  const { plan } = access;
  const participantId = actingParticipant(access, "vote");
  const row = await proposalRow(deps, plan, proposalId);
  const now = deps.now();
  assertVotingOpen(rulesPlan(plan), now);
  assertProposalAllows(row.status, "vote");

  const db = deps.db;
  const guard = and(votingOpenSql(db, planId, now), proposalIn(db, proposalId, ["proposed"]), memberOf(db, planId, participantId))!;
  const { vote, voteRows } = await guardedWrite(
    deps,
    [
      insertWhen(
        db,
        votes,
        {
          id: newId("vote"),
          orgId: plan.orgId,
          planId,
          proposalId,
          participantId,
          value,
          yesLock: yesLock(planId, participantId, value, plan.oneYesPerParticipant),
          createdAt: now,
          updatedAt: now,
        },
        guard,
      )
        .onConflictDoUpdate({
          target: [votes.proposalId, votes.participantId],
          set: { value: sql`excluded.value`, yesLock: sql`excluded.yes_lock`, updatedAt: sql`excluded.updated_at` },
        })
        .returning(),
      enqueueTallyChanged(db, target(plan, now), { proposalId, hidden: hiddenForRoom(plan, now), when: previousStatementChanged }),
      db
        .select({ proposalId: votes.proposalId, participantId: votes.participantId, value: votes.value })
        .from(votes)
        .where(eq(votes.proposalId, proposalId)),
    ],
    {
      written: ([[vote], , voteRows]) => vote && { vote, voteRows },
      explain: () => explainVoteRefused(deps, caller, planId, proposalId, now),
    },
  ).catch((err: unknown) => refuseSecondYes(deps, err, { planId, proposalId, participantId, value }));
  const [t] = tally(voteRows, { ...tallyView(plan, now, access.role === "organizer"), proposalIds: [proposalId] });
  return {
    vote: {
      id: vote.id,
      planId: vote.planId,
      proposalId: vote.proposalId,
      participantId: vote.participantId,
      value: vote.value,
      createdAt: toIso(vote.createdAt),
      updatedAt: toIso(vote.updatedAt),
    },
    tally: t!,
  };
}

/** Withdraws the caller's vote while voting is open; withdrawing when there is none is harmless. */
export async function withdrawVote(deps: Deps, caller: Caller | null, planId: string, proposalId: string): Promise<void> {
  const access = await requirePlan(deps, caller, planId, "vote");
  const { plan } = access;
  const participantId = actingParticipant(access, "vote");
  const row = await proposalRow(deps, plan, proposalId);
  const now = deps.now();
  assertVotingOpen(rulesPlan(plan), now);
  assertProposalAllows(row.status, "vote");
  const db = deps.db;
  await guardedWrite(
    deps,
    [
      db
        .delete(votes)
        .where(
          and(
            eq(votes.proposalId, proposalId),
            eq(votes.participantId, participantId),
            votingOpenSql(db, planId, now),
            proposalIn(db, proposalId, ["proposed"]),
          ),
        )
        .returning({ id: votes.id }),
      enqueueTallyChanged(db, target(plan, now), { proposalId, hidden: hiddenForRoom(plan, now), when: previousStatementChanged }),
    ],
    {
      written: ([deleted]) => deleted[0],
      // Nothing deleted: either there was no vote (fine), or voting closed meanwhile.
      explain: async () => {
        const [still] = await db
          .select({ id: votes.id })
          .from(votes)
          .where(and(eq(votes.proposalId, proposalId), eq(votes.participantId, participantId)));
        if (still) await explainVoteRefused(deps, caller, planId, proposalId, now);
      },
    },
  );
}

/** Every proposal's tally, oldest proposal first, as the caller may see it. */
export async function listTallies(deps: Deps, caller: Caller | null, planId: string): Promise<{ data: Tally[] }> {
  const access = await requirePlan(deps, caller, planId, "read");
  const db = deps.db;
  const [ids, voteRows] = await Promise.all([
    db
      .select({ id: proposals.id })
      .from(proposals)
      .where(and(eq(proposals.planId, planId), eq(proposals.orgId, access.plan.orgId)))
      .orderBy(asc(proposals.createdAt), asc(proposals.id)),
    db
      .select({ proposalId: votes.proposalId, participantId: votes.participantId, value: votes.value })
      .from(votes)
      .where(eq(votes.planId, planId)),
  ]);
  const opts = tallyView(access.plan, deps.now(), access.role === "organizer");
  return { data: tally(voteRows, { ...opts, proposalIds: ids.map((r) => r.id) }) };
}
