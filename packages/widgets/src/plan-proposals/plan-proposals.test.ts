import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia, sendKeys } from "@web/test-runner-commands";
import { active, find, findAll, part, parts, rendered, text } from "../../test/dom.js";
import { FakeApi, problem } from "../../test/fake-api.js";
import {
  ANA,
  answer,
  body,
  fakeRealtime,
  hiddenTally,
  ME,
  P,
  PLAN_ID,
  type PlanData,
  participantToken,
  plan,
  planData,
  planRoutes,
  proposal,
  tally,
} from "../../test/plans.js";
import { GkPlanProposals } from "./plan-proposals.js";

let realtime: ReturnType<typeof fakeRealtime>;
afterEach(() => {
  realtime?.restore();
  return emulateMedia({ colorScheme: "light" });
});

/** `<gk-plan-proposals>` placed alone for `viewer`: it loads the plan, the viewer and the proposals itself. */
async function proposals(api: FakeApi, d: PlanData, viewer = ME) {
  const client = api.client();
  realtime = fakeRealtime(client);
  const el = await fixture<GkPlanProposals>(
    html`<gk-plan-proposals .client=${client} plan=${PLAN_ID} token=${participantToken(viewer)}></gk-plan-proposals>`,
  );
  const r = planRoutes(d, viewer);
  await answer(api, [r.plan, r.me, r.proposals]);
  await waitUntil(() => part(el, "heading"), "the proposals never loaded");
  await rendered(el);
  return el;
}

