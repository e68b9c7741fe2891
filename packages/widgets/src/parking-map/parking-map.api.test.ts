import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia, sendKeys } from "@web/test-runner-commands";
import { active, find, findAll, part, parts, text } from "../../test/dom.js";
import { payAtCheckout, type RealPlaces, realPlaces } from "../../test/real-places.js";
import type { GkParkingMap } from "./parking-map.js";
import "./parking-map.js";

/**
 * End to end over the real API and its real rooms (test/real-api.mjs): each test gets its own
 * neighbourhood (test/real-api-places.mjs) — a garage with 3 spots, a lot whose only spot is
 * booked for the window, and a room away from the center.
 */
const loaded = (el: Element) => !find(el, '[role="progressbar"]') && (part(el, "list") || part(el, "empty") || part(el, "error"));
const item = (el: Element, name: string) => parts(el, "place").find((li) => text(part(li, "place-name")) === name)!;
const free = (el: Element, name: string) => text(part(item(el, name), "free"));

async function mapOf(api: RealPlaces, extra: Partial<{ center: string; radius: string; tiles: string; features: string }> = {}) {
  const el = await fixture<GkParkingMap>(html`<gk-parking-map
    api-base=${api.apiBase}
    publishable-key=${api.publishableKey}
    center=${extra.center ?? api.center}
    radius-km=${extra.radius ?? "2"}
    start=${api.start}
    duration-minutes=${api.durationMinutes}
    tile-url=${extra.tiles ?? ""}
    features=${extra.features ?? ""}
  ></gk-parking-map>`);
  await waitUntil(() => loaded(el), "the search never settled", { timeout: 20_000 });
  return el;
}

