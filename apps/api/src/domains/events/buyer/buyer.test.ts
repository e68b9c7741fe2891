import type { CheckinList, Order } from "@gatherkit/core";
import { toString as qrToString } from "qrcode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkout, checkoutRequest, newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, outboxEmails, type TestOrg, twoOrgs } from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { signedQrPayload } from "../qr.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
});
afterAll(() => t.close());

const path = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe("the buyer reads their own order with its token, no credential", () => {
  it("the checkout answers a buyerToken; with it the order and its tickets (with QR links) are readable, without or with a wrong one 404", async () => {
    const event = await newEvent(t, a);
    const free = await newTicketType(t, a, event, { price: 0 });
    const order = await checkout(t, a, event, [{ ticketTypeId: free.id, quantity: 2 }]);
    expect(order.buyerToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const mine = expectStatus<Order>(await call(t, "GET", `/v1/buyer/orders/${order.id}?token=${order.buyerToken}`), 200);
    expect(mine).toEqual(order);
    expect(mine.tickets).toHaveLength(2);
    for (const x of mine.tickets) expect(x.qrUrl).toContain(`/v1/buyer/tickets/${x.id}/qr?token=${order.buyerToken}`);
    expectProblem(await call(t, "GET", `/v1/buyer/orders/${order.id}`), 404, "not_found");
    expectProblem(await call(t, "GET", `/v1/buyer/orders/${order.id}?token=${order.buyerToken!.slice(1)}x`), 404, "not_found");
    // Another order's token opens only that order.
    const other = await checkout(t, a, event, [{ ticketTypeId: free.id, quantity: 1 }]);
    expectProblem(await call(t, "GET", `/v1/buyer/orders/${order.id}?token=${other.buyerToken}`), 404, "not_found");
    expectProblem(await call(t, "GET", `/v1/buyer/tickets/${order.tickets[0]!.id}/qr?token=${other.buyerToken}`), 404, "not_found");
  });

  it("a pending order reads pending without tickets; staff reading it get the same token", async () => {
    const event = await newEvent(t, a);
    const paid = await newTicketType(t, a, event, { price: 1500 });
    const order = expectStatus<Order>(await checkoutRequest(t, a, event, [{ ticketTypeId: paid.id, quantity: 1 }]), 201);
    const mine = expectStatus<Order>(await call(t, "GET", `/v1/buyer/orders/${order.id}?token=${order.buyerToken}`), 200);
    expect(mine).toMatchObject({ status: "pending", tickets: [], buyerToken: order.buyerToken });
    const staff = expectStatus<Order>(await call(t, "GET", `/v1/orders/${order.id}`, { token: a.secretKey }), 200);
    expect(staff.buyerToken).toBe(order.buyerToken);
    // Another organization's staff do not see it at all.
    expectProblem(await call(t, "GET", `/v1/orders/${order.id}`, { token: b.secretKey }), 404, "not_found");
  });
});

describe("QR codes", () => {
  it("each ticket's QR link answers an SVG (the qrcode package) of its signed payload, which verifies with the lists' public key", async () => {
    const event = await newEvent(t, a);
    const free = await newTicketType(t, a, event, { price: 0 });
    const order = await checkout(t, a, event, [{ ticketTypeId: free.id, quantity: 2 }]);
    const [one, two] = order.tickets;
    const res = await t.fetch(`http://api.test${path(one!.qrUrl!)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("image/svg+xml");
    const svg = await res.text();
    const payload = await signedQrPayload(t.deps.config, event.id, one!.code);
    expect(svg).toBe(await qrToString(payload, { type: "svg", errorCorrectionLevel: "M", margin: 2 }));
    // The payload names the event and the code, and its Ed25519 signature verifies with nothing but
    // the public key every check-in list carries (what an offline scanner has).
    const body = `GK1:${event.id}:${one!.code.replace(/-/g, "")}`;
    expect(payload.startsWith(`${body}:`)).toBe(true);
    const list = expectStatus<CheckinList>(
      await call(t, "POST", `/v1/events/${event.id}/checkin-lists`, { token: a.secretKey, body: { name: "Door" } }),
      201,
    );
    const fromB64 = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
    const key = await crypto.subtle.importKey("raw", fromB64(list.qrPublicKey), { name: "Ed25519" }, false, ["verify"]);
    const sig = fromB64(payload.slice(body.length + 1));
    expect(await crypto.subtle.verify({ name: "Ed25519" }, key, sig, new TextEncoder().encode(body))).toBe(true);
    const forged = new TextEncoder().encode(`GK1:${event.id}:${two!.code.replace(/-/g, "")}`);
    expect(await crypto.subtle.verify({ name: "Ed25519" }, key, sig, forged)).toBe(false);
    expect(svg.startsWith("<svg")).toBe(true);
    const svg2 = await (await t.fetch(`http://api.test${path(two!.qrUrl!)}`)).text();
    expect(svg2).not.toBe(svg);
  });

  it("the confirmation email carries every ticket's code and QR image, and the order link; what the buyer typed is escaped", async () => {
    const event = await newEvent(t, a, { title: "Fado & friends" });
    const free = await newTicketType(t, a, event, { price: 0, name: "Free <entry>" });
    const email = "qr-buyer@example.com";
    const order = expectStatus<Order>(
      await call(t, "POST", `/v1/events/${event.id}/orders`, {
        token: a.secretKey,
        body: { buyer: { name: "<img src=x onerror=alert(1)>", email }, lines: [{ ticketTypeId: free.id, quantity: 2 }] },
      }),
      201,
    );
    const [mail] = await outboxEmails(t, email, "order_confirmation");
    expect(mail).toBeDefined();
    for (const x of order.tickets) {
      expect(mail!.text).toContain(`${x.code} (Free <entry>): ${x.qrUrl}`);
      expect(mail!.html).toContain(`<img src="${x.qrUrl!.replace(/&/g, "&amp;")}"`);
    }
    expect(mail!.text).toContain(`/v1/buyer/orders/${order.id}?token=${order.buyerToken}`);
    expect(mail!.html).not.toContain("<img src=x");
    expect(mail!.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(mail!.html).toContain("Free &lt;entry&gt;");
  });

  it("the confirmation email carries the event as an .ics attachment (UTC times, venue, a stable UID per order, the order link)", async () => {
    const event = await newEvent(t, a, {
      title: "Fado, live; at night",
      venue: { name: "Clube de Fado", address: { line1: "Rua S. João da Praça 94", city: "Lisboa", country: "PT" } },
    });
    const free = await newTicketType(t, a, event, { price: 0 });
    const email = "ics-buyer@example.com";
    const order = expectStatus<Order>(await checkoutRequest(t, a, event, [{ ticketTypeId: free.id, quantity: 1 }], { email }), 201);
    const [mail] = await outboxEmails(t, email, "order_confirmation");
    expect(mail!.attachments).toHaveLength(1);
    const [att] = mail!.attachments!;
    expect(att).toMatchObject({ filename: "event.ics", contentType: "text/calendar; method=PUBLISH" });
    const ics = new TextDecoder().decode(Uint8Array.from(atob(att!.content), (ch) => ch.charCodeAt(0)));
    const unfolded = ics.replace(/\r\n[ \t]/g, "");
    expect(unfolded.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(unfolded).toContain("METHOD:PUBLISH");
    expect(unfolded).toContain("BEGIN:VEVENT");
    expect(unfolded).toContain(`UID:${order.id}@`);
    expect(unfolded).toContain("DTSTART:20300702T193000Z");
    expect(unfolded).toContain("DTEND:20300702T223000Z");
    // Text values escape commas and semicolons (RFC 5545 3.3.11); non-ASCII survives as UTF-8.
    expect(unfolded).toContain("SUMMARY:Fado\\, live\\; at night");
    expect(unfolded).toContain("LOCATION:Clube de Fado\\, Rua S. João da Praça 94\\, Lisboa\\, PT");
    expect(unfolded).toContain(`/v1/buyer/orders/${order.id}?token=${order.buyerToken}`);
    expect(unfolded.trimEnd().endsWith("END:VCALENDAR")).toBe(true);
  });
});
