// Analytics end to end (see harness.mjs): the organizer makes an event with two ticket types in the
// dashboard, a visitor buys through the real <gk-ticket-checkout> on a host page and pays on the
// local provider's checkout page, and the dashboard shows the order and the charts move.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, created, env, newPage, text, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

useDashboard();

const inDash = (page, tag, fn, arg) =>
  page.waitForFunction(
    (t, src, a) => {
      const root = document.querySelector("gk-dashboard")?.shadowRoot?.querySelector(t)?.shadowRoot;
      return root && new Function("root", "arg", src)(root, a);
    },
    {},
    tag,
    fn,
    arg,
  );

describe("analytics", () => {
  it("an event with two ticket types → bought in the widget through the local provider → the order and the charts move, with tables and CSV", async () => {
    const page = await newPage();
    await page.goto(`${env.base}/dashboard/sign-in`);
    await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
    await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, "nav");

    // The event and its two ticket types, made in the dashboard, then published.
    await page.click($("nav a[href='/dashboard/events']"));
    await type(page, "gk-dash-events >>> #f-title", "Jazz at the river");
    await type(page, "gk-dash-events >>> #f-startsAt", "2031-07-02T19:30");
    await type(page, "gk-dash-events >>> #f-endsAt", "2031-07-02T22:30");
    await type(page, "gk-dash-events >>> #f-timeZone", "Europe/Lisbon");
    await page.click($("gk-dash-events >>> form button[type=submit]"));
    await waitFor(page, "gk-dash-event >>> h1");
    const eventId = page.url().split("/").pop();
    for (const [name, price, quantity] of [
      ["Standard", "20", "100"],
      ["VIP", "55", "10"],
    ]) {
      await type(page, "gk-dash-event >>> #f-name", name);
      await type(page, "gk-dash-event >>> #f-price", price);
      await type(page, "gk-dash-event >>> #f-quantity", quantity);
      await page.click($("gk-dash-event >>> form[aria-label='New ticket type'] button[type=submit]"));
      await inDash(page, "gk-dash-event", "return root.querySelector('table')?.textContent.includes(arg)", name);
    }
    await page.click($("gk-dash-event >>> .row button"));
    await inDash(page, "gk-dash-event", "return root.textContent.includes('Unpublish')");

    // Analytics before any sale: zero, charts drawn, the numbers as a table.
    await page.click($("nav a[href='/dashboard/analytics']"));
    // The page loads its list of events first: wait for this one to be offered.
    await waitFor(page, `gk-dash-analytics >>> #pick-event option[value='${eventId}']`);
    await page.select($("gk-dash-analytics >>> #pick-event"), eventId);
    await page.waitForFunction((id) => location.search === `?event=${id}`, {}, eventId);
    await waitFor(page, "gk-dash-analytics >>> [data-testid=orders]");
    assert.equal(await text(page, "gk-dash-analytics >>> [data-testid=orders]"), "0");
    await waitFor(page, "gk-dash-analytics >>> [data-chart=ticket-types] svg[role=img]");
    await axe(page, "analytics before a sale");

    // A visitor buys 2 Standard and 1 VIP in the widget on a host page, and pays locally.
    const origin = `http://127.0.0.1:${env.host.address().port}`;
    const sk = { authorization: `Bearer ${env.api.demo.secretKey}`, "content-type": "application/json" };
    const keys = await (await fetch(`${env.base}/v1/publishable-keys?limit=100`, { headers: sk })).json();
    const key = keys.data.find((k) => k.key === env.api.demo.publishableKey);
    await fetch(`${env.base}/v1/publishable-keys/${key.id}`, {
      method: "PATCH",
      headers: sk,
      body: JSON.stringify({ allowedOrigins: [...new Set([...key.allowedOrigins, origin])] }),
    });
    env.hostPage = `<!doctype html><html lang="en"><head><title>Tickets</title></head><body>
      <script type="module" src="${env.base}/widgets/gatherkit-widgets.js"></script>
      <gk-ticket-checkout api-base="${env.base}" publishable-key="${env.api.demo.publishableKey}" event="${eventId}"></gk-ticket-checkout>
    </body></html>`;
    const site = await newPage();
    await site.goto(origin);
    await site.waitForSelector("gk-ticket-checkout >>> [part=ticket-type]");
    await site.click("gk-ticket-checkout >>> button[aria-label='More Standard']");
    await site.click("gk-ticket-checkout >>> button[aria-label='More Standard']");
    await site.click("gk-ticket-checkout >>> button[aria-label='More VIP']");
    await site.type("gk-ticket-checkout >>> #name", "Nina Simone");
    await site.type("gk-ticket-checkout >>> #email", "nina@example.com");
    await site.click("gk-ticket-checkout >>> button[type=submit]");
    const payUrl = await (await site.waitForSelector("gk-ticket-checkout >>> a[part=pay-link]")).evaluate((a) => a.href);
    const provider = await newPage();
    await provider.goto(payUrl);
    await provider.click("button[value=pay]");
    await provider.waitForFunction(() => document.querySelector("h1")?.textContent === "Paid");
    // The widget notices the payment itself (it checks back), or when the buyer says they paid.
    const paid = site.waitForSelector("gk-ticket-checkout >>> [part=confirmation-code]");
    await Promise.race([
      paid,
      site.waitForSelector("gk-ticket-checkout >>> button::-p-text(I have paid)").then((b) => b.click().catch(() => {})),
    ]);
    await paid;
    const codes = await site.$$eval("gk-ticket-checkout >>> [part=ticket-code]", (els) => els.map((el) => el.textContent.trim()));
    assert.equal(codes.length, 3);

    // The dashboard: the figures and the charts moved.
    await page.click($("gk-dash-analytics >>> button::-p-text(Refresh)"));
    await inDash(page, "gk-dash-analytics", "return root.querySelector('[data-testid=orders]')?.textContent === '1'").catch(async (e) => {
      throw new Error(`${e.message}; the page says: ${await visibleText(page)}`);
    });
    assert.equal(await text(page, "gk-dash-analytics >>> [data-testid=tickets]"), "3");
    const bars = await page.$$eval($("gk-dash-analytics >>> [data-chart=ticket-types] rect.bar"), (rs) =>
      rs.map((r) => [r.querySelector("title").textContent, Number(r.dataset.value), Number(r.getAttribute("height"))]),
    );
    assert.deepEqual(
      bars.map(([t, v]) => [t.split(":")[0], v]),
      [
        ["Standard", 2],
        ["VIP", 1],
      ],
    );
    assert.ok(bars[0][2] > bars[1][2] && bars[1][2] > 0, "the bars are drawn to scale");
    const perDay = await page.$$eval($("gk-dash-analytics >>> [data-chart=registrations] tbody td[data-value]"), (tds) =>
      tds.map((td) => Number(td.dataset.value)),
    );
    assert.equal(
      perDay.reduce((a, b) => a + b, 0),
      3,
    );
    const revenue = await page.$$eval($("gk-dash-analytics >>> [data-chart=revenue] tbody td[data-value]"), (tds) =>
      tds.map((td) => Number(td.dataset.value)),
    );
    assert.equal(
      revenue.reduce((a, b) => a + b, 0),
      2 * 2000 + 5500,
    );
    // The numbers as CSV: the download is the table.
    await page.evaluate(() => {
      window.__csv = [];
      const create = URL.createObjectURL;
      URL.createObjectURL = (blob) => {
        window.__csv.push(blob);
        return create(blob);
      };
    });
    await page.click($("gk-dash-analytics >>> [data-chart=ticket-types] button"));
    const csv = await page.waitForFunction(() => window.__csv.length && window.__csv[0].text()).then((h) => h.jsonValue());
    assert.equal(csv, "ticket_type,sold\r\nStandard,2\r\nVIP,1");
    await axe(page, "analytics after a sale");

    // RSVPs: two guests invited, one answers yes (through their personal invitation): 50 %.
    const guests = [];
    for (const name of ["Ella", "Louis"]) {
      const res = await fetch(`${env.base}/v1/events/${eventId}/guests`, { method: "POST", headers: sk, body: JSON.stringify({ name }) });
      assert.equal(res.status, 201, await res.clone().text());
      guests.push(await res.json());
    }
    const rsvp = await fetch(`${env.base}/v1/events/${eventId}/invitation/${guests[0].token}/rsvp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ answer: "yes" }),
    });
    assert.equal(rsvp.status, 200, await rsvp.clone().text());
    await page.click($("gk-dash-analytics >>> button::-p-text(Refresh)"));
    await page.reload();
    await inDash(page, "gk-dash-analytics", "return root.querySelector('[data-testid=rsvp-rate]')?.textContent === '50 %'");
    assert.match(await text(page, "gk-dash-analytics >>> [data-chart=rsvp] table"), /invited\s*1\s*confirmed\s*1/);

    // A ticket is checked in at the door: the check-in rate moves to one in three.
    const list = await (
      await fetch(`${env.base}/v1/events/${eventId}/checkin-lists`, { method: "POST", headers: sk, body: JSON.stringify({ name: "Door" }) })
    ).json();
    const checkin = await fetch(`${env.base}/v1/checkin-lists/${list.id}/checkins`, {
      method: "POST",
      headers: sk,
      body: JSON.stringify({ code: codes[0] }),
    });
    assert.equal(checkin.status, 201, await checkin.clone().text());
    await page.reload();
    await inDash(page, "gk-dash-analytics", "return root.querySelector('[data-chart=check-in] td[data-value]')?.textContent === '33 %'");

    // A place booked 09:00–12:00 (its time zone) shows three booked hours in its occupancy by hour; a
    // plan started today shows in plan activity.
    const place = await created("/v1/places", {
      kind: "parking",
      name: "Cais Garage",
      address: { line1: "Cais do Sodré 1", city: "Lisbon", country: "PT" },
      location: { lat: 38.706, lng: -9.144 },
      timeZone: "UTC",
      capacity: 5,
      pricing: { mode: "hourly", currency: "EUR", perHour: 200 },
    });
    const pt = await created("/v1/participant-tokens", { externalId: "ella", name: "Ella" });
    const start = new Date(Math.floor(Date.now() / 86_400_000 + 3) * 86_400_000 + 9 * 3_600_000).toISOString();
    await created("/v1/bookings", { placeId: place.id, start, durationMinutes: 180, contact: { name: "Ella" } }, pt.token);
    const plan = await fetch(`${env.base}/v1/plans`, {
      method: "POST",
      headers: { authorization: `Bearer ${pt.token}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "trip", title: "Porto weekend", timeZone: "Europe/Lisbon", currency: "EUR" }),
    });
    assert.equal(plan.status, 201, await plan.clone().text());
    await page.reload();
    await inDash(
      page,
      "gk-dash-analytics",
      "return [...root.querySelectorAll('[data-chart=occupancy] td[data-value]')].map((td) => td.dataset.value).join(',') === arg",
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0].join(","),
    );
    await inDash(page, "gk-dash-analytics", "return root.querySelector('[data-testid=plans-created]')?.textContent === '1'");
    await axe(page, "analytics with a place and a plan");

    // The order is on the event's page.
    await page.goto(`${env.base}/dashboard/events/${eventId}`);
    await inDash(
      page,
      "gk-dash-event",
      "return [...root.querySelectorAll('table')].some((t) => t.textContent.includes('Nina Simone'))",
    ).catch(async (e) => {
      throw new Error(`${e.message}; the page says: ${await visibleText(page)}`);
    });

    // Phone width: no sideways scrolling on the analytics page.
    await page.goto(`${env.base}/dashboard/analytics?event=${eventId}`);
    await page.setViewport({ width: 375, height: 800 });
    await waitFor(page, "gk-dash-analytics >>> [data-chart=ticket-types] svg");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
    await axe(page, "analytics at phone width");
    assert.deepEqual([...page.errors, ...site.errors], []);
  });
});
