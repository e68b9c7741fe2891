// Issue 9's and 11's dashboard items end to end (see harness.mjs): on a place's page the organizer
// replies to a review (checked as typed, the API's field error shown), edits the reply and deletes
// it after a confirmation; on the Notifications page a delivery opens its notification with every
// delivery it caused, and a suppressed address is lifted. Axe on each state, phone width too.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, newPage, text, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

const env = useDashboard();
const REVIEWS = "gk-dash-place-reviews";
const NOTES = "gk-dash-notifications";

const api = async (method, path, body, token = env.api.demo.secretKey) => {
  const res = await fetch(`${env.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  const json = res.status === 204 ? null : await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};
const sql = (statement, args) => env.api.handle.client.execute({ sql: statement, args });

async function signIn() {
  const page = await newPage();
  await page.goto(`${env.base}/dashboard/sign-in`);
  await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
  await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
  await page.click($("gk-dash-sign-in >>> button[type=submit]"));
  await waitFor(page, "nav a[href='/dashboard/places']");
  return page;
}

/** Polls (the page re-renders after each answer) until `sel` says `pattern`. */
async function says(page, sel, pattern) {
  for (let i = 0; i < 200; i++) {
    const el = await page.$($(sel));
    if (el && pattern.test(await el.evaluate((e) => e.textContent))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`waiting for ${pattern} in ${sel}; the page says: ${await visibleText(page)}`);
}
const fitsWidth = (page) => page.evaluate(() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth);

/** A place with a completed booking that its booker reviewed (completing is set in the database: the booking would end only in the future). */
async function reviewedPlace() {
  const place = await api("POST", "/v1/places", {
    kind: "parking",
    name: "Reply Garage",
    address: { line1: "Rua Augusta 24", city: "Lisbon", country: "PT" },
    location: { lat: 38.7107, lng: -9.1366 },
    timeZone: "Europe/Lisbon",
    capacity: 3,
    pricing: { mode: "hourly", currency: "EUR", perHour: 240 },
    features: [],
  });
  const who = await api("POST", "/v1/participant-tokens", { externalId: `rev-${Date.now()}`, name: "Ada Lovelace" });
  const start = new Date(Math.ceil((Date.now() + 120_000) / 60_000) * 60_000).toISOString();
  const booking = await api(
    "POST",
    "/v1/bookings",
    { placeId: place.id, start, durationMinutes: 30, contact: { name: "Ada Lovelace" } },
    who.token,
  );
  await sql("UPDATE place_bookings SET status = 'completed' WHERE id = ?", [booking.id]);
  const review = await api("POST", `/v1/bookings/${booking.id}/review`, { rating: 4, text: "Easy in, easy out." }, who.token);
  return { place, review };
}

describe("replies to place reviews in the dashboard", () => {
  it("posts a reply (checked as typed, the API's error shown), edits it and deletes it after a confirmation", async () => {
    const { place, review } = await reviewedPlace();
    const page = await signIn();
    await page.goto(`${env.base}/dashboard/places/${place.id}`);
    const replyButton = `${REVIEWS} >>> button[data-reply='${review.id}']`;
    await waitFor(page, replyButton);
    await says(page, `${REVIEWS} >>> li[data-review='${review.id}']`, /pending.*Easy in, easy out\./s);
    await axe(page, "a place's reviews");

    // Open the form by keyboard; it takes the focus.
    await page.focus($(replyButton));
    await page.keyboard.press("Enter");
    const box = `${REVIEWS} >>> #reply-${review.id}`;
    await waitFor(page, box);
    assert.equal(await page.$eval($(box), (el) => el === el.getRootNode().activeElement), true, "the reply box has the focus");
    // Empty: refused before anything is sent, at the field.
    await page.click($(`${REVIEWS} >>> form button[type=submit]`));
    await waitFor(page, `${box}[aria-invalid=true]`);
    assert.match(await text(page, `${REVIEWS} >>> #reply-${review.id}-error`), /Write a reply/);
    await axe(page, "the reply form with a field error");
    // Typing clears the error as you type; too long shows it again (the API's limit, 2000).
    await page.type($(box), "Thanks");
    await waitFor(page, `${box}[aria-invalid=false]`);
    await page.$eval($(box), (el) => {
      el.value = "x".repeat(2001);
      el.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
    });
    await says(page, `${REVIEWS} >>> #reply-${review.id}-error`, /At most 2000 characters; this one has 2001/);
    await page.$eval($(box), (el) => {
      el.value = "Thanks for parking with us!";
      el.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
    });
    await page.click($(`${REVIEWS} >>> form button[type=submit]`));
    await says(page, `${REVIEWS} >>> [role=status]`, /Reply to Ada Lovelace saved/);
    await says(page, `${REVIEWS} >>> li[data-review='${review.id}'] blockquote`, /Thanks for parking with us!/);
    assert.equal((await api("GET", `/v1/places/${place.id}/reviews`)).data[0].reply.text, "Thanks for parking with us!");
    await axe(page, "a review with its reply");

    // Edit: the form starts with the reply; the new text replaces it.
    await page.click($(replyButton));
    await waitFor(page, box);
    assert.equal(await page.$eval($(box), (el) => el.value), "Thanks for parking with us!");
    await page.$eval($(box), (el) => {
      el.value = "";
    });
    await page.type($(box), "The entrance is now signposted.");
    await page.keyboard.press("Tab");
    await page.click($(`${REVIEWS} >>> form button[type=submit]`));
    await says(page, `${REVIEWS} >>> li[data-review='${review.id}'] blockquote`, /The entrance is now signposted\./);

    // At a phone's width, nothing scrolls sideways.
    await page.setViewport({ width: 375, height: 800 });
    // (The bookings table below is the place page's own; here: the reviews and their form.)
    const overflow = await page.$eval($(REVIEWS), (el) => {
      const right = document.documentElement.clientWidth;
      return [...el.shadowRoot.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > right + 1).map((e) => e.tagName);
    });
    assert.deepEqual(overflow, [], "the reviews stick out at 375px");
    await page.setViewport({ width: 1200, height: 900 });

    // Delete, after a confirmation (the harness accepts it and records the question).
    const asked = [];
    page.on("dialog", (d) => asked.push(d.message()));
    await page.click($(`${REVIEWS} >>> button.danger`));
    await says(page, `${REVIEWS} >>> [role=status]`, /Reply to Ada Lovelace deleted/);
    assert.match(asked.join("\n"), /Delete your reply to Ada Lovelace's review\?/);
    assert.equal(await page.$($(`${REVIEWS} >>> li[data-review='${review.id}'] blockquote`)), null);
    assert.equal((await api("GET", `/v1/places/${place.id}/reviews`)).data[0].reply, null);
    assert.deepEqual(page.errors, []);
  });

  it("shows the place editor's map without tiles and says so (no MAP_TILE_URL), with no broken images", async () => {
    const { place } = await reviewedPlace();
    const page = await signIn();
    await page.goto(`${env.base}/dashboard/places/${place.id}/edit`);
    await waitFor(page, "gk-dash-place-edit >>> #location-map .gk-location-pin");
    assert.match(
      await text(page, "gk-dash-place-edit >>> #map-tiles"),
      /No map tiles: this dashboard has no tile server configured \(MAP_TILE_URL\)/,
    );
    assert.equal(await page.$($("gk-dash-place-edit >>> #location-map img.leaflet-tile")), null, "no tile images");
    const csp = (await fetch(`${env.base}/dashboard/places/${place.id}/edit`)).headers.get("content-security-policy");
    assert.match(csp, /img-src 'self' data:;/);
  });
});

