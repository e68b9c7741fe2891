import { expect } from "@open-wc/testing";
import { returnUrl, takeReturn } from "./checkout-return.js";
import { availabilityOf, maxOf, remainingOf } from "./live-stock.js";

/** The rules `<gk-ticket-checkout>` shows its ticket types by, and the way back from Stripe Checkout's page, alone. */

const NOW = Date.parse("2026-06-01T12:00:00Z");
const event = { status: "published" as const, endsAt: "2026-06-02T00:00:00Z" };
const type = (over: Partial<Parameters<typeof availabilityOf>[1]> = {}) => ({
  id: "tt_1",
  remaining: 10 as number | null,
  minPerOrder: 1,
  maxPerOrder: 4,
  availability: "on_sale" as const,
  salesStartAt: null as string | null,
  salesEndAt: null as string | null,
  ...over,
});

describe("live stock rules", () => {
  it("what is left is the room's word over what was loaded; a buyer may choose up to the per-order maximum and what is left", () => {
    expect(remainingOf({}, type())).to.equal(10);
    expect(remainingOf({ tt_1: 2 }, type())).to.equal(2);
    expect(remainingOf({ tt_1: null }, type())).to.equal(null);
    expect(remainingOf({ tt_2: 0 }, type())).to.equal(10);
    expect(maxOf({}, type())).to.equal(4);
    expect(maxOf({ tt_1: 3 }, type())).to.equal(3);
    expect(maxOf({}, type({ remaining: null }))).to.equal(4);
  });

  it("availability: on sale, sold out (also under the per-order minimum), cancelled, off sale, not yet, ended", () => {
    expect(availabilityOf({}, type(), event, undefined, NOW)).to.equal("on_sale");
    expect(availabilityOf({}, type({ remaining: null }), event, undefined, NOW)).to.equal("on_sale");
    expect(availabilityOf({ tt_1: 0 }, type(), event, undefined, NOW)).to.equal("sold_out");
    expect(availabilityOf({ tt_1: 1 }, type({ minPerOrder: 2 }), event, undefined, NOW)).to.equal("sold_out");
    expect(availabilityOf({}, type({ availability: "cancelled" }), event, undefined, NOW)).to.equal("cancelled");
    expect(availabilityOf({}, type(), event, "cancelled", NOW)).to.equal("cancelled");
    // The room's status wins over the loaded event's, both ways.
    expect(availabilityOf({}, type(), event, "unpublished", NOW)).to.equal("unpublished");
    expect(availabilityOf({}, type(), { ...event, status: "unpublished" }, "published", NOW)).to.equal("on_sale");
    expect(availabilityOf({}, type({ salesStartAt: "2026-06-01T12:00:01Z" }), event, undefined, NOW)).to.equal("not_yet_on_sale");
    expect(availabilityOf({}, type({ salesStartAt: "2026-06-01T12:00:00Z" }), event, undefined, NOW)).to.equal("on_sale");
    expect(availabilityOf({}, type({ salesEndAt: "2026-06-01T12:00:00Z" }), event, undefined, NOW)).to.equal("sales_ended");
    expect(availabilityOf({}, type(), { ...event, endsAt: "2026-06-01T11:00:00Z" }, undefined, NOW)).to.equal("sales_ended");
  });
});

describe("the way back from Stripe Checkout's page", () => {
  const start = location.href;
  afterEach(() => history.replaceState(history.state, "", start));

  it("the return address is this page without the return parameters nor a fragment", () => {
    history.replaceState(history.state, "", "?a=1&gk_order=ord_1&gk_payment=paid#x");
    const back = new URL(returnUrl() ?? "");
    expect(back.search).to.equal("?a=1");
    expect(back.hash).to.equal("");
    expect(back.pathname).to.equal(location.pathname);
  });

  it("back for this order: how Stripe's page said it went, and the address made clean; another order's return is left alone", () => {
    history.replaceState(history.state, "", "?a=1&gk_order=ord_2&gk_payment=cancelled");
    expect(takeReturn("ord_1", "paid")).to.equal("paid");
    expect(location.search).to.equal("?a=1&gk_order=ord_2&gk_payment=cancelled");
    expect(takeReturn("ord_2", undefined)).to.equal("cancelled");
    expect(location.search).to.equal("?a=1");
    expect(takeReturn("ord_2", "cancelled")).to.equal("cancelled");
  });
});
