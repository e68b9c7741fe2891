// The organization's time zone and live updates, end to end (see harness.mjs), with REAL rooms
// (`partykit dev`): the organizer sets the zone in Settings and the dashboard's times follow it;
// with the analytics page open, a second client (a visitor's booking through the API) changes a
// place, and the page's occupancy figures move without a reload — under the dashboard's own CSP.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, env, newPage, ok, signIn, socketsOf, text, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

useDashboard({ realtime: true });

const inDash = (page, tag, fn, arg) =>
  page
    .waitForFunction(
      (t, src, a) => {
        const root = document.querySelector("gk-dashboard")?.shadowRoot?.querySelector(t)?.shadowRoot;
        return root && new Function("root", "arg", src)(root, a);
      },
      {},
      tag,
      fn,
      arg,
    )
    .catch(async (e) => {
      throw new Error(`${e.message}; the page says: ${await visibleText(page)}`);
    });

/** Waits until `sel` in the analytics page reads `want` (no eval: this page keeps the dashboard's CSP). */
const analyticsReads = (page, sel, want) =>
  page
    .waitForFunction(
      (s, w) =>
        document.querySelector("gk-dashboard")?.shadowRoot?.querySelector("gk-dash-analytics")?.shadowRoot?.querySelector(s)
          ?.textContent === w,
      {},
      sel,
      want,
    )
    .catch(async (e) => {
      throw new Error(`${e.message}; the page says: ${await visibleText(page)}`);
    });

const sk = () => ({ authorization: `Bearer ${env.api.demo.secretKey}`, "content-type": "application/json" });

describe("time zone and live updates", () => {
  it("the organization's time zone, set in Settings (checked as typed), is the one every time is shown in", async () => {
    const page = await newPage();
    await signIn(page);
    await page.click($("nav a[href='/dashboard/settings']"));
    await waitFor(page, "gk-dash-settings >>> table td.optional");
    assert.equal(await page.$eval($("gk-dash-settings >>> #f-timeZone"), (el) => el.value), "UTC");
    assert.match(await text(page, "gk-dash-settings >>> table td.optional"), /UTC/);

    // Not a zone: said as it is typed, and nothing is sent.
    await page.$eval($("gk-dash-settings >>> #f-timeZone"), (el) => {
      el.value = "";
    });
    await type(page, "gk-dash-settings >>> #f-timeZone", "Mars/Olympus");
    await page.$eval($("gk-dash-settings >>> #f-timeZone"), (el) => el.blur());
    await waitFor(page, "gk-dash-settings >>> #f-timeZone-error");
    assert.match(await text(page, "gk-dash-settings >>> #f-timeZone-error"), /Not a time zone/);
    await axe(page, "settings with a bad time zone");

    await page.$eval($("gk-dash-settings >>> #f-timeZone"), (el) => {
      el.value = "";
    });
    await type(page, "gk-dash-settings >>> #f-timeZone", "Asia/Tokyo");
    await page.click($("gk-dash-settings >>> form[aria-label=Organization] button[type=submit]"));
    await inDash(page, "gk-dash-settings", "return root.textContent.includes('Saved.')");
    // The members' "since" dates now read in Tokyo time (GMT+9), here and after a reload.
    await inDash(page, "gk-dash-settings", "return /GMT\\+9/.test(root.querySelector('table td.optional')?.textContent ?? '')");
    const org = await (await fetch(`${env.base}/v1/organization`, { headers: sk() })).json();
    assert.equal(org.timeZone, "Asia/Tokyo");
    await page.click($("nav a[href='/dashboard/developers/keys']"));
    await inDash(page, "gk-dash-keys", "return /GMT\\+9/.test(root.textContent)");
    assert.deepEqual(page.errors, []);
  });

  it("the analytics page updates a place's occupancy live when a visitor books it (real rooms, the dashboard's CSP)", async () => {
    // A place made by the organization's server; the page shows it first (newest first).
    const place = await (
      await fetch(`${env.base}/v1/places`, {
        method: "POST",
        headers: sk(),
        body: JSON.stringify({
          kind: "parking",
          name: "Live Garage",
          address: { line1: "Rua do Ouro 1", city: "Lisbon", country: "PT" },
          location: { lat: 38.71, lng: -9.139 },
          timeZone: "UTC",
          capacity: 4,
          pricing: { mode: "hourly", currency: "EUR", perHour: 200 },
        }),
      })
    ).json();
    assert.ok(place.id, JSON.stringify(place));

    // A page WITHOUT the CSP bypass newPage() sets for axe: the room's WebSocket must be allowed.
    const context = await env.browser.createBrowserContext();
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    const blocked = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    await signIn(page);
    await page.click($("nav a[href='/dashboard/analytics']"));
    await waitFor(page, `gk-dash-analytics >>> #pick-place option[value='${place.id}']`);
    await analyticsReads(page, "[data-testid=bookings]", "0");
    // A second client: a visitor (participant token) books 3 hours tomorrow through the API.
    const pt = await (
      await fetch(`${env.base}/v1/participant-tokens`, {
        method: "POST",
        headers: sk(),
        body: JSON.stringify({ externalId: "lia", name: "Lia" }),
      })
    ).json();
    const start = new Date(Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000 + 14 * 3_600_000).toISOString();
    const booked = await fetch(`${env.base}/v1/bookings`, {
      method: "POST",
      headers: { authorization: `Bearer ${pt.token}`, "content-type": "application/json" },
      body: JSON.stringify({ placeId: place.id, start, durationMinutes: 180, contact: { name: "Lia" } }),
    });
    assert.equal(booked.status, 201, await booked.clone().text());

    // No reload: the room's message makes the page fetch the figures again.
    const navigations = [];
    page.on("framenavigated", (f) => navigations.push(f.url()));
    await analyticsReads(page, "[data-testid=bookings]", "1");
    assert.equal(await text(page, "gk-dash-analytics >>> [data-testid=booked-hours]"), "3");
    const hours = await page.$$eval($("gk-dash-analytics >>> [data-chart=occupancy] td[data-value]"), (tds) =>
      tds.map((td) => Number(td.dataset.value)),
    );
    assert.deepEqual(
      hours.map((v, h) => (v ? h : -1)).filter((h) => h >= 0),
      [14, 15, 16],
    );
    assert.deepEqual(navigations, [], "the page did not reload");
    assert.deepEqual(blocked, [], "the CSP let the room's WebSocket through");
    assert.deepEqual(errors, []);
    await context.close();
  });
});