describe("notifications in the dashboard", () => {
  it("opens a delivery's notification with every delivery it caused, and lifts a suppressed address after a confirmation", async () => {
    const page = await signIn();
    // A member invitation emails its invitee: one delivery, its own notification.
    const invitee = `invitee.${Date.now()}@example.com`;
    await api("POST", "/v1/organization/members", { email: invitee, role: "staff" });
    const org = (await api("GET", "/v1/organization")).id;
    await sql(
      "INSERT INTO email_suppressions (scope, address, reason, detail, delivery_id, created_at) VALUES (?, ?, 'complained', 'email.complained', NULL, ?)",
      [org, "annoyed@example.com", Date.now()],
    );

    await page.click($("nav a[href='/dashboard/notifications']"));
    const row = `${NOTES} >>> tr:has(code)`;
    await waitFor(page, row);
    let entry;
    for (let i = 0; i < 100 && !entry; i++) {
      entry = (await api("GET", "/v1/notifications/deliveries?channel=email")).data.find((d) => d.to === invitee && d.status !== "queued");
      if (!entry) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(entry, "the invitation email was delivered");
    await says(page, `${NOTES} >>> tr[data-id='${entry.id}']`, new RegExp(invitee.replace(/\./g, "\\.")));
    await axe(page, "the delivery log with suppressions");

    await page.click($(`${NOTES} >>> tr[data-id='${entry.id}'] button`));
    await waitFor(page, `${NOTES} >>> #notification-title`);
    assert.equal(await page.$eval($(`${NOTES} >>> #notification-title`), (el) => el === el.getRootNode().activeElement), true);
    await says(page, `${NOTES} >>> section.notification`, new RegExp(`email to ${invitee.replace(/\./g, "\\.")}: sent`));
    assert.match(await text(page, `${NOTES} >>> #notification-title`), new RegExp(entry.notificationId));
    await axe(page, "a notification with its deliveries");

    // The suppressed address: listed, lifted after a confirmation, gone from the list.
    await says(page, `${NOTES} >>> tr[data-address='annoyed@example.com']`, /organization.*marked as spam/s);
    const asked = [];
    page.on("dialog", (d) => asked.push(d.message()));
    await page.click($(`${NOTES} >>> tr[data-address='annoyed@example.com'] button`));
    await says(page, `${NOTES} >>> [role=status]`, /Lifted: the next email to annoyed@example\.com goes out/);
    assert.match(asked.join("\n"), /marked your email as spam.*Lift the suppression\?/s);
    assert.equal(await page.$($(`${NOTES} >>> tr[data-address='annoyed@example.com']`)), null);
    assert.deepEqual((await api("GET", "/v1/notifications/suppressions")).data, []);
    await axe(page, "the notifications page after a lift");

    await page.setViewport({ width: 375, height: 800 });
    assert.equal(await fitsWidth(page), true, "the notifications page scrolls sideways at 375px");
    assert.deepEqual(page.errors, []);
  });
});
