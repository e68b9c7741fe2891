import {
  applyProposalUpdate,
  assertCan,
  assertCurrency,
  assertKnownParticipants,
  assertPlanAllows,
  assertProposalAllows,
  assertProposalHasRoom,
  assertVotingOpen,
  type CreateProposal,
  DomainError,
  type Finalize,
  finalizeSelection,
  newId,
  type Page,
  type Plan,
  type PlanActivity,
  type Proposal,
  type ProposalAction,
  type ProposalListQuery,
  type ProposalSettings,
  planTransition,
  proposalTransition,
  type Tally,
  type TallyOptions,
  tally,
  type UpdateProposal,
  type VoteResult,
  type VoteValue,
  validateOneYes,
  votesHidden,
  yesLock,
} from "@gatherkit/core";
import { planParticipants, plans, proposals, proposalTakers, votes } from "@gatherkit/db";
import { and, asc, eq, inArray, isNull, ne, type SQL, sql } from "drizzle-orm";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { deliverSoon } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { actingParticipant, loadPlan, type PlanAccess, type PlanRow, requirePlan, toPlan } from "../access.js";
import { statusesAllowing } from "../plans/plans.service.js";
import { type EventTarget, enqueueEvent, enqueueFinalized, enqueueProposalsChanged, enqueueTallyChanged } from "./proposals.events.js";

type ProposalRow = typeof proposals.$inferSelect;

const nowOf = (deps: Deps) => deps.now?.() ?? Date.now();
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ms = (t: string | null | undefined) => (t == null ? null : Date.parse(t));

// ---- what a caller sees ---------------------------------------------------------------------

/** The plan, for the pure rules (times as epoch ms). */
const rulesPlan = (plan: PlanRow) => ({ status: plan.status, votingDeadline: plan.votingDeadline });

/**
 * How tallies show to a caller: organizers (and staff) always see the breakdown; participants
 * see only totals while the plan hides votes until its deadline. Voting is over, and tallies
 * revealed, once the plan left planning.
 */
function tallyView(plan: PlanRow, now: number, asOrganizer: boolean): Omit<TallyOptions, "proposalIds"> {
  return {
    hideUntilDeadline: plan.hideVotesUntilDeadline && !asOrganizer,
    now,
    deadline: plan.votingDeadline,
    closed: plan.status !== "planning",
  };
}

/** Whether events (seen by every reader of the plan's room) hide the breakdown right now. */
const hiddenForRoom = (plan: PlanRow, now: number) => votesHidden(tallyView(plan, now, false));

interface Viewer {
  participantId: string | null;
  asOrganizer: boolean;
}
const viewerOf = (access: PlanAccess): Viewer => ({
  participantId: access.role ? access.participantId : null,
  asOrganizer: access.role === "organizer",
});

function toProposal(row: ProposalRow, t: Tally, mine: { vote: VoteValue | null; committed: boolean }): Proposal {
  return {
    id: row.id,
    planId: row.planId,
    title: row.title,
    description: row.description,
    url: row.url,
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    cost:
      row.costKind === null || row.costAmount === null || row.costCurrency === null
        ? null
        : { kind: row.costKind, amount: row.costAmount, currency: row.costCurrency },
    capacity: row.capacity,
    takenCount: row.takenCount,
    paidByParticipantId: row.paidByParticipantId,
    status: row.status,
    createdByParticipantId: row.createdByParticipantId,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    tally: t,
    myVote: mine.vote,
    committed: mine.committed,
  };
}

/** Proposal rows as `access`'s caller sees them: each with its tally, the caller's vote and commitment. */
async function present(deps: Deps, access: PlanAccess, rows: ProposalRow[]): Promise<Proposal[]> {
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
    tally(voteRows, { ...tallyView(access.plan, nowOf(deps), viewer.asOrganizer), proposalIds: ids }).map((t) => [t.proposalId, t]),
  );
  const myVotes = new Map(voteRows.filter((v) => v.participantId === viewer.participantId).map((v) => [v.proposalId, v.value]));
  const committed = new Set(mine.map((m) => m.proposalId));
  return rows.map((r) => toProposal(r, tallies.get(r.id)!, { vote: myVotes.get(r.id) ?? null, committed: committed.has(r.id) }));
}

