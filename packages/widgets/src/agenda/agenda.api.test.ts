import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { active, find, part, parts, text } from "../../test/dom.js";
import { type RealGuestEvent, realGuestEvent } from "../../test/real-event.js";
import type { GkAgenda } from "./agenda.js";
import "./agenda.js";

/** End to end over the real API: a fresh RSVP event with "Toasts" (one place, track Main) and "Dancing" (track Garden). */
const sessionEl = (el: Element, id: string) => find(el, `[part~="session"][data-id="${id}"]`)!;
const pickButton = (el: Element, id: string) => sessionEl(el, id).querySelector<HTMLButtonElement>('[part~="pick-button"]')!;

async function agendaOf(api: RealGuestEvent, token?: string, as: { token?: string } = {}) {
  const el = await fixture<GkAgenda>(
    as.token === undefined
      ? html`<gk-agenda api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId} guest-token=${token ?? ""}></gk-agenda>`
      : token === undefined
        ? html`<gk-agenda api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId} token=${as.token}></gk-agenda>`
        : html`<gk-agenda
            api-base=${api.apiBase}
            publishable-key=${api.publishableKey}
            event=${api.eventId}
            token=${as.token}
            guest-token=${token}
          ></gk-agenda>`,
  );
  await waitUntil(() => parts(el, "session").length === 2 || part(el, "error"), "the agenda never loaded", { timeout: 20_000 });
  return el;
}

/** A guest answers yes through their link, as the invitation page would. */
async function yes(api: RealGuestEvent, token: string) {
  const res = await fetch(`${api.apiBase}/v1/events/${api.eventId}/invitation/${token}/rsvp`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ answer: "yes" }),
  });
  if (!res.ok) throw new Error(`RSVP failed: ${res.status} ${await res.text()}`);
}

describe("<gk-agenda> against the real API", function () {
  this.timeout(60_000);
  let api: RealGuestEvent;
  beforeEach(async function () {
    this.timeout(150_000);
    api = await realGuestEvent();
  });

  it("shows the sessions by day and track in the viewer's zone, read-only without a guest token", async () => {
    const el = await agendaOf(api);
    expect(text(part(el, "zone"))).to.contain("Times in your time zone");
    expect(parts(el, "track").map((t) => text(t.querySelector("h3")))).to.deep.equal(["Main", "Garden"]);
    expect(text(sessionEl(el, api.sessions.toasts))).to.contain("1 of 1 places left");
    expect(find(el, '[part~="pick-button"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it("a confirmed guest adds a session from the keyboard; another guest's agenda sees it full live and the API's refusal is explained", async () => {
    await yes(api, api.guests.ada);
    await yes(api, api.guests.bo);
    const ada = await agendaOf(api, api.guests.ada);
    const bo = await agendaOf(api, api.guests.bo);
    pickButton(ada, api.sessions.toasts).focus();
    await sendKeys({ press: "Enter" });
    await waitUntil(() => pickButton(ada, api.sessions.toasts)?.getAttribute("aria-pressed") === "true", "the pick never showed", {
      timeout: 15_000,
    });
    expect(active()).to.equal(pickButton(ada, api.sessions.toasts));
    expect(text(pickButton(ada, api.sessions.toasts))).to.contain("Remove from my agenda");
    await expect(ada).to.be.accessible();
    // Bo's agenda hears that the session is full.
    await waitUntil(() => /Full/.test(text(sessionEl(bo, api.sessions.toasts))), "the other agenda never updated", { timeout: 15_000 });
    expect(pickButton(bo, api.sessions.toasts).disabled).to.equal(true);
    await expect(bo).to.be.accessible();
    // Ada drops it: the place is free again for Bo.
    pickButton(ada, api.sessions.toasts).click();
    await waitUntil(() => !pickButton(bo, api.sessions.toasts)?.disabled, "the place never came back", { timeout: 15_000 });
  });

  it('takes the guest\'s token as token="gst_…" like <gk-rsvp>; guest-token wins when both are set', async () => {
    await yes(api, api.guests.ada);
    const res = await fetch(`${api.apiBase}/v1/events/${api.eventId}/invitation/${api.guests.ada}/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sessionId: api.sessions.toasts }),
    });
    expect(res.status).to.equal(200);
    const pressed = (el: Element) => pickButton(el, api.sessions.toasts)?.getAttribute("aria-pressed");
    // Ada's link as `token`: her agenda, her pick; the publishable key still makes the client.
    const byToken = await agendaOf(api, undefined, { token: api.guests.ada });
    expect(pressed(byToken)).to.equal("true");
    expect(byToken.token).to.equal(undefined);
    await expect(byToken).to.be.accessible();
    // Both set: `guest-token` (Ada) wins over `token` (Bo).
    const both = await agendaOf(api, api.guests.ada, { token: api.guests.bo });
    expect(pressed(both)).to.equal("true");
    // Bo's alone: his agenda, nothing picked.
    const bo = await agendaOf(api, undefined, { token: api.guests.bo });
    expect(pressed(bo)).to.equal("false");
  });

  it("explains why a guest who has not said yes cannot pick", async () => {
    const el = await agendaOf(api, api.guests.ada);
    pickButton(el, api.sessions.dance).click();
    await waitUntil(() => part(el, "form-error"), "no refusal shown", { timeout: 15_000 });
    expect(text(part(el, "form-error"))).to.match(/confirmed/);
    await expect(el).to.be.accessible();
  });
});
