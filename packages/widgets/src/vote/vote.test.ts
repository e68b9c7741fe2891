import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import type { Plan, Proposal } from "@gatherkit/sdk";
import { emulateMedia, sendKeys } from "@web/test-runner-commands";
import { FakeApi, problem } from "../../test/fake-api.js";
import { answer, body, fakeRealtime, hiddenTally, ME, PLAN_ID, page, participantToken, plan, proposal, tally } from "../../test/plans.js";
import { GkVote } from "./vote.js";

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: Element, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const text = (node: Element | null) => node!.textContent!.replace(/\s+/g, " ").trim();
const live = (el: Element, which: "polite" | "assertive") => el.shadowRoot!.querySelector(`[aria-live="${which}"]`)!.textContent!.trim();
const radios = (el: Element, proposalId: string) => [
  ...el.shadowRoot!.querySelectorAll<HTMLInputElement>(`input[name="vote-${proposalId}"]`),
];
const counts = (card: HTMLElement) => [...card.querySelectorAll(".tally-count")].map((li) => text(li)).join(", ");
const $ = (el: Element, selector: string) => el.shadowRoot!.querySelector<HTMLElement>(selector);
const PLAN_PATH = `/v1/plans/${PLAN_ID}`;
const PROPOSALS_PATH = `${PLAN_PATH}/proposals`;
const ME_ROUTE = ["GET", `${PLAN_PATH}/me`, 200, { participantId: ME, role: "participant", staff: false }] as const;
const voteResult = (proposalId: string, value: Proposal["myVote"], t = tally(proposalId)) => ({
  vote: {
    id: "vote_0000000000000001",
    planId: PLAN_ID,
    proposalId,
    participantId: ME,
    value,
    createdAt: "2030-06-02T00:00:00.000Z",
    updatedAt: "2030-06-02T00:00:00.000Z",
  },
  tally: t,
});

let realtime: ReturnType<typeof fakeRealtime>;
afterEach(() => {
  realtime?.restore();
  return emulateMedia({ colorScheme: "light" });
});

/** A <gk-vote> for the participant ME, with the plan and proposals answered. */
async function vote(api: FakeApi, p: Plan, proposals: Proposal[]) {
  const client = api.client();
  realtime = fakeRealtime(client);
  const el = await fixture<GkVote>(html`<gk-vote .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-vote>`);
  await answer(api, [["GET", PLAN_PATH, 200, p], ME_ROUTE, ["GET", PROPOSALS_PATH, 200, page(proposals)]]);
  await waitUntil(() => !part(el, "loading"), "never finished loading");
  await el.updateComplete;
  return el;
}