async function presentOne(deps: Deps, access: PlanAccess, row: ProposalRow): Promise<Proposal> {
  return (await present(deps, access, [row]))[0]!;
}

async function proposalRow(deps: Deps, plan: PlanRow, proposalId: string): Promise<ProposalRow> {
  const [row] = await deps.db
    .select()
    .from(proposals)
    .where(and(eq(proposals.id, proposalId), eq(proposals.planId, plan.id), eq(proposals.orgId, plan.orgId)))
    .limit(1);
  if (!row) throw notFound("Proposal");
  return row;
}

const target = (plan: PlanRow, now: number): EventTarget => ({ orgId: plan.orgId, planId: plan.id, now });

// ---- SQL guards: the rules again, checked by the write itself -------------------------------

const exists = (query: SQL) => sql`EXISTS (${query})`;
const notExists = (query: SQL) => sql`NOT EXISTS (${query})`;

const planIn = (planId: string, statuses: readonly PlanRow["status"][]) =>
  exists(
    sql`SELECT 1 FROM plans WHERE id = ${planId} AND status IN (${sql.join(
      statuses.map((s) => sql`${s}`),
      sql`, `,
    )})`,
  );

/** The plan's status still allows `activity` (see core's `planAllows`). */
const planAllowsSql = (planId: string, activity: PlanActivity) => planIn(planId, statusesAllowing(activity));

/** The participant is (still) in the plan. */
const memberOf = (planId: string, participantId: string) =>
  exists(sql`SELECT 1 FROM plan_participants WHERE plan_id = ${planId} AND participant_id = ${participantId} AND removed_at IS NULL`);

const votingOpenSql = (planId: string, now: number) =>
  exists(sql`SELECT 1 FROM plans WHERE id = ${planId} AND status = 'planning' AND (voting_deadline IS NULL OR voting_deadline > ${now})`);

const proposalIn = (proposalId: string, statuses: readonly ProposalRow["status"][]) =>
  exists(
    sql`SELECT 1 FROM proposals WHERE id = ${proposalId} AND status IN (${sql.join(
      statuses.map((s) => sql`${s}`),
      sql`, `,
    )})`,
  );

// ---- proposals ------------------------------------------------------------------------------

export async function listProposals(deps: Deps, caller: Caller | null, planId: string, query: ProposalListQuery): Promise<Page<Proposal>> {
  const access = await requirePlan(deps, caller, planId, "read");
  const db = deps.db;
  const page = await paginate(
    proposals,
    query,
    (p) =>
      db
        .select()
        .from(proposals)
        .where(
          and(
            eq(proposals.planId, planId),
            eq(proposals.orgId, access.plan.orgId),
            query.status ? eq(proposals.status, query.status) : undefined,
            p.where,
          ),
        )
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (r) => r,
  );
  return { data: await present(deps, access, page.data), nextCursor: page.nextCursor };
}

export async function getProposal(deps: Deps, caller: Caller | null, planId: string, proposalId: string): Promise<Proposal> {
  const access = await requirePlan(deps, caller, planId, "read");
  return presentOne(deps, access, await proposalRow(deps, access.plan, proposalId));
}

/** Refuses a payer who is not (or no longer) in the plan: 422 `unknown_participant`. */
async function assertPayerInPlan(deps: Deps, plan: PlanRow, participantId: string | null | undefined): Promise<void> {
  if (participantId == null) return;
  const rows = await deps.db
    .select({ participantId: planParticipants.participantId })
    .from(planParticipants)
    .where(
      and(eq(planParticipants.planId, plan.id), eq(planParticipants.participantId, participantId), isNull(planParticipants.removedAt)),
    );
  assertKnownParticipants(
    [participantId],
    rows.map((r) => r.participantId),
  );
}

/**
 * Adds a proposal. Trips are collaborative (any participant proposes); in event and purchase
 * plans only organizers do. Its cost is in the plan's currency (422 `currency_mismatch`).
 */
