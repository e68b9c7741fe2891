import { Events, GatherkitClient } from "@gatherkit/sdk";
import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia, sendKeys } from "@web/test-runner-commands";
import { active, find, part, parts, rendered, text } from "../../test/dom.js";
import { cancelOrder, type RealEvent, realEvent } from "../../test/real-event.js";
import type { GkTicketCheckout } from "./ticket-checkout.js";
import "./ticket-checkout.js";

/**
 * `<gk-ticket-checkout>` end to end in Chromium against the real API (libSQL, the local payments
 * provider) and the real rooms (`partykit dev`), both started by test/real-api.mjs. Each test
 * makes its own event (test/real-api-events.mjs).
 */

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => find<T>(el, selector)!;
const loaded = (el: Element) => part(el, "checkout") !== null && !find(el, '[role="progressbar"]');
function typeCard(el: Element, name: string): HTMLElement {
  const card = parts(el, "ticket-type").find((c) => text(c.querySelector("h3")).startsWith(name));
  if (!card) throw new Error(`no ticket type ${name}; the widget showed: ${text(el.shadowRoot!.firstElementChild)}`);
  return card;
}
const qty = (el: Element, name: string) => Number(text(typeCard(el, name).querySelector("output")));
const more = (el: Element, name: string) => typeCard(el, name).querySelector<HTMLButtonElement>('button[aria-label^="More"]')!;
const stock = (el: Element, name: string) => {
  const s = typeCard(el, name).querySelector('[part~="stock"]');
  return s ? text(s) : "";
};

async function mount(api: RealEvent): Promise<GkTicketCheckout> {
  const el = await fixture<GkTicketCheckout>(
    html`<gk-ticket-checkout api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId}></gk-ticket-checkout>`,
  );
  await waitUntil(() => loaded(el), "the checkout never loaded", { timeout: 30_000 });
  await rendered(el);
  return el;
}

/** Presses a button the way a keyboard user does: focus it, then Space. */
async function press(button: HTMLElement): Promise<void> {
  button.focus();
  await sendKeys({ press: "Space" });
}