// ---- the event, orders, check-in and place pages live; the overview's figures ---------------------------

/** A published event with a free ticket type of 10, and a check-in list. */
async function liveEvent(title) {
  const event = await ok("POST", "/v1/events", {
    title,
    startsAt: "2031-10-01T19:00:00.000Z",
    endsAt: "2031-10-01T23:00:00.000Z",
    timeZone: "Europe/Lisbon",
    currency: "EUR",
  });
  const type = await ok("POST", `/v1/events/${event.id}/ticket-types`, { name: "Free entry", price: 0, currency: "EUR", quantity: 10 });
  await ok("POST", `/v1/events/${event.id}/publish`);
  const list = await ok("POST", `/v1/events/${event.id}/checkin-lists`, { name: "Front door" });
  return { event, type, list };
}

/** Waits until `sel` in page element `tag` reads something matching `pattern` (no eval: works under the dashboard's CSP). */
const reads = (page, tag, sel, pattern) =>
  page
    .waitForFunction(
      (t, s, p) =>
        new RegExp(p).test(
          document.querySelector("gk-dashboard")?.shadowRoot?.querySelector(t)?.shadowRoot?.querySelector(s)?.textContent ?? "",
        ),
      {},
      tag,
      sel,
      pattern,
    )
    .catch(async (e) => {
      throw new Error(`${e.message} (waiting for ${tag} ${sel} to read /${pattern}/); the page says: ${await visibleText(page)}`);
    });

/** A signed-in page that keeps the dashboard's CSP (the room's WebSocket must get through it). */
async function cspPage() {
  const context = await env.browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.errors = [];
  page.on("pageerror", (err) => page.errors.push(err.message));
  await signIn(page);
  return page;
}