describe("<gk-parking-map> against the real API", function () {
  this.timeout(60_000);
  let api: RealPlaces;
  beforeEach(async function () {
    this.timeout(150_000);
    api = await realPlaces();
  });

  it("lists the places near the point with their free spots and price, full ones as full, and is accessible", async () => {
    const el = await mapOf(api);
    expect(parts(el, "place").map((li) => text(part(li, "place-name")))).to.deep.equal(["Garage Alfa", "Lot Bravo"]);
    expect(free(el, "Garage Alfa")).to.equal("3 of 3 free");
    expect(text(part(item(el, "Garage Alfa"), "price"))).to.match(/^€8\.00 for 2 hr$/);
    expect(text(part(item(el, "Garage Alfa"), "features"))).to.equal("Covered");
    expect(free(el, "Lot Bravo")).to.equal("Full");
    const full = part(item(el, "Lot Bravo"), "book-button") as HTMLButtonElement;
    expect(full.disabled).to.equal(true);
    expect(text(full)).to.equal("Full Lot Bravo");
    expect(text(el.shadowRoot!.querySelector('[role="status"]'))).to.equal("2 places found.");
    // The map came on demand, with one marker per place (no tile URL: nothing else was fetched).
    await waitUntil(() => findAll(el, ".gk-pin").length === 2, "the map never showed its markers", { timeout: 20_000 });
    expect(findAll(el, ".gk-pin").map((m) => text(m))).to.have.members(["3 free", "Full"]);
    expect(findAll(el, ".gk-pin-full")).to.have.length(1);
    expect(findAll(el, "img.leaflet-tile")).to.have.length(0);
    expect(findAll(el, ".gk-pin").map((m) => m.title)).to.have.members(["Garage Alfa: 3 of 3 free, €8.00", "Lot Bravo: Full, €8.00"]);
    // A pointer on a marker opens the same booking form as the list's Book; a full one opens nothing.
    findAll(el, ".gk-pin-full")[0]!.click();
    await el.updateComplete;
    expect(part(el, "booking")).to.equal(null);
    findAll(el, ".gk-pin:not(.gk-pin-full)")[0]!.click();
    await el.updateComplete;
    expect(text(part(el, "booking-title"))).to.equal("Book Garage Alfa");
    (part(el, "cancel-button") as HTMLButtonElement).click();
    await el.updateComplete;
    expect(part(el, "booking")).to.equal(null);
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    try {
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: "light" });
    }
  });

  it("books a spot from the keyboard, shows the confirmation, and a second map's count goes down live", async () => {
    const first = await mapOf(api);
    const second = await mapOf(api);
    expect(free(second, "Garage Alfa")).to.equal("3 of 3 free");
    // Whether the second map's room is up before the booking or not: a booking made while it
    // connects reaches it as a resync (the room broadcast after its search began).

    (part(item(first, "Garage Alfa"), "book-button") as HTMLButtonElement).focus();
    await sendKeys({ press: "Enter" });
    await first.updateComplete;
    expect((active() as HTMLInputElement).name).to.equal("name");
    await expect(first).to.be.accessible();
    await sendKeys({ type: "Grace Hopper" });
    await sendKeys({ press: "Tab" });
    await sendKeys({ type: "grace@example.com" });
    await sendKeys({ press: "Tab" });
    await sendKeys({ type: "+351912345678" });
    await sendKeys({ press: "Tab" });
    await sendKeys({ type: "aa-12-bb" });
    const done = oneEvent(first, "gk-booking-complete");
    await sendKeys({ press: "Enter" });
    await waitUntil(() => part(first, "confirmation") || part(first, "form-error"), "the booking never settled", { timeout: 10_000 });
    expect(part(first, "form-error"), text(part(first, "form-error") ?? first)).to.equal(null);
    const { detail } = await done;
    expect(detail.place.id).to.equal(api.garageId);
    expect(detail.booking).to.include({ placeId: api.garageId, start: api.start, status: "confirmed", vehiclePlate: "AA-12-BB" });
    expect(detail.booking.price).to.deep.equal({ amount: 800, currency: "EUR" });
    await first.updateComplete;
    expect(text(part(first, "confirmation-title"))).to.equal("Booked: Garage Alfa");
    expect(text(part(first, "reference"))).to.equal(detail.booking.id);
    expect(active()).to.equal(part(first, "confirmation-title"));
    await expect(first).to.be.accessible();

    await waitUntil(() => free(first, "Garage Alfa") === "2 of 3 free", "the booker's count never went down", { timeout: 10_000 });
    await waitUntil(() => free(second, "Garage Alfa") === "2 of 3 free", "the other map's count never went down", { timeout: 20_000 });
    await waitUntil(() => findAll(second, ".gk-pin").some((m) => text(m) === "2 free"), "the other map's marker never changed", {
      timeout: 10_000,
    });

    // Done puts focus back on the place's Book button.
    (part(first, "done-button") as HTMLButtonElement).click();
    await first.updateComplete;
    await first.updateComplete;
    expect(active()).to.equal(part(item(first, "Garage Alfa"), "book-button"));
  });

  it("shows the API's refusal of a booking next to the form, and books nothing", async () => {
    const el = await mapOf(api);
    (part(item(el, "Garage Alfa"), "book-button") as HTMLButtonElement).click();
    await el.updateComplete;
    const form = part(el, "booking-form") as HTMLFormElement;
    (form.querySelector('[name="name"]') as HTMLInputElement).value = "Grace";
    (form.querySelector('[name="phone"]') as HTMLInputElement).value = "12345";
    (part(el, "submit-button") as HTMLButtonElement).click();
    await waitUntil(() => part(el, "form-error"), "no refusal shown", { timeout: 10_000 });
    expect(text(part(el, "form-error"))).to.match(/contact\.phone: must be a phone number in E\.164 form/);
    expect(part(el, "confirmation")).to.equal(null);
    expect(free(el, "Garage Alfa")).to.equal("3 of 3 free");
    await expect(el).to.be.accessible();
  });

  it('says "No places here." where there are none', async () => {
    const el = await mapOf(api, { center: "-89.5,-170" });
    expect(text(part(el, "empty"))).to.equal("No places here.");
    expect(text(el.shadowRoot!.querySelector('[role="status"]'))).to.equal("No places here.");
    await expect(el).to.be.accessible();
  });

  it("shows the API's problem detail when the search is refused", async () => {
    const el = await fixture<GkParkingMap>(html`<gk-parking-map
      api-base=${api.apiBase}
      publishable-key=${api.publishableKey}
      center=${api.center}
      radius-km="500"
    ></gk-parking-map>`);
    const error = await oneEvent(el, "gk-error");
    expect(error.detail.status).to.equal(400);
    await waitUntil(() => part(el, "error"), "no error shown", { timeout: 10_000 });
    expect(text(part(el, "error")!.querySelector("p"))).to.equal(error.detail.message);
    expect(error.detail.message).to.not.equal("");
    expect(part(el, "retry-button")).to.not.equal(null);
    await expect(el).to.be.accessible();
  });

  it("says when map tiles cannot load, and the list still works", async () => {
    const el = await mapOf(api, { tiles: "/__no-tiles-here/{z}/{x}/{y}.png" });
    await waitUntil(() => part(el, "map-notice"), "no notice about the tiles", { timeout: 20_000 });
    expect(text(part(el, "map-notice"))).to.equal("The map could not load; every place is in the list.");
    expect(parts(el, "place")).to.have.length(2);
    await expect(el).to.be.accessible();
  });

  it("offers no booking where the window cannot be one booking (a room booked by slot)", async () => {
    const el = await mapOf(api, { radius: "30" });
    expect(parts(el, "place").map((li) => text(part(li, "place-name")))).to.have.members(["Garage Alfa", "Lot Bravo", "Room Charlie"]);
    const covered = await mapOf(api, { radius: "30", features: "covered" });
    expect(parts(covered, "place").map((li) => text(part(li, "place-name")))).to.have.members(["Garage Alfa", "Lot Bravo"]);
    expect(text(part(item(el, "Room Charlie"), "price"))).to.equal("Not bookable for this window");
    expect((part(item(el, "Room Charlie"), "book-button") as HTMLButtonElement).disabled).to.equal(true);
    expect((part(item(el, "Garage Alfa"), "book-button") as HTMLButtonElement).disabled).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it("searches another window chosen in the picker", async () => {
    const el = await mapOf(api);
    const form = part(el, "window") as HTMLFormElement;
    const later = new Date(Date.parse(api.start) + 4 * 3_600_000);
    const p = (n: number) => String(n).padStart(2, "0");
    (form.querySelector('[name="start"]') as HTMLInputElement).value =
      `${later.getFullYear()}-${p(later.getMonth() + 1)}-${p(later.getDate())}T${p(later.getHours())}:${p(later.getMinutes())}`;
    (form.querySelector('[name="duration"]') as HTMLSelectElement).value = "60";
    (form.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    await waitUntil(() => loaded(el) && free(el, "Lot Bravo") === "1 of 1 free", "the new window never showed", { timeout: 20_000 });
    expect(el.start).to.equal(later.toISOString());
    expect(text(part(item(el, "Garage Alfa"), "price"))).to.equal("€4.00 for 1 hr");
  });

  it("filters by kind, free spots, price and features from the keyboard only, and says when nothing matches", async () => {
    const el = await mapOf(api, { radius: "30" });
    const names = () => parts(el, "place").map((li) => text(part(li, "place-name")));
    expect(names()).to.have.members(["Garage Alfa", "Lot Bravo", "Room Charlie"]);
    const press = async (key: string, times = 1) => {
      for (let i = 0; i < times; i++) await sendKeys({ press: key });
      await el.updateComplete;
    };
    // From the window's duration (the date field before it takes Tab between its parts), Tab to the Filters toggle; Enter opens them.
    (find(el, 'select[name="duration"]') as HTMLSelectElement).focus();
    await press("Tab");
    expect(active()).to.equal(part(el, "filters-toggle"));
    await press("Enter");
    expect((part(el, "filters") as HTMLDetailsElement).open).to.equal(true);
    await expect(el).to.be.accessible();
    await press("Tab"); // Kind: Any → Parking
    expect((active() as HTMLSelectElement).name).to.equal("kind");
    await press("ArrowDown");
    await press("Tab"); // Sort by: Distance → Price
    expect((active() as HTMLSelectElement).name).to.equal("sort");
    await press("ArrowDown");
    await press("Tab"); // Max price 10 (€8.00 for the window passes)
    expect((active() as HTMLInputElement).name).to.equal("maxPrice");
    await sendKeys({ type: "10" });
    await press("Tab"); // Only places with a free spot
    expect((active() as HTMLInputElement).name).to.equal("available");
    await press("Space");
    await press("Tab"); // Has all of: Covered
    expect((active() as HTMLInputElement).value).to.equal("covered");
    await press("Space");
    await press("Tab", 12); // past the other 11 features to Show places
    expect(text(active())).to.equal("Show places");
    await press("Enter");
    await waitUntil(() => loaded(el) && names().length === 1, "the filtered search never showed", { timeout: 20_000 });
    expect(names()).to.deep.equal(["Garage Alfa"]);
    expect(el).to.include({ kind: "parking", sort: "price", available: true, maxPrice: 10, features: "covered" });
    expect(text(part(el, "filters-toggle"))).to.equal("Filters (4 on)");
    expect(text(el.shadowRoot!.querySelector('[role="status"]'))).to.equal("1 place found.");
    await expect(el).to.be.accessible();

    // A lower maximum than any price: nothing matches, and the list says so.
    const max = find(el, 'input[name="maxPrice"]') as HTMLInputElement;
    max.focus();
    max.select();
    await sendKeys({ type: "5" });
    await press("Enter");
    await waitUntil(() => part(el, "empty"), "no empty state", { timeout: 20_000 });
    expect(text(part(el, "empty"))).to.equal("No places match the filters.");
    expect(text(el.shadowRoot!.querySelector('[role="status"]'))).to.equal("0 places found.");
    await expect(el).to.be.accessible();

    // Rooms only, every other filter off: the room, which has no price for the window.
    const kind = find(el, 'select[name="kind"]') as HTMLSelectElement;
    kind.value = "room";
    max.value = "";
    for (const box of findAll<HTMLInputElement>(el, 'input[type="checkbox"]')) box.checked = false;
    (find(el, '[part~="window"] button[type="submit"]') as HTMLButtonElement).click();
    await waitUntil(() => loaded(el) && names().join() === "Room Charlie", "the room never showed alone", { timeout: 20_000 });
    expect(text(part(el, "filters-toggle"))).to.equal("Filters (1 on)");
  });

  it("books a place paid online through the local provider's checkout: held, paid, then confirmed", async () => {
    const el = await mapOf(api, { center: api.paidCenter, radius: "1" });
    expect(parts(el, "place").map((li) => text(part(li, "place-name")))).to.deep.equal(["Paid Echo"]);
    let completed = 0;
    el.addEventListener("gk-booking-complete", () => completed++);
    (part(item(el, "Paid Echo"), "book-button") as HTMLButtonElement).focus();
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    await sendKeys({ type: "Ada Lovelace" });
    await sendKeys({ press: "Enter" });
    await waitUntil(() => part(el, "payment") || part(el, "form-error"), "the booking never settled", { timeout: 10_000 });
    expect(part(el, "form-error"), text(part(el, "form-error") ?? el)).to.equal(null);
    // Held, not yet booked: the payment page's link, and nothing announced as complete.
    expect(active()).to.equal(part(el, "payment-title"));
    expect(text(part(el, "payment-title"))).to.equal("Pay to confirm: Paid Echo");
    const link = part(el, "pay-link") as HTMLAnchorElement;
    expect(link.target).to.equal("_blank");
    expect(text(link)).to.match(/^Pay €8\.00/);
    expect(completed).to.equal(0);
    await expect(el).to.be.accessible();
    // "I have paid" before paying: the API still holds it unpaid, and the widget says so.
    (part(el, "paid-button") as HTMLButtonElement).click();
    await waitUntil(() => part(el, "form-error"), "no word that the payment is missing", { timeout: 10_000 });
    expect(text(part(el, "form-error"))).to.match(/payment has not arrived/);
    expect(part(el, "confirmation")).to.equal(null);
    await expect(el).to.be.accessible();

    await payAtCheckout(link.href);
    (part(el, "paid-button") as HTMLButtonElement).focus();
    const done = oneEvent(el, "gk-booking-complete");
    await sendKeys({ press: "Enter" });
    const { detail } = await done;
    expect(detail.booking).to.include({ placeId: api.paidId, status: "confirmed" });
    expect(detail.booking.price).to.deep.equal({ amount: 800, currency: "EUR" });
    await waitUntil(() => part(el, "confirmation"), "no confirmation", { timeout: 10_000 });
    expect(text(part(el, "confirmation-title"))).to.equal("Booked: Paid Echo");
    expect(active()).to.equal(part(el, "confirmation-title"));
    expect(completed).to.equal(1);
    await expect(el).to.be.accessible();
  });
});
