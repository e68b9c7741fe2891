import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import { nothing } from "lit";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { find, part, parts, rendered, text } from "../../test/dom.js";
import type { RealEvent } from "../../test/real-event.js";
import { stripeEvent, stripeModeEvent, stripeStandIn } from "../../test/real-stripe.js";
import type { GkTicketCheckout } from "./ticket-checkout.js";
import "./ticket-checkout.js";

/**
 * `<gk-ticket-checkout>` when Stripe.js cannot load (a page's `stripe-js-url` that answers 404),
 * against the real API with the Stripe provider (the Stripe stand-in): the payment step — Stripe's
 * Payment Element or embedded Checkout, both mounted by the one `StripeMount` — says so in an
 * alert, in the widget's language, and the hold stays. Its own file: no test before it in this
 * page has loaded Stripe.js (`window.Stripe`), which the widget would then use.
 */

const MISSING = "/__gatherkit-no-such-stripe.js";

async function mount(api: RealEvent, locale = ""): Promise<GkTicketCheckout> {
  const el = await fixture<GkTicketCheckout>(
    html`<gk-ticket-checkout api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId}
      locale=${locale || nothing} stripe-js-url=${MISSING}></gk-ticket-checkout>`,
  );
  await waitUntil(() => part(el, "checkout") !== null && !find(el, '[role="progressbar"]'), "the checkout never loaded", {
    timeout: 30_000,
  });
  await rendered(el);
  return el;
}

/** Chooses one ticket and checks out, by keyboard. */
async function checkOut(el: GkTicketCheckout): Promise<void> {
  const card = parts(el, "ticket-type").find((c) => text(c.querySelector("h3")) === "General admission")!;
  card.querySelectorAll<HTMLButtonElement>('[part~="stepper"] button')[1]!.focus();
  await sendKeys({ press: "Space" });
  find<HTMLInputElement>(el, "#name")!.focus();
  await sendKeys({ type: "Grace Hopper" });
  await sendKeys({ press: "Tab" });
  await sendKeys({ type: "grace@example.com" });
  await sendKeys({ press: "Enter" });
  await waitUntil(() => find(el, "#held"), "the tickets were never held", { timeout: 30_000 });
}

const alertOf = (el: Element) => find(el, '[part~="payment-form"] [part~="form-error"][role="alert"]');

describe("<gk-ticket-checkout> when Stripe.js cannot load (the Stripe stand-in)", function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(180_000);
    await stripeStandIn();
  });
  afterEach(() => sessionStorage.clear());

  it("Payment Element: the payment step says the form could not load, Pay stays disabled, the hold stays", async () => {
    const el = await mount(await stripeEvent());
    await checkOut(el);
    await waitUntil(() => alertOf(el), "the failure never showed", { timeout: 30_000 });
    await rendered(el);
    expect(text(alertOf(el))).to.equal(`The payment form could not load (Stripe.js did not load from ${MISSING}.). Try again later.`);
    expect(text(find(el, '[part~="payment-form"] [role="status"]'))).to.equal("");
    expect(part(el, "pay-button")?.getAttribute("aria-disabled")).to.equal("true");
    expect(find(el, "#held")).to.not.equal(null);
    expect(window.Stripe).to.equal(undefined);
    await expect(el).to.be.accessible();
  });

  it("embedded Checkout: the failure is said in the widget's language, and nothing is left loading", async () => {
    const el = await mount(await stripeModeEvent("checkout_embedded"), "de");
    await checkOut(el);
    await waitUntil(() => alertOf(el), "the failure never showed", { timeout: 30_000 });
    await rendered(el);
    expect(text(alertOf(el))).to.equal(
      `Das Zahlungsformular konnte nicht geladen werden (Stripe.js did not load from ${MISSING}.). Versuchen Sie es später erneut.`,
    );
    expect(find(el, '[part~="payment-form"]')?.getAttribute("aria-busy")).to.equal("false");
    expect(find(el, '[part~="embedded-checkout"]')?.childElementCount).to.equal(0);
    expect(find(el, "#held")).to.not.equal(null);
    await expect(el).to.be.accessible();
  });
});