describe("live pages", () => {
  it("the event page sees orders, stock, check-ins and RSVPs arrive; the check-in page on a second phone sees the count move; leaving closes the room", async () => {
    const { event, type, list } = await liveEvent("Live Night");
    const guest = await ok("POST", `/v1/events/${event.id}/guests`, { name: "Rui", email: "rui@example.com" });

    const organizer = await cspPage();
    const sockets = await socketsOf(organizer);
    await organizer.goto(`${env.base}/dashboard/events/${event.id}`);
    await reads(organizer, "gk-dash-event", "table", "Free entry");
    await reads(organizer, "gk-dash-event", "[data-testid=checked-in]", "^0 of 0 checked in$");
    await reads(organizer, "gk-dash-event", "[data-testid=rsvp-confirmed]", "^0 confirmed");
    const door = await cspPage();
    await door.goto(`${env.base}/dashboard/events/${event.id}/checkin`);
    await reads(door, "gk-dash-checkin", "[data-testid=count]", "^0 of 0 checked in$");
    const navigations = [];
    organizer.on("framenavigated", (f) => navigations.push(f.url()));
    door.on("framenavigated", (f) => navigations.push(f.url()));

    // A buyer's order (two free tickets) arrives: the list, the stock and the announcement move.
    const order = await ok("POST", `/v1/events/${event.id}/orders`, {
      buyer: { name: "Inês", email: "ines@example.com" },
      lines: [{ ticketTypeId: type.id, quantity: 2 }],
    });
    await reads(organizer, "gk-dash-event", "[data-testid=live]", "^1 new order\\.$");
    await reads(organizer, "gk-dash-event", "[data-testid=event-orders] tbody", order.confirmationCode);
    await reads(organizer, "gk-dash-event", "table tbody tr td:nth-child(4)", "^8$");

    // A ticket is checked in at another door: both phones' counts move.
    const paid = await ok("GET", `/v1/orders/${order.id}`);
    await ok("POST", `/v1/checkin-lists/${list.id}/checkins`, { code: paid.tickets[0].code });
    await reads(organizer, "gk-dash-event", "[data-testid=checked-in]", "^1 of 2 checked in$");
    await reads(door, "gk-dash-checkin", "[data-testid=count]", "^1 of 2 checked in$");
    await reads(door, "gk-dash-checkin", "[data-testid=live]", "1 of 2 checked in");

    // A guest says yes through their invitation.
    await ok("POST", `/v1/events/${event.id}/invitation/${guest.token}/rsvp`, { answer: "yes" }, "");
    await reads(organizer, "gk-dash-event", "[data-testid=rsvp-confirmed]", "^1 confirmed");
    assert.deepEqual(navigations, [], "no page reloaded");

    // Leaving the page closes its room.
    const room = [...sockets.values()].filter((u) => u.includes(event.id));
    assert.ok(room.length >= 1, `the event page opened its room: ${[...sockets.values()]}`);
    await organizer.click($("gk-dash-event >>> a[href='/dashboard/events']"));
    await waitFor(organizer, "gk-dash-events >>> table");
    await organizer.waitForFunction(() => true); // a turn for the close to be reported
    const deadline = Date.now() + 20_000;
    while ([...sockets.values()].some((u) => u.includes(event.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      [...sockets.values()].filter((u) => u.includes(event.id)),
      [],
      "the room's socket closed",
    );
    assert.deepEqual(organizer.errors, []);
    assert.deepEqual(door.errors, []);
    await organizer.browserContext().close();
    await door.browserContext().close();
  });

  it("the orders list and a place's bookings announce what is new without a reload (axe clean with the announcement)", async () => {
    const { event, type } = await liveEvent("Live Orders");
    const page = await newPage();
    await signIn(page);
    await page.goto(`${env.base}/dashboard/events/${event.id}/orders`);
    await waitFor(page, "gk-dash-orders >>> [data-testid=live]");
    await reads(page, "gk-dash-orders", "p.muted", "No orders yet");
    const navigations = [];
    page.on("framenavigated", (f) => navigations.push(f.url()));
    const order = await ok("POST", `/v1/events/${event.id}/orders`, {
      buyer: { name: "Tomás", email: "tomas@example.com" },
      lines: [{ ticketTypeId: type.id, quantity: 1 }],
    });
    await reads(page, "gk-dash-orders", "[data-testid=live]", "^1 new order arrived\\.$");
    await reads(page, "gk-dash-orders", "tbody", order.confirmationCode);
    assert.equal(await page.$eval($("gk-dash-orders >>> [data-testid=live]"), (el) => el.getAttribute("role")), "status");
    await axe(page, "orders with a live announcement");

    const place = await ok("POST", "/v1/places", {
      kind: "parking",
      name: "Live Bookings Garage",
      address: { line1: "Rua do Carmo 2", city: "Lisbon", country: "PT" },
      location: { lat: 38.711, lng: -9.14 },
      timeZone: "UTC",
      capacity: 2,
      pricing: { mode: "hourly", currency: "EUR", perHour: 100 },
    });
    await page.goto(`${env.base}/dashboard/places/${place.id}`);
    await reads(page, "gk-dash-place", "#bookings-title ~ p.muted", "No bookings yet");
    navigations.length = 0;
    const visitor = await ok("POST", "/v1/participant-tokens", { externalId: "live-booker", name: "Marta" });
    const start = new Date(Math.floor(Date.now() / 86_400_000 + 2) * 86_400_000 + 10 * 3_600_000).toISOString();
    await ok("POST", "/v1/bookings", { placeId: place.id, start, durationMinutes: 60, contact: { name: "Marta" } }, visitor.token);
    await reads(page, "gk-dash-place", "[data-testid=live]", "^1 new booking$");
    await reads(page, "gk-dash-place", "tbody", "Marta");
    await axe(page, "place bookings with a live announcement");
    assert.deepEqual(navigations, [], "no reload");
    assert.deepEqual(page.errors, []);
    await page.browserContext().close();
  });

  it("the overview shows the organization's key numbers from the API, with a chart and its table", async () => {
    const page = await newPage();
    await signIn(page);
    await waitFor(page, "gk-dash-overview >>> [data-testid=overview]");
    const figures = await ok("GET", "/v1/organization/overview");
    assert.equal(await text(page, "gk-dash-overview >>> [data-testid=tickets-sold]"), String(figures.events.ticketsSold));
    assert.equal(await text(page, "gk-dash-overview >>> [data-testid=upcoming-events]"), String(figures.events.upcoming));
    assert.equal(await text(page, "gk-dash-overview >>> [data-testid=active-plans]"), String(figures.plans.active));
    await waitFor(page, "gk-dash-overview >>> [data-chart=overview-tickets] svg.chart");
    const days = await page.$$eval($("gk-dash-overview >>> [data-chart=overview-tickets] td[data-value]"), (tds) =>
      tds.map((td) => Number(td.dataset.value)),
    );
    assert.deepEqual(
      days,
      figures.byDay.map((d) => d.tickets),
    );
    await axe(page, "overview with figures");
    assert.deepEqual(page.errors, []);
    await page.browserContext().close();
  });
});