export async function createProposal(deps: Deps, caller: Caller | null, planId: string, input: CreateProposal): Promise<Proposal> {
  const access = await requirePlan(deps, caller, planId, "propose");
  const { plan } = access;
  assertPlanAllows(plan.status, "propose");
  if (input.cost) assertCurrency(plan.currency, input.cost.currency, "The proposal's cost");
  await assertPayerInPlan(deps, plan, input.paidByParticipantId);
  const now = nowOf(deps);
  const id = newId("proposal");
  const db = deps.db;
  const [[row]] = await db.batch([
    insertWhen(
      db,
      proposals,
      {
        id,
        orgId: plan.orgId,
        planId,
        title: input.title,
        description: input.description,
        url: input.url ?? null,
        startsAt: ms(input.startsAt),
        endsAt: ms(input.endsAt),
        costKind: input.cost?.kind ?? null,
        costAmount: input.cost?.amount ?? null,
        costCurrency: input.cost?.currency ?? null,
        capacity: input.capacity ?? null,
        paidByParticipantId: input.paidByParticipantId ?? null,
        createdByParticipantId: access.role ? access.participantId : null,
        createdAt: now,
        updatedAt: now,
      },
      // Still planning, and the author still in the plan, as the row is written.
      and(planAllowsSql(planId, "propose"), access.role && access.participantId ? memberOf(planId, access.participantId) : undefined)!,
    ).returning(),
    enqueueProposalsChanged(db, target(plan, now), {
      where: sql`p.id = ${id}`,
      hidden: hiddenForRoom(plan, now),
      when: previousStatementChanged,
    }),
  ]);
  if (!row) {
    const fresh = await requirePlan(deps, caller, planId, "propose");
    assertPlanAllows(fresh.plan.status, "propose");
    throw new ApiError(409, "conflict", "The plan changed at the same time; retry.");
  }
  deliverSoon(deps);
  return presentOne(deps, access, row);
}

const settingsOf = (row: ProposalRow): ProposalSettings => {
  const p = toProposal(row, { proposalId: row.id, yes: 0, maybe: 0, no: 0, total: 0, hidden: false }, { vote: null, committed: false });
  return {
    title: p.title,
    description: p.description,
    url: p.url,
    startsAt: p.startsAt,
    endsAt: p.endsAt,
    cost: p.cost,
    capacity: p.capacity,
    paidByParticipantId: p.paidByParticipantId,
  };
};

/**
 * Edits a proposal (its author or an organizer) while it is open (proposed or selected) and the
 * plan is active. The merged proposal is checked as a whole; a capacity below the places
 * already taken is 409 `proposal_full`, also against a commitment that lands concurrently.
 */
export async function updateProposal(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  proposalId: string,
  input: UpdateProposal,
): Promise<Proposal> {
  const access = await loadPlan(deps, caller, planId);
  const { plan } = access;
  const row = await proposalRow(deps, plan, proposalId);
  const isOwner = row.createdByParticipantId !== null && access.role !== null && row.createdByParticipantId === access.participantId;
  assertCan(plan.type, access.role, "edit_proposal", { isOwner });
  assertPlanAllows(plan.status, "edit");
  assertProposalAllows(row.status, "edit");
  const merged = applyProposalUpdate(settingsOf(row), input, { planCurrency: plan.currency, takenCount: row.takenCount });
  if (input.paidByParticipantId !== undefined) await assertPayerInPlan(deps, plan, merged.paidByParticipantId);

  const now = nowOf(deps);
  const db = deps.db;
  const [[updated]] = await db.batch([
    db
      .update(proposals)
      .set({
        title: merged.title,
        description: merged.description,
        url: merged.url,
        startsAt: ms(merged.startsAt),
        endsAt: ms(merged.endsAt),
        costKind: merged.cost?.kind ?? null,
        costAmount: merged.cost?.amount ?? null,
        costCurrency: merged.cost?.currency ?? null,
        capacity: merged.capacity,
        paidByParticipantId: merged.paidByParticipantId,
        updatedAt: now,
      })
      .where(
        and(
          eq(proposals.id, proposalId),
          ne(proposals.status, "rejected"),
          planAllowsSql(planId, "edit"),
          merged.capacity === null ? undefined : sql`${proposals.takenCount} <= ${merged.capacity}`,
        ),
      )
      .returning(),
    enqueueProposalsChanged(db, target(plan, now), {
      where: sql`p.id = ${proposalId}`,
      hidden: hiddenForRoom(plan, now),
      when: previousStatementChanged,
    }),
  ]);
  if (!updated) {
    // Something changed since it was read: say what, from the current row.
    const current = await proposalRow(deps, plan, proposalId);
    assertProposalAllows(current.status, "edit");
    applyProposalUpdate(settingsOf(current), input, { planCurrency: plan.currency, takenCount: current.takenCount });
    throw new ApiError(409, "conflict", "The proposal changed while you edited it; load it again and retry.");
  }
  deliverSoon(deps);
  return presentOne(deps, access, updated);
}

