import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia, sendKeys } from "@web/test-runner-commands";
import { active, find, findAll, part, parts, rendered, text } from "../../test/dom.js";
import { FakeApi, problem } from "../../test/fake-api.js";
import {
  ANA,
  answer,
  BEN,
  body,
  fakeRealtime,
  ME,
  P,
  PLAN_ID,
  type PlanData,
  participant,
  participantToken,
  planData,
  planRoutes,
} from "../../test/plans.js";
import { GkPlanPeople } from "./plan-people.js";

let realtime: ReturnType<typeof fakeRealtime>;
afterEach(() => {
  realtime?.restore();
  return emulateMedia({ colorScheme: "light" });
});

/** `<gk-plan-people>` placed alone for `viewer`: the plan and the viewer, then the people. */
async function people(api: FakeApi, d: PlanData, viewer = ME) {
  const client = api.client();
  realtime = fakeRealtime(client);
  const el = await fixture<GkPlanPeople>(
    html`<gk-plan-people .client=${client} plan=${PLAN_ID} token=${participantToken(viewer)}></gk-plan-people>`,
  );
  const r = planRoutes(d, viewer);
  await answer(api, [r.plan, r.me]);
  const [list] = await answer(api, [r.participants]);
  expect(list!.url.searchParams.get("includeRemoved")).to.equal("true");
  await waitUntil(() => part(el, "participant"), "the people never loaded");
  await rendered(el);
  return el;
}

const who = (el: Element) => parts(el, "participant").map((p) => text(p.querySelector(".who")));

describe("<gk-plan-people>", () => {
  it("lists the people, organizers first, with who is online, and follows people joining and leaving", async () => {
    const el = await people(new FakeApi(), planData());
    expect(text(part(el, "heading"))).to.equal("People (3)");
    expect(who(el)).to.deep.equal(["offline: Ana Organizer", "offline: Ben", "offline: Grace You"]);
    // A participant manages nobody.
    expect(findAll(el, "button")).to.have.length(0);
    expect(realtime.subscriptions).to.equal(1);
    await expect(el).to.be.accessible();

    realtime.handlers!.onPresence!([{ id: BEN, name: "Ben" }]);
    await rendered(el);
    expect(parts(el, "participant-online").map(text)).to.deep.equal(["online: Ben"]);

    realtime.send("plan.participant_changed", {
      planId: PLAN_ID,
      participantId: "ptc_zoe0000000000000000",
      name: "Zoe",
      role: "participant",
      removed: false,
    });
    realtime.send("plan.participant_changed", { planId: PLAN_ID, participantId: BEN, name: "Ben", role: "participant", removed: true });
    await rendered(el);
    expect(who(el)).to.deep.equal(["offline: Ana Organizer", "offline: Grace You", "offline: Zoe"]);
    await emulateMedia({ colorScheme: "dark" });
    await expect(el).to.be.accessible();
  });

  it("lets an organizer change roles and remove someone after a confirmation, showing the API's refusal", async () => {
    const api = new FakeApi();
    const el = await people(api, planData(), ANA);
    // Controls on everyone but the viewer.
    expect(findAll(el, ".role").map(text)).to.deep.equal(["Make organizer", "Make organizer"]);
    await expect(el).to.be.accessible();

    const ben = () => find(el, `#person-${BEN}`)!;
    ben().querySelector<HTMLElement>(".role")!.focus();
    await sendKeys({ press: "Enter" });
    const [promote] = await answer(api, [["PATCH", `${P}/participants/${BEN}`, 200, participant(BEN, "Ben", "organizer")]]);
    expect(body(promote!)).to.deep.equal({ role: "organizer" });
    await waitUntil(() => who(el)[1] === "offline: Ben Organizer", "never showed Ben as an organizer");
    await rendered(el);
    // Ben moved up among the organizers; focus followed his button.
    expect(active()).to.equal(ben().querySelector(".role"));
    expect(text(ben().querySelector(".role"))).to.equal("Make participant");

    // The API keeps an organizer: its refusal is shown next to the person.
    await sendKeys({ press: "Enter" });
    const detail = "A plan needs at least one organizer.";
    await answer(api, [["PATCH", `${P}/participants/${BEN}`, 409, problem(409, "last_organizer", detail)]]);
    await waitUntil(() => ben().querySelector('[part~="form-error"]'), "never showed the refusal");
    expect(text(ben().querySelector('[part~="form-error"]'))).to.equal(detail);
    await expect(el).to.be.accessible();

    // Remove… asks first; Cancel goes back.
    const grace = () => find(el, `#person-${ME}`)!;
    grace().querySelector<HTMLElement>(".remove")!.focus();
    await sendKeys({ press: "Enter" });
    await rendered(el);
    expect(text(grace().querySelector('[role="group"] span'))).to.equal("Remove Grace from the plan?");
    expect(active()).to.equal(grace().querySelector(".remove-confirm"));
    await expect(el).to.be.accessible();
    await sendKeys({ press: "Tab" });
    await sendKeys({ press: "Enter" });
    await rendered(el);
    expect(active()).to.equal(grace().querySelector(".remove"));
    expect(api.requests).to.have.length(5);

    await sendKeys({ press: "Enter" });
    await rendered(el);
    await sendKeys({ press: "Enter" });
    const [removed] = await answer(api, [["DELETE", `${P}/participants/${ME}`, 204]]);
    expect(removed!.init.method).to.equal("DELETE");
    await waitUntil(() => !find(el, `#person-${ME}`), "never removed Grace");
    await waitUntil(() => active() === find(el, "#people-title"), "focus never moved to the heading");
    expect(text(part(el, "heading"))).to.equal("People (2)");
  });

  it("disables the organizer's controls once the viewer lost access", async () => {
    const el = await people(new FakeApi(), planData(), ANA);
    realtime.handlers!.onRevoked!({ message: "Removed." });
    await rendered(el);
    expect(text(part(el, "notice"))).to.equal("You are no longer in this plan.");
    const buttons = findAll(el, "button");
    expect(buttons).to.have.length(4);
    expect(buttons.every((b) => b.matches(":disabled"))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it("is registered once even when its module is evaluated again", async () => {
    const url = new URL("./plan-people.ts", import.meta.url);
    url.search = "?copy=2";
    const copy = (await import(/* @vite-ignore */ url.href)) as typeof import("./plan-people.js");
    expect(copy.GkPlanPeople === GkPlanPeople).to.equal(false);
    expect(customElements.get("gk-plan-people") === GkPlanPeople).to.equal(true);
  });
});