const voteResult = (proposalId: string, value: "yes" | "maybe" | "no", t = tally(proposalId)) => ({
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

describe("<gk-plan-proposals>", () => {
  it("works alone: loads the plan, the viewer and the proposals in one go and opens its own subscription", async () => {
    const api = new FakeApi();
    const el = await proposals(api, planData());
    expect(api.requests.map((r) => r.url.pathname)).to.have.members([P, `${P}/me`, `${P}/proposals`]);
    expect(parts(el, "proposal-title").map(text)).to.deep.equal(["Sunset sail", "Tile museum"]);
    expect(text(parts(el, "tally")[0]!)).to.equal("Yes 2 Maybe 0 No 0");
    expect(find<HTMLInputElement>(el, 'input[name="vote-prop_a000000000"][value="yes"]')!.checked).to.equal(true);
    expect(realtime.subscriptions).to.equal(1);
    expect(find(el, ".propose")).to.not.equal(null);
    expect(find(el, ".finalize")).to.equal(null);
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    await expect(el).to.be.accessible();

    // Alone, it says itself that the viewer lost access, and disables voting and proposing.
    realtime.handlers!.onRevoked!({ message: "Removed." });
    await rendered(el);
    expect(text(part(el, "notice"))).to.equal("You are no longer in this plan.");
    expect(part(el, "notice")!.getAttribute("role")).to.equal("alert");
    expect(find<HTMLFieldSetElement>(el, "fieldset.scope")!.disabled).to.equal(true);
    expect(findAll(el, "input, button").every((c) => c.matches(":disabled"))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it("lets an organizer reject, reopen and select proposals from the keyboard", async () => {
    const api = new FakeApi();
    const el = await proposals(api, planData(), ANA);
    const [sail] = planData().proposals;

    findAll(el, ".reject")[0]!.focus();
    await sendKeys({ press: "Enter" });
    const reject = await api.next();
    expect(reject.init.method).to.equal("POST");
    expect(reject.url.pathname).to.equal(`${P}/proposals/prop_a000000000/reject`);
    reject.respond(200, { ...sail, status: "rejected", myVote: null });
    await waitUntil(() => find(el, ".reopen"), "never offered Reopen");
    await rendered(el);
    expect(text(parts(el, "proposal-title")[0]!)).to.equal("Sunset sail Rejected");
    // The pressed button is gone: focus moved to its replacement.
    expect(active()).to.equal(find(el, ".reopen"));
    await expect(el).to.be.accessible();

    await sendKeys({ press: "Enter" });
    const reopen = await api.next();
    expect(reopen.url.pathname).to.equal(`${P}/proposals/prop_a000000000/reopen`);
    reopen.respond(409, problem(409, "proposal_not_open", "Cannot reopen a proposal that is proposed."));
    await waitUntil(() => part(el, "form-error"), "never showed the refusal");
    expect(text(parts(el, "proposal")[0]!.querySelector('[part~="form-error"]'))).to.equal("Cannot reopen a proposal that is proposed.");
    await expect(el).to.be.accessible();

    findAll(el, ".select")[0]!.focus();
    await sendKeys({ press: "Space" });
    const select = await api.next();
    expect(select.url.pathname).to.equal(`${P}/proposals/prop_b000000000/select`);
    select.respond(200, { ...planData().proposals[1]!, status: "selected" });
    await waitUntil(() => parts(el, "proposal-title")[1]!.textContent!.includes("Selected"), "never marked Selected");
    // Its buttons are gone: focus is on the proposal's title, not lost to the page.
    await rendered(el);
    expect(active()).to.equal(parts(el, "proposal-title")[1]);
  });

  it("takes and gives up a place in a proposal with a capacity, says Full, and shows the API's refusal", async () => {
    const api = new FakeApi();
    const boat = proposal({ id: "prop_a000000000", title: "Sunset sail", capacity: 2, takenCount: 1 });
    const bus = proposal({ id: "prop_b000000000", title: "Day bus", capacity: 1, takenCount: 0 });
    const el = await proposals(api, planData({ proposals: [boat, bus, proposal({ id: "prop_c000000000", title: "Tile museum" })] }));
    const card = (i: number) => parts(el, "proposal")[i]!;
    const inCard = (i: number, selector: string) => card(i).querySelector<HTMLElement>(selector);
    expect(text(inCard(0, ".places-count"))).to.equal("1 of 2 places taken");
    expect(text(inCard(1, ".places-count"))).to.equal("0 of 1 places taken");
    // No capacity: no places to take.
    expect(inCard(2, ".places")).to.equal(null);
    await expect(el).to.be.accessible();

    inCard(0, ".commit")!.focus();
    await sendKeys({ press: "Enter" });
    const take = await api.next();
    expect([take.init.method, take.url.pathname]).to.deep.equal(["POST", `${P}/proposals/prop_a000000000/commitment`]);
    take.respond(201, { ...boat, takenCount: 2, committed: true });
    await waitUntil(() => inCard(0, ".uncommit"), "never offered to give the place up");
    await rendered(el);
    expect(text(inCard(0, ".places-count"))).to.equal("2 of 2 places taken Full You have a place");
    expect(active()).to.equal(inCard(0, ".uncommit"));
    expect(inCard(0, ".commit")).to.equal(null);
    await expect(el).to.be.accessible();

    await sendKeys({ press: "Enter" });
    const [giveUp] = await answer(api, [
      ["DELETE", `${P}/proposals/prop_a000000000/commitment`, 204],
      ["GET", `${P}/proposals/prop_a000000000`, 200, { ...boat, takenCount: 1, committed: false }],
    ]);
    expect(giveUp!.init.method).to.equal("DELETE");
    await waitUntil(() => inCard(0, ".commit"), "never offered the place again");
    await rendered(el);
    expect(text(inCard(0, ".places-count"))).to.equal("1 of 2 places taken");
    expect(active()).to.equal(inCard(0, ".commit"));

    // Someone else took the last place meanwhile: the API's detail, then the count as it is now.
    inCard(1, ".commit")!.focus();
    await sendKeys({ press: "Enter" });
    const detail = "Every place in Day bus is taken.";
    await answer(api, [
      ["POST", `${P}/proposals/prop_b000000000/commitment`, 409, problem(409, "proposal_full", detail)],
      ["GET", `${P}/proposals/prop_b000000000`, 200, { ...bus, takenCount: 1 }],
    ]);
    await waitUntil(() => text(inCard(1, ".places-count")).includes("Full"), "never showed it full");
    await rendered(el);
    const refusal = inCard(1, '.places-error [part~="form-error"]')!;
    expect(refusal.getAttribute("role")).to.equal("alert");
    expect(text(refusal)).to.equal(detail);
    expect(text(inCard(1, ".places-count"))).to.equal("1 of 1 places taken Full");
    expect(inCard(1, ".commit")).to.equal(null);
    expect(active()).to.equal(refusal);
    await expect(el).to.be.accessible();
  });

  it("finalizes after a confirmation, then shows the itinerary with an Add to calendar link", async () => {
    const api = new FakeApi();
    const selected = proposal({ id: "prop_a000000000", title: "Sunset sail", status: "selected", startsAt: "2030-07-01T17:00:00.000Z" });
    const d = planData({ proposals: [selected, proposal({ id: "prop_b000000000", title: "Tile museum" })] });
    const el = await proposals(api, d, ANA);

    find(el, ".finalize")!.focus();
    await sendKeys({ press: "Enter" });
    await rendered(el);
    expect(text(find(el, "#finalize-question"))).to.equal(
      "Finalize with the proposal marked Selected? Voting closes and the itinerary is fixed.",
    );
    expect(active()).to.equal(find(el, ".finalize-confirm"));
    await expect(el).to.be.accessible();

    // Cancel returns to the button.
    find(el, ".finalize-cancel")!.focus();
    await sendKeys({ press: "Enter" });
    await rendered(el);
    expect(active()).to.equal(find(el, ".finalize"));
    expect(api.requests).to.have.length(3);

    await sendKeys({ press: "Enter" });
    await rendered(el);
    await sendKeys({ press: "Enter" });
    const finalize = await api.next();
    expect(finalize.url.pathname).to.equal(`${P}/finalize`);
    expect(body(finalize)).to.deep.equal({ mode: "select", proposalIds: ["prop_a000000000"] });
    const calendarUrl = `https://api.test/v1/plans/${PLAN_ID}/calendar.ics?token=cal_secret`;
    const finalized = plan({ status: "finalized", finalizedAt: "2030-06-10T00:00:00.000Z", calendarUrl });
    finalize.respond(200, finalized);
    const r = planRoutes(
      planData({ plan: finalized, proposals: [selected, proposal({ id: "prop_b000000000", title: "Tile museum", status: "rejected" })] }),
      ANA,
    );
    await answer(api, [r.plan, r.me, r.proposals]);
    await waitUntil(() => part(el, "itinerary"), "never showed the itinerary");
    await waitUntil(() => active() === find(el, "#itinerary-title"), "focus never moved to the itinerary");
    expect(part(el, "itinerary")!.querySelectorAll("li")).to.have.length(1);
    expect(text(part(el, "itinerary"))).to.match(/^Sunset sail /);
    expect(find(el, ".calendar-link")!.getAttribute("href")).to.equal(calendarUrl);
    expect(find(el, ".finalize")).to.equal(null);
    expect(part(el, "proposal")).to.equal(null);
    await expect(el).to.be.accessible();
    // The room's plan.updated carries no feed URL (no secret in a broadcast): the link stays.
    realtime.send("plan.updated", { plan: { ...finalized, title: "Lisbon, renamed", calendarUrl: null } });
    await rendered(el);
    expect(find(el, ".calendar-link")!.getAttribute("href")).to.equal(calendarUrl);
  });

  it("votes by keyboard on a card, emits gk-vote-cast, and rolls back when voting has closed (409)", async () => {
    const api = new FakeApi();
    const el = await proposals(api, planData());
    const cast = oneEvent(el, "gk-vote-cast");
    find<HTMLInputElement>(el, 'input[name="vote-prop_b000000000"][value="yes"]')!.focus();
    await sendKeys({ press: "Space" });
    const request = await api.next();
    expect(request.init.method).to.equal("PUT");
    expect(request.url.pathname).to.equal(`${P}/proposals/prop_b000000000/vote`);
    expect(body(request)).to.deep.equal({ value: "yes" });
    request.respond(200, voteResult("prop_b000000000", "yes", tally("prop_b000000000", { yes: 1, no: 1 })));
    expect((await cast).detail).to.deep.equal({ planId: PLAN_ID, proposalId: "prop_b000000000", value: "yes", participantId: ME });

    await sendKeys({ press: "ArrowRight" });
    const closed = await api.next();
    expect(body(closed)).to.deep.equal({ value: "maybe" });
    closed.respond(409, problem(409, "voting_closed", "Voting closed at the deadline, 2030-06-05T00:00:00.000Z."));
    await waitUntil(() => find(el, ".vote-error"), "never showed the refusal");
    expect(text(find(el, ".vote-error"))).to.equal("Voting closed at the deadline, 2030-06-05T00:00:00.000Z.");
    expect(find<HTMLInputElement>(el, 'input[name="vote-prop_b000000000"][value="yes"]')!.checked).to.equal(true);
    expect(text(parts(el, "tally")[1]!)).to.equal("Yes 1 Maybe 0 No 1");
    await expect(el).to.be.accessible();
  });

  it("hides results until the deadline; an organizer keeps seeing counts when the room hides them", async () => {
    const deadline = new Date(Date.now() + 86_400_000 * 2).toISOString();
    const hidden = planData({
      plan: plan({ votingDeadline: deadline, hideVotesUntilDeadline: true }),
      proposals: [proposal({ id: "prop_a000000000", title: "Sunset sail", tally: hiddenTally("prop_a000000000", 3) })],
    });
    const el = await proposals(new FakeApi(), hidden);
    expect(text(find(el, ".tally-hidden"))).to.equal("Results appear after the deadline. 3 votes so far.");
    await expect(el).to.be.accessible();

    const api = new FakeApi();
    const organizerView = await proposals(
      api,
      {
        ...hidden,
        proposals: [proposal({ id: "prop_a000000000", title: "Sunset sail", tally: tally("prop_a000000000", { yes: 2, no: 1 }) })],
      },
      ANA,
    );
    expect(find(organizerView, ".tally-hidden")).to.equal(null);
    realtime.send("plan.tally_changed", { planId: PLAN_ID, tally: hiddenTally("prop_a000000000", 4) });
    const [tallies] = await answer(api, [["GET", `${P}/tallies`, 200, { data: [tally("prop_a000000000", { yes: 3, no: 1 })] }]]);
    expect(tallies!.url.pathname).to.equal(`${P}/tallies`);
    await waitUntil(() => text(part(organizerView, "tally")) === "Yes 3 Maybe 0 No 1", "never reloaded the tallies");
  });

  it("proposes through the form and emits gk-proposal-created", async () => {
    const api = new FakeApi();
    const el = await proposals(api, planData());
    // The form's code is fetched once the proposals show.
    await waitUntil(() => find(el, "#p-title"), "the propose form never loaded");
    find(el, ".propose summary")!.focus();
    await sendKeys({ press: "Enter" });
    expect(find<HTMLDetailsElement>(el, "details")!.open).to.equal(true);
    await expect(el).to.be.accessible();

    const input = (id: string) => find<HTMLInputElement>(el, id)!;
    input("#p-title").focus();
    await sendKeys({ type: "Fado night" });
    input("#p-starts").value = "2030-07-02T21:00";

    // A cost that is not an amount is explained without asking the API.
    input("#p-cost").value = "twelve";
    input("#p-title").focus();
    await sendKeys({ press: "Enter" });
    await rendered(el);
    expect(text(part(el, "form-error"))).to.equal("Enter the cost as an amount in EUR, such as 12.50.");
    expect(api.requests).to.have.length(3);

    input("#p-cost").value = "12,5";
    const created = oneEvent(el, "gk-proposal-created");
    await sendKeys({ press: "Enter" });
    const request = await api.next();
    expect(request.init.method).to.equal("POST");
    expect(request.url.pathname).to.equal(`${P}/proposals`);
    // 21:00 in Lisbon in July is 20:00 UTC.
    expect(body(request)).to.deep.equal({
      title: "Fado night",
      startsAt: "2030-07-02T20:00:00.000Z",
      cost: { kind: "per_person", amount: 1250, currency: "EUR" },
    });
    const fado = proposal({
      id: "prop_c000000000",
      title: "Fado night",
      startsAt: "2030-07-02T20:00:00.000Z",
      cost: { kind: "per_person", amount: 1250, currency: "EUR" },
      createdByParticipantId: ME,
    });
    request.respond(201, fado);
    const event = await created;
    expect(event.detail.planId).to.equal(PLAN_ID);
    expect(event.detail.proposal.id).to.equal("prop_c000000000");
    await rendered(el);
    expect(parts(el, "proposal-title").map(text)).to.deep.equal(["Sunset sail", "Tile museum", "Fado night"]);
    expect(text(findAll(el, ".proposal-meta")[0]!)).to.match(/€12\.50 per person$/);
    expect(text(find(el, ".form-status"))).to.equal("Added “Fado night”.");
    expect(input("#p-title").value).to.equal("");
    expect(active()).to.equal(input("#p-title"));
    await expect(el).to.be.accessible();

    // The room echoes the new proposal: it is not listed twice.
    const { myVote: _, committed: __, ...shared } = fado;
    realtime.send("plan.proposal_changed", { proposal: shared });
    await rendered(el);
    expect(parts(el, "proposal")).to.have.length(3);

    // Validation failures list their fields.
    input("#p-title").focus();
    await sendKeys({ type: "Too late" });
    await sendKeys({ press: "Enter" });
    const refused = await api.next();
    refused.respond(422, {
      ...problem(422, "validation_failed", "The request body is invalid."),
      errors: [{ path: "body.endsAt", message: "must be after startsAt" }],
    });
    await waitUntil(() => part(el, "form-error"), "never showed the refusal");
    expect(text(part(el, "form-error"))).to.equal("The request body is invalid. endsAt: must be after startsAt");
  });

  it("is registered once even when its module is evaluated again", async () => {
    const url = new URL("./plan-proposals.ts", import.meta.url);
    url.search = "?copy=2";
    const copy = (await import(/* @vite-ignore */ url.href)) as typeof import("./plan-proposals.js");
    expect(copy.GkPlanProposals === GkPlanProposals).to.equal(false);
    expect(customElements.get("gk-plan-proposals") === GkPlanProposals).to.equal(true);
  });
});
