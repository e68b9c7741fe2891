import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { find, findAll, part, parts, rendered, text } from "../../test/dom.js";
import { FakeApi } from "../../test/fake-api.js";
import { ANA, answer, BEN, fakeRealtime, ME, message, PLAN_ID, participantToken, planData, planRoutes, tally } from "../../test/plans.js";
import "../plan-chat/plan-chat.js";
import "../plan-money/plan-money.js";
import "../plan-people/plan-people.js";
import "../plan-proposals/plan-proposals.js";
import "../vote/vote.js";
import type { GkPlan } from "./plan.js";
import "./plan.js";

let realtime: ReturnType<typeof fakeRealtime>;
afterEach(() => realtime?.restore());

describe("<gk-plan>", () => {
  it("shares one plan, viewer and subscription with the elements placed inside it, wherever they are", async () => {
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const el = await fixture<GkPlan>(html`<gk-plan .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}>
      <main><gk-plan-proposals></gk-plan-proposals></main>
      <aside>
        <gk-vote></gk-vote>
        <gk-plan-people></gk-plan-people>
        <gk-plan-money></gk-plan-money>
        <gk-plan-chat></gk-plan-chat>
      </aside>
    </gk-plan>`);
    const d = planData({ messages: [message("msg_00000001", ANA, "Ana", "Hello!")] });
    const r = planRoutes(d);
    // The plan, the viewer and (for the proposals and the poll inside) the proposals, once each…
    await answer(api, [r.plan, r.me, r.proposals]);
    // …then what the others show, the people once for both the people and the money.
    await answer(api, [r.participants, r.balances, r.payments, r.messages]);
    const children = [...el.querySelectorAll("gk-plan-proposals, gk-vote, gk-plan-people, gk-plan-money, gk-plan-chat")];
    await waitUntil(() => children.every((c) => !find(c, '[role="progressbar"]')), "the elements never loaded");
    await rendered(el);
    expect(api.requests).to.have.length(7);
    expect(realtime.subscriptions).to.equal(1);
    expect(realtime.open).to.equal(1);

    const [proposals, poll, people, , chat] = children as HTMLElement[];
    expect(parts(proposals!, "proposal-title").map(text)).to.deep.equal(["Sunset sail", "Tile museum"]);
    expect(parts(poll!, "proposal-title").map(text)).to.deep.equal(["Sunset sail", "Tile museum"]);
    expect(parts(people!, "participant").map(text)).to.contain("offline: Grace You");
    expect(text(part(chat!, "messages"))).to.contain("Hello!");
    await expect(el).to.be.accessible();

    // Votes are shared: cast in the poll, shown on the card at once.
    const cast = oneEvent(poll!, "gk-vote-cast");
    find<HTMLInputElement>(poll!, 'input[name="vote-prop_b000000000"][value="maybe"]')!.focus();
    await sendKeys({ press: "Space" });
    await rendered(el);
    expect(find<HTMLInputElement>(proposals!, 'input[name="vote-prop_b000000000"][value="maybe"]')!.checked).to.equal(true);
    const vote = await api.next();
    vote.respond(200, {
      vote: {
        id: "vote_0000000000000001",
        planId: PLAN_ID,
        proposalId: "prop_b000000000",
        participantId: ME,
        value: "maybe",
        createdAt: "2030-06-02T00:00:00.000Z",
        updatedAt: "2030-06-02T00:00:00.000Z",
      },
      tally: tally("prop_b000000000", { maybe: 1, no: 1 }),
    });
    await cast;
    // The one subscription feeds them all.
    realtime.handlers!.onPresence!([{ id: BEN, name: "Ben" }]);
    realtime.send("plan.message_changed", { change: "created", message: message("msg_00000002", BEN, "Ben", "On my way") });
    await rendered(el);
    expect(parts(people!, "participant-online").map(text)).to.deep.equal(["online: Ben"]);
    expect(text(part(chat!, "messages"))).to.contain("On my way");

    // Losing access: one notice, from <gk-plan>, and every element disabled.
    realtime.handlers!.onRevoked!({ message: "Removed." });
    await rendered(el);
    expect(findAll(el, '[part~="notice"]').map(text)).to.deep.equal(["You are no longer in this plan."]);
    for (const c of children) expect(c.shadowRoot!.querySelector('[part~="notice"]')).to.equal(null);
    const controls = children.flatMap((c) => findAll(c, "input, button"));
    expect(controls.length).to.be.above(5);
    expect(controls.filter((c) => !c.matches(":disabled"))).to.have.length(0);

    el.remove();
    expect(realtime.open).to.equal(0);
  });

  it("without it, elements placed alone each load their plan and open their own subscription", async () => {
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const el = await fixture(html`<div>
      <gk-plan-people .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-plan-people>
      <gk-plan-chat .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-plan-chat>
    </div>`);
    const r = planRoutes(planData());
    await answer(api, [r.plan, r.me, r.plan, r.me, r.participants, r.messages]);
    await waitUntil(() => part(el.querySelector("gk-plan-chat")!, "messages"), "the chat never loaded");
    expect(realtime.subscriptions).to.equal(2);
  });
});
