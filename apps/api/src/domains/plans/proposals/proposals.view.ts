import { type Proposal, type Tally, type TallyOptions, tally, type VoteValue, votesHidden } from "@gatherkit/core";
import { proposals, proposalTakers, votes } from "@gatherkit/db";
import { and, eq, inArray } from "drizzle-orm";
import { notFound } from "../../../lib/errors.js";
import { toIso } from "../../../lib/time.js";
import type { Deps } from "../../../lib/types.js";
import type { PlanAccess, PlanRow } from "../access.js";
import type { EventTarget } from "./proposals.events.js";

/**
 * How proposals read and show, for every slice that writes them (proposals, votes, commitments,
 * finalize): the row as its caller sees it, with its tally, the caller's vote and commitment.
 */

export type ProposalRow = typeof proposals.$inferSelect;

/** The plan, for the pure rules (times as epoch ms). */
export const rulesPlan = (plan: PlanRow) => ({ status: plan.status, votingDeadline: plan.votingDeadline });

/**
 * How tallies show to a caller: organizers (and staff) always see the breakdown; participants
 * see only totals while the plan hides votes until its deadline. Voting is over, and tallies
 * revealed, once the plan left planning.
 */
export function tallyView(plan: PlanRow, now: number, asOrganizer: boolean): Omit<TallyOptions, "proposalIds"> {
  return {
    hideUntilDeadline: plan.hideVotesUntilDeadline && !asOrganizer,
    now,
    deadline: plan.votingDeadline,
    closed: plan.status !== "planning",
  };
}

/** Whether events (seen by every reader of the plan's room) hide the breakdown right now. */
export const hiddenForRoom = (plan: PlanRow, now: number) => votesHidden(tallyView(plan, now, false));

interface Viewer {
  participantId: string | null;
  asOrganizer: boolean;
}
const viewerOf = (access: PlanAccess): Viewer => ({
  participantId: access.role ? access.participantId : null,
  asOrganizer: access.role === "organizer",
});

export function toProposal(row: ProposalRow, t: Tally, mine: { vote: VoteValue | null; committed: boolean }): Proposal {
  return {
    id: row.id,
    planId: row.planId,
    title: row.title,
    description: row.description,
    url: row.url,
    imageUrls: row.imageUrls,
    startsAt: toIso(row.startsAt),
    endsAt: toIso(row.endsAt),
    cost:
      row.costKind === null || row.costAmount === null || row.costCurrency === null
        ? null
        : { kind: row.costKind, amount: row.costAmount, currency: row.costCurrency },
    capacity: row.capacity,
    takenCount: row.takenCount,
    paidByParticipantId: row.paidByParticipantId,
    status: row.status,
    createdByParticipantId: row.createdByParticipantId,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    tally: t,
    myVote: mine.vote,
    committed: mine.committed,
  };
}

/** Proposal rows as `access`'s caller sees them: each with its tally, the caller's vote and commitment. */
export async function present(deps: Deps, access: PlanAccess, rows: ProposalRow[]): Promise<Proposal[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const viewer = viewerOf(access);
  const [voteRows, mine] = await Promise.all([
    deps.db
      .select({ proposalId: votes.proposalId, participantId: votes.participantId, value: votes.value })
      .from(votes)
      .where(inArray(votes.proposalId, ids)),
    viewer.participantId === null
      ? Promise.resolve([])
      : deps.db
          .select({ proposalId: proposalTakers.proposalId })
          .from(proposalTakers)
          .where(and(eq(proposalTakers.participantId, viewer.participantId), inArray(proposalTakers.proposalId, ids))),
  ]);
  const tallies = new Map(
    tally(voteRows, { ...tallyView(access.plan, deps.now(), viewer.asOrganizer), proposalIds: ids }).map((t) => [t.proposalId, t]),
  );
  const myVotes = new Map(voteRows.filter((v) => v.participantId === viewer.participantId).map((v) => [v.proposalId, v.value]));
  const committed = new Set(mine.map((m) => m.proposalId));
  return rows.map((r) => toProposal(r, tallies.get(r.id)!, { vote: myVotes.get(r.id) ?? null, committed: committed.has(r.id) }));
}

export async function presentOne(deps: Deps, access: PlanAccess, row: ProposalRow): Promise<Proposal> {
  return (await present(deps, access, [row]))[0]!;
}

export async function proposalRow(deps: Deps, plan: PlanRow, proposalId: string): Promise<ProposalRow> {
  const [row] = await deps.db
    .select()
    .from(proposals)
    .where(and(eq(proposals.id, proposalId), eq(proposals.planId, plan.id), eq(proposals.orgId, plan.orgId)))
    .limit(1);
  if (!row) throw notFound("Proposal");
  return row;
}

export const target = (plan: PlanRow, now: number): EventTarget => ({ orgId: plan.orgId, planId: plan.id, now });
