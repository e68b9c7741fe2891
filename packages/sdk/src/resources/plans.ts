import type { ListParams, RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import { realtimeOf, type SubscribeHandlers, type Subscription } from "../realtime-client.js";
import type {
  ChatMessage,
  Expense,
  ExpenseCreateParams,
  ExpenseUpdateParams,
  Invite,
  InviteCreateParams,
  MessageCreateParams,
  MessageUpdateParams,
  Payment,
  PaymentCreateParams,
  PaymentUpdateParams,
  Plan,
  PlanActivityReport,
  PlanBalances,
  PlanCreateParams,
  PlanEvent,
  PlanEventData,
  PlanEventType,
  PlanFinalizeParams,
  PlanListParams,
  PlanParticipant,
  PlanParticipantAddParams,
  PlanParticipantListParams,
  PlanParticipantUpdateParams,
  PlanUpdateParams,
  PlanViewer,
  Proposal,
  ProposalCreateParams,
  ProposalListParams,
  ProposalUpdateParams,
  ReportRange,
  TallyList,
  VoteParams,
  VoteResult,
} from "../types.js";
import { APIResource, path } from "./resource.js";

/** One handler per plan event type, called with the event's `data`. */
export type PlanEventHandlers = {
  [T in PlanEventType]?: (data: PlanEventData<T>, meta: { seq: number }) => void;
};

export interface PlanSubscribeHandlers extends SubscribeHandlers, PlanEventHandlers {
  /** Every plan event, before its own handler. */
  onEvent?: (event: PlanEvent, meta: { seq: number }) => void;
}

/**
 * Trips, events and group purchases: people, invites, proposals and votes, costs and chat.
 * Organization staff (organizer session, secret key) organize every plan of the organization;
 * a participant token acts with its role in the plan.
 */
export class Plans extends APIResource {
  readonly participants: PlanParticipants = new PlanParticipants(this._client);
  readonly invites: PlanInvites = new PlanInvites(this._client);
  readonly proposals: Proposals = new Proposals(this._client);
  readonly expenses: Expenses = new Expenses(this._client);
  readonly payments: Payments = new Payments(this._client);
  readonly messages: Messages = new Messages(this._client);
  /** Starts a plan in `planning`. With a participant token, that participant becomes its organizer. */
  create(params: PlanCreateParams, options?: RequestOptions): Promise<Plan> {
    return this._transport.request("POST", "/v1/plans", { ...options, body: params });
  }

  /** Staff: plans, proposals, votes and messages per day over `from`–`to` (local dates; default the last 30 days), in the organization's zone. */
  activity(range?: ReportRange, options?: RequestOptions): Promise<PlanActivityReport> {
    return this._transport.request("GET", "/v1/plan-activity", { ...options, query: range });
  }

  /** The plan, with its `calendarUrl` (an iCalendar feed to subscribe to in a calendar app). */
  retrieve(planId: string, options?: RequestOptions): Promise<Plan> {
    return this._transport.request("GET", path`/v1/plans/${planId}`, options);
  }

  /**
   * Who the caller is in the plan: their participant id, their role (`null` when not, or no
   * longer, in it) and whether they are organization staff, who organize every plan.
   */
  me(planId: string, options?: RequestOptions): Promise<PlanViewer> {
    return this._transport.request("GET", path`/v1/plans/${planId}/me`, options);
  }

  /** Organizers. `null` clears a field; type and currency are fixed at creation. */
  update(planId: string, params: PlanUpdateParams, options?: RequestOptions): Promise<Plan> {
    return this._transport.request("PATCH", path`/v1/plans/${planId}`, { ...options, body: params });
  }

  /** Newest first. Staff see every plan of the organization; a participant, the plans they are in. */
  list(params?: PlanListParams, options?: RequestOptions): PagePromise<Plan> {
    return this._transport.list("/v1/plans", params, options);
  }

  /** Organizers: finalized → completed. */
  complete(planId: string, options?: RequestOptions): Promise<Plan> {
    return this._transport.request("POST", path`/v1/plans/${planId}/complete`, options);
  }

  /** Organizers: planning or finalized → cancelled. */
  cancel(planId: string, options?: RequestOptions): Promise<Plan> {
    return this._transport.request("POST", path`/v1/plans/${planId}/cancel`, options);
  }

  /**
   * Organizers choose the itinerary — `{ mode: "select", proposalIds }` or
   * `{ mode: "top_voted", count }` — and the plan moves planning → finalized.
   */
  finalize(planId: string, params: PlanFinalizeParams, options?: RequestOptions): Promise<Plan> {
    return this._transport.request("POST", path`/v1/plans/${planId}/finalize`, { ...options, body: params });
  }

  /** Every proposal's tally, oldest proposal first (totals only while the plan hides votes). */
  tallies(planId: string, options?: RequestOptions): Promise<TallyList> {
    return this._transport.request("GET", path`/v1/plans/${planId}/tallies`, options);
  }

  /** Who owes whom: each participant's balance and the transfers that settle everyone up. */
  balances(planId: string, options?: RequestOptions): Promise<PlanBalances> {
    return this._transport.request("GET", path`/v1/plans/${planId}/balances`, options);
  }

  /**
   * Live changes to the plan (its room `plan:<id>`), one handler per event type:
   *
   * ```ts
   * const sub = gk.plans.subscribe(planId, {
   *   "plan.tally_changed": ({ tally }) => showTally(tally),
   *   "plan.message_changed": ({ change, message }) => showMessage(change, message),
   *   onResync: () => reloadEverything(), // events were missed while offline
   * });
   * sub.close();
   * ```
   */
  subscribe(planId: string, handlers: PlanSubscribeHandlers = {}): Subscription {
    return realtimeOf(this._client).subscribe(
      path`plan:${planId}`,
      (event, meta) => {
        if (!event.type.startsWith("plan.")) return;
        handlers.onEvent?.(event as PlanEvent, meta);
        (handlers[event.type as PlanEventType] as ((data: unknown, meta: { seq: number }) => void) | undefined)?.(event.data, meta);
      },
      handlers,
    );
  }
}

/** The people in a plan, named by their participant id (`ptc_…`). */
export class PlanParticipants extends APIResource {
  /** Everyone in the plan; emails only for organizers and the participant themself. */
  list(planId: string, params?: PlanParticipantListParams, options?: RequestOptions): PagePromise<PlanParticipant> {
    return this._transport.list(path`/v1/plans/${planId}/participants`, params, options);
  }

  /** Organizers: adds a participant of the organization directly (or restores one who was removed). */
  add(planId: string, params: PlanParticipantAddParams, options?: RequestOptions): Promise<PlanParticipant> {
    return this._transport.request("POST", path`/v1/plans/${planId}/participants`, { ...options, body: params });
  }

  /** Organizers: promote to co-organizer or demote. A plan always keeps an organizer. */
  update(planId: string, participantId: string, params: PlanParticipantUpdateParams, options?: RequestOptions): Promise<PlanParticipant> {
    return this._transport.request("PATCH", path`/v1/plans/${planId}/participants/${participantId}`, { ...options, body: params });
  }

  /** Organizers remove someone; a participant removes themself to leave. */
  async remove(planId: string, participantId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/plans/${planId}/participants/${participantId}`, options);
  }
}

/** Invite links of a plan (organizers). People join with `gk.invites.join(code, …)`. */
export class PlanInvites extends APIResource {
  /** A shareable code, optionally expiring or limited; with `email`, a personal single-use invite that is emailed. */
  create(planId: string, params: InviteCreateParams = {}, options?: RequestOptions): Promise<Invite> {
    return this._transport.request("POST", path`/v1/plans/${planId}/invites`, { ...options, body: params });
  }

  list(planId: string, params?: ListParams, options?: RequestOptions): PagePromise<Invite> {
    return this._transport.list(path`/v1/plans/${planId}/invites`, params, options);
  }

  /** The link stops working; people who joined stay. Returns the invite with `revokedAt` set. */
  revoke(planId: string, inviteId: string, options?: RequestOptions): Promise<Invite> {
    return this._transport.request("DELETE", path`/v1/plans/${planId}/invites/${inviteId}`, options);
  }
}

/** What a plan could include: activities, places, items. Each carries its tally and the caller's vote. */
export class Proposals extends APIResource {
  /** While the plan is planning. In a trip anyone proposes; in events and purchases only organizers. */
  create(planId: string, params: ProposalCreateParams, options?: RequestOptions): Promise<Proposal> {
    return this._transport.request("POST", path`/v1/plans/${planId}/proposals`, { ...options, body: params });
  }

  list(planId: string, params?: ProposalListParams, options?: RequestOptions): PagePromise<Proposal> {
    return this._transport.list(path`/v1/plans/${planId}/proposals`, params, options);
  }

  retrieve(planId: string, proposalId: string, options?: RequestOptions): Promise<Proposal> {
    return this._transport.request("GET", path`/v1/plans/${planId}/proposals/${proposalId}`, options);
  }

  /** Its author or an organizer. `null` clears a field. */
  update(planId: string, proposalId: string, params: ProposalUpdateParams, options?: RequestOptions): Promise<Proposal> {
    return this._transport.request("PATCH", path`/v1/plans/${planId}/proposals/${proposalId}`, { ...options, body: params });
  }

  /** Organizers: puts the proposal on the itinerary. */
  select(planId: string, proposalId: string, options?: RequestOptions): Promise<Proposal> {
    return this._transport.request("POST", path`/v1/plans/${planId}/proposals/${proposalId}/select`, options);
  }

  /** Organizers: closes the proposal. */
  reject(planId: string, proposalId: string, options?: RequestOptions): Promise<Proposal> {
    return this._transport.request("POST", path`/v1/plans/${planId}/proposals/${proposalId}/reject`, options);
  }

  /** Organizers: makes a rejected proposal proposed again. */
  reopen(planId: string, proposalId: string, options?: RequestOptions): Promise<Proposal> {
    return this._transport.request("POST", path`/v1/plans/${planId}/proposals/${proposalId}/reopen`, options);
  }

  /** Votes `yes`, `maybe` or `no` as a participant; voting again replaces the vote. */
  vote(planId: string, proposalId: string, params: VoteParams, options?: RequestOptions): Promise<VoteResult> {
    return this._transport.request("PUT", path`/v1/plans/${planId}/proposals/${proposalId}/vote`, { ...options, body: params });
  }

  /** Withdraws the caller's vote (harmless when there is none). */
  async unvote(planId: string, proposalId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/plans/${planId}/proposals/${proposalId}/vote`, options);
  }

  /** Takes a place in the proposal (never beyond its capacity: 409 `proposal_full`). */
  commit(planId: string, proposalId: string, options?: RequestOptions): Promise<Proposal> {
    return this._transport.request("POST", path`/v1/plans/${planId}/proposals/${proposalId}/commitment`, options);
  }

  /** Gives the caller's place back (harmless when there is none). */
  async uncommit(planId: string, proposalId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/plans/${planId}/proposals/${proposalId}/commitment`, options);
  }
}

/** Money spent for the plan, split among participants, in the plan's currency (minor units). */
export class Expenses extends APIResource {
  create(planId: string, params: ExpenseCreateParams, options?: RequestOptions): Promise<Expense> {
    return this._transport.request("POST", path`/v1/plans/${planId}/expenses`, { ...options, body: params });
  }

  list(planId: string, params?: ListParams, options?: RequestOptions): PagePromise<Expense> {
    return this._transport.list(path`/v1/plans/${planId}/expenses`, params, options);
  }

  /** Its recorder, payer or an organizer: only the fields given change (`amount` with its `currency`); shares are worked out again. */
  update(planId: string, expenseId: string, params: ExpenseUpdateParams, options?: RequestOptions): Promise<Expense> {
    return this._transport.request("PATCH", path`/v1/plans/${planId}/expenses/${expenseId}`, { ...options, body: params });
  }

  /** Its recorder, payer or an organizer. */
  async del(planId: string, expenseId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/plans/${planId}/expenses/${expenseId}`, options);
  }
}

