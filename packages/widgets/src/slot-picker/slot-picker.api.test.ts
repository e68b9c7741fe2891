import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia, sendKeys } from "@web/test-runner-commands";
import { active, find, part, parts, text } from "../../test/dom.js";
import { payAtCheckout, type RealPlaces, realPlaces } from "../../test/real-places.js";
import type { GkSlotPicker } from "./slot-picker.js";
import "./slot-picker.js";

/**
 * End to end over the real API and its rooms: "Room Charlie" (test/real-api-places.mjs) is booked
 * by 60-minute slots from 09:00 to 17:00 UTC, one booking at a time.
 */
/** The free slots shown (each a selectable grid cell), by start. */
const slotsShown = (el: Element) => parts(el, "slot").map((b) => b.dataset.start);
const settled = (el: Element) => !find(el, '[role="progressbar"]') && (part(el, "grid") || part(el, "slots-status") || part(el, "error"));
const slotsLoaded = (el: Element) =>
  part(el, "grid") !== null || (part(el, "slots-status") && !/Loading/.test(text(part(el, "slots-status"))));
const cellOf = (c: Element | null) => (c instanceof HTMLElement ? `${c.dataset.date} ${c.dataset.time}` : String(c));

async function pickerOf(api: RealPlaces, place = api.roomId) {
  const el = await fixture<GkSlotPicker>(
    html`<gk-slot-picker api-base=${api.apiBase} publishable-key=${api.publishableKey} place=${place} date=${api.slotDate}></gk-slot-picker>`,
  );
  await waitUntil(() => settled(el) && (part(el, "error") || slotsLoaded(el)), "the picker never settled", { timeout: 20_000 });
  return el;
}

