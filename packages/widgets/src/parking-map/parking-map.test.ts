import { expect, fixture, html } from "@open-wc/testing";
import "../../test/setup.js";
import { part, text } from "../../test/dom.js";
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
});