/** Proposals are selected or rejected while the plan is active (edit), reopened only while it is planning (propose). */
const decideActivity = (action: ProposalAction): PlanActivity => (action === "reopen" ? "propose" : "edit");

/** select / reject / reopen (organizers): proposed → selected | rejected, rejected → proposed. */
export async function decideProposal(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  proposalId: string,
  action: ProposalAction,
): Promise<Proposal> {
  const access = await requirePlan(deps, caller, planId, "decide_proposal");
  const { plan } = access;
  assertPlanAllows(plan.status, decideActivity(action));
  const row = await proposalRow(deps, plan, proposalId);
  const to = proposalTransition(row.status, action);
  const now = nowOf(deps);
  const db = deps.db;
  const [[updated]] = await db.batch([
    db
      .update(proposals)
      .set({ status: to, decidedAt: to === "proposed" ? null : now, updatedAt: now })
      .where(and(eq(proposals.id, proposalId), eq(proposals.status, row.status), planAllowsSql(planId, decideActivity(action))))
      .returning(),
    enqueueProposalsChanged(db, target(plan, now), {
      where: sql`p.id = ${proposalId}`,
      hidden: hiddenForRoom(plan, now),
      when: previousStatementChanged,
    }),
  ]);
  if (!updated) {
    const current = await proposalRow(deps, plan, proposalId);
    proposalTransition(current.status, action);
    const fresh = await loadPlan(deps, caller, planId);
    assertPlanAllows(fresh.plan.status, decideActivity(action));
    throw new ApiError(409, "conflict", "The proposal changed at the same time; load it again and retry.");
  }
  deliverSoon(deps);
  return presentOne(deps, access, updated);
}

// ---- votes ----------------------------------------------------------------------------------

