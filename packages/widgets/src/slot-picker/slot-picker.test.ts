import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { part, text } from "../../test/dom.js";
import { FakeApi } from "../../test/fake-api.js";
import type { GkSlotPicker } from "./slot-picker.js";
import "./slot-picker.js";

/** The states the real-API tests cannot hold still: loading, an empty day, configuration mistakes. */
describe("<gk-slot-picker> states", () => {
  it("a spinner while the place loads, and what is missing without a place", async () => {
    const api = new FakeApi();
    const el = await fixture<GkSlotPicker>(
      html`<gk-slot-picker .client=${api.client()} place="plc_0123456789abcdefghjk"></gk-slot-picker>`,
    );
    const request = await api.next();
    expect(request.url.pathname).to.equal("/v1/places/plc_0123456789abcdefghjk");
    expect(part(el, "loading")).to.not.equal(null);
    await expect(el).to.be.accessible();
    request.respond(404, { type: "about:blank", title: "Not Found", status: 404, code: "not_found", detail: "Place not found." });

    await waitUntil(() => part(el, "error"), "no error shown");
    expect(text(part(el, "error")!.querySelector("p"))).to.equal("Place not found.");

    const none = await fixture<GkSlotPicker>(html`<gk-slot-picker .client=${api.client()}></gk-slot-picker>`);
    await none.updateComplete;
    await none.updateComplete;
    expect(text(part(none, "error"))).to.equal("<gk-slot-picker> needs a place attribute: the place's id (plc_…).");
  });

  it("a day without free slots says so", async () => {
    const api = new FakeApi();
    const el = await fixture<GkSlotPicker>(
      html`<gk-slot-picker .client=${api.client()} place="plc_0123456789abcdefghjk" date="2030-07-01"></gk-slot-picker>`,
    );
    (await api.next()).respond(200, PLACE);
    const slots = await api.next();
    await waitUntil(() => part(el, "slots-status"), "no slots view");
    expect(slots.url.pathname).to.equal("/v1/places/plc_0123456789abcdefghjk/slots");
    expect(slots.url.searchParams.get("date")).to.equal("2030-07-01");
    await el.updateComplete;
    expect(text(part(el, "slots-status"))).to.equal("Loading the slots…");
    // Taken slots are not offered: a day whose slots are all booked is a day without free slots.
    slots.respond(200, {
      placeId: PLACE.id,
      date: "2030-07-01",
      slots: [{ start: "2030-07-01T09:00:00.000Z", end: "2030-07-01T10:00:00.000Z", freeCapacity: 0 }],
    });
    await waitUntil(() => !/Loading/.test(text(part(el, "slots-status"))), "the slots never loaded");
    expect(text(part(el, "slots-status"))).to.equal("No free slots on this day.");
    expect(part(el, "slots")).to.equal(null);
    await expect(el).to.be.accessible();
  });
});

const PLACE = {
  id: "plc_0123456789abcdefghjk",
  kind: "room",
  name: "Room Delta",
  description: "",
  address: { line1: "Rua Augusta 24", city: "Lisbon", country: "PT" },
  location: { lat: 38.71, lng: -9.14 },
  timeZone: "UTC",
  capacity: 1,
  pricing: { mode: "slot", currency: "EUR", perSlot: 2000 },
  openingHours: null,
  features: [],
  images: [],
  active: true,
  slots: { lengthMinutes: 60, bufferMinutes: 0 },
  horizonDays: 3650,
  leadMinutes: 0,
  reviewModeration: true,
  rating: { average: null, count: 0 },
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
