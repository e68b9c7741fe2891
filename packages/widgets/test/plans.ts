import type {
  ChatMessage,
  Gatherkit,
  InvitePreview,
  Payment,
  Plan,
  PlanBalances,
  PlanEvent,
  PlanEventData,
  PlanEventType,
  PlanParticipant,
  PlanSubscribeHandlers,
  Proposal,
  Subscription,
  Tally,
} from "@gatherkit/sdk";
import { expect } from "@open-wc/testing";
import type { FakeApi, PendingRequest } from "./fake-api.js";

/** Test data shaped exactly like the API's answers (see packages/core/src/plans/schemas.ts). */

export const PLAN_ID = "plan_0123456789abcdefghjk";
export const ME = "ptc_me00000000000000000";
export const ANA = "ptc_ana0000000000000000";
export const BEN = "ptc_ben0000000000000000";
const T0 = "2030-06-01T10:00:00.000Z";

export function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    id: PLAN_ID,
    type: "trip",
    status: "planning",
    title: "Lisbon long weekend",
    description: "Three days by the sea.",
    imageUrls: [],
    location: { name: "Lisbon, Portugal", lat: null, lng: null },
    startDate: "2030-07-01",
    endDate: "2030-07-03",
    timeZone: "Europe/Lisbon",
    currency: "EUR",
    votingDeadline: null,
    hideVotesUntilDeadline: false,
    oneYesPerParticipant: false,
    notifyParticipants: false,
    createdAt: T0,
    updatedAt: T0,
    finalizedAt: null,
    completedAt: null,
    cancelledAt: null,
    calendarUrl: null,
    ...overrides,
  };
}

export function tally(proposalId: string, counts: Partial<Pick<Tally, "yes" | "maybe" | "no">> = {}): Tally {
  const yes = counts.yes ?? 0;
  const maybe = counts.maybe ?? 0;
  const no = counts.no ?? 0;
  return { proposalId, yes, maybe, no, total: yes + maybe + no, hidden: false };
}

export const hiddenTally = (proposalId: string, total: number): Tally => ({
  proposalId,
  yes: null,
  maybe: null,
  no: null,
  total,
  hidden: true,
});

let seq = 0;
export function proposal(overrides: Partial<Proposal> & { id: string }): Proposal {
  seq += 1;
  const createdAt = new Date(Date.parse(T0) + seq * 1000).toISOString();
  return {
    planId: PLAN_ID,
    title: `Proposal ${overrides.id}`,
    description: "",
    url: null,
    imageUrls: [],
    startsAt: null,
    endsAt: null,
    cost: null,
    capacity: null,
    takenCount: 0,
    paidByParticipantId: null,
    status: "proposed",
    createdByParticipantId: ANA,
    createdAt,
    updatedAt: createdAt,
    tally: tally(overrides.id),
    myVote: null,
    committed: false,
    ...overrides,
  };
}

export function participant(participantId: string, name: string, role: PlanParticipant["role"] = "participant"): PlanParticipant {
  return {
    id: `pp_${participantId.slice(4)}`,
    planId: PLAN_ID,
    participantId,
    name,
    email: null,
    role,
    joinedAt: T0,
    removedAt: null,
  };
}

export function message(id: string, authorParticipantId: string, authorName: string, body: string, at = T0): ChatMessage {
  return { id, planId: PLAN_ID, authorParticipantId, authorName, body, createdAt: at, editedAt: null, deletedAt: null, hiddenAt: null };
}

export const NO_BALANCES: PlanBalances = { currency: "EUR", balances: [], transfers: [] };

export function invitePreview(overrides: Partial<InvitePreview> = {}): InvitePreview {
  const p = plan();
  return {
    code: "7m2q9xk4c8vhz1ntb5r3ds",
    status: "active",
    expiresAt: null,
    plan: {
      id: p.id,
      type: p.type,
      status: p.status,
      title: p.title,
      description: p.description,
      startDate: p.startDate,
      endDate: p.endDate,
      timeZone: p.timeZone,
      location: p.location,
    },
    organizerName: "Ana",
    participantCount: 2,
    ...overrides,
  };
}

/** A participant token for `participantId` shaped like the API's (`gk_pt_` + a JWT; unsigned here). */
export function participantToken(participantId: string): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `gk_pt_${b64({ alg: "HS256" })}.${b64({ typ: "participant", sub: participantId, org: "org_x", name: "Me" })}.signature`;
}

export const page = <T>(data: T[]) => ({ data, nextCursor: null });

/** A request body as JSON. */
export const body = (r: PendingRequest): unknown => JSON.parse(String(r.init.body));

export type Route = readonly [method: string, path: string, status: number, body?: unknown];

