import type { PublishedEvent } from "@gatherkit/core";
import { describe, expect, it, vi } from "vitest";
import { Gatherkit, GatherkitError, type PlanSubscribeHandlers } from "../src/index.js";
import { json, mockFetch } from "./helpers.js";

const BASE = "http://api.test";
const P = "plan_0123456789abcdefghjk";
const X = "prop_0123456789abcdefghjk"; // any second id: proposal, participant, invite, expense…
const CODE = "7m2q9xk4c8vhz1ntb5r3ds";

function setup() {
  const { fetch, calls } = mockFetch(json(200, { data: [], nextCursor: null }));
  return { gk: new Gatherkit({ baseUrl: BASE, token: "gk_pt_0123456789", fetch }), calls };
}

type Row = [name: string, call: (gk: Gatherkit) => unknown, method: string, path: string, body?: unknown];

const rows: Row[] = [
  [
    "plans.create",
    (gk) => gk.plans.create({ type: "trip", title: "Lisbon", timeZone: "Europe/Lisbon", currency: "EUR" }),
    "POST",
    "/v1/plans",
    { type: "trip", title: "Lisbon", timeZone: "Europe/Lisbon", currency: "EUR" },
  ],
  ["plans.retrieve", (gk) => gk.plans.retrieve(P), "GET", `/v1/plans/${P}`],
  ["plans.me", (gk) => gk.plans.me(P), "GET", `/v1/plans/${P}/me`],
  [
    "plans.update",
    (gk) => gk.plans.update(P, { title: "Porto", endDate: null }),
    "PATCH",
    `/v1/plans/${P}`,
    { title: "Porto", endDate: null },
  ],
  ["plans.list", (gk) => gk.plans.list(), "GET", "/v1/plans"],
  ["plans.complete", (gk) => gk.plans.complete(P), "POST", `/v1/plans/${P}/complete`],
  ["plans.cancel", (gk) => gk.plans.cancel(P), "POST", `/v1/plans/${P}/cancel`],
  [
    "plans.finalize",
    (gk) => gk.plans.finalize(P, { mode: "top_voted", count: 2 }),
    "POST",
    `/v1/plans/${P}/finalize`,
    { mode: "top_voted", count: 2 },
  ],
  ["plans.tallies", (gk) => gk.plans.tallies(P), "GET", `/v1/plans/${P}/tallies`],
  ["plans.balances", (gk) => gk.plans.balances(P), "GET", `/v1/plans/${P}/balances`],
  ["participants.list", (gk) => gk.plans.participants.list(P), "GET", `/v1/plans/${P}/participants`],
  [
    "participants.add",
    (gk) => gk.plans.participants.add(P, { participantId: X }),
    "POST",
    `/v1/plans/${P}/participants`,
    { participantId: X },
  ],
  [
    "participants.update",
    (gk) => gk.plans.participants.update(P, X, { role: "organizer" }),
    "PATCH",
    `/v1/plans/${P}/participants/${X}`,
    { role: "organizer" },
  ],
  ["participants.remove", (gk) => gk.plans.participants.remove(P, X), "DELETE", `/v1/plans/${P}/participants/${X}`],
  ["invites.create", (gk) => gk.plans.invites.create(P), "POST", `/v1/plans/${P}/invites`, {}],
  [
    "invites.create (email)",
    (gk) => gk.plans.invites.create(P, { email: "a@example.com" }),
    "POST",
    `/v1/plans/${P}/invites`,
    { email: "a@example.com" },
  ],
  ["invites.list", (gk) => gk.plans.invites.list(P), "GET", `/v1/plans/${P}/invites`],
  ["invites.revoke", (gk) => gk.plans.invites.revoke(P, X), "DELETE", `/v1/plans/${P}/invites/${X}`],
  ["gk.invites.retrieve", (gk) => gk.invites.retrieve(CODE), "GET", `/v1/invites/${CODE}`],
  ["gk.invites.join", (gk) => gk.invites.join(CODE, { name: "Grace" }), "POST", `/v1/invites/${CODE}/join`, { name: "Grace" }],
  ["gk.invites.join (token)", (gk) => gk.invites.join(CODE), "POST", `/v1/invites/${CODE}/join`, {}],
  [
    "proposals.create",
    (gk) => gk.plans.proposals.create(P, { title: "Sailing" }),
    "POST",
    `/v1/plans/${P}/proposals`,
    { title: "Sailing" },
  ],
  ["proposals.list", (gk) => gk.plans.proposals.list(P), "GET", `/v1/plans/${P}/proposals`],
  ["proposals.retrieve", (gk) => gk.plans.proposals.retrieve(P, X), "GET", `/v1/plans/${P}/proposals/${X}`],
  [
    "proposals.update",
    (gk) => gk.plans.proposals.update(P, X, { capacity: null }),
    "PATCH",
    `/v1/plans/${P}/proposals/${X}`,
    { capacity: null },
  ],
  ["proposals.select", (gk) => gk.plans.proposals.select(P, X), "POST", `/v1/plans/${P}/proposals/${X}/select`],
  ["proposals.reject", (gk) => gk.plans.proposals.reject(P, X), "POST", `/v1/plans/${P}/proposals/${X}/reject`],
  ["proposals.reopen", (gk) => gk.plans.proposals.reopen(P, X), "POST", `/v1/plans/${P}/proposals/${X}/reopen`],
  [
    "proposals.vote",
    (gk) => gk.plans.proposals.vote(P, X, { value: "maybe" }),
    "PUT",
    `/v1/plans/${P}/proposals/${X}/vote`,
    { value: "maybe" },
  ],
  ["proposals.unvote", (gk) => gk.plans.proposals.unvote(P, X), "DELETE", `/v1/plans/${P}/proposals/${X}/vote`],
  ["proposals.commit", (gk) => gk.plans.proposals.commit(P, X), "POST", `/v1/plans/${P}/proposals/${X}/commitment`],
  ["proposals.uncommit", (gk) => gk.plans.proposals.uncommit(P, X), "DELETE", `/v1/plans/${P}/proposals/${X}/commitment`],
  [
    "expenses.create",
    (gk) => gk.plans.expenses.create(P, { description: "Taxi", amount: 3000, currency: "EUR", split: { mode: "equal" } }),
    "POST",
    `/v1/plans/${P}/expenses`,
    { description: "Taxi", amount: 3000, currency: "EUR", split: { mode: "equal" } },
  ],
  ["expenses.list", (gk) => gk.plans.expenses.list(P), "GET", `/v1/plans/${P}/expenses`],
  [
    "expenses.update",
    (gk) => gk.plans.expenses.update(P, X, { amount: 3100, currency: "EUR" }),
    "PATCH",
    `/v1/plans/${P}/expenses/${X}`,
    { amount: 3100, currency: "EUR" },
  ],
  ["expenses.del", (gk) => gk.plans.expenses.del(P, X), "DELETE", `/v1/plans/${P}/expenses/${X}`],
  [
    "payments.create",
    (gk) => gk.plans.payments.create(P, { toParticipantId: X, amount: 1500, currency: "EUR" }),
    "POST",
    `/v1/plans/${P}/payments`,
    { toParticipantId: X, amount: 1500, currency: "EUR" },
  ],
  ["payments.list", (gk) => gk.plans.payments.list(P), "GET", `/v1/plans/${P}/payments`],
  [
    "payments.update",
    (gk) => gk.plans.payments.update(P, X, { status: "received" }),
    "PATCH",
    `/v1/plans/${P}/payments/${X}`,
    { status: "received" },
  ],
  ["messages.create", (gk) => gk.plans.messages.create(P, { body: "Hi" }), "POST", `/v1/plans/${P}/messages`, { body: "Hi" }],
  ["messages.list", (gk) => gk.plans.messages.list(P), "GET", `/v1/plans/${P}/messages`],
  [
    "messages.update",
    (gk) => gk.plans.messages.update(P, X, { body: "Hello" }),
    "PATCH",
    `/v1/plans/${P}/messages/${X}`,
    { body: "Hello" },
  ],
  ["messages.del", (gk) => gk.plans.messages.del(P, X), "DELETE", `/v1/plans/${P}/messages/${X}`],
  ["messages.hide", (gk) => gk.plans.messages.hide(P, X), "POST", `/v1/plans/${P}/messages/${X}/hide`],
  ["messages.unhide", (gk) => gk.plans.messages.unhide(P, X), "POST", `/v1/plans/${P}/messages/${X}/unhide`],
];

