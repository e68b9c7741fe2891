import {
  applyProposalUpdate,
  assertCan,
  assertCurrency,
  assertKnownParticipants,
  assertPlanAllows,
  assertProposalAllows,
  type CreateProposal,
  MAX_PLAN_TOTAL,
  newId,
  type Page,
  type PlanActivity,
  type Proposal,
  type ProposalAction,
  type ProposalListQuery,
  type ProposalSettings,
  proposalTransition,
  type UpdateProposal,
} from "@gatherkit/core";
import { planParticipants, proposals } from "@gatherkit/db";
import { and, eq, isNull, lte, ne, sql } from "drizzle-orm";
import { conflict } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { paginate } from "../../../lib/pagination.js";
import { fromIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { withImages } from "../../../platform/uploads/index.js";
import { loadPlan, type PlanRow, requirePlan } from "../access.js";
import { assertWithinPlanTotal, planMoneyTotal, proposalCost } from "../costs/plan-total.js";
import { enqueueProposalsChanged } from "./proposals.events.js";
import { memberOf, planAllowsSql } from "./proposals.guards.js";
import { hiddenForRoom, type ProposalRow, present, presentOne, proposalRow, target, toProposal } from "./proposals.view.js";

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
  const id = newId("proposal");
  // Images named by upload id: the plan's organization's, completed, claimed for this proposal only.
  return withImages(deps, plan.orgId, id, input.imageUrls, [], (imageUrls = []) =>
    insertProposal(deps, caller, access, input, id, imageUrls),
  );
}

async function insertProposal(
  deps: Deps,
  caller: Caller | null,
  access: Awaited<ReturnType<typeof requirePlan>>,
  input: CreateProposal,
  id: string,
  imageUrls: string[],
): Promise<Proposal> {
  const { plan } = access;
  const planId = plan.id;
  const now = deps.now();
  const db = deps.db;
  const row: ProposalRow = {
    id,
    orgId: plan.orgId,
    planId,
    title: input.title,
    description: input.description,
    url: input.url ?? null,
    imageUrls,
    startsAt: fromIso(input.startsAt),
    endsAt: fromIso(input.endsAt),
    costKind: input.cost?.kind ?? null,
    costAmount: input.cost?.amount ?? null,
    costCurrency: input.cost?.currency ?? null,
    capacity: input.capacity ?? null,
    paidByParticipantId: input.paidByParticipantId ?? null,
    createdByParticipantId: access.role ? access.participantId : null,
    status: "proposed",
    takenCount: 0,
    decidedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const proposal = await presentOne(deps, access, row);
  answerOnCommit(deps, 201, proposal, sql`EXISTS (SELECT 1 FROM ${proposals} WHERE ${proposals.id} = ${id})`);
  await guardedWrite(
    deps,
    [
      insertWhen(
        db,
        proposals,
        row,
        // Still planning, and the author still in the plan, as the row is written.
        and(
          planAllowsSql(db, planId, "propose"),
          access.role && access.participantId ? memberOf(db, planId, access.participantId) : undefined,
        )!,
      ).returning(),
      enqueueProposalsChanged(db, target(plan, now), {
        where: sql`p.id = ${id}`,
        hidden: hiddenForRoom(plan, now),
        when: previousStatementChanged,
      }),
    ],
    {
      written: ([[written]]) => written,
      explain: async () => {
        const fresh = await requirePlan(deps, caller, planId, "propose");
        assertPlanAllows(fresh.plan.status, "propose");
        throw conflict("The plan changed at the same time; retry.");
      },
    },
  );
  return proposal;
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

  const now = deps.now();
  const db = deps.db;
  // A new image list: its uploads checked and claimed first, those it drops detached after the write.
  const updated = await withImages(deps, plan.orgId, proposalId, input.imageUrls, row.imageUrls, (imageUrls) =>
    guardedWrite(
      deps,
      [
        db
          .update(proposals)
          .set({
            ...(imageUrls ? { imageUrls } : {}),
            title: merged.title,
            description: merged.description,
            url: merged.url,
            startsAt: fromIso(merged.startsAt),
            endsAt: fromIso(merged.endsAt),
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
              planAllowsSql(db, planId, "edit"),
              merged.capacity === null ? undefined : lte(proposals.takenCount, merged.capacity),
            ),
          )
          .returning(),
        enqueueProposalsChanged(db, target(plan, now), {
          where: sql`p.id = ${proposalId}`,
          hidden: hiddenForRoom(plan, now),
          when: previousStatementChanged,
        }),
      ],
      {
        written: ([[updated]]) => updated,
        explain: async () => {
          // Something changed since it was read: say what, from the current row.
          const current = await proposalRow(deps, plan, proposalId);
          assertProposalAllows(current.status, "edit");
          applyProposalUpdate(settingsOf(current), input, { planCurrency: plan.currency, takenCount: current.takenCount });
          throw conflict("The proposal changed while you edited it; load it again and retry.");
        },
      },
    ),
  );
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
  const now = deps.now();
  const db = deps.db;
  const decidedAt = to === "proposed" ? null : now;
  // The answer, the proposal as decided, is built before the write and sealed with it (if it lands).
  const answer = await presentOne(deps, access, { ...row, status: to, decidedAt, updatedAt: now });
  answerOnCommit(
    deps,
    200,
    answer,
    sql`EXISTS (SELECT 1 FROM ${proposals} WHERE ${proposals.id} = ${proposalId} AND ${proposals.status} = ${to} AND ${proposals.updatedAt} = ${now})`,
  );
  await guardedWrite(
    deps,
    [
      db
        .update(proposals)
        .set({ status: to, decidedAt, updatedAt: now })
        .where(
          and(
            eq(proposals.id, proposalId),
            eq(proposals.status, row.status),
            planAllowsSql(db, planId, decideActivity(action)),
            // Selecting a proposal whose cost someone collects adds it to the plan's money.
            to === "selected" ? sql`${planMoneyTotal(planId)} + (${proposalCost(planId)}) <= ${MAX_PLAN_TOTAL}` : undefined,
          ),
        )
        .returning(),
      enqueueProposalsChanged(db, target(plan, now), {
        where: sql`p.id = ${proposalId}`,
        hidden: hiddenForRoom(plan, now),
        when: previousStatementChanged,
      }),
    ],
    {
      written: ([[updated]]) => updated,
      explain: async () => {
        const current = await proposalRow(deps, plan, proposalId);
        proposalTransition(current.status, action);
        const fresh = await loadPlan(deps, caller, planId);
        assertPlanAllows(fresh.plan.status, decideActivity(action));
        if (to === "selected") {
          const [cost] = await db
            .select({ amount: sql<number>`${proposalCost(planId)}` })
            .from(proposals)
            .where(eq(proposals.id, proposalId));
          await assertWithinPlanTotal(deps, planId, Number(cost?.amount ?? 0));
        }
        throw conflict("The proposal changed at the same time; load it again and retry.");
      },
    },
  );
  return answer;
}
