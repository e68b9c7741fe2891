/**
 * The plans domain's whole public surface: its router, the access rule of its `plan:` rooms,
 * its error codes and the messages it publishes. Other domains and the app import only this.
 */
import { assertCan, PLAN_ERROR_CODES, PLAN_EVENT_SCHEMAS } from "@gatherkit/core";
import { createRouter } from "../../lib/create-app.js";
import type { DomainModule } from "../../lib/domain.js";
import { loadPlan } from "./access.js";

export { type PlanCalendarItems, planCalendarItems } from "./calendar-items.js";

import * as activityHandlers from "./activity/activity.handlers.js";
import * as activity from "./activity/activity.routes.js";
import * as chatHandlers from "./chat/chat.handlers.js";
import * as chat from "./chat/chat.routes.js";
import * as commitmentHandlers from "./commitments/commitments.handlers.js";
import * as commitments from "./commitments/commitments.routes.js";
import * as costHandlers from "./costs/costs.handlers.js";
import * as costs from "./costs/costs.routes.js";
import * as finalizeHandlers from "./finalize/finalize.handlers.js";
import * as finalize from "./finalize/finalize.routes.js";
import * as inviteHandlers from "./invites/invites.handlers.js";
import * as invites from "./invites/invites.routes.js";
import { PLAN_NOTIFICATIONS } from "./notify.js";
import * as plansHandlers from "./plans/plans.handlers.js";
import * as plans from "./plans/plans.routes.js";
import * as proposalHandlers from "./proposals/proposals.handlers.js";
import * as proposals from "./proposals/proposals.routes.js";
import * as voteHandlers from "./votes/votes.handlers.js";
import * as votes from "./votes/votes.routes.js";

const router = createRouter()
  .openapi(plans.create, plansHandlers.create)
  .openapi(plans.list, plansHandlers.list)
  .openapi(activity.get, activityHandlers.get)
  .openapi(plans.get, plansHandlers.get)
  .openapi(plans.me, plansHandlers.me)
  .openapi(plans.update, plansHandlers.update)
  .openapi(plans.complete, plansHandlers.complete)
  .openapi(plans.cancel, plansHandlers.cancel)
  .openapi(plans.calendar, plansHandlers.calendar)
  .openapi(plans.rotateCalendar, plansHandlers.rotateCalendar)
  .openapi(plans.listParticipants, plansHandlers.listParticipants)
  .openapi(plans.addParticipant, plansHandlers.addParticipant)
  .openapi(plans.updateParticipant, plansHandlers.updateParticipant)
  .openapi(plans.removeParticipant, plansHandlers.removeParticipant)
  .openapi(invites.create, inviteHandlers.create)
  .openapi(invites.list, inviteHandlers.list)
  .openapi(invites.revoke, inviteHandlers.revoke)
  .openapi(invites.preview, inviteHandlers.preview)
  .openapi(invites.join, inviteHandlers.join)
  .openapi(proposals.list, proposalHandlers.list)
  .openapi(proposals.create, proposalHandlers.create)
  .openapi(votes.tallies, voteHandlers.tallies)
  .openapi(finalize.finalize, finalizeHandlers.finalize)
  .openapi(proposals.get, proposalHandlers.get)
  .openapi(proposals.update, proposalHandlers.update)
  .openapi(proposals.select, proposalHandlers.select)
  .openapi(proposals.reject, proposalHandlers.reject)
  .openapi(proposals.reopen, proposalHandlers.reopen)
  .openapi(votes.castVote, voteHandlers.castVote)
  .openapi(votes.withdrawVote, voteHandlers.withdrawVote)
  .openapi(commitments.commit, commitmentHandlers.commit)
  .openapi(commitments.withdrawCommitment, commitmentHandlers.withdrawCommitment)
  .openapi(costs.createExpense, costHandlers.createExpense)
  .openapi(costs.listExpenses, costHandlers.listExpenses)
  .openapi(costs.updateExpense, costHandlers.updateExpense)
  .openapi(costs.deleteExpense, costHandlers.deleteExpense)
  .openapi(costs.balances, costHandlers.balances)
  .openapi(costs.createPayment, costHandlers.createPayment)
  .openapi(costs.listPayments, costHandlers.listPayments)
  .openapi(costs.updatePayment, costHandlers.updatePayment)
  .openapi(chat.list, chatHandlers.list)
  .openapi(chat.create, chatHandlers.create)
  .openapi(chat.update, chatHandlers.update)
  .openapi(chat.remove, chatHandlers.remove)
  .openapi(chat.hide, chatHandlers.hide)
  .openapi(chat.unhide, chatHandlers.unhide);

export const plansDomain = {
  name: "plans",
  router,
  rooms: {
    // Whoever may read the plan: its participants (not removed) and the organization's staff;
    // another organization's plan is 404, a publishable key alone 403.
    plan: async (deps, caller, planId) => {
      const { plan, role } = await loadPlan(deps, caller, planId);
      assertCan(plan.type, role, "read");
    },
  },
  errors: PLAN_ERROR_CODES,
  notifications: PLAN_NOTIFICATIONS,
  messages: PLAN_EVENT_SCHEMAS,
} satisfies DomainModule;
