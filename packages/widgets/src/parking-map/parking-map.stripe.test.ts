import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { active, find, part, parts, text } from "../../test/dom.js";
import type { RealPlaces } from "../../test/real-places.js";
import { challenge, stripePlaces, stripeStandIn, typeCard } from "../../test/real-stripe.js";
import type { GkParkingMap } from "./parking-map.js";
import "./parking-map.js";

/**
 * `<gk-parking-map>` booking a place paid online with Stripe's Payment Element, in Chromium,
 * against the real API configured with the Stripe provider pointed at the Stripe stand-in (which
 * serves the stand-in Stripe.js and sends the signed webhooks). Keyboard only; axe in each state.
 */

const cardField = (el: Element) => find<HTMLInputElement>(el, '[part~="payment-element"] input');
const payButton = (el: Element) => part(el, "pay-button");

describe("<gk-parking-map> with Stripe's Payment Element (the Stripe stand-in)", function () {
  this.timeout(120_000);
  let stripeJs = "";
  let api: RealPlaces;
  before(async function () {
    this.timeout(180_000);
    stripeJs = (await stripeStandIn()).stripeJs;
    api = await stripePlaces();
  });

  it("declined, then the bank's check, then confirmed once the webhook said so", async () => {
    const el = await fixture<GkParkingMap>(html`<gk-parking-map api-base=${api.apiBase} publishable-key=${api.publishableKey}
      center=${api.paidCenter} radius-km="1" start=${api.start} duration-minutes=${api.durationMinutes}
      stripe-js-url=${stripeJs}></gk-parking-map>`);
    await waitUntil(() => parts(el, "place").length > 0, "the search never settled", { timeout: 30_000 });
    let completed = 0;
    el.addEventListener("gk-booking-complete", () => completed++);
    const paid = parts(el, "place").find((li) => text(part(li, "place-name")) === "Paid Echo")!;
    (part(paid, "book-button") as HTMLButtonElement).focus();
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    await sendKeys({ type: "Ada Lovelace" });
    await sendKeys({ press: "Enter" });
    await waitUntil(
      () => cardField(el) && payButton(el)?.getAttribute("aria-disabled") === "false",
      "the Payment Element never got ready",
      {
        timeout: 30_000,
      },
    );
    expect(active()).to.equal(part(el, "payment-title"));
    expect(part(el, "pay-link")).to.equal(null);
    expect(part(el, "paid-button")).to.equal(null);
    expect(text(payButton(el))).to.match(/^Pay €8\.00/);
    await expect(el).to.be.accessible();

    // Keyboard: Tab from the title to the card field.
    await sendKeys({ press: "Tab" });
    expect(active()).to.equal(cardField(el));
    await typeCard("4000 0000 0000 0002");
    await sendKeys({ press: "Enter" });
    await waitUntil(() => find(el, "#gk-stripe-error"), "the decline was never shown", { timeout: 30_000 });
    expect(text(find(el, "#gk-stripe-error"))).to.equal("Your card was declined.");
    expect(active()).to.equal(find(el, "#gk-stripe-error"));
    expect(completed).to.equal(0);
    await expect(el).to.be.accessible();

    cardField(el)!.focus();
    await typeCard("4000 0027 6000 3184");
    await sendKeys({ press: "Enter" });
    await waitUntil(() => challenge(), "the bank's check never showed", { timeout: 30_000 });
    await el.updateComplete;
    expect(text(find(el, '[part~="payment-form"] [role="status"]'))).to.contain("If your bank asks you to confirm it");
    await expect(el).to.be.accessible();
    const done = oneEvent(el, "gk-booking-complete");
    await sendKeys({ press: "Enter" }); // "Complete authentication" has the focus
    const { detail } = await done;
    expect(detail.booking).to.include({ placeId: api.paidId, status: "confirmed" });
    await waitUntil(() => part(el, "confirmation"), "no confirmation", { timeout: 10_000 });
    expect(active()).to.equal(part(el, "confirmation-title"));
    expect(completed).to.equal(1);
    await expect(el).to.be.accessible();
  });
});