/** After a guarded vote write matched nothing: the rule that closed it, read from the current state. */
async function explainVoteRefused(deps: Deps, caller: Caller | null, planId: string, proposalId: string, now: number): Promise<never> {
  const fresh = await loadPlan(deps, caller, planId);
  assertCan(fresh.plan.type, fresh.role, "vote");
  assertVotingOpen(rulesPlan(fresh.plan), now);
  assertProposalAllows((await proposalRow(deps, fresh.plan, proposalId)).status, "vote");
  throw new ApiError(409, "conflict", "The plan or the proposal changed at the same time; retry.");
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
  const now = nowOf(deps);
  assertVotingOpen(rulesPlan(plan), now);
  assertProposalAllows(row.status, "vote");

  const db = deps.db;
  const guard = and(votingOpenSql(planId, now), proposalIn(proposalId, ["proposed"]), memberOf(planId, participantId))!;
  const [[vote], , voteRows] = await db
    .batch([
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
    ])
    .catch((err: unknown) => refuseSecondYes(deps, err, { planId, proposalId, participantId, value }));
  if (!vote) return explainVoteRefused(deps, caller, planId, proposalId, now);
  deliverSoon(deps);
  const [t] = tally(voteRows, { ...tallyView(plan, now, access.role === "organizer"), proposalIds: [proposalId] });
  return {
    vote: {
      id: vote.id,
      planId: vote.planId,
      proposalId: vote.proposalId,
      participantId: vote.participantId,
      value: vote.value,
      createdAt: new Date(vote.createdAt).toISOString(),
      updatedAt: new Date(vote.updatedAt).toISOString(),
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
  const now = nowOf(deps);
  assertVotingOpen(rulesPlan(plan), now);
  assertProposalAllows(row.status, "vote");
  const db = deps.db;
  const [deleted] = await db.batch([
    db
      .delete(votes)
      .where(
        and(
          eq(votes.proposalId, proposalId),
          eq(votes.participantId, participantId),
          votingOpenSql(planId, now),
          proposalIn(proposalId, ["proposed"]),
        ),
      )
      .returning({ id: votes.id }),
    enqueueTallyChanged(db, target(plan, now), { proposalId, hidden: hiddenForRoom(plan, now), when: previousStatementChanged }),
  ]);
  if (deleted.length > 0) return deliverSoon(deps);
  // Nothing deleted: either there was no vote (fine), or voting closed meanwhile.
  const [still] = await db
    .select({ id: votes.id })
    .from(votes)
    .where(and(eq(votes.proposalId, proposalId), eq(votes.participantId, participantId)));
  if (still) await explainVoteRefused(deps, caller, planId, proposalId, now);
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
  const opts = tallyView(access.plan, nowOf(deps), access.role === "organizer");
  return { data: tally(voteRows, { ...opts, proposalIds: ids.map((r) => r.id) }) };
}

// ---- commitments ----------------------------------------------------------------------------

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
  const now = nowOf(deps);
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
  const now = nowOf(deps);
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

// ---- finalize -------------------------------------------------------------------------------

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
  let plan = access.plan;
  for (let attempt = 0; attempt < 8; attempt++) {
    planTransition(plan.status, "finalize");
    const rows = await db
      .select({ id: proposals.id, status: proposals.status })
      .from(proposals)
      .where(and(eq(proposals.planId, planId), eq(proposals.orgId, plan.orgId)))
      .orderBy(asc(proposals.createdAt), asc(proposals.id));
    const now = nowOf(deps);
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
    const noneRejected =
      selected.length === 0
        ? sql`1`
        : notExists(
            sql`SELECT 1 FROM proposals WHERE id IN (${sql.join(
              selected.map((id) => sql`${id}`),
              sql`, `,
            )}) AND status = 'rejected'`,
          );
    const asRead = sql`${exists(sql`SELECT 1 FROM plans WHERE id = ${planId} AND status = 'planning' AND updated_at = ${plan.updatedAt}`)} AND ${noneRejected}`;
    const decide = (ids: string[], status: "selected" | "rejected") =>
      db
        .update(proposals)
        .set({ status, decidedAt: now, updatedAt: now })
        .where(and(inArray(proposals.id, ids), eq(proposals.status, "proposed"), asRead));
    const t = target(plan, now);
    const finalized = exists(sql`SELECT 1 FROM plans WHERE id = ${planId} AND status = 'finalized' AND updated_at = ${updatedAt}`);
    const [, , [updated]] = await db.batch([
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
          ),
        )
        .returning(),
      enqueueProposalsChanged(db, t, { where: sql`p.plan_id = ${planId}`, hidden: false, when: finalized }),
      enqueueEvent(db, t, { type: "plan.updated", data: { plan: toPlan(next, deps.config) } }, finalized),
      enqueueFinalized(db, t, { when: finalized }),
    ]);
    if (updated) {
      deliverSoon(deps);
      return toPlan(updated, deps.config);
    }
    const [fresh] = await db
      .select()
      .from(plans)
      .where(and(eq(plans.id, planId), eq(plans.orgId, plan.orgId)))
      .limit(1);
    if (!fresh) throw notFound("Plan");
    plan = fresh;
  }
  throw new ApiError(409, "conflict", "The plan is being changed by others right now; try again.");
}
