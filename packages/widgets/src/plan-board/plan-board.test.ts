import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import type { ChatMessage, Payment, Plan, PlanBalances, PlanParticipant, Proposal } from "@gatherkit/sdk";
import { emulateMedia, sendKeys } from "@web/test-runner-commands";
import { FakeApi, problem } from "../../test/fake-api.js";
import {
  ANA,
  answer,
  BEN,
  body,
  fakeRealtime,
  hiddenTally,
  invitePreview,
  ME,
  message,
  NO_BALANCES,
  PLAN_ID,
  page,
  participant,
  participantToken,
  plan,
  proposal,
  tally,
} from "../../test/plans.js";
import { GkPlanBoard } from "./plan-board.js";

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: Element, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const text = (node: Element | null) => node!.textContent!.replace(/\s+/g, " ").trim();
const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
const active = (el: Element) => el.shadowRoot!.activeElement;

const P = `/v1/plans/${PLAN_ID}`;
interface Data {
  plan: Plan;
  proposals: Proposal[];
  participants: PlanParticipant[];
  balances: PlanBalances;
  payments: Payment[];
  /** Oldest first, as shown (the API lists newest first). */
  messages: ChatMessage[];
}
/** What `GET /v1/plans/{planId}/me` answers a participant token of `viewer`. */
const meOf = (d: Data, viewer = ME) => ({
  participantId: viewer,
  role: d.participants.find((p) => p.participantId === viewer && p.removedAt === null)?.role ?? null,
  staff: false,
});
const routes = (d: Data, viewer = ME) =>
  [
    ["GET", P, 200, d.plan],
    ["GET", `${P}/me`, 200, meOf(d, viewer)],
    ["GET", `${P}/proposals`, 200, page(d.proposals)],
    ["GET", `${P}/participants`, 200, page(d.participants)],
    ["GET", `${P}/balances`, 200, d.balances],
    ["GET", `${P}/payments`, 200, page(d.payments)],
    ["GET", `${P}/messages`, 200, page([...d.messages].reverse())],
  ] as const;

