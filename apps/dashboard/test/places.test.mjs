// The dashboard's places pages end to end (see harness.mjs): the demo organizer creates a place
// with the form and its map, edits it, cancels an unpaid booking from the place's page and reads
// its bookings as a week's calendar, with axe on each state and the pages at a phone's width.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, newPage, text, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

const env = useDashboard();
const EDIT = "gk-dash-place-edit";

/** Sets an input's value as typing would end (time and date inputs take keys per segment, in the locale's order). */
const setValue = (page, sel, value) =>
  page.$eval(
    $(sel),
    (el, v) => {
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
      el.dispatchEvent(new Event("change", { bubbles: true, composed: true }));
    },
    value,
  );
const value = (page, sel) => page.$eval($(sel), (el) => el.value);
/** Waits until `check(text of the element)` holds; on a timeout says what the page showed. */
async function until(page, sel, pattern) {
  await page
    .waitForFunction(
      (s, source) => {
        const [host, inner] = s.split(" >>> ");
        const root = document.querySelector("gk-dashboard").shadowRoot.querySelector(host)?.shadowRoot;
        return new RegExp(source, "s").test(root?.querySelector(inner)?.textContent ?? "");
      },
      {},
      sel,
      pattern.source,
    )
    .catch(async (e) => {
      throw new Error(`${e.message} (waiting for ${pattern} in ${sel}); the page says: ${await visibleText(page)}`);
    });
}
/** No sideways scrolling at the page's width. */
const fitsWidth = (page) => page.evaluate(() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth);

async function signIn() {
  const page = await newPage();
  await page.goto(`${env.base}/dashboard/sign-in`);
  await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
  await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
  await page.click($("gk-dash-sign-in >>> button[type=submit]"));
  await waitFor(page, "nav a[href='/dashboard/places']");
  return page;
}

