import { expect, fixture, fixtureCleanup, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { active, find, part, rendered, text } from "../../test/dom.js";
import { payHosted, stripeModeEvent, stripeStandIn, typeCard } from "../../test/real-stripe.js";
import type { GkTicketCheckout } from "./ticket-checkout.js";
import "./ticket-checkout.js";

/**
 * `<gk-ticket-checkout>` in the organizer's two Stripe Checkout modes, in Chromium, against the
 * real API with the Stripe provider pointed at the Stripe stand-in (its stand-in Stripe.js is
 * loaded through `stripe-js-url`, its webhooks pay the order): embedded Checkout mounted in the
 * widget, and Stripe Checkout's own page with the way back to this page. Keyboard only; axe in
 * each state.
 */

let stripeJs = "";
const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => find<T>(el, selector) as T;
type ModeEvent = Awaited<ReturnType<typeof stripeModeEvent>>;

async function mount(api: ModeEvent): Promise<GkTicketCheckout> {
  const el = await fixture<GkTicketCheckout>(
    html`<gk-ticket-checkout api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId}
      stripe-js-url=${stripeJs}></gk-ticket-checkout>`,
  );
  await waitUntil(() => part(el, "checkout") !== null && !find(el, '[role="progressbar"]'), "the checkout never loaded", {
    timeout: 30_000,
  });
  await rendered(el);
  return el;
}

/** Chooses `n` "General admission" and checks out, by keyboard; answers the started order. */
async function checkOut(el: GkTicketCheckout, n = 1) {
  $<HTMLButtonElement>(el, 'button[aria-label="More General admission"]').focus();
  for (let i = 0; i < n; i++) await sendKeys({ press: "Space" });
  $<HTMLInputElement>(el, "#name").focus();
  await sendKeys({ type: "Grace Hopper" });
  await sendKeys({ press: "Tab" });
  await sendKeys({ type: "grace@example.com" });
  const started = oneEvent(el, "gk-checkout-started");
  await sendKeys({ press: "Enter" });
  return (await started).detail.order;
}

/** The page as it is when Stripe Checkout brings the buyer back to `location` (a new load of the page). */
async function comeBack(api: ModeEvent, location: string): Promise<GkTicketCheckout> {
  fixtureCleanup();
  history.replaceState(history.state, "", location);
  return mount(api);
}

describe("<gk-ticket-checkout> with the organizer's Stripe Checkout modes (the Stripe stand-in)", function () {
  this.timeout(120_000);
  const start = location.href;
  before(async function () {
    this.timeout(180_000);
    stripeJs = (await stripeStandIn()).stripeJs;
  });
  afterEach(() => {
    sessionStorage.clear();
    history.replaceState(history.state, "", start);
  });

  it("checkout_embedded: loads Stripe.js only at payment, mounts embedded Checkout, pays by keyboard, and shows the tickets once the webhook paid", async () => {
    const api = await stripeModeEvent("checkout_embedded");
    const el = await mount(api);
    expect(window.Stripe).to.equal(undefined);
    expect(document.querySelector(`script[src="${stripeJs}"]`)).to.equal(null);

    const order = await checkOut(el, 2);
    expect(order.payment).to.include({
      provider: "stripe",
      mode: "checkout_embedded",
      checkoutUrl: null,
      publishableKey: "pk_test_widgets_standin",
    });
    expect(order.payment?.clientSecret).to.match(/^cs_test_standin_\w+_secret_standin$/);
    await rendered(el);
    expect(text(find(el, '[part~="payment-form"] [role="status"]'))).to.equal("Loading the secure payment form…");
    const card = () => find<HTMLInputElement>(el, '[part~="embedded-checkout"] input');
    await waitUntil(() => card(), "embedded Checkout never mounted", { timeout: 30_000 });
    await rendered(el);
    expect(document.querySelector(`script[src="${stripeJs}"]`)).to.not.equal(null);
    expect(part(el, "pay-link")).to.equal(null);
    expect(part(el, "pay-button")).to.equal(null);
    expect(find(el, '[part~="payment-form"]')?.getAttribute("aria-busy")).to.equal("false");
    await expect(el).to.be.accessible();

    // Keyboard only: from the held step, Tab reaches Checkout's card field, then its Pay button.
    expect(active()).to.equal($(el, "#held"));
    await sendKeys({ press: "Tab" });
    expect(active()).to.equal(card());
    await typeCard("4000 0000 0000 0002");
    await sendKeys({ press: "Tab" });
    await sendKeys({ press: "Enter" });
    await waitUntil(() => text($(el, ".standin-error")) === "Your card was declined.", "the decline never showed", { timeout: 30_000 });
    expect(find(el, "#held")).to.not.equal(null);
    await expect(el).to.be.accessible();

    card()?.focus();
    await typeCard("4242 4242 4242 4242");
    await sendKeys({ press: "Tab" });
    const complete = oneEvent(el, "gk-checkout-complete");
    await sendKeys({ press: "Enter" });
    const done = await complete;
    expect(done.detail.orderId).to.equal(order.id);
    expect(done.detail.tickets).to.have.length(2);
    await rendered(el);
    expect(text($(el, "#done"))).to.contain("Fado night");
    expect(find(el, '[part~="embedded-checkout"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it("checkout_redirect: a link to Stripe Checkout's page in this tab; back from it paid, the confirmation shows and the address is clean", async () => {
    const api = await stripeModeEvent("checkout_redirect");
    let el = await mount(api);
    const order = await checkOut(el);
    expect(order.payment).to.include({ provider: "stripe", mode: "checkout_redirect", clientSecret: null });
    await rendered(el);
    const link = part(el, "pay-link") as HTMLAnchorElement;
    expect(link.href).to.equal(order.payment?.checkoutUrl);
    expect(link.hasAttribute("target")).to.equal(false);
    expect(text(link)).to.match(/^Pay .*25\.00/);
    expect(text(part(el, "checkout"))).to.contain("You pay on Stripe's page, then come back here.");
    await expect(el).to.be.accessible();
    // Keyboard: Tab from the held step reaches the link.
    expect(active()).to.equal($(el, "#held"));
    await sendKeys({ press: "Tab" });
    expect(active()).to.equal(link);

    // On Stripe's page the buyer declines first: back here with `gk_payment=cancelled`.
    const session = order.payment?.paymentIntentId ?? "";
    const declined = await payHosted(session, "decline");
    const back = new URL(declined.location ?? "");
    expect(back.origin + back.pathname).to.equal(location.origin + location.pathname);
    expect(back.searchParams.get("gk_order")).to.equal(order.id);
    expect(back.searchParams.get("gk_payment")).to.equal("cancelled");
    el = await comeBack(api, back.href);
    await waitUntil(() => part(el, "pay-link"), "the held step never came back", { timeout: 30_000 });
    await rendered(el);
    expect(text(el.shadowRoot!.querySelector('p[role="status"]'))).to.equal(
      "The payment was not made. You can try again while your tickets are held.",
    );
    expect(new URL(location.href).searchParams.has("gk_order")).to.equal(false);
    await expect(el).to.be.accessible();

    // Then pays: back here with `gk_payment=paid`; the order (paid by the webhook) shows its tickets.
    const paid = await payHosted(session, "pay");
    expect(new URL(paid.location ?? "").searchParams.get("gk_payment")).to.equal("paid");
    const complete = new Promise<void>((resolve) => document.addEventListener("gk-checkout-complete", () => resolve(), { once: true }));
    el = await comeBack(api, paid.location ?? "");
    await complete;
    await waitUntil(() => find(el, "#done"), "the confirmation never showed", { timeout: 30_000 });
    await rendered(el);
    // Two reads of the order may be under way as the page comes back (on connect and on return); focus
    // moves with the one that sees it paid, which on a loaded machine can be the later one.
    await waitUntil(() => active() === $(el, "#done"), "focus never moved to the confirmation", { timeout: 10_000 });
    expect(new URL(location.href).searchParams.has("gk_payment")).to.equal(false);
    await expect(el).to.be.accessible();
  });
});