describe("<gk-slot-picker> against the real API", function () {
  this.timeout(60_000);
  let api: RealPlaces;
  beforeEach(async function () {
    this.timeout(150_000);
    api = await realPlaces();
  });

  it("books a slot with the keyboard only through the grid, and the slot turns Full here and in another picker", async () => {
    const el = await pickerOf(api);
    const other = await pickerOf(api);
    const ten = `${api.slotDate}T10:00:00.000Z`;
    // A week of 8 slots a day from tomorrow, all free.
    expect(slotsShown(el)).to.have.length(56);
    expect(slotsShown(el)).to.include(ten);
    expect(text(part(el, "title"))).to.equal("Room Charlie");
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    try {
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: "light" });
    }

    // Keyboard only: Tab past the week buttons into the grid (its first free slot), down an hour, Enter, Tab to the form.
    part(el, "prev-week")!.focus();
    await sendKeys({ press: "Tab" });
    expect(active()).to.equal(part(el, "next-week"));
    await sendKeys({ press: "Tab" });
    expect(cellOf(active())).to.equal(`${api.slotDate} 09:00`);
    await sendKeys({ press: "ArrowDown" });
    await el.updateComplete;
    expect(cellOf(active())).to.equal(`${api.slotDate} 10:00`);
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    expect(active()!.getAttribute("aria-selected")).to.equal("true");
    expect(part(el, "slot-selected")!.dataset.start).to.equal(ten);
    expect(text(part(el, "selection"))).to.match(/^Selected: .+\. Book it below\.$/);
    expect(text(part(el, "booking-summary"))).to.match(/€20\.00$/);
    expect(find(el, 'input[name="plate"]')).to.equal(null);
    await expect(el).to.be.accessible();
    await sendKeys({ press: "Tab" });
    expect((active() as HTMLInputElement).name).to.equal("name");
    await sendKeys({ type: "Ada Lovelace" });
    const done = oneEvent(el, "gk-booking-complete");
    await sendKeys({ press: "Enter" });
    await waitUntil(() => part(el, "confirmation") || part(el, "form-error"), "the booking never settled", { timeout: 10_000 });
    expect(part(el, "form-error"), text(part(el, "form-error") ?? el)).to.equal(null);
    const { detail } = await done;
    expect(detail.booking).to.include({ placeId: api.roomId, start: ten, end: `${api.slotDate}T11:00:00.000Z`, status: "confirmed" });
    expect(detail.booking.price).to.deep.equal({ amount: 2000, currency: "EUR" });
    expect(active()).to.equal(part(el, "confirmation-title"));
    await expect(el).to.be.accessible();

    await waitUntil(() => slotsLoaded(el) && slotsShown(el).length === 55, "the booked slot never went away", { timeout: 10_000 });
    expect(slotsShown(el)).to.not.include(ten);
    expect(text(find(el, `[data-start="${ten}"]`))).to.equal("Full");
    await waitUntil(() => slotsLoaded(other) && slotsShown(other).length === 55, "the other picker never lost the slot", {
      timeout: 20_000,
    });
    expect(find(other, `[data-start="${ten}"]`)!.getAttribute("aria-disabled")).to.equal("true");
    // Done puts the keyboard back in the grid.
    part(el, "done-button")!.focus();
    await sendKeys({ press: "Enter" });
    await waitUntil(() => active()?.getAttribute("role") === "gridcell", "focus never went back to the grid");
  });

  it("moves to the next week past the last day and loads its slots", async () => {
    const el = await pickerOf(api);
    const days = (n: number) => new Date(Date.parse(`${api.slotDate}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    find<HTMLElement>(el, '[role="gridcell"][tabindex="0"]')!.focus();
    await sendKeys({ press: "End" });
    await el.updateComplete;
    expect(cellOf(active())).to.equal(`${days(6)} 09:00`);
    await sendKeys({ press: "ArrowRight" });
    await waitUntil(() => cellOf(active()) === `${days(7)} 09:00`, "the next week never got the focus", { timeout: 10_000 });
    expect(slotsShown(el)[0]).to.equal(`${days(7)}T09:00:00.000Z`);
    await sendKeys({ press: "ArrowLeft" });
    await waitUntil(() => cellOf(active()) === `${days(6)} 09:00`, "the week before never got the focus", { timeout: 10_000 });
    await expect(el).to.be.accessible();
  });

  it("says the API's problem when the place cannot be loaded, and when a place is not booked by slot", async () => {
    const missing = await pickerOf(api, "plc_00000000000000000000");
    await waitUntil(() => part(missing, "error"));
    expect(text(part(missing, "error")!.querySelector("p"))).to.match(/Place .*not found|not found/i);
    await expect(missing).to.be.accessible();

    const garage = await pickerOf(api, api.garageId);
    expect(text(part(garage, "slots-status"))).to.equal("Garage Alfa is not booked by time slot.");
  });

  it("books a slot paid online: the payment page, then confirmed once the local provider says it is paid", async () => {
    const el = await pickerOf(api, api.paidRoomId);
    let completed = 0;
    el.addEventListener("gk-booking-complete", () => completed++);
    find<HTMLElement>(el, '[role="gridcell"][tabindex="0"]')!.focus();
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    await sendKeys({ press: "Tab" });
    await sendKeys({ type: "Grace Hopper" });
    await sendKeys({ press: "Enter" });
    await waitUntil(() => part(el, "payment") || part(el, "form-error"), "the booking never settled", { timeout: 10_000 });
    expect(part(el, "form-error"), text(part(el, "form-error") ?? el)).to.equal(null);
    expect(active()).to.equal(part(el, "payment-title"));
    expect(text(part(el, "pay-link"))).to.match(/^Pay €20\.00/);
    expect(completed).to.equal(0);
    await expect(el).to.be.accessible();
    await payAtCheckout((part(el, "pay-link") as HTMLAnchorElement).href);
    const done = oneEvent(el, "gk-booking-complete");
    (part(el, "paid-button") as HTMLButtonElement).click();
    const { detail } = await done;
    expect(detail.booking).to.include({ placeId: api.paidRoomId, status: "confirmed" });
    await waitUntil(() => part(el, "confirmation"), "no confirmation", { timeout: 10_000 });
    expect(active()).to.equal(part(el, "confirmation-title"));
    expect(completed).to.equal(1);
    await expect(el).to.be.accessible();
  });
});
