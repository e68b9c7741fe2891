import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia, sendKeys } from "@web/test-runner-commands";
import { active, find, part, parts, text } from "../../test/dom.js";
import { type RealPlaces, realPlaces } from "../../test/real-places.js";
import type { GkSlotPicker } from "./slot-picker.js";
import "./slot-picker.js";

/**
 * End to end over the real API and its rooms: "Room Charlie" (test/real-api-places.mjs) is booked
 * by 60-minute slots from 09:00 to 17:00 UTC, one booking at a time.
 */
const slotsShown = (el: Element) => parts(el, "slot").map((b) => b.dataset.start);
const settled = (el: Element) => !find(el, '[role="progressbar"]') && (part(el, "slots") || part(el, "slots-status") || part(el, "error"));
const slotsLoaded = (el: Element) =>
  part(el, "slots") !== null || (part(el, "slots-status") && !/Loading/.test(text(part(el, "slots-status"))));

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

  it("shows the day's free slots, books one from the keyboard, and the slot disappears here and in another picker", async () => {
    const el = await pickerOf(api);
    const other = await pickerOf(api);
    const ten = `${api.slotDate}T10:00:00.000Z`;
    expect(slotsShown(el)).to.have.length(8);
    expect(slotsShown(el)).to.include(ten);
    expect(text(part(el, "title"))).to.equal("Room Charlie");
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    try {
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: "light" });
    }

    parts(el, "slot")
      .find((b) => b.dataset.start === ten)!
      .focus();
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    expect((active() as HTMLInputElement).name).to.equal("name");
    expect(text(part(el, "booking-summary"))).to.match(/€20\.00$/);
    expect(find(el, 'input[name="plate"]')).to.equal(null);
    expect(part(el, "slot-selected")!.dataset.start).to.equal(ten);
    await expect(el).to.be.accessible();
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

    await waitUntil(() => slotsLoaded(el) && slotsShown(el).length === 7, "the booked slot never went away", { timeout: 10_000 });
    expect(slotsShown(el)).to.not.include(ten);
    await waitUntil(() => slotsLoaded(other) && slotsShown(other).length === 7, "the other picker never lost the slot", {
      timeout: 20_000,
    });
    expect(slotsShown(other)).to.not.include(ten);
  });

  it("moves between days with the arrow keys, as a radio group, and loads each day's slots", async () => {
    const el = await pickerOf(api);
    const checked = () => find(el, '[role="radio"][aria-checked="true"]')!;
    expect(checked().dataset.date).to.equal(api.slotDate);
    expect(checked().tabIndex).to.equal(0);
    checked().focus();
    await sendKeys({ press: "ArrowRight" });
    await el.updateComplete;
    const next = new Date(Date.parse(`${api.slotDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(checked().dataset.date).to.equal(next);
    expect(active()).to.equal(checked());
    await waitUntil(() => slotsLoaded(el) && slotsShown(el)[0] === `${next}T09:00:00.000Z`, "the next day's slots never showed", {
      timeout: 10_000,
    });
    await sendKeys({ press: "ArrowLeft" });
    await el.updateComplete;
    expect(checked().dataset.date).to.equal(api.slotDate);
    await waitUntil(() => slotsLoaded(el) && slotsShown(el)[0] === `${api.slotDate}T09:00:00.000Z`);
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
});