describe("<gk-vote>", () => {
  it("shows a spinner, then the proposals with their tallies, the viewer's vote and the deadline", async () => {
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const el = await fixture<GkVote>(html`<gk-vote .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-vote>`);
    expect(live(el, "polite")).to.equal("Loading the vote…");
    await expect(el).to.be.accessible();

    const deadline = new Date(Date.now() + 2 * 86_400_000 + 60_000).toISOString();
    const [planReq, , listReq] = await answer(api, [
      ["GET", PLAN_PATH, 200, plan({ title: "Which date works?", votingDeadline: deadline })],
      ME_ROUTE,
      [
        "GET",
        PROPOSALS_PATH,
        200,
        page([
          proposal({ id: "prop_a000000000", title: "Friday", tally: tally("prop_a000000000", { yes: 3, no: 1 }), myVote: "yes" }),
          proposal({ id: "prop_b000000000", title: "Saturday", tally: tally("prop_b000000000", { maybe: 2 }) }),
          proposal({ id: "prop_c000000000", title: "Sunday", status: "rejected" }),
        ]),
      ],
    ]);
    expect(new Headers(planReq!.init.headers).get("authorization")).to.equal("Bearer gk_pk_test");
    expect(listReq!.url.searchParams.get("limit")).to.equal("100");
    await waitUntil(() => part(el, "poll"), "never showed the poll");

    expect(text(part(el, "title"))).to.equal("Which date works?");
    expect(text(part(el, "deadline"))).to.match(/^Voting closes .+ \(in 2 days\)\.$/);
    expect(part(el, "deadline")!.querySelector("time")!.getAttribute("datetime")).to.equal(deadline);
    // Rejected proposals are left out.
    expect(parts(el, "proposal-title").map(text)).to.deep.equal(["Friday", "Saturday"]);
    const [friday, saturday] = parts(el, "proposal");
    expect(counts(friday!)).to.equal("Yes 3, Maybe 0, No 1");
    expect(counts(saturday!)).to.equal("Yes 0, Maybe 2, No 0");
    // Each bar's length is its count against the largest.
    const bars = (p: Element) => [...p.querySelectorAll(".tally-bar")].map((b) => b.getBoundingClientRect().width);
    const [yes, maybe, no] = [...friday!.querySelectorAll(".tally-bar rect")].map((r) => r.getBoundingClientRect().width);
    const [full] = bars(friday!);
    expect(full).to.be.greaterThan(20);
    expect(yes).to.be.closeTo(full!, 1);
    expect(maybe).to.equal(0);
    expect(no).to.be.closeTo(full! / 3, 1);
    expect(getComputedStyle(friday!.querySelector(".tally-bar rect")!).fill).to.not.equal("none");
    expect(radios(el, "prop_a000000000").map((r) => r.checked)).to.deep.equal([true, false, false]);
    expect(radios(el, "prop_b000000000").map((r) => r.checked)).to.deep.equal([false, false, false]);
    expect(friday!.querySelector("legend")!.textContent).to.equal("Your vote on Friday");
    expect(realtime.planId).to.equal(PLAN_ID);
    expect(realtime.open).to.equal(1);
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    await expect(el).to.be.accessible();

    el.remove();
    expect(realtime.open).to.equal(0);
  });

  it("votes from the keyboard: arrow keys within a proposal, Tab to the next", async () => {
    const api = new FakeApi();
    const el = await vote(api, plan(), [
      proposal({ id: "prop_a000000000", title: "Friday", tally: tally("prop_a000000000", { yes: 1 }) }),
      proposal({ id: "prop_b000000000", title: "Saturday" }),
    ]);
    const cast = oneEvent(el, "gk-vote-cast");

    radios(el, "prop_a000000000")[0]!.focus();
    await sendKeys({ press: "ArrowRight" });
    const request = await api.next();
    expect(request.init.method).to.equal("PUT");
    expect(request.url.pathname).to.equal(`${PROPOSALS_PATH}/prop_a000000000/vote`);
    expect(body(request)).to.deep.equal({ value: "maybe" });
    await el.updateComplete;
    // Shown before the API answers.
    expect(radios(el, "prop_a000000000").map((r) => r.checked)).to.deep.equal([false, true, false]);
    expect(counts(parts(el, "proposal")[0]!)).to.equal("Yes 1, Maybe 1, No 0");
    expect(part(el, "vote-option-checked")!.textContent!.trim()).to.equal("Maybe");

    request.respond(200, voteResult("prop_a000000000", "maybe", tally("prop_a000000000", { yes: 1, maybe: 2 })));
    const event = await cast;
    expect(event.detail).to.deep.equal({ planId: PLAN_ID, proposalId: "prop_a000000000", value: "maybe", participantId: ME });
    expect(event.bubbles && event.composed).to.equal(true);
    await el.updateComplete;
    expect(counts(parts(el, "proposal")[0]!)).to.equal("Yes 1, Maybe 2, No 0");

    await sendKeys({ press: "Tab" });
    expect(el.shadowRoot!.activeElement).to.equal(radios(el, "prop_b000000000")[0]);
    await sendKeys({ press: "Space" });
    const second = await api.next();
    expect(second.url.pathname).to.equal(`${PROPOSALS_PATH}/prop_b000000000/vote`);
    expect(body(second)).to.deep.equal({ value: "yes" });
    second.respond(200, voteResult("prop_b000000000", "yes", tally("prop_b000000000", { yes: 1 })));
    await oneEvent(el, "gk-vote-cast");
    await expect(el).to.be.accessible();
  });

  it("sends only the latest choice when votes are chosen faster than the API answers", async () => {
    const api = new FakeApi();
    const el = await vote(api, plan(), [proposal({ id: "prop_a000000000" })]);
    radios(el, "prop_a000000000")[0]!.focus();
    await sendKeys({ press: "Space" });
    const first = await api.next();
    await sendKeys({ press: "ArrowRight" });
    await sendKeys({ press: "ArrowRight" });
    expect(api.requests).to.have.length(4); // plan, viewer, proposals, one vote
    first.respond(200, voteResult("prop_a000000000", "yes", tally("prop_a000000000", { yes: 1 })));
    const latest = await api.next();
    expect(body(latest)).to.deep.equal({ value: "no" });
    latest.respond(200, voteResult("prop_a000000000", "no", tally("prop_a000000000", { no: 1 })));
    await oneEvent(el, "gk-vote-cast");
    await el.updateComplete;
    expect(radios(el, "prop_a000000000").map((r) => r.checked)).to.deep.equal([false, false, true]);
    expect(counts(parts(el, "proposal")[0]!)).to.equal("Yes 0, Maybe 0, No 1");
  });

  it("rolls the vote back and shows the API's explanation when it is refused (409)", async () => {
    const api = new FakeApi();
    const el = await vote(api, plan({ oneYesPerParticipant: true }), [
      proposal({ id: "prop_a000000000", title: "Friday", myVote: "yes", tally: tally("prop_a000000000", { yes: 2 }) }),
      proposal({ id: "prop_b000000000", title: "Saturday", tally: tally("prop_b000000000", { no: 1 }) }),
    ]);
    const errors: Event[] = [];
    el.addEventListener("gk-vote-cast", (e) => errors.push(e));

    radios(el, "prop_b000000000")[0]!.focus();
    await sendKeys({ press: "Space" });
    const request = await api.next();
    expect(body(request)).to.deep.equal({ value: "yes" });
    await el.updateComplete;
    expect(counts(parts(el, "proposal")[1]!)).to.equal("Yes 1, Maybe 0, No 1");

    const detail = "You already voted yes on another proposal: this plan allows one yes per participant.";
    request.respond(409, problem(409, "one_yes_limit", detail));
    await waitUntil(() => part(el, "form-error"), "never showed the refusal");
    const card = parts(el, "proposal")[1]!;
    expect(text(card.querySelector('[part~="form-error"]'))).to.equal(detail);
    expect(card.querySelector('[part~="form-error"]')!.getAttribute("role")).to.equal("alert");
    expect(radios(el, "prop_b000000000").map((r) => r.checked)).to.deep.equal([false, false, false]);
    expect(counts(card)).to.equal("Yes 0, Maybe 0, No 1");
    expect(radios(el, "prop_a000000000").map((r) => r.checked)).to.deep.equal([true, false, false]);
    expect(errors).to.have.length(0);
    // Focus stays where the person was.
    expect(el.shadowRoot!.activeElement).to.equal(radios(el, "prop_b000000000")[0]);
    await expect(el).to.be.accessible();

    // Trying something else clears the message.
    await sendKeys({ press: "ArrowRight" });
    const retry = await api.next();
    expect(body(retry)).to.deep.equal({ value: "maybe" });
    await el.updateComplete;
    expect(part(el, "form-error")).to.equal(null);
    retry.respond(200, voteResult("prop_b000000000", "maybe", tally("prop_b000000000", { maybe: 1, no: 1 })));
    await oneEvent(el, "gk-vote-cast");
  });

  it("shows only the number of votes while the plan hides them until the deadline", async () => {
    const api = new FakeApi();
    const deadline = new Date(Date.now() + 3 * 3_600_000 + 60_000).toISOString();
    const el = await vote(api, plan({ votingDeadline: deadline, hideVotesUntilDeadline: true }), [
      proposal({ id: "prop_a000000000", title: "Friday", tally: hiddenTally("prop_a000000000", 2) }),
    ]);
    expect(text($(el, ".tally-hidden"))).to.equal("Results appear after the deadline. 2 votes so far.");
    expect(text(part(el, "tally"))).to.equal("Results appear after the deadline. 2 votes so far.");
    expect($(el, ".tally-count")).to.equal(null);
    expect(text(part(el, "deadline"))).to.match(/\(in 3 hours\)\.$/);
    await expect(el).to.be.accessible();

    radios(el, "prop_a000000000")[2]!.focus();
    await sendKeys({ press: "Space" });
    const request = await api.next();
    expect(body(request)).to.deep.equal({ value: "no" });
    await el.updateComplete;
    expect(text($(el, ".tally-total"))).to.equal("3 votes so far.");
    request.respond(200, voteResult("prop_a000000000", "no", hiddenTally("prop_a000000000", 3)));
    await oneEvent(el, "gk-vote-cast");

    // The room hides counts too; a new total arrives live.
    realtime.send("plan.tally_changed", { planId: PLAN_ID, tally: hiddenTally("prop_a000000000", 4) });
    await el.updateComplete;
    expect(text($(el, ".tally-total"))).to.equal("4 votes so far.");

    // Once the deadline has passed (here: moved into the past), the results are loaded and shown.
    const passed = new Date(Date.now() - 1000).toISOString();
    realtime.send("plan.updated", { plan: plan({ votingDeadline: passed, hideVotesUntilDeadline: true }) });
    await answer(api, [["GET", `${PLAN_PATH}/tallies`, 200, { data: [tally("prop_a000000000", { yes: 3, no: 1 })] }]]);
    await waitUntil(() => $(el, ".tally-count"), "never showed the results");
    expect(counts(parts(el, "proposal")[0]!)).to.equal("Yes 3, Maybe 0, No 1");
    expect($(el, ".closed")).to.not.equal(null);
    await expect(el).to.be.accessible();
  });

  it("is closed after the deadline and once the plan is finalized", async () => {
    const api = new FakeApi();
    const past = "2030-01-01T12:00:00.000Z";
    const el = await vote(api, plan({ votingDeadline: new Date(Date.now() - 60_000).toISOString() }), [
      proposal({ id: "prop_a000000000", title: "Friday", myVote: "maybe" }),
    ]);
    expect($(el, ".closed")).to.equal(part(el, "deadline"));
    expect(text($(el, ".closed"))).to.match(/^Voting is closed: the deadline, .+, has passed\.$/);
    expect(($(el, ".vote-group") as HTMLFieldSetElement).disabled).to.equal(true);
    expect(radios(el, "prop_a000000000").map((r) => r.checked)).to.deep.equal([false, true, false]);
    await expect(el).to.be.accessible();

    realtime.send("plan.updated", { plan: plan({ status: "finalized", votingDeadline: past }) });
    await el.updateComplete;
    expect(text($(el, ".closed"))).to.equal("Voting is closed: the plan is finalized.");
    await expect(el).to.be.accessible();
  });

  it("follows the room: tallies, new proposals, finalization and resyncs", async () => {
    const api = new FakeApi();
    const el = await vote(api, plan(), [
      proposal({ id: "prop_a000000000", title: "Friday", myVote: "yes", tally: tally("prop_a000000000", { yes: 1 }) }),
    ]);
    const h = realtime.handlers!;

    realtime.send("plan.tally_changed", { planId: PLAN_ID, tally: tally("prop_a000000000", { yes: 4, no: 2 }) });
    await el.updateComplete;
    expect(counts(parts(el, "proposal")[0]!)).to.equal("Yes 4, Maybe 0, No 2");

    const { myVote: _, committed: __, ...shared } = proposal({ id: "prop_b000000000", title: "Saturday" });
    realtime.send("plan.proposal_changed", { proposal: shared });
    await el.updateComplete;
    expect(parts(el, "proposal-title").map(text)).to.deep.equal(["Friday", "Saturday"]);
    // The room's copy has no viewer fields: the viewer's vote stays.
    realtime.send("plan.proposal_changed", {
      proposal: { ...shared, id: "prop_a000000000", title: "Friday evening", createdAt: "2000-01-01T00:00:00.000Z" },
    });
    await el.updateComplete;
    expect(parts(el, "proposal-title").map(text)).to.deep.equal(["Friday evening", "Saturday"]);
    expect(radios(el, "prop_a000000000")[0]!.checked).to.equal(true);

    // Finalized: reloaded quietly (no spinner), the itinerary's proposals are marked.
    realtime.send("plan.finalized", { planId: PLAN_ID, selectedProposalIds: ["prop_a000000000"] });
    await el.updateComplete;
    expect(part(el, "loading")).to.equal(null);
    await answer(api, [
      ["GET", PLAN_PATH, 200, plan({ status: "finalized" })],
      ME_ROUTE,
      [
        "GET",
        PROPOSALS_PATH,
        200,
        page([
          proposal({ id: "prop_a000000000", title: "Friday", status: "selected", myVote: "yes" }),
          proposal({ id: "prop_b000000000", title: "Saturday", status: "rejected" }),
        ]),
      ],
    ]);
    await waitUntil(() => part(el, "badge"), "never showed the itinerary");
    expect(parts(el, "proposal-title").map(text)).to.deep.equal(["Friday Selected"]);
    expect(text($(el, ".closed"))).to.equal("Voting is closed: the plan is finalized.");

    h.onResync!();
    await answer(api, [
      ["GET", PLAN_PATH, 200, plan({ status: "finalized" })],
      ME_ROUTE,
      ["GET", PROPOSALS_PATH, 200, page([proposal({ id: "prop_a000000000", title: "Friday", status: "selected" })])],
    ]);
  });

  it("shows the viewer's votes cast by another widget on the page (same plan, same participant)", async () => {
    const api = new FakeApi();
    const el = await vote(api, plan(), [proposal({ id: "prop_a000000000", title: "Friday" })]);
    const other = document.createElement("div");
    document.body.append(other);
    try {
      const cast = (detail: { planId: string; participantId: string; value: "yes" | "no" }) =>
        other.dispatchEvent(
          new CustomEvent("gk-vote-cast", { detail: { proposalId: "prop_a000000000", ...detail }, bubbles: true, composed: true }),
        );
      cast({ planId: PLAN_ID, participantId: "ptc_someone0000000000", value: "no" });
      cast({ planId: "plan_other0000000000", participantId: ME, value: "no" });
      await el.updateComplete;
      expect(radios(el, "prop_a000000000").map((r) => r.checked)).to.deep.equal([false, false, false]);
      cast({ planId: PLAN_ID, participantId: ME, value: "yes" });
      await el.updateComplete;
      expect(radios(el, "prop_a000000000").map((r) => r.checked)).to.deep.equal([true, false, false]);
      expect(api.requests).to.have.length(3); // nothing sent again
    } finally {
      other.remove();
    }
  });

  it("says when there is nothing to vote on, until a proposal arrives", async () => {
    const api = new FakeApi();
    const el = await vote(api, plan(), []);
    expect(text(part(el, "empty"))).to.equal("Nothing to vote on yet.");
    expect(live(el, "polite")).to.equal("Nothing to vote on yet.");
    await expect(el).to.be.accessible();
    const { myVote: _, committed: __, ...shared } = proposal({ id: "prop_a000000000", title: "Friday" });
    realtime.send("plan.proposal_changed", { proposal: shared });
    await el.updateComplete;
    expect(parts(el, "proposal-title").map(text)).to.deep.equal(["Friday"]);
  });

  it("shows the API's explanation when the plan cannot be loaded", async () => {
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const el = await fixture<GkVote>(html`<gk-vote .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-vote>`);
    const failed = oneEvent(el, "gk-error");
    await answer(api, [
      ["GET", PLAN_PATH, 404, problem(404, "not_found", "Plan not found.")],
      ["GET", `${PLAN_PATH}/me`, 404, problem(404, "not_found", "Plan not found.")],
      ["GET", PROPOSALS_PATH, 404, problem(404, "not_found", "Plan not found.")],
    ]);
    expect((await failed).detail.code).to.equal("not_found");
    await waitUntil(() => part(el, "error"), "never showed the error");
    expect(text(part(el, "error")!.querySelector("p"))).to.equal("Plan not found.");
    expect(part(el, "retry-button")).to.not.equal(null);
    expect(realtime.open).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it("asks the page for a participant token when it only has a publishable key", async () => {
    const el = await fixture<GkVote>(html`<gk-vote api-base="https://api.test" publishable-key="gk_pk_site" plan=${PLAN_ID}></gk-vote>`);
    await waitUntil(() => part(el, "error"), "never explained");
    expect(text(part(el, "error"))).to.contain("needs a participant token: set the token attribute");
    expect(part(el, "retry-button")).to.equal(null);
    await expect(el).to.be.accessible();

    const noPlan = await fixture<GkVote>(html`<gk-vote api-base="https://api.test" token=${participantToken(ME)}></gk-vote>`);
    await waitUntil(() => part(noPlan, "error"), "never explained");
    expect(text(part(noPlan, "error"))).to.equal("<gk-vote> needs a plan attribute (the plan's id, plan_…) or an invite attribute.");
  });

  it("says the viewer is no longer in the plan and disables voting when the room revokes them", async () => {
    const api = new FakeApi();
    const el = await vote(api, plan(), [proposal({ id: "prop_a000000000", title: "Friday" })]);
    realtime.handlers!.onRevoked!({ message: "You were removed from this plan." });
    await el.updateComplete;
    expect(text(part(el, "notice"))).to.equal("You are no longer in this plan.");
    expect(part(el, "notice")!.getAttribute("role")).to.equal("alert");
    expect(radios(el, "prop_a000000000").every((r) => r.matches(":disabled"))).to.equal(true);
    radios(el, "prop_a000000000")[0]!.click();
    await el.updateComplete;
    expect(api.requests).to.have.length(3);
    await expect(el).to.be.accessible();
  });

  it("is registered once even when its module is evaluated again", async () => {
    const url = new URL("./vote.ts", import.meta.url);
    url.search = "?copy=2";
    const copy = (await import(/* @vite-ignore */ url.href)) as typeof import("./vote.js");
    expect(copy.GkVote === GkVote).to.equal(false);
    expect(customElements.get("gk-vote") === GkVote).to.equal(true);
  });
});