const PEOPLE = [participant(ANA, "Ana", "organizer"), participant(ME, "Grace"), participant(BEN, "Ben")];
const data = (overrides: Partial<Data> = {}): Data => ({
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

let realtime: ReturnType<typeof fakeRealtime>;
const realFetch = globalThis.fetch;
afterEach(() => {
  realtime?.restore();
  globalThis.fetch = realFetch;
  localStorage.clear();
  return emulateMedia({ colorScheme: "light" });
});

/** A loaded board for `viewer` (a participant token), answered with `d`. */
async function board(api: FakeApi, d: Data, viewer = ME) {
  const client = api.client();
  realtime = fakeRealtime(client);
  const el = await fixture<GkPlanBoard>(
    html`<gk-plan-board .client=${client} plan=${PLAN_ID} token=${participantToken(viewer)}></gk-plan-board>`,
  );
  await answer(api, routes(d, viewer));
  await waitUntil(() => part(el, "board"), "the board never loaded");
  await el.updateComplete;
  return el;
}

describe("<gk-plan-board>", () => {
  it("loads the plan, proposals, people, balances and chat, and shows them to a participant", async () => {
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const el = await fixture<GkPlanBoard>(
      html`<gk-plan-board .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-plan-board>`,
    );
    expect(text(el.shadowRoot!.querySelector('[aria-live="polite"]'))).to.equal("Loading the plan…");
    await expect(el).to.be.accessible();

    const d = data({
      plan: plan({ votingDeadline: new Date(Date.now() + 5 * 86_400_000 + 60_000).toISOString() }),
      balances: {
        currency: "EUR",
        balances: [
          {
            participantId: ANA,
            paid: 3000,
            share: 1750,
            sent: 0,
            received: 0,
            pendingOut: 0,
            pendingIn: 0,
            net: 1250,
            outstanding: 1250,
            status: "owed",
          },
          {
            participantId: ME,
            paid: 0,
            share: 1250,
            sent: 0,
            received: 0,
            pendingOut: 0,
            pendingIn: 0,
            net: -1250,
            outstanding: -1250,
            status: "owes",
          },
        ],
        transfers: [{ fromParticipantId: ME, toParticipantId: ANA, amount: 1250 }],
      },
      messages: [message("msg_00000001", ANA, "Ana", "Who is in for Friday?", "2030-06-01T10:00:00.000Z")],
    });
    const requests = await answer(api, routes(d));
    expect(requests[2]!.url.searchParams.get("limit")).to.equal("100");
    expect(requests[3]!.url.searchParams.get("includeRemoved")).to.equal("true");
    expect(requests[6]!.url.searchParams.get("limit")).to.equal("50");
    await waitUntil(() => part(el, "board"), "the board never loaded");
    await el.updateComplete;

    expect(text(part(el, "title"))).to.equal("Lisbon long weekend Planning");
    expect(text(part(el, "facts"))).to.match(/^Trip · .+ · Lisbon, Portugal$/);
    expect(text(part(el, "deadline"))).to.match(/\(in 5 days\)\.$/);
    expect(parts(el, "proposal-title").map(text)).to.deep.equal(["Sunset sail", "Tile museum"]);
    expect(text(parts(el, "proposal")[0]!.querySelector('[part~="tally"]'))).to.equal("Yes 2 Maybe 0 No 0");
    expect($<HTMLInputElement>(el, 'input[name="vote-prop_a000000000"][value="yes"]').checked).to.equal(true);
    // A trip: every participant may propose; organizer controls are for organizers only.
    expect(part(el, "propose")).to.not.equal(null);
    expect(part(el, "organizer-controls")).to.equal(null);
    expect(part(el, "select-button")).to.equal(null);
    expect(part(el, "itinerary")).to.equal(null);

    expect(parts(el, "participant").map(text)).to.deep.equal(["offline: Ana Organizer", "offline: Ben", "offline: Grace You"]);
    expect(parts(el, "transfer").map(text)).to.deep.equal(["You pay Ana €12.50 Mark as paid"]);
    expect(parts(el, "balance").map(text)).to.deep.equal(["Ana: is owed €12.50", "You: owe €12.50"]);
    expect(parts(el, "message").map((m) => text(m.querySelector('[part~="message-author"]')))).to.deep.equal(["Ana"]);
    expect(text(part(el, "messages"))).to.contain("Who is in for Friday?");

    // Presence from the plan's room.
    expect(realtime.open).to.equal(1);
    realtime.handlers!.onPresence!([
      { id: ANA, name: "Ana" },
      { id: "usr_staff", name: "Staff" },
    ]);
    await el.updateComplete;
    expect(parts(el, "participant-online").map(text)).to.deep.equal(["online: Ana Organizer"]);

    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    await expect(el).to.be.accessible();
  });

  it("shows organizer controls to organizers only, and proposing to organizers only in event plans", async () => {
    const organizer = await board(new FakeApi(), data(), ANA);
    expect(part(organizer, "finalize-button")).to.not.equal(null);
    expect(parts(organizer, "select-button")).to.have.length(2);
    expect(parts(organizer, "reject-button")).to.have.length(2);
    expect(part(organizer, "propose")).to.not.equal(null);
    await expect(organizer).to.be.accessible();

    const participantView = await board(new FakeApi(), data({ plan: plan({ type: "event" }) }), ME);
    expect(part(participantView, "finalize-button")).to.equal(null);
    expect(part(participantView, "select-button")).to.equal(null);
    expect(part(participantView, "propose")).to.equal(null);

    // A participant promoted while the board is open gets the controls.
    realtime.handlers!["plan.participant_changed"]!(
      { planId: PLAN_ID, participantId: ME, name: "Grace", role: "organizer", removed: false },
      { seq: 1 },
    );
    await participantView.updateComplete;
    expect(part(participantView, "finalize-button")).to.not.equal(null);
    expect(part(participantView, "propose")).to.not.equal(null);
  });

  it("asks the API who the viewer is: staff with a client and no token get the organizer controls", async () => {
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const el = await fixture<GkPlanBoard>(html`<gk-plan-board .client=${client} plan=${PLAN_ID}></gk-plan-board>`);
    const d = data({ plan: plan({ type: "event" }) });
    const [, me] = await answer(api, [
      routes(d)[0],
      ["GET", `${P}/me`, 200, { participantId: null, role: "organizer", staff: true }],
      ...routes(d).slice(2),
    ]);
    expect(me!.url.pathname).to.equal(`${P}/me`);
    await waitUntil(() => part(el, "board"), "the board never loaded");
    await el.updateComplete;
    expect(part(el, "finalize-button")).to.not.equal(null);
    expect(parts(el, "select-button")).to.have.length(2);
    expect(part(el, "propose")).to.not.equal(null);
    // Staff are nobody in the list of people.
    expect(parts(el, "participant").map(text)).to.deep.equal(["offline: Ana Organizer", "offline: Ben", "offline: Grace"]);
    await expect(el).to.be.accessible();
  });

  it("says who you are from the API's answer, not the token, and falls back to the token when it fails", async () => {
    // The API's answer wins: a token whose claim names Ben, but the API says Grace (an organizer).
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const d = data({ participants: [participant(ANA, "Ana"), participant(ME, "Grace", "organizer"), participant(BEN, "Ben")] });
    const el = await fixture<GkPlanBoard>(
      html`<gk-plan-board .client=${client} plan=${PLAN_ID} token=${participantToken(BEN)}></gk-plan-board>`,
    );
    await answer(api, routes(d, ME));
    await waitUntil(() => part(el, "board"), "the board never loaded");
    await el.updateComplete;
    expect(parts(el, "participant").map(text)).to.contain("offline: Grace You Organizer");
    expect(part(el, "finalize-button")).to.not.equal(null);

    // `me` failing: the token's participant (Ben, a participant) is "you", without organizer controls.
    const api2 = new FakeApi();
    const client2 = api2.client();
    realtime = fakeRealtime(client2);
    const el2 = await fixture<GkPlanBoard>(
      html`<gk-plan-board .client=${client2} plan=${PLAN_ID} token=${participantToken(BEN)}></gk-plan-board>`,
    );
    await answer(api2, [routes(d)[0], ["GET", `${P}/me`, 503, problem(503, "unavailable", "Try again.")], ...routes(d).slice(2)]);
    await waitUntil(() => part(el2, "board"), "the board never loaded");
    await el2.updateComplete;
    expect(parts(el2, "participant").map(text)).to.contain("offline: Ben You");
    expect(part(el2, "finalize-button")).to.equal(null);
    await expect(el2).to.be.accessible();
  });

  it("lets an organizer reject, reopen and select proposals from the keyboard", async () => {
    const api = new FakeApi();
    const el = await board(api, data(), ANA);
    const [sail] = data().proposals;

    parts(el, "reject-button")[0]!.focus();
    await sendKeys({ press: "Enter" });
    const reject = await api.next();
    expect(reject.init.method).to.equal("POST");
    expect(reject.url.pathname).to.equal(`${P}/proposals/prop_a000000000/reject`);
    reject.respond(200, { ...sail, status: "rejected", myVote: null });
    await waitUntil(() => part(el, "reopen-button"), "never offered Reopen");
    expect(text(parts(el, "proposal-title")[0]!)).to.equal("Sunset sail Rejected");
    // The pressed button is gone: focus moved to its replacement.
    expect(active(el)).to.equal(part(el, "reopen-button"));
    await expect(el).to.be.accessible();

    await sendKeys({ press: "Enter" });
    const reopen = await api.next();
    expect(reopen.url.pathname).to.equal(`${P}/proposals/prop_a000000000/reopen`);
    reopen.respond(409, problem(409, "proposal_not_open", "Cannot reopen a proposal that is proposed."));
    await waitUntil(() => part(el, "proposal-error"), "never showed the refusal");
    expect(text(part(el, "proposal-error"))).to.equal("Cannot reopen a proposal that is proposed.");
    await expect(el).to.be.accessible();

    parts(el, "select-button")[0]!.focus();
    await sendKeys({ press: "Space" });
    const select = await api.next();
    expect(select.url.pathname).to.equal(`${P}/proposals/prop_b000000000/select`);
    select.respond(200, { ...data().proposals[1]!, status: "selected" });
    await waitUntil(() => parts(el, "proposal-title")[1]!.textContent!.includes("Selected"), "never marked Selected");
    // Its buttons are gone: focus is on the proposal's title, not lost to the page.
    await el.updateComplete;
    expect(active(el)).to.equal(parts(el, "proposal-title")[1]);
  });

  it("takes and gives up a place in a proposal with a capacity, says Full, and shows the API's refusal", async () => {
    const api = new FakeApi();
    const boat = proposal({ id: "prop_a000000000", title: "Sunset sail", capacity: 2, takenCount: 1 });
    const bus = proposal({ id: "prop_b000000000", title: "Day bus", capacity: 1, takenCount: 0 });
    const el = await board(api, data({ proposals: [boat, bus, proposal({ id: "prop_c000000000", title: "Tile museum" })] }));
    const card = (i: number) => parts(el, "proposal")[i]!;
    const inCard = (i: number, name: string) => card(i).querySelector<HTMLElement>(`[part~="${name}"]`);
    expect(text(inCard(0, "places-count"))).to.equal("1 of 2 places taken");
    expect(text(inCard(1, "places-count"))).to.equal("0 of 1 places taken");
    // No capacity: no places to take.
    expect(inCard(2, "places")).to.equal(null);
    await expect(el).to.be.accessible();

    inCard(0, "commit-button")!.focus();
    await sendKeys({ press: "Enter" });
    const take = await api.next();
    expect([take.init.method, take.url.pathname]).to.deep.equal(["POST", `${P}/proposals/prop_a000000000/commitment`]);
    take.respond(201, { ...boat, takenCount: 2, committed: true });
    await waitUntil(() => inCard(0, "uncommit-button"), "never offered to give the place up");
    await el.updateComplete;
    expect(text(inCard(0, "places-count"))).to.equal("2 of 2 places taken Full You have a place");
    expect(active(el)).to.equal(inCard(0, "uncommit-button"));
    expect(inCard(0, "commit-button")).to.equal(null);
    await expect(el).to.be.accessible();

    await sendKeys({ press: "Enter" });
    const [giveUp] = await answer(api, [
      ["DELETE", `${P}/proposals/prop_a000000000/commitment`, 204],
      ["GET", `${P}/proposals/prop_a000000000`, 200, { ...boat, takenCount: 1, committed: false }],
    ]);
    expect(giveUp!.init.method).to.equal("DELETE");
    await waitUntil(() => inCard(0, "commit-button"), "never offered the place again");
    await el.updateComplete;
    expect(text(inCard(0, "places-count"))).to.equal("1 of 2 places taken");
    expect(active(el)).to.equal(inCard(0, "commit-button"));

    // Someone else took the last place meanwhile: the API's detail, then the count as it is now.
    inCard(1, "commit-button")!.focus();
    await sendKeys({ press: "Enter" });
    const detail = "Every place in Day bus is taken.";
    await answer(api, [
      ["POST", `${P}/proposals/prop_b000000000/commitment`, 409, problem(409, "proposal_full", detail)],
      ["GET", `${P}/proposals/prop_b000000000`, 200, { ...bus, takenCount: 1 }],
    ]);
    await waitUntil(() => text(inCard(1, "places-count")).includes("Full"), "never showed it full");
    await el.updateComplete;
    expect(text(inCard(1, "places-error")!.querySelector('[role="alert"]'))).to.equal(detail);
    expect(text(inCard(1, "places-count"))).to.equal("1 of 1 places taken Full");
    expect(inCard(1, "commit-button")).to.equal(null);
    expect(active(el)).to.equal(inCard(1, "places-error"));
    await expect(el).to.be.accessible();
  });

  it("finalizes after a confirmation, then shows the itinerary with an Add to calendar link", async () => {
    const api = new FakeApi();
    const selected = proposal({ id: "prop_a000000000", title: "Sunset sail", status: "selected", startsAt: "2030-07-01T17:00:00.000Z" });
    const el = await board(api, data({ proposals: [selected, proposal({ id: "prop_b000000000", title: "Tile museum" })] }), ANA);

    part(el, "finalize-button")!.focus();
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    expect(text($(el, "#finalize-question"))).to.equal(
      "Finalize with the proposal marked Selected? Voting closes and the itinerary is fixed.",
    );
    expect(active(el)).to.equal(part(el, "finalize-confirm"));
    await expect(el).to.be.accessible();

    // Cancel returns to the button.
    part(el, "finalize-cancel")!.focus();
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    expect(active(el)).to.equal(part(el, "finalize-button"));
    expect(api.requests).to.have.length(7);

    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    await sendKeys({ press: "Enter" });
    const finalize = await api.next();
    expect(finalize.url.pathname).to.equal(`${P}/finalize`);
    expect(body(finalize)).to.deep.equal({ mode: "select", proposalIds: ["prop_a000000000"] });
    const calendarUrl = `https://api.test/v1/plans/${PLAN_ID}/calendar.ics?token=cal_secret`;
    const finalized = plan({ status: "finalized", finalizedAt: "2030-06-10T00:00:00.000Z", calendarUrl });
    finalize.respond(200, finalized);
    await answer(
      api,
      routes(
        data({ plan: finalized, proposals: [selected, proposal({ id: "prop_b000000000", title: "Tile museum", status: "rejected" })] }),
      ),
    );
    await waitUntil(() => part(el, "itinerary"), "never showed the itinerary");
    await el.updateComplete;
    expect(text(part(el, "status"))).to.equal("Finalized");
    expect(parts(el, "itinerary")[0]!.querySelectorAll("li")).to.have.length(1);
    expect(text(part(el, "itinerary"))).to.match(/^Sunset sail /);
    expect(part(el, "calendar-link")!.getAttribute("href")).to.equal(calendarUrl);
    expect(part(el, "finalize-button")).to.equal(null);
    expect(part(el, "proposals")).to.equal(null);
    expect(active(el)).to.equal($(el, "#itinerary-title"));
    await expect(el).to.be.accessible();
  });

  it("votes by keyboard on a card, emits gk-vote-cast, and rolls back when voting has closed (409)", async () => {
    const api = new FakeApi();
    const el = await board(api, data());
    const cast = oneEvent(el, "gk-vote-cast");
    $<HTMLInputElement>(el, 'input[name="vote-prop_b000000000"][value="yes"]').focus();
    await sendKeys({ press: "Space" });
    const request = await api.next();
    expect(request.init.method).to.equal("PUT");
    expect(request.url.pathname).to.equal(`${P}/proposals/prop_b000000000/vote`);
    expect(body(request)).to.deep.equal({ value: "yes" });
    request.respond(200, {
      vote: {
        id: "vote_0000000000000001",
        planId: PLAN_ID,
        proposalId: "prop_b000000000",
        participantId: ME,
        value: "yes",
        createdAt: "2030-06-02T00:00:00.000Z",
        updatedAt: "2030-06-02T00:00:00.000Z",
      },
      tally: tally("prop_b000000000", { yes: 1, no: 1 }),
    });
    expect((await cast).detail).to.deep.equal({ planId: PLAN_ID, proposalId: "prop_b000000000", value: "yes", participantId: ME });

    await sendKeys({ press: "ArrowRight" });
    const closed = await api.next();
    expect(body(closed)).to.deep.equal({ value: "maybe" });
    closed.respond(409, problem(409, "voting_closed", "Voting closed at the deadline, 2030-06-05T00:00:00.000Z."));
    await waitUntil(() => part(el, "vote-error"), "never showed the refusal");
    expect(text(part(el, "vote-error"))).to.equal("Voting closed at the deadline, 2030-06-05T00:00:00.000Z.");
    expect($<HTMLInputElement>(el, 'input[name="vote-prop_b000000000"][value="yes"]').checked).to.equal(true);
    expect(text(parts(el, "proposal")[1]!.querySelector('[part~="tally"]'))).to.equal("Yes 1 Maybe 0 No 1");
    await expect(el).to.be.accessible();
  });

  it("hides results until the deadline; an organizer keeps seeing counts when the room hides them", async () => {
    const deadline = new Date(Date.now() + 86_400_000 * 2).toISOString();
    const hidden = data({
      plan: plan({ votingDeadline: deadline, hideVotesUntilDeadline: true }),
      proposals: [proposal({ id: "prop_a000000000", title: "Sunset sail", tally: hiddenTally("prop_a000000000", 3) })],
    });
    const el = await board(new FakeApi(), hidden);
    expect(text(part(el, "tally-hidden"))).to.equal("Results appear after the deadline. 3 votes so far.");
    await expect(el).to.be.accessible();

    const api = new FakeApi();
    const organizerView = await board(
      api,
      {
        ...hidden,
        proposals: [proposal({ id: "prop_a000000000", title: "Sunset sail", tally: tally("prop_a000000000", { yes: 2, no: 1 }) })],
      },
      ANA,
    );
    expect(part(organizerView, "tally-hidden")).to.equal(null);
    realtime.handlers!["plan.tally_changed"]!({ planId: PLAN_ID, tally: hiddenTally("prop_a000000000", 4) }, { seq: 1 });
    const [tallies] = await answer(api, [["GET", `${P}/tallies`, 200, { data: [tally("prop_a000000000", { yes: 3, no: 1 })] }]]);
    expect(tallies!.url.pathname).to.equal(`${P}/tallies`);
    await waitUntil(() => text(part(organizerView, "tally")) === "Yes 3 Maybe 0 No 1", "never reloaded the tallies");
  });

  it("proposes through the form and emits gk-proposal-created", async () => {
    const api = new FakeApi();
    const el = await board(api, data());
    const summary = $(el, '[part~="propose-summary"]');
    summary.focus();
    await sendKeys({ press: "Enter" });
    expect($<HTMLDetailsElement>(el, "details").open).to.equal(true);
    await expect(el).to.be.accessible();

    $<HTMLInputElement>(el, "#p-title").focus();
    await sendKeys({ type: "Fado night" });
    $<HTMLInputElement>(el, "#p-starts").value = "2030-07-02T21:00";
    $<HTMLInputElement>(el, "#p-cost").value = "12,5";

    // A cost that is not an amount is explained without asking the API.
    $<HTMLInputElement>(el, "#p-cost").value = "twelve";
    $<HTMLInputElement>(el, "#p-title").focus();
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    expect(text(part(el, "form-error"))).to.equal("Enter the cost as an amount in EUR, such as 12.50.");
    expect(api.requests).to.have.length(7);

    $<HTMLInputElement>(el, "#p-cost").value = "12,5";
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
    await el.updateComplete;
    expect(parts(el, "proposal-title").map(text)).to.deep.equal(["Sunset sail", "Tile museum", "Fado night"]);
    expect(text(parts(el, "proposal-meta")[0]!)).to.match(/€12\.50 per person$/);
    expect(text(part(el, "form-status"))).to.equal("Added “Fado night”.");
    expect($<HTMLInputElement>(el, "#p-title").value).to.equal("");
    expect(active(el)).to.equal($(el, "#p-title"));
    await expect(el).to.be.accessible();

    // The room echoes the new proposal: it is not listed twice.
    const { myVote: _, committed: __, ...shared } = fado;
    realtime.handlers!["plan.proposal_changed"]!({ proposal: shared }, { seq: 1 });
    await el.updateComplete;
    expect(parts(el, "proposal")).to.have.length(3);

    // Validation failures list their fields.
    $<HTMLInputElement>(el, "#p-title").focus();
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

  it("sends chat messages, emits gk-message-sent, and shows others' messages live", async () => {
    const api = new FakeApi();
    const el = await board(api, data({ messages: [message("msg_00000001", ANA, "Ana", "Hello!")] }));
    $<HTMLInputElement>(el, "#chat-input").focus();
    await sendKeys({ type: "Count me in" });
    // The others see that the viewer is typing: told every few seconds, not per key.
    expect(realtime.typing[0]).to.equal(true);
    expect(realtime.typing.length).to.be.below("Count me in".length);
    expect(realtime.typing.every((t) => t)).to.equal(true);
    const sent = oneEvent(el, "gk-message-sent");
    await sendKeys({ press: "Enter" });
    const request = await api.next();
    expect(request.init.method).to.equal("POST");
    expect(request.url.pathname).to.equal(`${P}/messages`);
    expect(body(request)).to.deep.equal({ body: "Count me in" });
    const mine = message("msg_00000002", ME, "Grace", "Count me in", "2030-06-01T10:05:00.000Z");
    request.respond(201, mine);
    expect((await sent).detail).to.deep.equal({ planId: PLAN_ID, message: mine });
    await el.updateComplete;
    expect(parts(el, "message").map((m) => text(m.querySelector('[part~="message-author"]')))).to.deep.equal(["Ana", "You"]);
    expect($<HTMLInputElement>(el, "#chat-input").value).to.equal("");
    expect(active(el)).to.equal($(el, "#chat-input"));
    expect(realtime.typing.at(-1)).to.equal(false);

    const h = realtime.handlers!;
    h.onTyping!({ id: BEN, name: "Ben", typing: true });
    h.onTyping!({ id: ANA, name: "Ana", typing: true });
    await el.updateComplete;
    expect(text(part(el, "typing"))).to.equal("Ben and Ana are typing…");
    await expect(el).to.be.accessible();
    h.onTyping!({ id: ANA, name: "Ana", typing: false });
    await el.updateComplete;
    expect(text(part(el, "typing"))).to.equal("Ben is typing…");
    h["plan.message_changed"]!({ change: "created", message: mine }, { seq: 1 });
    h["plan.message_changed"]!(
      { change: "created", message: message("msg_00000003", BEN, "Ben", "Me too", "2030-06-01T10:06:00.000Z") },
      { seq: 2 },
    );
    h["plan.message_changed"]!(
      { change: "deleted", message: { ...message("msg_00000001", ANA, "Ana", ""), body: null, deletedAt: "2030-06-01T10:07:00.000Z" } },
      { seq: 3 },
    );
    await el.updateComplete;
    expect(parts(el, "message")).to.have.length(3);
    // Ben's message arrived: he is no longer typing.
    expect(part(el, "typing")).to.equal(null);
    expect(text(parts(el, "message")[0]!)).to.contain("Message deleted.");
    expect(text(parts(el, "message")[2]!)).to.contain("Me too");
    await expect(el).to.be.accessible();

    // A refused message stays in the input with the reason.
    $<HTMLInputElement>(el, "#chat-input").focus();
    await sendKeys({ type: "x" });
    await sendKeys({ press: "Enter" });
    (await api.next()).respond(403, problem(403, "not_a_participant", "You are not a participant of this plan."));
    await waitUntil(() => part(el, "form-error"), "never showed the refusal");
    expect(text(part(el, "form-error"))).to.equal("You are not a participant of this plan.");
    expect($<HTMLInputElement>(el, "#chat-input").value).to.equal("x");
  });

  it("marks a settle-up transfer as paid and confirms a payment received, reloading balances after each", async () => {
    const api = new FakeApi();
    const row = (participantId: string, outstanding: number, pendingIn = 0, pendingOut = 0) => ({
      participantId,
      paid: 0,
      share: 0,
      sent: 0,
      received: 0,
      pendingOut,
      pendingIn,
      net: outstanding - pendingOut + pendingIn,
      outstanding,
      status: outstanding < 0 ? ("owes" as const) : outstanding > 0 ? ("owed" as const) : ("settled" as const),
    });
    const pending: Payment = {
      id: "pay_0000000001",
      planId: PLAN_ID,
      fromParticipantId: BEN,
      toParticipantId: ME,
      amount: 800,
      currency: "EUR",
      status: "pending",
      note: null,
      recordedByParticipantId: BEN,
      createdAt: "2030-06-01T10:00:00.000Z",
      receivedAt: null,
      cancelledAt: null,
    };
    const el = await board(
      api,
      data({
        balances: {
          currency: "EUR",
          balances: [row(ANA, 1250), row(ME, -1250, 800), row(BEN, 0, 0, 800)],
          transfers: [{ fromParticipantId: ME, toParticipantId: ANA, amount: 1250 }],
        },
        payments: [pending, { ...pending, id: "pay_0000000002", toParticipantId: ANA }],
      }),
    );
    // Only the viewer's own transfers get a button; only payments to the viewer wait for them.
    expect(parts(el, "mark-paid-button")).to.have.length(1);
    expect(parts(el, "payment-to-confirm").map(text)).to.deep.equal(["Ben says they paid you €8.00 Confirm received"]);
    await expect(el).to.be.accessible();

    part(el, "mark-paid-button")!.focus();
    await sendKeys({ press: "Enter" });
    const [created] = await answer(api, [
      [
        "POST",
        `${P}/payments`,
        201,
        { ...pending, id: "pay_0000000003", fromParticipantId: ME, toParticipantId: ANA, amount: 1250, recordedByParticipantId: ME },
      ],
      [
        "GET",
        `${P}/balances`,
        200,
        { currency: "EUR", balances: [row(ANA, 0, 1250), row(ME, 0, 800, 1250), row(BEN, 0, 0, 800)], transfers: [] },
      ],
      ["GET", `${P}/payments`, 200, page([pending])],
    ]);
    expect(body(created!)).to.deep.equal({ fromParticipantId: ME, toParticipantId: ANA, amount: 1250, currency: "EUR" });
    await waitUntil(() => !part(el, "mark-paid-button"), "never reloaded the balances");
    await el.updateComplete;
    expect(active(el)).to.equal($(el, "#money-title"));

    part(el, "confirm-received-button")!.focus();
    await sendKeys({ press: "Enter" });
    const detail = "Only the recipient or an organizer can confirm a payment.";
    const [refused] = await answer(api, [["PATCH", `${P}/payments/pay_0000000001`, 403, problem(403, "permission_denied", detail)]]);
    expect(body(refused!)).to.deep.equal({ status: "received" });
    await waitUntil(() => part(el, "payment-error"), "never showed the refusal");
    expect(text(part(el, "payment-error")!.querySelector('[role="alert"]'))).to.equal(detail);

    await sendKeys({ press: "Enter" });
    await answer(api, [
      ["PATCH", `${P}/payments/pay_0000000001`, 200, { ...pending, status: "received", receivedAt: "2030-06-02T10:00:00.000Z" }],
      ["GET", `${P}/balances`, 200, { currency: "EUR", balances: [], transfers: [] }],
      ["GET", `${P}/payments`, 200, page([{ ...pending, status: "received" }])],
    ]);
    await waitUntil(() => !part(el, "payment-to-confirm"), "never reloaded after confirming");

    // A payment recorded elsewhere reloads them too.
    realtime.handlers!["plan.payment_changed"]!({ payment: pending }, { seq: 1 });
    await answer(api, [
      ["GET", `${P}/balances`, 200, { currency: "EUR", balances: [], transfers: [] }],
      ["GET", `${P}/payments`, 200, page([pending])],
    ]);
    await waitUntil(() => part(el, "payment-to-confirm"), "never reloaded on plan.payment_changed");
    await expect(el).to.be.accessible();
  });

  it("edits and deletes one's own chat messages; organizers may delete anyone's; shows (edited) and tombstones", async () => {
    const api = new FakeApi();
    const mine = message("msg_00000001", ME, "Grace", "See you at 9");
    const anas = message("msg_00000002", ANA, "Ana", "Bring sunscreen", "2030-06-01T10:01:00.000Z");
    const el = await board(api, data({ messages: [mine, anas] }));
    const msg = (i: number, name: string) => parts(el, "message")[i]!.querySelector<HTMLElement>(`[part~="${name}"]`);
    // A participant: Edit and Delete on their own message only.
    expect(msg(0, "message-edit-button")).to.not.equal(null);
    expect(msg(0, "message-delete-button")).to.not.equal(null);
    expect(msg(1, "message-actions")).to.equal(null);
    await expect(el).to.be.accessible();

    msg(0, "message-edit-button")!.focus();
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    const input = $<HTMLInputElement>(el, "#edit-input");
    expect(active(el)).to.equal(input);
    expect(input.value).to.equal("See you at 9");
    await expect(el).to.be.accessible();
    // Escape cancels, back on Edit.
    await sendKeys({ press: "Escape" });
    await el.updateComplete;
    expect(part(el, "message-edit-form")).to.equal(null);
    expect(active(el)).to.equal(msg(0, "message-edit-button"));

    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    $<HTMLInputElement>(el, "#edit-input").value = "";
    await sendKeys({ type: "See you at 10" });
    await sendKeys({ press: "Enter" });
    const [edit] = await answer(api, [
      ["PATCH", `${P}/messages/msg_00000001`, 200, { ...mine, body: "See you at 10", editedAt: "2030-06-01T10:05:00.000Z" }],
    ]);
    expect(body(edit!)).to.deep.equal({ body: "See you at 10" });
    await waitUntil(() => !part(el, "message-edit-form"), "never saved the edit");
    await el.updateComplete;
    expect(text(parts(el, "message")[0]!.querySelector("p"))).to.equal("See you at 10 (edited)");
    expect(active(el)).to.equal(msg(0, "message-edit-button"));

    msg(0, "message-delete-button")!.focus();
    await sendKeys({ press: "Enter" });
    const [del] = await answer(api, [["DELETE", `${P}/messages/msg_00000001`, 204]]);
    expect(del!.init.method).to.equal("DELETE");
    await waitUntil(() => msg(0, "message-deleted"), "never showed the tombstone");
    await el.updateComplete;
    expect(text(msg(0, "message-deleted"))).to.equal("Message deleted.");
    expect(msg(0, "message-actions")).to.equal(null);
    expect(active(el)).to.equal(msg(0, "message-deleted"));
    // Someone else's deletion arrives from the room as a tombstone too.
    realtime.handlers!["plan.message_changed"]!(
      { change: "deleted", message: { ...anas, body: null, deletedAt: "2030-06-01T10:06:00.000Z" } },
      { seq: 1 },
    );
    await el.updateComplete;
    expect(text(msg(1, "message-deleted"))).to.equal("Message deleted.");
    await expect(el).to.be.accessible();

    // An organizer may delete anyone's message (but edits only their own); the API's refusal is shown.
    const api2 = new FakeApi();
    const organizer = await board(api2, data({ messages: [message("msg_00000003", ME, "Grace", "Hi")] }), ANA);
    const m = parts(organizer, "message")[0]!;
    expect(m.querySelector('[part~="message-edit-button"]')).to.equal(null);
    m.querySelector<HTMLElement>('[part~="message-delete-button"]')!.focus();
    await sendKeys({ press: "Enter" });
    const detail = "This message can no longer be deleted.";
    await answer(api2, [["DELETE", `${P}/messages/msg_00000003`, 409, problem(409, "conflict", detail)]]);
    await waitUntil(() => part(organizer, "message-error"), "never showed the refusal");
    expect(text(part(organizer, "message-error")!.querySelector('[role="alert"]'))).to.equal(detail);
    await expect(organizer).to.be.accessible();
  });

  it("reloads balances when costs change and follows people joining", async () => {
    const api = new FakeApi();
    const el = await board(api, data());
    expect(text(part(el, "money-section"))).to.equal("Who owes whom Nobody owes anything yet.");
    realtime.handlers!["plan.expense_changed"]!({ planId: PLAN_ID, expenseId: "exp_0000000001", deleted: false }, { seq: 1 });
    await answer(api, [
      [
        "GET",
        `${P}/balances`,
        200,
        {
          currency: "EUR",
          balances: [
            {
              participantId: BEN,
              paid: 0,
              share: 500,
              sent: 0,
              received: 0,
              pendingOut: 0,
              pendingIn: 0,
              net: -500,
              outstanding: -500,
              status: "owes",
            },
            {
              participantId: ANA,
              paid: 500,
              share: 0,
              sent: 0,
              received: 0,
              pendingOut: 0,
              pendingIn: 0,
              net: 500,
              outstanding: 500,
              status: "owed",
            },
          ],
          transfers: [{ fromParticipantId: BEN, toParticipantId: ANA, amount: 500 }],
        },
      ],
      ["GET", `${P}/payments`, 200, page([])],
    ]);
    await waitUntil(() => part(el, "transfer"), "never reloaded the balances");
    expect(text(part(el, "transfer"))).to.equal("Ben pays Ana €5.00");

    realtime.handlers!["plan.participant_changed"]!(
      { planId: PLAN_ID, participantId: "ptc_zoe0000000000000000", name: "Zoe", role: "participant", removed: false },
      { seq: 2 },
    );
    realtime.handlers!["plan.participant_changed"]!(
      { planId: PLAN_ID, participantId: BEN, name: "Ben", role: "participant", removed: true },
      { seq: 3 },
    );
    await el.updateComplete;
    expect(parts(el, "participant").map(text)).to.deep.equal(["offline: Ana Organizer", "offline: Grace You", "offline: Zoe"]);
    // Someone who left is still named in the balances.
    expect(text(part(el, "transfer"))).to.equal("Ben pays Ana €5.00");
  });

  it("shows the API's explanation when the plan cannot be loaded", async () => {
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const el = await fixture<GkPlanBoard>(
      html`<gk-plan-board .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-plan-board>`,
    );
    const failed = oneEvent(el, "gk-error");
    const detail = "You are not a participant of this plan.";
    await answer(
      api,
      routes(data()).map(([m, path]) => [m, path, 403, problem(403, "not_a_participant", detail)] as const),
    );
    expect((await failed).detail.code).to.equal("not_a_participant");
    await waitUntil(() => part(el, "error"), "never showed the error");
    expect(text(part(el, "error")!.querySelector("p"))).to.equal(detail);
    expect(realtime.open).to.equal(0);
    await expect(el).to.be.accessible();
  });

  describe("joining through an invite", () => {
    const CODE = "7m2q9xk4c8vhz1ntb5r3ds";
    const joinResult = (token: string) => ({
      token,
      expiresAt: "2030-07-01T00:00:00.000Z",
      plan: plan(),
      participant: participant(ME, "Grace"),
    });

    /** A board that builds its own client from attributes, over the fake API (the global fetch). */
    async function inviteBoard(api: FakeApi, remember = false) {
      globalThis.fetch = api.fetch as typeof fetch;
      realtime = fakeRealtime(api.client());
      return fixture<GkPlanBoard>(
        html`<gk-plan-board api-base="https://api.test" publishable-key="gk_pk_site" invite=${CODE} ?remember=${remember}></gk-plan-board>`,
      );
    }

    it("shows the join form, joins, keeps the token and shows the board", async () => {
      const api = new FakeApi();
      const el = await inviteBoard(api, true);
      const preview = await api.next();
      expect(preview.url.pathname).to.equal(`/v1/invites/${CODE}`);
      expect(new Headers(preview.init.headers).get("authorization")).to.equal("Bearer gk_pk_site");
      preview.respond(200, invitePreview());
      await waitUntil(() => part(el, "join-form"), "never showed the join form");
      expect(text(part(el, "join-title"))).to.equal("Join “Lisbon long weekend”");
      expect(text(part(el, "join-facts"))).to.match(/^Organized by Ana · .+ · Lisbon, Portugal · 2 people have joined$/);
      await expect(el).to.be.accessible();

      const joined = oneEvent(el, "gk-plan-joined");
      $<HTMLInputElement>(el, "#gk-join-name").focus();
      await sendKeys({ type: "Grace" });
      await sendKeys({ press: "Tab" });
      await sendKeys({ type: "grace@example.com" });
      await sendKeys({ press: "Enter" });
      const join = await api.next();
      expect(join.init.method).to.equal("POST");
      expect(join.url.pathname).to.equal(`/v1/invites/${CODE}/join`);
      expect(body(join)).to.deep.equal({ name: "Grace", email: "grace@example.com" });
      const token = participantToken(ME);
      join.respond(201, joinResult(token));
      expect((await joined).detail).to.deep.equal({ planId: PLAN_ID, participantId: ME });
      expect(el.token).to.equal(token);
      expect(el.plan).to.equal(PLAN_ID);
      expect(localStorage.getItem(`gatherkit:plan-token:${PLAN_ID}`)).to.equal(token);

      const requests = await answer(api, routes(data()));
      for (const r of requests) expect(new Headers(r.init.headers).get("authorization")).to.equal(`Bearer ${token}`);
      await waitUntil(() => part(el, "board"), "never showed the board");
      await el.updateComplete;
      expect(text(part(el, "title"))).to.equal("Lisbon long weekend Planning");
      expect(parts(el, "participant").map(text)).to.contain("offline: Grace You");
      await expect(el).to.be.accessible();

      // Back on this device: straight to the board with the remembered token.
      const again = new FakeApi();
      const second = await inviteBoard(again, true);
      (await again.next()).respond(200, invitePreview());
      const loaded = await answer(again, routes(data()));
      expect(new Headers(loaded[0]!.init.headers).get("authorization")).to.equal(`Bearer ${token}`);
      await waitUntil(() => part(second, "board"), "never showed the board");
    });

    it("forgets a remembered token the API no longer accepts and asks to join again", async () => {
      localStorage.setItem(`gatherkit:plan-token:${PLAN_ID}`, participantToken(ME));
      const api = new FakeApi();
      const el = await inviteBoard(api, true);
      (await api.next()).respond(200, invitePreview());
      const requests = await answer(
        api,
        routes(data()).map(([m, path]) => [m, path, 401, problem(401, "token_expired", "The token has expired. Get a new one.")] as const),
      );
      expect(new Headers(requests[0]!.init.headers).get("authorization")).to.equal(`Bearer ${participantToken(ME)}`);
      // Back to the invite: the join form, with the publishable key.
      const preview = await api.next();
      expect(preview.url.pathname).to.equal(`/v1/invites/${CODE}`);
      expect(new Headers(preview.init.headers).get("authorization")).to.equal("Bearer gk_pk_site");
      preview.respond(200, invitePreview());
      await waitUntil(() => part(el, "join-form"), "never asked to join again");
      expect(localStorage.getItem(`gatherkit:plan-token:${PLAN_ID}`)).to.equal(null);
      expect(el.token).to.equal(undefined);
      await expect(el).to.be.accessible();
    });

    it("shows why the invite cannot be used, and the API's refusal of a join", async () => {
      const api = new FakeApi();
      const used = await inviteBoard(api);
      (await api.next()).respond(200, invitePreview({ status: "exhausted" }));
      await waitUntil(() => part(used, "join"), "never showed the invite");
      expect(part(used, "join-form")).to.equal(null);
      expect(text(part(used, "form-error"))).to.equal(
        "This invite link has been used as many times as it allows. Ask the organizer for a new one.",
      );
      await expect(used).to.be.accessible();

      const api2 = new FakeApi();
      const el = await inviteBoard(api2);
      (await api2.next()).respond(200, invitePreview());
      await waitUntil(() => part(el, "join-form"), "never showed the join form");
      $<HTMLInputElement>(el, "#gk-join-name").focus();
      await sendKeys({ type: "Grace" });
      await sendKeys({ press: "Enter" });
      (await api2.next()).respond(409, problem(409, "invite_exhausted", "This invite has been used up."));
      await waitUntil(() => part(el, "form-error"), "never showed the refusal");
      expect(text(part(el, "form-error"))).to.equal("This invite has been used up.");
      expect(el.token).to.equal(undefined);
      expect(localStorage.length).to.equal(0);
      await expect(el).to.be.accessible();
    });
  });

  it("is registered once even when its module is evaluated again", async () => {
    const url = new URL("./plan-board.ts", import.meta.url);
    url.search = "?copy=2";
    const copy = (await import(/* @vite-ignore */ url.href)) as typeof import("./plan-board.js");
    expect(copy.GkPlanBoard === GkPlanBoard).to.equal(false);
    expect(customElements.get("gk-plan-board") === GkPlanBoard).to.equal(true);
  });
});