describe("plans requests", () => {
  it.each(rows)("%s → %s %s", async (_, call, method, path, body) => {
    const { gk, calls } = setup();
    await call(gk);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method, url: BASE + path, body });
    expect(calls[0]?.headers.get("idempotency-key") !== null).toBe(method !== "GET");
  });

  it("sends list filters and paging as the query, booleans as true/false", async () => {
    const { gk, calls } = setup();
    await gk.plans.list({ status: "finalized", limit: 5 });
    await gk.plans.proposals.list(P, { status: "selected", cursor: "c1" });
    await gk.plans.participants.list(P, { includeRemoved: true });
    expect(calls.map((c) => c.url)).toEqual([
      `${BASE}/v1/plans?status=finalized&limit=5`,
      `${BASE}/v1/plans/${P}/proposals?status=selected&cursor=c1`,
      `${BASE}/v1/plans/${P}/participants?includeRemoved=true`,
    ]);
  });

  it("keeps filters on the next page", async () => {
    const { fetch, calls } = mockFetch(json(200, { data: [1], nextCursor: "n2" }), json(200, { data: [2], nextCursor: null }));
    const gk = new Gatherkit({ baseUrl: BASE, token: "gk_pt_0123456789", fetch });
    const seen: unknown[] = [];
    for await (const p of gk.plans.list({ status: "planning" })) seen.push(p);
    expect(seen).toEqual([1, 2]);
    expect(calls[1]?.url).toBe(`${BASE}/v1/plans?status=planning&cursor=n2`);
  });

  it("encodes ids and refuses a missing one before sending anything", () => {
    const { gk, calls } = setup();
    void gk.plans.proposals.retrieve(P, "a/b");
    expect(calls[0]?.url).toBe(`${BASE}/v1/plans/${P}/proposals/a%2Fb`);
    expect(() => gk.plans.proposals.vote(P, "", { value: "yes" })).toThrow(GatherkitError);
    expect(() => gk.invites.join("", { name: "x" })).toThrow(GatherkitError);
    expect(calls).toHaveLength(1);
  });
});