/**
 * Answers the next `routes.length` requests, in whatever order the widget sends them, each by
 * its method and path; fails on a request nobody expected. Returns the requests by route index.
 */
export async function answer(api: FakeApi, routes: readonly Route[]): Promise<PendingRequest[]> {
  const left = routes.map((r, i) => ({ r, i }));
  const out: PendingRequest[] = [];
  for (let n = 0; n < routes.length; n++) {
    const request = await api.next();
    const method = request.init.method ?? "GET";
    const at = left.findIndex(({ r }) => r[0] === method && r[1] === request.url.pathname);
    expect(at, `unexpected request ${method} ${request.url.pathname}${request.url.search}`).to.not.equal(-1);
    const [{ r, i }] = left.splice(at, 1) as [{ r: Route; i: number }];
    out[i] = request;
    request.respond(r[2], r[3]);
  }
  return out;
}

/**
 * Replaces `gk.plans.subscribe` (on every client, since the method lives on the prototype) with
 * a stand-in the test drives: `handlers` are the last subscriber's handlers, `open` how many
 * subscriptions are open, `subscriptions` how many were ever made; `send` delivers a room event
 * the way the SDK does (`onEvent`, then the event's own handler).
 */
export function fakeRealtime(client: Gatherkit) {
  const proto = Object.getPrototypeOf(client.plans) as { subscribe: Gatherkit["plans"]["subscribe"] };
  const original = proto.subscribe;
  let seq = 0;
  const state = {
    handlers: undefined as PlanSubscribeHandlers | undefined,
    planId: undefined as string | undefined,
    open: 0,
    subscriptions: 0,
    /** What the widget sent with `sendTyping`. */
    typing: [] as boolean[],
    send<T extends PlanEventType>(type: T, data: PlanEventData<T>): void {
      const h = state.handlers!;
      seq += 1;
      h.onEvent?.({ type, data } as PlanEvent, { seq });
      (h[type] as ((d: PlanEventData<T>, meta: { seq: number }) => void) | undefined)?.(data, { seq });
    },
    restore: () => {
      proto.subscribe = original;
    },
  };
  proto.subscribe = (planId: string, handlers: PlanSubscribeHandlers = {}): Subscription => {
    state.handlers = handlers;
    state.planId = planId;
    state.open += 1;
    state.subscriptions += 1;
    let closed = false;
    const subscription = {
      close: () => {
        if (!closed) state.open -= 1;
        closed = true;
      },
      sendTyping: (typing: boolean) => state.typing.push(typing),
      presence: [],
      status: "open" as const,
      seq: 0,
    };
    return subscription as Subscription;
  };
  return state;
}

/** Everything the API knows about the test plan, as the plan widgets load it. */
export interface PlanData {
  plan: Plan;
  proposals: Proposal[];
  participants: PlanParticipant[];
  balances: PlanBalances;
  payments: Payment[];
  /** Oldest first, as shown (the API lists newest first). */
  messages: ChatMessage[];
}

export const PEOPLE = [participant(ANA, "Ana", "organizer"), participant(ME, "Grace"), participant(BEN, "Ben")];

export const planData = (overrides: Partial<PlanData> = {}): PlanData => ({
  plan: plan(),
  proposals: [
    proposal({ id: "prop_a000000000", title: "Sunset sail", tally: tally("prop_a000000000", { yes: 2 }), myVote: "yes" }),
    proposal({ id: "prop_b000000000", title: "Tile museum", tally: tally("prop_b000000000", { no: 1 }) }),
  ],
  participants: PEOPLE,
  balances: NO_BALANCES,
  payments: [],
  messages: [],
  ...overrides,
});

export const P = `/v1/plans/${PLAN_ID}`;

/** What `GET /v1/plans/{planId}/me` answers a participant token of `viewer`. */
export const meOf = (d: PlanData, viewer = ME) => ({
  participantId: viewer,
  role: d.participants.find((p) => p.participantId === viewer && p.removedAt === null)?.role ?? null,
  staff: false,
});

/** The API's answers, by what the widgets load: the store's first load, then each element's part. */
export const planRoutes = (d: PlanData, viewer = ME) => ({
  plan: ["GET", P, 200, d.plan] as Route,
  me: ["GET", `${P}/me`, 200, meOf(d, viewer)] as Route,
  proposals: ["GET", `${P}/proposals`, 200, page(d.proposals)] as Route,
  participants: ["GET", `${P}/participants`, 200, page(d.participants)] as Route,
  balances: ["GET", `${P}/balances`, 200, d.balances] as Route,
  payments: ["GET", `${P}/payments`, 200, page(d.payments)] as Route,
  messages: ["GET", `${P}/messages`, 200, page([...d.messages].reverse())] as Route,
});
