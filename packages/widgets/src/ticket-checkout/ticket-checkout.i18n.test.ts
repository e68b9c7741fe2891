import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { find, part, parts, rendered, text } from "../../test/dom.js";
import { type RealEvent, realEvent } from "../../test/real-event.js";
import type { GkTicketCheckout } from "./ticket-checkout.js";
import "./ticket-checkout.js";

/**
 * `<gk-ticket-checkout>` in German, French and Arabic against the real API: sentences from the
 * locale's table (loaded on demand), money and dates through `Intl` in the event's time zone
 * (Europe/Lisbon: the event starts 2030-07-02T19:30Z, 20:30 there), plurals by the language's
 * rules, a page's override of one sentence, and right-to-left layout — each axe-clean.
 */

function typeCard(el: Element, name: string): HTMLElement {
  const card = parts(el, "ticket-type").find((c) => text(c.querySelector("h3")).startsWith(name));
  if (!card) throw new Error(`no ticket type ${name}; the widget showed: ${text(el.shadowRoot!.firstElementChild)}`);
  return card;
}
const price = (el: Element, name: string) => text(typeCard(el, name).querySelector('[part~="price"]'));
const stock = (el: Element, name: string) => text(typeCard(el, name).querySelector('[part~="stock"]'));
const legend = (el: Element) => text(find(el, "fieldset:last-of-type legend"));

/** Mounts the widget inside `wrapper` (which sets `lang`, or not) and waits for `ready` to hold. */
async function mount(
  api: RealEvent,
  attrs: { lang?: string; locale?: string; strings?: object },
  ready: (el: GkTicketCheckout) => boolean,
) {
  const host = await fixture<HTMLElement>(
    html`<div lang=${attrs.lang ?? "en"}><gk-ticket-checkout api-base=${api.apiBase} publishable-key=${api.publishableKey}
      event=${api.eventId} locale=${attrs.locale ?? ""} .strings=${attrs.strings ?? {}}></gk-ticket-checkout></div>`,
  );
  const el = host.querySelector<GkTicketCheckout>("gk-ticket-checkout")!;
  await waitUntil(
    () => part(el, "checkout") !== null && ready(el),
    `the checkout never showed in ${attrs.locale || attrs.lang}; it showed: ${el.shadowRoot?.textContent}`,
    { timeout: 30_000 },
  );
  await rendered(el);
  return el;
}

describe("<gk-ticket-checkout> in the host's language", function () {
  this.timeout(90_000);
  before(function () {
    this.timeout(150_000);
    return realEvent();
  });
  afterEach(() => sessionStorage.clear());

  it("speaks German from an ancestor's lang: sentences, euros, Lisbon time and plurals", async () => {
    const api = await realEvent();
    const el = await mount(api, { lang: "de-DE" }, (el) => legend(el) === "Ihre Angaben" && find(el, '[part~="price"]') !== null);
    expect(price(el, "General admission")).to.equal("25,00 €");
    expect(price(el, "Free rehearsal")).to.equal("Kostenlos");
    expect(stock(el, "General admission")).to.equal("Noch 3");
    expect(stock(el, "Early bird")).to.equal("Verkauf beendet");
    expect(stock(el, "Late entry")).to.match(/^Im Verkauf ab 01\.07\.2030, 01:00$/);
    // 19:30 UTC is 20:30 in Lisbon, whatever the browser's zone.
    expect(text(part(el, "when")))
      .to.contain("02.07.2030")
      .and.to.contain("20:30");
    expect(text(find(el, 'button[type="submit"]'))).to.equal("Zur Kasse");
    const more = typeCard(el, "General admission").querySelector<HTMLButtonElement>('[part~="stepper"] button:last-of-type')!;
    expect(more.getAttribute("aria-label")).to.equal("Mehr General admission");
    more.click();
    await rendered(el);
    expect(text(find(el, "form > p"))).to.equal("Gesamt 25,00 € für 1 Ticket");
    more.click();
    await rendered(el);
    expect(text(find(el, "form > p"))).to.equal("Gesamt 50,00 € für 2 Tickets");
    await expect(el).to.be.accessible();
  });

  it("speaks French from its locale attribute over the page's lang, and a page overrides one sentence", async () => {
    const api = await realEvent();
    const el = await mount(
      api,
      { lang: "de", locale: "fr-FR", strings: { checkout: "Réserver maintenant" } },
      (el) => legend(el) === "Vos coordonnées" && find(el, '[part~="price"]') !== null,
    );
    expect(price(el, "General admission")).to.equal("25,00 €");
    expect(price(el, "Free rehearsal")).to.equal("Gratuit");
    expect(stock(el, "General admission")).to.equal("3 restants");
    expect(stock(el, "Early bird")).to.equal("Ventes terminées");
    expect(text(part(el, "when")))
      .to.contain("2 juil. 2030")
      .and.to.contain("20:30");
    expect(text(find(el, 'button[type="submit"]'))).to.equal("Réserver maintenant");
    expect(text(find(el, 'label[for="name"]'))).to.equal("Nom");
    await expect(el).to.be.accessible();
  });

  it("lays out right to left in Arabic, accessibly", async () => {
    const api = await realEvent();
    const el = await mount(api, { locale: "ar" }, (el) => legend(el) === "بياناتك" && find(el, '[part~="price"]') !== null);
    expect(el.getAttribute("dir")).to.equal("rtl");
    const stepper = part(el, "stepper")!;
    expect(getComputedStyle(stepper).direction).to.equal("rtl");
    // Logical properties: the stepper sits at the inline end, which is the left in Arabic.
    const card = typeCard(el, "General admission").getBoundingClientRect();
    const box = typeCard(el, "General admission").querySelector('[part~="stepper"]')!.getBoundingClientRect();
    expect(box.left - card.left).to.be.lessThan(card.right - box.right);
    await expect(el).to.be.accessible();
  });

  it("falls back to English for a language without a table, formats still in that language", async () => {
    const api = await realEvent();
    const el = await mount(api, { locale: "pt-BR" }, (el) => legend(el) === "Your details" && find(el, '[part~="price"]') !== null);
    expect(stock(el, "General admission")).to.equal("3 left");
    expect(price(el, "General admission")).to.equal("€ 25,00");
  });
});
