import { GatherkitClient, Orders } from "@gatherkit/sdk";
import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { active, find, part, parts, rendered, text } from "../../test/dom.js";
import type { RealEvent } from "../../test/real-event.js";
import { challenge, holdWebhooks, stripeEvent, stripeStandIn, typeCard } from "../../test/real-stripe.js";
import type { GkTicketCheckout } from "./ticket-checkout.js";
import "./ticket-checkout.js";

/**
 * `<gk-ticket-checkout>` paying with Stripe's Payment Element, in Chromium, against the real API
 * configured with the Stripe provider — pointed at the Stripe stand-in (apps/api/test/stripe-standin.ts),
 * which also serves the stand-in Stripe.js the widget loads through `stripe-js-url` and sends
 * the signed webhooks that pay the order. Nothing reaches the internet. Keyboard only.
 */

let stripeJs = "";
const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => find<T>(el, selector)!;

async function mount(api: RealEvent): Promise<GkTicketCheckout> {
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

/** Chooses one "General admission" and checks out, by keyboard; answers the started order. */
async function checkOut(el: GkTicketCheckout) {
  const card = parts(el, "ticket-type").find((c) => text(c.querySelector("h3")) === "General admission")!;
  card.querySelector<HTMLButtonElement>('button[aria-label^="More"]')!.focus();
  await sendKeys({ press: "Space" });
  $<HTMLInputElement>(el, "#name").focus();
  await sendKeys({ type: "Grace Hopper" });
  await sendKeys({ press: "Tab" });
  await sendKeys({ type: "grace@example.com" });
  const started = oneEvent(el, "gk-checkout-started");
  await sendKeys({ press: "Enter" });
  return (await started).detail.order;
}

const cardField = (el: Element) => find<HTMLInputElement>(el, '[part~="payment-element"] input');
const payButton = (el: Element) => part(el, "pay-button");
const status = (el: Element) => text(find(el, '[part~="payment-form"] [role="status"]'));

/** The Payment Element is mounted and ready: Tab from the held step reaches the card field. */
async function ready(el: GkTicketCheckout): Promise<void> {
  await waitUntil(() => cardField(el) && payButton(el)?.getAttribute("aria-disabled") === "false", "the Payment Element never got ready", {
    timeout: 30_000,
  });
  await rendered(el);
}

describe("<gk-ticket-checkout> with Stripe's Payment Element (the Stripe stand-in)", function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(180_000);
    stripeJs = (await stripeStandIn()).stripeJs;
  });
  afterEach(() => sessionStorage.clear());

  it("loads Stripe.js only at payment, pays by keyboard, and shows the tickets once the webhook paid the order", async () => {
    const api = await stripeEvent();
    const el = await mount(api);
    // Nothing of Stripe's before the buyer reaches payment.
    expect(window.Stripe).to.equal(undefined);
    expect(document.querySelector(`script[src="${stripeJs}"]`)).to.equal(null);

    const order = await checkOut(el);
    expect(order.payment).to.include({ provider: "stripe", checkoutUrl: null, publishableKey: "pk_test_widgets_standin" });
    expect(order.payment?.clientSecret).to.be.a("string");
    await rendered(el);
    expect(status(el)).to.equal("Loading the secure payment form…");
    await ready(el);
    expect(document.querySelector(`script[src="${stripeJs}"]`)).to.not.equal(null);
    expect(part(el, "pay-link")).to.equal(null);
    expect(text(payButton(el))).to.contain("25.00");
    await expect(el).to.be.accessible();

    // Keyboard only: from the held step, Tab reaches the card field, then Pay.
    expect(active()).to.equal($(el, "#held"));
    await sendKeys({ press: "Tab" });
    expect(active()).to.equal(cardField(el));
    await typeCard("4242 4242 4242 4242");
    await sendKeys({ press: "Tab" });
    expect(active()).to.equal(payButton(el));
    const complete = oneEvent(el, "gk-checkout-complete");
    await sendKeys({ press: "Enter" });
    const done = await complete;
    expect(done.detail.orderId).to.equal(order.id);
    expect(done.detail.tickets).to.have.length(1);
    await rendered(el);
    expect(text($(el, "#done"))).to.contain("Fado night");
    expect(active()).to.equal($(el, "#done"));
    expect(parts(el, "ticket-code")).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it("Stripe.js's success is not the order's: the widget waits until Stripe's webhook paid it", async () => {
    const api = await stripeEvent();
    const el = await mount(api);
    const order = await checkOut(el);
    await ready(el);
    let completed = 0;
    el.addEventListener("gk-checkout-complete", () => completed++);
    await holdWebhooks(true);
    try {
      cardField(el)!.focus();
      await typeCard("4242 4242 4242 4242");
      await sendKeys({ press: "Enter" });
      await waitUntil(() => status(el) === "Payment sent. Waiting for the confirmation…", "the widget never said it waits", {
        timeout: 30_000,
      });
      // The widget read the order (still pending) and stays on the held step, saying so.
      const client = new GatherkitClient({ baseUrl: api.apiBase, publishableKey: api.publishableKey });
      expect((await new Orders(client).retrieveAsBuyer(order.id, order.buyerToken ?? "")).status).to.equal("pending");
      await rendered(el);
      expect(find(el, "#done")).to.equal(null);
      expect(find(el, "#held")).to.not.equal(null);
      expect(completed).to.equal(0);
      await expect(el).to.be.accessible();
    } finally {
      await holdWebhooks(false);
    }
    await waitUntil(() => completed === 1, "the webhook's payment never reached the widget", { timeout: 30_000 });
    await rendered(el);
    expect(find(el, "#done")).to.not.equal(null);
  });

  it("a declined card says so (an alert, focus on it) and keeps the hold; another card then pays", async () => {
    const api = await stripeEvent();
    const el = await mount(api);
    await checkOut(el);
    await ready(el);
    cardField(el)!.focus();
    await typeCard("4000 0000 0000 0002");
    await sendKeys({ press: "Enter" });
    await waitUntil(() => find(el, "#gk-stripe-error"), "the decline was never shown", { timeout: 30_000 });
    await rendered(el);
    const error = $(el, "#gk-stripe-error");
    expect(error.getAttribute("role")).to.equal("alert");
    expect(text(error)).to.equal("Your card was declined.");
    expect(active()).to.equal(error);
    expect(find(el, "#held")).to.not.equal(null);
    expect(text(payButton(el))).to.match(/^Try again: pay .*25\.00/);
    await expect(el).to.be.accessible();

    cardField(el)!.focus();
    await typeCard("4242424242424242");
    const complete = oneEvent(el, "gk-checkout-complete");
    await sendKeys({ press: "Enter" });
    await complete;
    await rendered(el);
    expect(find(el, "#done")).to.not.equal(null);
  });

  it("requires action: the bank's check shows while the widget says so; failing it is a decline, completing it pays", async () => {
    const api = await stripeEvent();
    const el = await mount(api);
    await checkOut(el);
    await ready(el);
    cardField(el)!.focus();
    await typeCard("4000 0027 6000 3184");
    await sendKeys({ press: "Enter" });
    await waitUntil(() => challenge(), "the bank's check never showed", { timeout: 30_000 });
    await rendered(el);
    expect(status(el)).to.contain("If your bank asks you to confirm it");
    expect(part(el, "payment-form")?.getAttribute("aria-busy")).to.equal("true");
    expect(payButton(el)?.getAttribute("aria-disabled")).to.equal("true");
    await expect(el).to.be.accessible();
    // The check has the focus; the keyboard answers it: Tab to "Fail authentication", Enter.
    expect(text(document.activeElement as HTMLElement)).to.equal("Complete authentication");
    await sendKeys({ press: "Tab" });
    await sendKeys({ press: "Enter" });
    await waitUntil(() => find(el, "#gk-stripe-error"), "the failed check was never shown", { timeout: 30_000 });
    expect(text($(el, "#gk-stripe-error"))).to.contain("unable to authenticate");
    expect(find(el, "#held")).to.not.equal(null);

    cardField(el)!.focus();
    await typeCard("4000 0027 6000 3184");
    await sendKeys({ press: "Enter" });
    await waitUntil(() => challenge(), "the bank's check never showed again", { timeout: 30_000 });
    const complete = oneEvent(el, "gk-checkout-complete");
    await sendKeys({ press: "Enter" });
    await complete;
    await rendered(el);
    expect(find(el, "#done")).to.not.equal(null);
    await expect(el).to.be.accessible();
  });

  it("speaks the widget's language in the payment step, and hands it to Stripe's form", async () => {
    const api = await stripeEvent();
    const host = await fixture<HTMLElement>(
      html`<div lang="de"><gk-ticket-checkout api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId}
        stripe-js-url=${stripeJs}></gk-ticket-checkout></div>`,
    );
    const el = host.firstElementChild as GkTicketCheckout;
    await waitUntil(() => find(el, 'button[aria-label="Mehr General admission"]'), "the checkout never loaded in German", {
      timeout: 30_000,
    });
    $<HTMLButtonElement>(el, 'button[aria-label="Mehr General admission"]').click();
    $<HTMLInputElement>(el, "#name").value = "Grace Hopper";
    $<HTMLInputElement>(el, "#email").value = "grace@example.com";
    const started = oneEvent(el, "gk-checkout-started");
    $<HTMLFormElement>(el, "form").requestSubmit();
    await started;
    await ready(el);
    expect(find(el, ".standin-payment-element")!.dataset.locale).to.equal("de");
    expect(find(el, '[part~="payment-form"]')!.getAttribute("aria-label")).to.equal("Zahlung");
    expect(text(payButton(el))).to.match(/^25,00\s€ bezahlen$/);
    await expect(el).to.be.accessible();
  });
});