/** Payments between participants that settle balances. */
export class Payments extends APIResource {
  /** Recorded by the sender it waits for the recipient to confirm; by the recipient or an organizer it counts at once. */
  create(planId: string, params: PaymentCreateParams, options?: RequestOptions): Promise<Payment> {
    return this._transport.request("POST", path`/v1/plans/${planId}/payments`, { ...options, body: params });
  }

  list(planId: string, params?: ListParams, options?: RequestOptions): PagePromise<Payment> {
    return this._transport.list(path`/v1/plans/${planId}/payments`, params, options);
  }

  /** `{ status: "received" }` confirms a pending payment; `{ status: "cancelled" }` withdraws it. */
  update(planId: string, paymentId: string, params: PaymentUpdateParams, options?: RequestOptions): Promise<Payment> {
    return this._transport.request("PATCH", path`/v1/plans/${planId}/payments/${paymentId}`, { ...options, body: params });
  }
}

/** The plan's chat. */
export class Messages extends APIResource {
  create(planId: string, params: MessageCreateParams, options?: RequestOptions): Promise<ChatMessage> {
    return this._transport.request("POST", path`/v1/plans/${planId}/messages`, { ...options, body: params });
  }

  /** Newest first. */
  list(planId: string, params?: ListParams, options?: RequestOptions): PagePromise<ChatMessage> {
    return this._transport.list(path`/v1/plans/${planId}/messages`, params, options);
  }

  /** Its author only. */
  update(planId: string, messageId: string, params: MessageUpdateParams, options?: RequestOptions): Promise<ChatMessage> {
    return this._transport.request("PATCH", path`/v1/plans/${planId}/messages/${messageId}`, { ...options, body: params });
  }

  /** Organizers: participants no longer get it (moderation); organizers see it with `hiddenAt`. */
  hide(planId: string, messageId: string, options?: RequestOptions): Promise<ChatMessage> {
    return this._transport.request("POST", path`/v1/plans/${planId}/messages/${messageId}/hide`, options);
  }

  /** Organizers: shows a hidden message to everyone again. */
  unhide(planId: string, messageId: string, options?: RequestOptions): Promise<ChatMessage> {
    return this._transport.request("POST", path`/v1/plans/${planId}/messages/${messageId}/unhide`, options);
  }

  /** Its author or an organizer; the message stays with `body: null`. */
  async del(planId: string, messageId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/plans/${planId}/messages/${messageId}`, options);
  }
}