describe("plans.subscribe", () => {
  it("joins plan:<id> and calls the handler of each event's type with its data", () => {
    const { gk } = setup();
    let deliver: (event: PublishedEvent, meta: { seq: number }) => void = () => {};
    const sub = { close() {}, sendTyping() {}, presence: [], status: "open" as const, seq: 0 };
    const spy = vi.spyOn(gk.realtime, "subscribe").mockImplementation((_room, onMessage) => {
      deliver = onMessage;
      return sub;
    });
    const seen: unknown[] = [];
    const handlers: PlanSubscribeHandlers = {
      "plan.tally_changed": (data, meta) => seen.push(["tally", data.tally.yes, meta.seq]),
      "plan.finalized": ({ selectedProposalIds }) => seen.push(["finalized", selectedProposalIds]),
      onEvent: (e) => seen.push(["any", e.type]),
      onResync: () => {},
    };
    expect(gk.plans.subscribe(P, handlers)).toBe(sub);
    expect(spy).toHaveBeenCalledWith(`plan:${P}`, expect.any(Function), handlers);

    const tally = { proposalId: X, yes: 2, maybe: 0, no: 1, total: 3, hidden: false };
    deliver({ type: "plan.tally_changed", data: { planId: P, tally } }, { seq: 1 });
    deliver({ type: "plan.expense_changed", data: { planId: P, expenseId: "exp_0123456789", deleted: true } }, { seq: 2 });
    deliver({ type: "plan.finalized", data: { planId: P, selectedProposalIds: [X] } }, { seq: 3 });
    deliver({ type: "key.changed", data: { id: "x" } }, { seq: 4 }); // not a plan event: ignored
    expect(seen).toEqual([
      ["any", "plan.tally_changed"],
      ["tally", 2, 1],
      ["any", "plan.expense_changed"],
      ["any", "plan.finalized"],
      ["finalized", [X]],
    ]);
  });
});
