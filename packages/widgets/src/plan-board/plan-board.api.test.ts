import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { find, findAll, part, parts, rendered, text } from "../../test/dom.js";
import { type RealPlan, realPlan } from "../../test/real-plan.js";
import type { GkVote } from "../vote/vote.js";
import "../vote/vote.js";
import type { GkPlanBoard } from "./plan-board.js";
import "./plan-board.js";

let api: RealPlan;
before(async function () {
  this.timeout(150_000);
  api = await realPlan();
});

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => find<T>(el, selector)!;
/** Everything shown: no element of the board is still loading. */
/** The board and its elements (people, money and chat are defined once the first screen shows) have loaded. */
const loaded = (el: Element) => part(el, "board") !== null && !find(el, ":not(:defined)") && !find(el, '[role="progressbar"]');
const card = (el: Element, title: string) =>
  parts(el, "proposal").find((c) => text(c.querySelector('[part~="proposal-title"]')).startsWith(title))!;

describe("<gk-plan-board> and <gk-vote> against the real API", function () {
  this.timeout(30_000);

  it("joins through the invite, votes, proposes and chats; the organizer sees it and finalizes", async () => {
    const board = await fixture<GkPlanBoard>(
      html`<gk-plan-board api-base=${api.apiBase} publishable-key=${api.publishableKey} invite=${api.inviteCode}></gk-plan-board>`,
    );
    await waitUntil(() => find(board, "form.join-form"), "never showed the join form", { timeout: 10_000 });
    expect(text(part(board, "facts"))).to.contain("Organized by Olga");

    const joined = oneEvent(board, "gk-plan-joined");
    $<HTMLInputElement>(board, "#gk-join-name").focus();
    await sendKeys({ type: "Grace" });
    await sendKeys({ press: "Enter" });
    const { detail } = await joined;
    expect(detail.planId).to.equal(api.planId);
    expect(detail.participantId).to.match(/^ptc_/);
    expect(board.token).to.match(/^gk_pt_/);

    await waitUntil(() => loaded(board), "never showed the board", { timeout: 10_000 });
    await rendered(board);
    expect(text(part(board, "title"))).to.match(/^Porto weekend \d+ Planning$/);
    expect(parts(board, "proposal-title").map(text)).to.deep.equal(["Port cellars", "Boat on the Douro"]);
    expect(parts(board, "participant").map((p) => text(p).replace(/^(online|offline): /, ""))).to.deep.equal([
      "Olga Organizer",
      "Grace You",
    ]);
    // The board joins the plan's room (test/real-api.mjs runs the real rooms): Grace is online.
    await waitUntil(() => parts(board, "participant").map(text).includes("online: Grace You"), "Grace never showed online", {
      timeout: 10_000,
    });
    expect(find(board, ".finalize")).to.equal(null);
    await expect(board).to.be.accessible();

    // Vote yes by keyboard; the API's tally comes back.
    const cast = oneEvent(board, "gk-vote-cast");
    card(board, "Port cellars").querySelector<HTMLInputElement>('input[value="yes"]')!.focus();
    await sendKeys({ press: "Space" });
    expect((await cast).detail).to.include({ planId: api.planId, value: "yes" });
    await waitUntil(() => text(card(board, "Port cellars").querySelector('[part~="tally"]')) === "Yes 1 Maybe 0 No 0");

    // Propose (a trip: everyone may; the form's code is fetched once the proposals show).
    await waitUntil(() => find(board, "#p-title"), "the propose form never loaded");
    $(board, ".propose summary").focus();
    await sendKeys({ press: "Enter" });
    $<HTMLInputElement>(board, "#p-title").focus();
    await sendKeys({ type: "Francesinha dinner" });
    $<HTMLInputElement>(board, "#p-cost").value = "15";
    const created = oneEvent(board, "gk-proposal-created");
    await sendKeys({ press: "Enter" });
    const { proposal } = (await created).detail;
    expect(proposal).to.include({ title: "Francesinha dinner", planId: api.planId });
    expect(proposal.cost).to.deep.equal({ kind: "per_person", amount: 1500, currency: "EUR" });
    await waitUntil(() => parts(board, "proposal").length === 3);

    // Chat.
    $<HTMLInputElement>(board, "#chat-input").focus();
    await sendKeys({ type: "See you in Porto!" });
    const sent = oneEvent(board, "gk-message-sent");
    await sendKeys({ press: "Enter" });
    expect((await sent).detail.message).to.include({ body: "See you in Porto!", authorName: "Grace" });
    await waitUntil(() => part(board, "message"));
    await expect(board).to.be.accessible();

    // The organizer's board: their controls, Grace's vote and message.
    const organizer = await fixture<GkPlanBoard>(
      html`<gk-plan-board api-base=${api.apiBase} plan=${api.planId} token=${api.organizerToken}></gk-plan-board>`,
    );
    await waitUntil(() => loaded(organizer), "never showed the organizer's board", { timeout: 10_000 });
    await rendered(organizer);
    expect(find(organizer, ".finalize")).to.not.equal(null);
    expect(findAll(organizer, ".select")).to.have.length(3);
    expect(text(card(organizer, "Port cellars").querySelector('[part~="tally"]'))).to.equal("Yes 1 Maybe 0 No 0");
    expect(text(part(organizer, "message"))).to.contain("Grace");
    expect(text(part(organizer, "message"))).to.contain("See you in Porto!");

    // <gk-vote> with the organizer's token: a no on the boat.
    const poll = await fixture<GkVote>(html`<gk-vote api-base=${api.apiBase} plan=${api.planId} token=${api.organizerToken}></gk-vote>`);
    await waitUntil(() => part(poll, "poll"), "never showed the poll", { timeout: 10_000 });
    const boat = parts(poll, "proposal").find((c) => text(c).startsWith("Boat on the Douro"))!;
    boat.querySelector<HTMLInputElement>('input[value="no"]')!.focus();
    const pollCast = oneEvent(poll, "gk-vote-cast");
    await sendKeys({ press: "Space" });
    expect((await pollCast).detail).to.include({ value: "no" });
    await waitUntil(() => text(boat.querySelector('[part~="tally"]')) === "Yes 0 Maybe 0 No 1");
    await expect(poll).to.be.accessible();

    // Finalize with the top-voted proposal.
    find(organizer, ".finalize")!.focus();
    await sendKeys({ press: "Enter" });
    await rendered(organizer);
    expect(text($(organizer, "#finalize-question"))).to.contain("the top-voted proposal");
    await sendKeys({ press: "Enter" });
    await waitUntil(() => part(organizer, "itinerary"), "never showed the itinerary", { timeout: 10_000 });
    expect(text(part(organizer, "itinerary"))).to.equal("Port cellars");
    expect(find(organizer, ".calendar-link")!.getAttribute("href")).to.match(
      new RegExp(`/v1/plans/${api.planId}/calendar\\.ics\\?token=.+`),
    );
    await expect(organizer).to.be.accessible();
  });
});
