import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { active, part, parts, text } from "../../test/dom.js";
import { FakeApi } from "../../test/fake-api.js";
import type { GkParkingMap } from "./parking-map.js";
import "./parking-map.js";

/** The states the real-API tests cannot hold still: loading, and configuration mistakes. */
describe("<gk-parking-map> states", () => {
  it("shows an accessible spinner while searching, with the window picker already usable", async () => {
    const api = new FakeApi();
    const el = await fixture<GkParkingMap>(
      html`<gk-parking-map .client=${api.client()} center="38.7107,-9.1366" start="2030-07-01T09:00:00.000Z"></gk-parking-map>`,
    );
    const request = await api.next();
    expect(request.url.pathname).to.equal("/v1/search/places");
    expect(Object.fromEntries(request.url.searchParams)).to.include({
      lat: "38.7107",
      lng: "-9.1366",
      radiusKm: "2",
      start: "2030-07-01T09:00:00.000Z",
      end: "2030-07-01T11:00:00.000Z",
    });
    expect(part(el, "loading")!.querySelector('[role="progressbar"]')!.getAttribute("aria-label")).to.equal("Looking for places…");
    expect(part(el, "window")).to.not.equal(null);
    await expect(el).to.be.accessible();
    request.respond(200, { data: [], nextCursor: null });
  });

  it("says what is missing when the center is not a point, and asks the API nothing", async () => {
    const api = new FakeApi();
    const el = await fixture<GkParkingMap>(html`<gk-parking-map .client=${api.client()} center="Lisbon"></gk-parking-map>`);
    await el.updateComplete;
    await el.updateComplete;
    expect(text(part(el, "error"))).to.equal('<gk-parking-map> needs a center attribute: "lat,lng" in degrees, such as "38.7107,-9.1366".');
    expect(part(el, "retry-button")).to.equal(null);
    expect(api.requests).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it("shows a place's rating, description and features, and the search's count to screen readers", async () => {
    const api = new FakeApi();
    const el = await fixture<GkParkingMap>(
      html`<gk-parking-map .client=${api.client()} center="38.7107,-9.1366" start="2030-07-01T09:00:00.000Z"></gk-parking-map>`,
    );
    (await api.next()).respond(200, {
      data: [{ place: GARAGE, distanceKm: 0.42, freeCapacity: 4, price: { amount: 600, currency: "EUR" } }],
      nextCursor: null,
    });
    await waitUntil(() => part(el, "list"), "the list never showed");
    expect(text(part(el, "rating"))).to.equal("Rated 4.5 of 5 (12 reviews)");
    expect(text(part(el, "description"))).to.equal("Under the square, entrance on Rua Augusta.");
    expect(text(part(el, "features"))).to.equal("Covered · EV charging · Open 24/7");
    expect(text(part(el, "free"))).to.equal("4 of 5 free");
    expect(text(part(el, "price"))).to.equal("€6.00 for 2 hr");
    expect(text(el.shadowRoot!.querySelector('[role="status"]'))).to.equal("1 place found.");
    await expect(el).to.be.accessible();
  });

  it("opens a place's photos and approved reviews (with the operator's reply) from the keyboard, loading the reviews then", async () => {
    const api = new FakeApi();
    const el = await fixture<GkParkingMap>(
      html`<gk-parking-map .client=${api.client()} center="38.7107,-9.1366" start="2030-07-01T09:00:00.000Z"></gk-parking-map>`,
    );
    const upload = "https://api.test/v1/files/file_0123456789abcdefghjk";
    const place = { ...GARAGE, images: [PIXEL, upload] };
    (await api.next()).respond(200, {
      data: [{ place, distanceKm: 0.42, freeCapacity: 4, price: { amount: 600, currency: "EUR" } }],
      nextCursor: null,
    });
    await waitUntil(() => part(el, "list"), "the list never showed");
    const reviewRequests = () => api.requests.filter((r) => r.url.pathname.endsWith("/reviews"));
    expect(reviewRequests()).to.have.length(0);
    part(el, "details-toggle")!.focus();
    await sendKeys({ press: "Enter" });
    let reviews = await api.next();
    while (reviews.url.pathname === "/v1/realtime/tokens") reviews = await api.next();
    expect(reviews.url.pathname).to.equal(`/v1/places/${GARAGE.id}/reviews`);
    expect(reviews.url.searchParams.get("limit")).to.equal("5");
    await waitUntil(() => text(part(el, "details")).includes("Loading reviews"), "no loading state");
    expect(parts(el, "photo").map((img) => img.getAttribute("alt"))).to.deep.equal(["Photo 1 of Baixa Garage", "Photo 2 of Baixa Garage"]);
    // Lazy thumbnails of one size (no shift when they load); an upload's copies as srcset.
    const [pixel, uploaded] = parts(el, "photo") as HTMLImageElement[];
    for (const img of [pixel!, uploaded!]) {
      expect([img.loading, img.decoding, img.getAttribute("width"), img.getAttribute("height")]).to.deep.equal([
        "lazy",
        "async",
        "128",
        "96",
      ]);
    }
    expect(pixel!.hasAttribute("srcset")).to.equal(false);
    expect(uploaded!.getAttribute("srcset")).to.equal(`${upload}?w=320 320w, ${upload}?w=640 640w, ${upload}?w=1280 1280w`);
    expect(uploaded!.getAttribute("sizes")).to.equal("8rem");
    reviews.respond(200, {
      data: [{ ...REVIEW, reply: { text: "Thank you, Ada!", at: "2030-06-02T10:00:00.000Z" } }],
      nextCursor: null,
    });
    await waitUntil(() => part(el, "review"), "the reviews never showed");
    expect(text(part(el, "review"))).to.equal("★★★★☆4 of 5 Ada Easy to find. Reply from Baixa Garage: Thank you, Ada!");
    expect(active()).to.equal(part(el, "details-toggle"));
    await expect(el).to.be.accessible();
    // Closing and opening again asks nothing more.
    await sendKeys({ press: "Enter" });
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    expect(reviewRequests()).to.have.length(1);
  });
});

const PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
const REVIEW = {
  id: "rev_0123456789abcdefghjk",
  placeId: "plc_0123456789abcdefghjk",
  bookingId: "bkg_0123456789abcdefghjk",
  rating: 4,
  text: "Easy to find.",
  authorName: "Ada",
  status: "approved",
  moderationReason: null,
  createdAt: "2030-06-01T10:00:00.000Z",
  moderatedAt: "2030-06-01T11:00:00.000Z",
};

const GARAGE = {
  id: "plc_0123456789abcdefghjk",
  kind: "parking",
  name: "Baixa Garage",
  description: "Under the square, entrance on Rua Augusta.",
  address: { line1: "Rua Augusta 24", city: "Lisbon", country: "PT" },
  location: { lat: 38.7127, lng: -9.1346 },
  timeZone: "Europe/Lisbon",
  capacity: 5,
  pricing: { mode: "hourly", currency: "EUR", perHour: 300, dailyMax: null },
  openingHours: null,
  features: ["covered", "ev_charging", "open_24_7"],
  images: [],
  active: true,
  slots: null,
  horizonDays: 90,
  leadMinutes: 0,
  reviewModeration: true,
  rating: { average: 4.5, count: 12 },
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