const api = async (method, path, body, token = env.api.demo.secretKey) => {
  const res = await fetch(`${env.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};

describe("places in the dashboard", () => {
  let placeId;

  it("creates a place with the form: the map sets its location, opening hours with a closed date, pricing, features; field errors as you type and from the API", async () => {
    const page = await signIn();
    await page.click($("nav a[href='/dashboard/places']"));
    await (await waitFor(page, "gk-dash-places >>> a[href='/dashboard/places/new']")).click();
    await waitFor(page, `${EDIT} >>> form[aria-label='New place']`);
    // The map (Leaflet, its own chunk) comes after the form; its pin starts at the organization's first place or the default.
    await waitFor(page, `${EDIT} >>> #location-map .gk-location-pin`);
    await axe(page, "the new place form");

    // The browser's checks, shown at each field, before anything is sent.
    await page.click($(`${EDIT} >>> button[type=submit]`));
    await waitFor(page, `${EDIT} >>> #f-name[aria-invalid=true]`);
    assert.match(await text(page, `${EDIT} >>> #f-name-error`), /.+/);
    await axe(page, "the new place form with field errors");

    await type(page, `${EDIT} >>> #f-name`, "Harbour Lot");
    await waitFor(page, `${EDIT} >>> #f-name[aria-invalid=false]`);
    await setValue(page, `${EDIT} >>> #f-capacity`, "2");
    await type(page, `${EDIT} >>> #f-address\\.line1`, "Cais do Sodré 1");
    await type(page, `${EDIT} >>> #f-address\\.city`, "Lisbon");
    await type(page, `${EDIT} >>> #f-address\\.country`, "pt");
    // A click on the map puts the pin there and fills in the latitude and longitude.
    const before = [await value(page, `${EDIT} >>> #f-location\\.lat`), await value(page, `${EDIT} >>> #f-location\\.lng`)];
    const map = await waitFor(page, `${EDIT} >>> #location-map`);
    const box = await map.boundingBox();
    await page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.25);
    await page.waitForFunction(
      (sel, lat) =>
        document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-place-edit").shadowRoot.querySelector(sel).value !== lat,
      {},
      "#f-location\\.lat",
      before[0],
    );
    const clicked = [
      Number(await value(page, `${EDIT} >>> #f-location\\.lat`)),
      Number(await value(page, `${EDIT} >>> #f-location\\.lng`)),
    ];
    assert.ok(clicked[0] > Number(before[0]), `north of the start: ${clicked} vs ${before}`);
    assert.ok(clicked[1] > Number(before[1]), `east of the start: ${clicked} vs ${before}`);
    // A time zone the API does not know: its message at the field after saving.
    await type(page, `${EDIT} >>> #f-timeZone`, "Mars/Olympus_Mons");
    await setValue(page, `${EDIT} >>> #f-pricing\\.perHour`, "3.5");
    await setValue(page, `${EDIT} >>> #f-pricing\\.dailyMax`, "20");
    // Opening hours, from the keyboard: Space unticks "around the clock", Saturday opens 10:00–14:00, Christmas is closed.
    await page.focus($(`${EDIT} >>> input[name=allDay]`));
    await page.keyboard.press("Space");
    await waitFor(page, `${EDIT} >>> input[name='open.sat']`);
    await page.focus($(`${EDIT} >>> input[name='open.sat']`));
    await page.keyboard.press("Space");
    await setValue(page, `${EDIT} >>> #f-openingHours\\.weekly\\.sat\\.0\\.open`, "10:00");
    await setValue(page, `${EDIT} >>> #f-openingHours\\.weekly\\.sat\\.0\\.close`, "14:00");
    await page.focus($(`${EDIT} >>> .row button.secondary`));
    await page.keyboard.press("Enter");
    await waitFor(page, `${EDIT} >>> #f-closed[aria-invalid=true]`);
    await setValue(page, `${EDIT} >>> #f-closed`, "2030-12-25");
    await page.focus($(`${EDIT} >>> .row button.secondary`));
    await page.keyboard.press("Enter");
    await waitFor(page, `${EDIT} >>> ul.dates`);
    assert.match(await text(page, `${EDIT} >>> ul.dates`), /2030-12-25/);
    for (const f of ["covered", "ev_charging"]) await page.click($(`${EDIT} >>> input[name=features][value=${f}]`));
    await page.click($(`${EDIT} >>> input[name=onlinePayment]`));
    await axe(page, "the new place form, filled in");

    await page.click($(`${EDIT} >>> button[type=submit]`));
    await waitFor(page, `${EDIT} >>> #f-timeZone[aria-invalid=true]`);
    assert.match(await text(page, `${EDIT} >>> #f-timeZone-error`), /time zone/i);
    await axe(page, "the API's field error");
    await type(page, `${EDIT} >>> #f-timeZone`, "Europe/Lisbon");
    await page.click($(`${EDIT} >>> button[type=submit]`));
    await waitFor(page, "gk-dash-place >>> h1");
    assert.equal(await text(page, "gk-dash-place >>> h1"), "Harbour Lot");
    placeId = /\/places\/(plc_[A-Za-z0-9]+)$/.exec(page.url())?.[1];
    assert.ok(placeId, page.url());

    const saved = await api("GET", `/v1/places/${placeId}`);
    assert.deepEqual(saved.location, { lat: clicked[0], lng: clicked[1] });
    assert.deepEqual(saved.address, { line1: "Cais do Sodré 1", city: "Lisbon", country: "PT" });
    assert.deepEqual(saved.pricing, { mode: "hourly", currency: "EUR", perHour: 350, dailyMax: 2000 });
    assert.equal(saved.capacity, 2);
    assert.deepEqual(saved.features, ["covered", "ev_charging"]);
    assert.equal(saved.onlinePayment, true);
    assert.deepEqual(saved.openingHours.weekly.mon, [{ open: "08:00", close: "20:00" }]);
    assert.deepEqual(saved.openingHours.weekly.sat, [{ open: "10:00", close: "14:00" }]);
    assert.deepEqual(saved.openingHours.weekly.sun, []);
    assert.deepEqual(saved.openingHours.exceptions, [{ date: "2030-12-25", hours: [] }]);
    assert.deepEqual(page.errors, []);
  });

  it("edits the place: the form shows what is set, refuses a day that closes before it opens, then saves the new price and features", async () => {
    const page = await signIn();
    await page.goto(`${env.base}/dashboard/places/${placeId}`);
    await (await waitFor(page, `gk-dash-place >>> a[href='/dashboard/places/${placeId}/edit']`)).click();
    await waitFor(page, `${EDIT} >>> form[aria-label='Edit the place']`);
    await waitFor(page, `${EDIT} >>> #location-map .gk-location-pin`);
    assert.equal(await value(page, `${EDIT} >>> #f-name`), "Harbour Lot");
    assert.equal(await value(page, `${EDIT} >>> #f-pricing\\.perHour`), "3.5");
    assert.equal(await value(page, `${EDIT} >>> #f-openingHours\\.weekly\\.sat\\.0\\.open`), "10:00");
    assert.equal(await page.$eval($(`${EDIT} >>> input[name='open.sun']`), (el) => el.checked), false);
    await axe(page, "the edit form");

    // Typing a latitude moves the pin (the map follows the fields).
    const pinAt = () => page.$eval($(`${EDIT} >>> .gk-location-pin`), (el) => JSON.stringify(el.getBoundingClientRect()));
    const pin = await pinAt();
    await type(page, `${EDIT} >>> #f-location\\.lat`, "38.7");
    await page.waitForFunction(
      (t) =>
        document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-place-edit").shadowRoot.querySelector(".gk-location-pin")
          .style.transform !== t,
      {},
      pin,
    );

    await setValue(page, `${EDIT} >>> #f-openingHours\\.weekly\\.mon\\.0\\.open`, "20:00");
    await setValue(page, `${EDIT} >>> #f-openingHours\\.weekly\\.mon\\.0\\.close`, "08:00");
    await page.click($(`${EDIT} >>> button[type=submit]`));
    await waitFor(page, `${EDIT} >>> #f-openingHours\\.weekly\\.mon\\.0\\.close[aria-invalid=true]`);
    assert.match(await text(page, `${EDIT} >>> #f-openingHours\\.weekly\\.mon\\.0\\.close-error`), /close must be after open/);
    assert.equal((await api("GET", `/v1/places/${placeId}`)).pricing.perHour, 350, "nothing was saved");
    await axe(page, "the edit form refused");

    await setValue(page, `${EDIT} >>> #f-openingHours\\.weekly\\.mon\\.0\\.open`, "07:00");
    await setValue(page, `${EDIT} >>> #f-openingHours\\.weekly\\.mon\\.0\\.close`, "23:59");
    await setValue(page, `${EDIT} >>> #f-pricing\\.perHour`, "4");
    await page.click($(`${EDIT} >>> input[name=features][value=covered]`));
    await page.click($(`${EDIT} >>> button[type=submit]`));
    await waitFor(page, "gk-dash-place >>> h1");
    const saved = await api("GET", `/v1/places/${placeId}`);
    assert.equal(saved.pricing.perHour, 400);
    assert.equal(saved.location.lat, 38.7);
    assert.deepEqual(saved.features, ["ev_charging"]);
    assert.deepEqual(saved.openingHours.weekly.mon, [{ open: "07:00", close: "24:00" }]);
    assert.deepEqual(saved.openingHours.exceptions, [{ date: "2030-12-25", hours: [] }]);
    assert.deepEqual(page.errors, []);
  });

  it("cancels a booking waiting for payment (after confirming), and shows the bookings as a week's calendar, also at a phone's width", async () => {
    // Open every day and hour, so the bookings below fit whatever day the test runs.
    await api("PATCH", `/v1/places/${placeId}`, { openingHours: null });
    const pt = await api("POST", "/v1/participant-tokens", { externalId: "lin", name: "Lin Booker" });
    const hour = 3_600_000;
    const soon = new Date(Math.ceil((Date.now() + 3 * hour) / hour) * hour);
    const unpaid = await api(
      "POST",
      "/v1/bookings",
      { placeId, start: soon.toISOString(), durationMinutes: 60, contact: { name: "Lin Booker" } },
      pt.token,
    );
    assert.equal(unpaid.status, "pending_payment");

    const page = await signIn();
    const dialogs = [];
    page.on("dialog", (d) => dialogs.push(d.message()));
    await page.goto(`${env.base}/dashboard/places/${placeId}`);
    await waitFor(page, "gk-dash-place >>> table");
    assert.match(await text(page, "gk-dash-place >>> table tbody"), /Lin Booker.*pending payment.*€4\.00/s);
    await axe(page, "a place with an unpaid booking");
    await page.click($("gk-dash-place >>> button[aria-label^='Cancel the booking of Lin Booker']"));
    await until(page, "gk-dash-place >>> tbody", /Lin Booker.*cancelled/);
    assert.equal(dialogs.length, 1);
    assert.match(dialogs[0], /Cancel Lin Booker's booking/);
    assert.equal((await api("GET", `/v1/bookings/${unpaid.id}`)).status, "cancelled");

    // Two bookings next week (Lisbon's), on its Monday and Thursday; this week has only the cancelled one, if any.
    const lisbonToday = new Date(`${new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Lisbon" }).format(new Date())}T00:00:00Z`);
    const nextMonday = lisbonToday.getTime() - ((lisbonToday.getUTCDay() + 6) % 7) * 86_400_000 + 7 * 86_400_000;
    for (const [d, name] of [
      [0, "Ada Early"],
      [3, "Grace Later"],
    ]) {
      const start = new Date(nextMonday + d * 86_400_000 + 9 * hour).toISOString();
      await api("POST", "/v1/bookings", { placeId, start, durationMinutes: 90, contact: { name } }, pt.token);
    }
    await page.click($("gk-dash-place >>> button[aria-pressed=false]"));
    await waitFor(page, "gk-dash-place >>> #week-title");
    await until(page, "gk-dash-place >>> [role=status]", /^No bookings this week\.$/);
    await axe(page, "the bookings calendar, an empty week");
    await page.click($("gk-dash-place >>> button.next-week"));
    await until(page, "gk-dash-place >>> [role=status]", /^2 bookings this week$/);
    const days = await page.$$eval($("gk-dash-place >>> ol.calendar > li"), (lis) =>
      lis.map((li) => li.textContent.replace(/\s+/g, " ").trim()),
    );
    assert.equal(days.length, 7);
    assert.match(days[0], /Ada Early.*pending payment/);
    assert.match(days[3], /Grace Later.*pending payment/);
    for (const i of [1, 2, 4, 5, 6]) assert.match(days[i], /Free$/);
    await axe(page, "a week of the calendar with bookings");
    await page.click($("gk-dash-place >>> button.prev-week"));
    await until(page, "gk-dash-place >>> [role=status]", /^No bookings this week\.$/);
    await page.click($("gk-dash-place >>> button.next-week"));
    await until(page, "gk-dash-place >>> [role=status]", /^2 bookings this week$/);

    // At a phone's width: the calendar's days stack, nothing scrolls sideways; the same for the editor.
    await page.setViewport({ width: 375, height: 800 });
    assert.equal(await fitsWidth(page), true, "the calendar scrolls sideways at 375px");
    await axe(page, "the calendar at a phone's width");
    await page.goto(`${env.base}/dashboard/places/${placeId}/edit`);
    await waitFor(page, `${EDIT} >>> #location-map .gk-location-pin`);
    assert.equal(await fitsWidth(page), true, "the editor scrolls sideways at 375px");
    await axe(page, "the editor at a phone's width");
    assert.deepEqual(page.errors, []);
  });
});