/** `promise`, or a failure that says what the widget showed when it did not settle in 30 s. */
function within<T>(promise: Promise<T>, el: Element, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} never happened; the widget showed: ${text(el.shadowRoot!.firstElementChild)}`)),
      30_000,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** What the tester does on the local provider's checkout page (opened in a new tab by the pay link). */
async function payOnCheckoutPage(api: RealEvent, checkoutUrl: string): Promise<void> {
  const token = new URL(checkoutUrl).searchParams.get("token") ?? "";
  await fetch(`${api.apiBase}/v1/payments/local/checkout`, {
    method: "POST",
    mode: "no-cors",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, outcome: "pay" }).toString(),
  });
}

/** The page's own SDK client with its publishable key, as a second buyer elsewhere would have. */
const events = (api: RealEvent) => new Events(new GatherkitClient({ baseUrl: api.apiBase, publishableKey: api.publishableKey }));

describe("<gk-ticket-checkout> against the real API", function () {
  this.timeout(90_000);
  before(function () {
    this.timeout(150_000);
    return realEvent();
  });
  afterEach(() => sessionStorage.clear());

  it("shows the event's ticket types with prices, stock and their sales states, accessibly in both schemes", async () => {
    const api = await realEvent();
    const el = await mount(api);
    expect(text(part(el, "title"))).to.match(/^Fado night \d+$/);
    expect(text(part(el, "when")))
      .to.contain("2030")
      .and.to.contain("Clube de Fado");
    expect(parts(el, "ticket-type").map((c) => text(c.querySelector("h3")))).to.deep.equal([
      "General admission",
      "Early bird",
      "Late entry",
      "Free rehearsal",
    ]);
    const price = (name: string) => text(typeCard(el, name).querySelector('[part~="price"]'));
    expect(price("General admission")).to.equal(new Intl.NumberFormat(undefined, { style: "currency", currency: "EUR" }).format(25));
    expect(price("Free rehearsal")).to.equal("Free");
    expect(stock(el, "General admission")).to.equal("3 left");
    expect(stock(el, "Early bird")).to.equal("Sales ended");
    expect(stock(el, "Late entry")).to.match(/^On sale from .*2030/);
    // Only what is on sale has a stepper.
    expect(typeCard(el, "Early bird").querySelector('[part~="stepper"]')).to.equal(null);
    expect(typeCard(el, "Late entry").querySelector('[part~="stepper"]')).to.equal(null);
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    try {
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: "light" });
    }
  });

  it("never lets a buyer choose more than the per-order maximum, nor more than is left", async () => {
    const api = await realEvent({ quantity: 3 });
    const el = await mount(api);
    for (let i = 0; i < 5; i++) await press(more(el, "General admission"));
    await rendered(el);
    expect(qty(el, "General admission")).to.equal(2);
    expect(more(el, "General admission").getAttribute("aria-disabled")).to.equal("true");
    for (let i = 0; i < 3; i++) await press(more(el, "Free rehearsal"));
    expect(qty(el, "Free rehearsal")).to.equal(1);

    // Another buyer takes 2 of the 3: only 1 is left, and the choice here is lowered to it, live.
    await events(api).orders.create(api.eventId, {
      buyer: { name: "Ada", email: "ada@example.com" },
      lines: [{ ticketTypeId: api.ticketTypes.general, quantity: 2 }],
    });
    await waitUntil(() => stock(el, "General admission") === "1 left", "the stock never changed live", { timeout: 30_000 });
    await rendered(el);
    expect(qty(el, "General admission")).to.equal(1);
    await press(more(el, "General admission"));
    expect(qty(el, "General admission")).to.equal(1);

    // What the widget asks for is what it showed: the API holds exactly that.
    $<HTMLInputElement>(el, "#name").value = "Grace Hopper";
    $<HTMLInputElement>(el, "#email").value = "grace@example.com";
    const started = oneEvent(el, "gk-checkout-started");
    await press($(el, 'button[type="submit"]'));
    const { detail } = await started;
    expect(detail.order.lines).to.deep.equal([
      { ticketTypeId: api.ticketTypes.general, quantity: 1, unitPrice: 2500 },
      { ticketTypeId: api.ticketTypes.free, quantity: 1, unitPrice: 0 },
    ]);
  });

  it("checks the buyer's details before asking the API, and says what is wrong", async () => {
    const api = await realEvent();
    const el = await mount(api);
    await press($(el, 'button[type="submit"]'));
    await rendered(el);
    expect(text($(el, "#tickets-error"))).to.equal("Choose at least one ticket.");
    expect(active()).to.equal($(el, "#tickets-error"));
    await press(more(el, "General admission"));
    $<HTMLInputElement>(el, "#email").value = "not an email";
    await press($(el, 'button[type="submit"]'));
    await rendered(el);
    expect(find(el, "#tickets-error")).to.equal(null);
    expect(text($(el, "#name-error"))).to.equal("Enter your name.");
    expect(text($(el, "#email-error"))).to.contain("Enter an email address");
    expect($(el, "#email").getAttribute("aria-invalid")).to.equal("true");
    expect(active()).to.equal($(el, "#name"));
    await expect(el).to.be.accessible();
    // Nothing was held.
    expect((await events(api).ticketTypes.list(api.eventId)).find((t) => t.id === api.ticketTypes.general)?.remaining).to.equal(3);
  });

  it("buys a ticket by keyboard through the local checkout page, shows the countdown, then the tickets, also after a reload", async () => {
    const api = await realEvent();
    const el = await mount(api);
    const watcher = await mount(api);
    await press(more(el, "General admission"));
    await press(more(el, "General admission"));
    $<HTMLInputElement>(el, "#name").focus();
    await sendKeys({ type: "Grace Hopper" });
    await sendKeys({ press: "Tab" });
    await sendKeys({ type: "grace@example.com" });
    const started = oneEvent(el, "gk-checkout-started");
    await sendKeys({ press: "Enter" });
    const { detail } = await within(started, el, "gk-checkout-started");
    expect(detail.order).to.include({ status: "pending", quantity: 2, total: 5000, currency: "EUR" });
    await rendered(el);

    // Held: the countdown, the pay link to the local checkout page, focus on the new step.
    expect(active()).to.equal($(el, "#held"));
    expect(text(part(el, "countdown"))).to.match(/^(10:00|9:[0-5]\d)$/);
    const link = part(el, "pay-link") as HTMLAnchorElement;
    expect(link.href).to.equal(detail.order.payment?.checkoutUrl);
    expect(link.target).to.equal("_blank");
    expect(text(link)).to.contain("50.00");
    await expect(el).to.be.accessible();
    // The other open widget heard the hold through the event's room.
    await waitUntil(() => stock(watcher, "General admission") === "1 left", "the second widget never heard the hold", {
      timeout: 30_000,
    });

    // The buyer pays in the other tab and comes back: "I have paid" looks at once (unless the
    // widget's own check, every few seconds while the order is pending, got there first).
    const complete = oneEvent(el, "gk-checkout-complete");
    await payOnCheckoutPage(api, detail.order.payment!.checkoutUrl!);
    const paidButton = parts(el, "button").find((b) => text(b) === "I have paid");
    if (paidButton) await press(paidButton);
    const done = await within(complete, el, "gk-checkout-complete");
    expect(done.detail.orderId).to.equal(detail.orderId);
    expect(done.detail.tickets).to.have.length(2);
    await rendered(el);
    expect(active()).to.equal($(el, "#done"));
    expect(text($(el, "#done"))).to.match(/^You're going to Fado night \d+$/);
    expect(text(part(el, "confirmation-code"))).to.equal(detail.order.confirmationCode);
    expect(parts(el, "ticket-code").map(text)).to.deep.equal(done.detail.tickets.map((t: { code: string }) => t.code));
    await expect(el).to.be.accessible();

    // A reload (a new widget in the same tab) finds the paid order and its tickets.
    el.remove();
    const again = await mount(api);
    await waitUntil(() => parts(again, "ticket-code").length === 2, "the reloaded widget never showed the tickets", { timeout: 30_000 });
    expect(text(part(again, "confirmation-code"))).to.equal(detail.order.confirmationCode);
    // "Buy more tickets" starts afresh.
    await press(parts(again, "button").find((b) => text(b) === "Buy more tickets")!);
    await waitUntil(() => parts(again, "ticket-type").length === 4, "never went back to the ticket types", { timeout: 30_000 });
  });

  it("a free ticket is confirmed at once", async () => {
    const api = await realEvent();
    const el = await mount(api);
    await press(more(el, "Free rehearsal"));
    $<HTMLInputElement>(el, "#name").value = "Grace Hopper";
    $<HTMLInputElement>(el, "#email").value = "grace@example.com";
    const complete = oneEvent(el, "gk-checkout-complete");
    await press($(el, 'button[type="submit"]'));
    expect((await complete).detail.tickets).to.have.length(1);
    await rendered(el);
    expect(parts(el, "ticket")).to.have.length(1);
  });

  it("turns sold out live, in every open widget, and shows the API's refusal when a buyer was too late", async () => {
    const api = await realEvent({ quantity: 1 });
    const late = await mount(api);
    const watcher = await mount(api);
    await press(more(late, "General admission"));
    // Someone else buys the last ticket first.
    await events(api).orders.create(api.eventId, {
      buyer: { name: "Ada", email: "ada@example.com" },
      lines: [{ ticketTypeId: api.ticketTypes.general, quantity: 1 }],
    });
    await waitUntil(() => stock(watcher, "General admission") === "Sold out", "the watcher never showed sold out", { timeout: 30_000 });
    await waitUntil(() => stock(late, "General admission") === "Sold out", "the buyer's widget never showed sold out", { timeout: 30_000 });
    await rendered(late);
    expect(typeCard(watcher, "General admission").querySelector('[part~="stepper"]')).to.equal(null);
    expect(text($(late, 'fieldset p[role="status"]'))).to.contain("your selection was lowered");
    await expect(watcher).to.be.accessible();
  });

  it("a hold that ends unpaid says so and offers to start again; its tickets come back on sale live", async () => {
    const api = await realEvent({ quantity: 1 });
    const el = await mount(api);
    const watcher = await mount(api);
    await press(more(el, "General admission"));
    $<HTMLInputElement>(el, "#name").value = "Grace Hopper";
    $<HTMLInputElement>(el, "#email").value = "grace@example.com";
    const started = oneEvent(el, "gk-checkout-started");
    await press($(el, 'button[type="submit"]'));
    const { detail } = await within(started, el, "gk-checkout-started");
    await waitUntil(() => stock(watcher, "General admission") === "Sold out", "the watcher never showed sold out", { timeout: 30_000 });

    // The organizer cancels the hold (an expired hold takes the same path): the buyer is told.
    const failed = oneEvent(el, "gk-checkout-failed");
    await cancelOrder(detail.orderId);
    // "I have paid" looks at once (unless the widget's own check every few seconds got there first).
    const check = parts(el, "button").find((b) => text(b) === "I have paid");
    if (check) await press(check);
    const ended = await within(failed, el, "gk-checkout-failed");
    expect(ended.detail).to.include({ orderId: detail.orderId, reason: "cancelled", code: "order_cancelled" });
    await rendered(el);
    expect(text($(el, "#ended"))).to.contain("went back on sale");
    expect(active()).to.equal($(el, "#ended"));
    await expect(el).to.be.accessible();
    // The other widget hears the ticket come back, without a reload.
    await waitUntil(() => stock(watcher, "General admission") === "1 left", "the ticket never came back live", { timeout: 30_000 });
    // Start again: the ticket types, nothing kept.
    await press(parts(el, "button").find((b) => text(b) === "Start again")!);
    await waitUntil(() => parts(el, "ticket-type").length === 4, "never went back to the ticket types", { timeout: 30_000 });
    expect(qty(el, "General admission")).to.equal(0);
    expect(sessionStorage.length).to.equal(0);
  });

  it("a checkout the API refuses shows its problem detail next to the button and emits gk-checkout-failed", async () => {
    // The page cannot reach the rooms (a firewall, say): the widget does not hear that the last
    // ticket went, and the API's answer is what the buyer sees.
    const Native = globalThis.WebSocket;
    class Unreachable extends Native {
      constructor() {
        super("ws://127.0.0.1:9/unreachable");
      }
    }
    globalThis.WebSocket = Unreachable;
    try {
      const api = await realEvent({ quantity: 1 });
      const el = await mount(api);
      await press(more(el, "General admission"));
      await events(api).orders.create(api.eventId, {
        buyer: { name: "Ada", email: "ada@example.com" },
        lines: [{ ticketTypeId: api.ticketTypes.general, quantity: 1 }],
      });
      $<HTMLInputElement>(el, "#name").value = "Grace Hopper";
      $<HTMLInputElement>(el, "#email").value = "grace@example.com";
      const failed = oneEvent(el, "gk-checkout-failed");
      await press($(el, 'button[type="submit"]'));
      const { detail } = await within(failed, el, "gk-checkout-failed");
      expect(detail).to.include({ eventId: api.eventId, orderId: undefined, reason: "refused", code: "sold_out" });
      await rendered(el);
      expect(text(part(el, "form-error"))).to.equal("General admission is sold out.");
      expect(active()).to.equal(part(el, "form-error"));
      await expect(el).to.be.accessible();
    } finally {
      globalThis.WebSocket = Native;
    }
  });

  it("says it is loading, then that nothing is on sale for an event without ticket types", async () => {
    const api = await realEvent({ empty: true });
    const el = await fixture<GkTicketCheckout>(
      html`<gk-ticket-checkout api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId}></gk-ticket-checkout>`,
    );
    expect(find(el, '[role="progressbar"]')?.getAttribute("aria-label")).to.equal("Loading tickets…");
    await waitUntil(() => part(el, "empty"), "never showed the empty state", { timeout: 30_000 });
    expect(text(part(el, "empty"))).to.equal("No tickets are on sale for this event.");
    await expect(el).to.be.accessible();
  });

  it("an event that does not exist shows the API's problem detail and a Retry button", async () => {
    const api = await realEvent();
    const el = await fixture<GkTicketCheckout>(
      html`<gk-ticket-checkout api-base=${api.apiBase} publishable-key=${api.publishableKey} event="evt_0000000000000000000a"></gk-ticket-checkout>`,
    );
    await waitUntil(() => part(el, "error"), "never showed the error", { timeout: 30_000 });
    expect(text(part(el, "error"))).to.match(/not found/i);
    expect(part(el, "retry-button")).to.not.equal(null);
    await expect(el).to.be.accessible();
  });
});
