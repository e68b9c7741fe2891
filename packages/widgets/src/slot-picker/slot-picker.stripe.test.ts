import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { active, find, part, text } from "../../test/dom.js";
import { stripePlaces, stripeStandIn, typeCard } from "../../test/real-stripe.js";
import type { GkSlotPicker } from "./slot-picker.js";
import "./slot-picker.js";

/**
 * `<gk-slot-picker>` booking a slot paid online with Stripe's Payment Element, in Chromium,
 * against the real API configured with the Stripe provider pointed at the Stripe stand-in.
 */

const cardField = (el: Element) => find<HTMLInputElement>(el, '[part~="payment-element"] input');
const payButton = (el: Element) => part(el, "pay-button");

describe("<gk-slot-picker> with Stripe's Payment Element (the Stripe stand-in)", function () {
  this.timeout(120_000);

  it("pays a slot by keyboard; confirmed once the webhook said so", async function () {
    this.timeout(240_000);
    const stripeJs = (await stripeStandIn()).stripeJs;
    const api = await stripePlaces();
    const el = await fixture<GkSlotPicker>(
      html`<gk-slot-picker api-base=${api.apiBase} publishable-key=${api.publishableKey} place=${api.paidRoomId} date=${api.slotDate}
        stripe-js-url=${stripeJs}></gk-slot-picker>`,
    );
    await waitUntil(() => find(el, '[role="gridcell"][tabindex="0"]'), "the picker never settled", { timeout: 30_000 });
    find<HTMLElement>(el, '[role="gridcell"][tabindex="0"]')!.focus();
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    await sendKeys({ press: "Tab" });
    await sendKeys({ type: "Grace Hopper" });
    await sendKeys({ press: "Enter" });
    await waitUntil(
      () => cardField(el) && payButton(el)?.getAttribute("aria-disabled") === "false",
      "the Payment Element never got ready",
      {
        timeout: 30_000,
      },
    );
    expect(active()).to.equal(part(el, "payment-title"));
    expect(text(payButton(el))).to.match(/^Pay €20\.00/);
    await expect(el).to.be.accessible();
    await sendKeys({ press: "Tab" });
    expect(active()).to.equal(cardField(el));
    await typeCard("4242 4242 4242 4242");
    await sendKeys({ press: "Tab" });
    expect(active()).to.equal(payButton(el));
    const done = oneEvent(el, "gk-booking-complete");
    await sendKeys({ press: "Enter" });
    const { detail } = await done;
    expect(detail.booking).to.include({ placeId: api.paidRoomId, status: "confirmed" });
    await waitUntil(() => part(el, "confirmation"), "no confirmation", { timeout: 10_000 });
    expect(active()).to.equal(part(el, "confirmation-title"));
    await expect(el).to.be.accessible();
  });
});
