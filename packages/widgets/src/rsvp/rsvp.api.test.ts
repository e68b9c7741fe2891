import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { active, find, part, parts, text } from "../../test/dom.js";
import { type RealGuestEvent, realGuestEvent } from "../../test/real-event.js";
import type { GkRsvp, RsvpChangedDetail } from "./rsvp.js";
import "./rsvp.js";

/** End to end over the real API and its rooms: a fresh RSVP event (test/real-api-events.mjs) with 3 places. */
async function rsvpOf(api: RealGuestEvent, token?: string) {
  const el = await fixture<GkRsvp>(
    html`<gk-rsvp api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId} guest-token=${token ?? ""}></gk-rsvp>`,
  );
  await waitUntil(() => part(el, "title") || part(el, "error") || part(el, "closed"), "the RSVP never loaded", { timeout: 20_000 });
  return el;
}

describe("<gk-rsvp> against the real API", function () {
  this.timeout(60_000);
  let api: RealGuestEvent;
  beforeEach(async function () {
    this.timeout(150_000);
    api = await realGuestEvent();
  });

  it("answers yes with a named plus-one and a question from the keyboard, shows calendar links, and another widget's headcount follows live", async () => {
    const el = await rsvpOf(api, api.guests.ada);
    const other = await rsvpOf(api, api.guests.bo);
    expect(text(part(el, "title"))).to.match(/^Garden party/);
    expect(text(part(el, "status"))).to.contain("You have not answered yet.");
    expect(text(part(other, "headcount"))).to.match(/^0 going of 3 places/);
    await expect(el).to.be.accessible();

    const yes = find<HTMLInputElement>(el, 'input[name="answer"]')!;
    yes.focus();
    await sendKeys({ press: "Space" });
    await el.updateComplete;
    expect(yes.checked).to.equal(true);
    const plus = part(el, "plus-ones") as HTMLInputElement;
    plus.focus();
    await sendKeys({ press: "ArrowUp" });
    await el.updateComplete;
    (part(el, "plus-one-name") as HTMLInputElement).focus();
    await sendKeys({ type: "Byron" });
    find<HTMLInputElement>(el, 'input[name="q:dietary"]')!.focus();
    await sendKeys({ type: "Vegetarian" });
    await expect(el).to.be.accessible();
    const changed = oneEvent(el, "gk-rsvp-changed");
    (part(el, "submit-button") as HTMLButtonElement).focus();
    await sendKeys({ press: "Enter" });
    const { detail } = (await changed) as CustomEvent<RsvpChangedDetail>;
    expect(detail.invitation.guest).to.include({ status: "confirmed", plusOnes: 1 });
    expect(detail.invitation.guest.plusOneNames).to.deep.equal(["Byron"]);
    expect(detail.invitation.guest.answers).to.deep.equal({ dietary: "Vegetarian" });
    await el.updateComplete;
    expect(text(part(el, "status"))).to.contain("You're going.");
    expect(active()).to.equal(part(el, "status"));
    const links = (parts(el, "calendar-links")[0] as HTMLAnchorElement).querySelectorAll("a");
    expect([...links].map((a) => a.textContent)).to.deep.equal(["Google Calendar", "Outlook", "Calendar file (.ics)"]);
    await expect(el).to.be.accessible();
    // The other guest's widget hears the headcount through the event's room.
    await waitUntil(() => /^2 going of 3 places/.test(text(part(other, "headcount"))), "the headcount never updated", { timeout: 15_000 });

    // Changing the answer: the form comes back with the answer given.
    (part(el, "change-button") as HTMLButtonElement).click();
    await el.updateComplete;
    expect(find<HTMLInputElement>(el, 'input[name="answer"]:checked')!.value).to.equal("yes");
  });

  it("explains a refusal (too many plus-ones for the places left) next to the form, and shows the waitlist position", async () => {
    const ada = await rsvpOf(api, api.guests.ada);
    find<HTMLInputElement>(ada, 'input[name="answer"]')!.click();
    await ada.updateComplete;
    const plus = part(ada, "plus-ones") as HTMLInputElement;
    plus.value = "1";
    plus.dispatchEvent(new Event("input"));
    await ada.updateComplete;
    const done = oneEvent(ada, "gk-rsvp-changed");
    (part(ada, "submit-button") as HTMLButtonElement).click();
    await done;
    // Bo: one place left; a yes with a plus-one joins the waitlist, in order.
    const bo = await rsvpOf(api, api.guests.bo);
    find<HTMLInputElement>(bo, 'input[name="answer"]')!.click();
    await bo.updateComplete;
    const boPlus = part(bo, "plus-ones") as HTMLInputElement;
    boPlus.value = "1";
    boPlus.dispatchEvent(new Event("input"));
    await bo.updateComplete;
    const waitlisted = oneEvent(bo, "gk-rsvp-changed");
    (part(bo, "submit-button") as HTMLButtonElement).click();
    await waitlisted;
    await bo.updateComplete;
    expect(text(part(bo, "status"))).to.contain("You are number 1 on the waitlist.");
    await expect(bo).to.be.accessible();
  });

  it("shows the error state for a link that is not valid, and the invite-only notice without a token", async () => {
    const bad = await rsvpOf(api, `${api.guests.ada.slice(0, -1)}${api.guests.ada.endsWith("0") ? "1" : "0"}`);
    await waitUntil(() => part(bad, "error"), "no error state", { timeout: 10_000 });
    expect(text(part(bad, "error"))).to.match(/not valid/);
    await expect(bad).to.be.accessible();
    const none = await rsvpOf(api);
    expect(text(part(none, "closed"))).to.contain("by invitation only");
    await expect(none).to.be.accessible();
  });
});
