import type { PlanActivity } from "@gatherkit/core";
import { planParticipants, plans, proposals } from "@gatherkit/db";
import { and, eq, exists, gt, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Deps } from "../../../lib/types.js";
import type { PlanRow } from "../access.js";
import { statusesAllowing } from "../plans/plans.service.js";
import type { ProposalRow } from "./proposals.view.js";

/**
 * The SQL guards of proposal writes: the pure rules again, checked by the write itself as it
 * runs (see lib/guarded-write.ts), as `EXISTS (SELECT 1 FROM … WHERE …)` conditions.
 */

type Db = Deps["db"];
const one = { one: sql`1` };

/** The plan is in one of `statuses`. */
const planIn = (db: Db, planId: string, statuses: readonly PlanRow["status"][]) =>
  exists(
    db
      .select(one)
      .from(plans)
      .where(and(eq(plans.id, planId), inArray(plans.status, statuses))),
  );

/** The plan's status still allows `activity` (see core's `planAllows`). */
export const planAllowsSql = (db: Db, planId: string, activity: PlanActivity) => planIn(db, planId, statusesAllowing(activity));

/** The participant is (still) in the plan. */
export const memberOf = (db: Db, planId: string, participantId: string) =>
  exists(
    db
      .select(one)
      .from(planParticipants)
      .where(
        and(eq(planParticipants.planId, planId), eq(planParticipants.participantId, participantId), isNull(planParticipants.removedAt)),
      ),
  );

/** Voting is open: the plan is planning and its deadline, if any, not reached (see core's `assertVotingOpen`). */
export const votingOpenSql = (db: Db, planId: string, now: number) =>
  exists(
    db
      .select(one)
      .from(plans)
      .where(and(eq(plans.id, planId), eq(plans.status, "planning"), or(isNull(plans.votingDeadline), gt(plans.votingDeadline, now)))),
  );

/** The plan is still as it was read: `status`, and the same `updated_at`. */
export const planAsRead = (db: Db, planId: string, status: PlanRow["status"], updatedAt: number) =>
  exists(
    db
      .select(one)
      .from(plans)
      .where(and(eq(plans.id, planId), eq(plans.status, status), eq(plans.updatedAt, updatedAt))),
  );

/** The proposal is in one of `statuses`. */
export const proposalIn = (db: Db, proposalId: string, statuses: readonly ProposalRow["status"][]) =>
  exists(
    db
      .select(one)
      .from(proposals)
      .where(and(eq(proposals.id, proposalId), inArray(proposals.status, statuses))),
  );

/** The proposal is not rejected and has a place left (see core's `assertProposalHasRoom`). */
export const proposalHasRoom = (db: Db, proposalId: string) =>
  exists(
    db
      .select(one)
      .from(proposals)
      .where(
        and(
          eq(proposals.id, proposalId),
          ne(proposals.status, "rejected"),
          or(isNull(proposals.capacity), lt(proposals.takenCount, proposals.capacity)),
        ),
      ),
  );

/** Proposals of `ids` that have `status`, as a subquery for `exists` / `notExists`. */
export const proposalsWithStatus = (db: Db, ids: string[], status: ProposalRow["status"]) =>
  db
    .select(one)
    .from(proposals)
    .where(and(inArray(proposals.id, ids), eq(proposals.status, status)));
