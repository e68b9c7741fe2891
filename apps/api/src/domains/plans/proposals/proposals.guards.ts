import type { PlanActivity } from "@gatherkit/core";
import { type SQL, sql } from "drizzle-orm";
import type { PlanRow } from "../access.js";
import { statusesAllowing } from "../plans/plans.service.js";
import type { ProposalRow } from "./proposals.view.js";

/** The SQL guards of proposal writes: the pure rules again, checked by the write itself. */

export const exists = (query: SQL) => sql`EXISTS (${query})`;
export const notExists = (query: SQL) => sql`NOT EXISTS (${query})`;

const planIn = (planId: string, statuses: readonly PlanRow["status"][]) =>
  exists(
    sql`SELECT 1 FROM plans WHERE id = ${planId} AND status IN (${sql.join(
      statuses.map((s) => sql`${s}`),
      sql`, `,
    )})`,
  );

/** The plan's status still allows `activity` (see core's `planAllows`). */
export const planAllowsSql = (planId: string, activity: PlanActivity) => planIn(planId, statusesAllowing(activity));

/** The participant is (still) in the plan. */
export const memberOf = (planId: string, participantId: string) =>
  exists(sql`SELECT 1 FROM plan_participants WHERE plan_id = ${planId} AND participant_id = ${participantId} AND removed_at IS NULL`);

export const votingOpenSql = (planId: string, now: number) =>
  exists(sql`SELECT 1 FROM plans WHERE id = ${planId} AND status = 'planning' AND (voting_deadline IS NULL OR voting_deadline > ${now})`);

export const proposalIn = (proposalId: string, statuses: readonly ProposalRow["status"][]) =>
  exists(
    sql`SELECT 1 FROM proposals WHERE id = ${proposalId} AND status IN (${sql.join(
      statuses.map((s) => sql`${s}`),
      sql`, `,
    )})`,
  );
