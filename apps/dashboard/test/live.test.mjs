// The organization's time zone and live updates, end to end (see harness.mjs), with REAL rooms
// (`partykit dev`): the organizer sets the zone in Settings and the dashboard's times follow it;
// with the analytics page open, a second client (a visitor's booking through the API) changes a
// place, and the page's occupancy figures move without a reload — under the dashboard's own CSP.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, env, newPage, text, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

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

async function signIn(page) {
  await page.goto(`${env.base}/dashboard/sign-in`);
  await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
  await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
  await page.click($("gk-dash-sign-in >>> button[type=submit]"));
  await waitFor(page, "nav");
}

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
