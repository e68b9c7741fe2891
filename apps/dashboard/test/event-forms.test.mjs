// The events pages' forms from the dashboard (see harness.mjs), with the browser in another time
// zone than the event's: a new event's times read in the zone its form names (the organization's
// by default), a ticket type's description, least per order and sales window (in the event's
// zone) on the forms that add and edit it, the event's address, map position, contact and images
// (uploaded through the signed-upload flow), and a quota's ticket types changed after it was made.
// axe on each main state; the pages checked at a phone's width.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { heldEvent } from "./event-fixtures.mjs";
import { $, axe, env, inPage, newPage, ok, text, type, useDashboard, waitFor } from "./harness.mjs";

useDashboard();

const EDIT = "gk-dash-event-edit";

/** Signed in, with the browser in New York (neither the organization's zone nor the events'). */
async function signedIn() {
  const page = await newPage();
  await page.emulateTimezone("America/New_York");
  await page.goto(`${env.base}/dashboard/sign-in`);
  await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
  await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
  await page.click($("gk-dash-sign-in >>> button[type=submit]"));
  await waitFor(page, "nav");
  return page;
}

const value = (page, sel) => page.$eval($(sel), (i) => i.value);
const fitsWidth = (page) => page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth);

describe("the events pages' forms", () => {
  it("a new event: its times typed in the zone its form names (the organization's by default, not the browser's), the zone and the window checked as you type", async () => {
    await ok("PATCH", "/v1/organization", { timeZone: "Europe/Lisbon" });
    const page = await signedIn();
    await page.goto(`${env.base}/dashboard/events`);
    const form = "gk-dash-events >>> form[aria-label='New event']";
    await waitFor(page, `${form} #f-timeZone`);
    assert.equal(await value(page, `${form} #f-timeZone`), "Europe/Lisbon");
    assert.match(await text(page, `${form} #f-startsAt-hint`), /In Europe\/Lisbon/);
    await axe(page, "new event form");

    await type(page, `${form} #f-title`, "Tokyo jazz");
    // Not a zone: said as it is typed; the hint keeps the last known zone.
    await type(page, `${form} #f-timeZone`, "Asia/Tokio");
    await page.focus($(`${form} #f-title`));
    await waitFor(page, `${form} #f-timeZone[aria-invalid=true]`);
    assert.match(await text(page, `${form} #f-timeZone-error`), /Not a time zone/);
    await type(page, `${form} #f-timeZone`, "Asia/Tokyo");
    await inPage(page, "gk-dash-events", "return root.querySelector('#f-startsAt-hint')?.textContent.includes('In Asia/Tokyo')");
    assert.equal(await page.$eval($(`${form} #f-timeZone`), (i) => i.getAttribute("aria-invalid")), "false");
    // An end before the start, said as it is typed.
    await type(page, `${form} #f-startsAt`, "2031-10-01T20:00");
    await page.focus($(`${form} #f-endsAt`));
    await type(page, `${form} #f-endsAt`, "2031-10-01T19:00");
    await page.focus($(`${form} #f-title`));
    await waitFor(page, `${form} #f-endsAt[aria-invalid=true]`);
    await axe(page, "new event form, errors as you type");
    await type(page, `${form} #f-endsAt`, "2031-10-01T23:30");
    await inPage(page, "gk-dash-events", "return !root.querySelector('form[aria-label=\"New event\"] [aria-invalid=true]')");

    await page.setViewport({ width: 375, height: 740 });
    assert.ok(await fitsWidth(page), "the events page fits a phone's width");
    await page.click($(`${form} button[type=submit]`));
    await page.waitForFunction(() => /\/dashboard\/events\/evt_/.test(location.pathname));
    const id = new URL(page.url()).pathname.split("/").pop();
    const saved = await ok("GET", `/v1/events/${id}`);
    // 20:00 and 23:30 in Tokyo (UTC+9), whatever New York or Lisbon say.
    assert.equal(saved.timeZone, "Asia/Tokyo");
    assert.equal(saved.startsAt, "2031-10-01T11:00:00.000Z");
    assert.equal(saved.endsAt, "2031-10-01T14:30:00.000Z");
    assert.deepEqual(page.errors, []);
  });

  it("ticket types: description, least per order and sales window (in the event's zone) added and edited, checked as you type, the API's field errors by their fields", async () => {
    const { event, vip } = await heldEvent("Sales window night");
    const page = await signedIn();
    await page.goto(`${env.base}/dashboard/events/${event.id}`);
    const add = "gk-dash-event >>> form[aria-label='New ticket type']";
    await waitFor(page, `${add} #f-salesStartAt`);
    assert.match(await text(page, `${add} #f-salesStartAt-hint`), /Europe\/Lisbon/);
    await type(page, `${add} #f-name`, "Early bird");
    await type(page, `${add} #f-ttDescription`, "Before the summer ends.");
    await type(page, `${add} #f-price`, "15");
    await type(page, `${add} #f-minPerOrder`, "4");
    await type(page, `${add} #f-maxPerOrder`, "2");
    await page.focus($(`${add} #f-name`));
    await waitFor(page, `${add} #f-maxPerOrder[aria-invalid=true]`);
    assert.match(await text(page, `${add} #f-maxPerOrder-error`), /least per order \(4\)/);
    await type(page, `${add} #f-salesStartAt`, "2031-07-01T10:00");
    await page.focus($(`${add} #f-salesEndAt`));
    await type(page, `${add} #f-salesEndAt`, "2031-06-30T10:00");
    await page.focus($(`${add} #f-name`));
    await waitFor(page, `${add} #f-salesEndAt[aria-invalid=true]`);
    assert.match(await text(page, `${add} #f-salesEndAt-error`), /after they start/);
    await axe(page, "new ticket type, errors as you type");
    // Nothing sent while they stand.
    await page.click($(`${add} button[type=submit]`));
    assert.equal((await ok("GET", `/v1/events/${event.id}/ticket-types`)).data.length, 2);
    await type(page, `${add} #f-maxPerOrder`, "8");
    await type(page, `${add} #f-salesEndAt`, "2031-08-15T23:59");
    await inPage(page, "gk-dash-event", "return !root.querySelector('form[aria-label=\"New ticket type\"] [aria-invalid=true]')");
    await page.setViewport({ width: 375, height: 740 });
    // (The page's tables are the lists' own business; the form itself fits.)
    assert.ok(
      await page.$eval($(add), (f) => f.scrollWidth <= f.clientWidth && f.getBoundingClientRect().right <= window.innerWidth),
      "the ticket type form fits a phone's width",
    );
    await axe(page, "new ticket type at a phone's width");
    await page.setViewport({ width: 1280, height: 800 });
    // The API's own limit (at most 100 per order), said by its field.
    await type(page, `${add} #f-maxPerOrder`, "101");
    await page.click($(`${add} button[type=submit]`));
    await waitFor(page, `${add} #f-maxPerOrder[aria-invalid=true]`);
    assert.match(await text(page, `${add} #f-maxPerOrder-error`), /100/);
    await type(page, `${add} #f-maxPerOrder`, "8");
    await page.click($(`${add} button[type=submit]`));
    await inPage(page, "gk-dash-event", "return root.textContent.includes('Early bird')");
    await page.waitForFunction(
      async (url, key) => (await (await fetch(url, { headers: { authorization: `Bearer ${key}` } })).json()).data.length === 3,
      {},
      `${env.base}/v1/events/${event.id}/ticket-types`,
      env.api.demo.secretKey,
    );
    const early = (await ok("GET", `/v1/events/${event.id}/ticket-types`)).data.find((t) => t.name === "Early bird");
    assert.equal(early.description, "Before the summer ends.");
    assert.equal(early.price, 1500);
    assert.deepEqual([early.minPerOrder, early.maxPerOrder], [4, 8]);
    // Lisbon is UTC+1 in summer: the times as typed there, not in New York.
    assert.equal(early.salesStartAt, "2031-07-01T09:00:00.000Z");
    assert.equal(early.salesEndAt, "2031-08-15T22:59:00.000Z");

    // The edit page shows them in the event's zone and changes them.
    await page.goto(`${env.base}/dashboard/events/${event.id}/edit`);
    await (await waitFor(page, `${EDIT} >>> button[aria-label='Edit Early bird']`)).click();
    const edit = `${EDIT} >>> form[aria-label='Edit ticket type Early bird']`;
    await waitFor(page, `${edit} #f-salesStartAt`);
    assert.equal(await value(page, `${edit} #f-salesStartAt`), "2031-07-01T10:00");
    assert.equal(await value(page, `${edit} #f-salesEndAt`), "2031-08-15T23:59");
    assert.equal(await value(page, `${edit} #f-ttDescription`), "Before the summer ends.");
    assert.equal(await value(page, `${edit} #f-minPerOrder`), "4");
    await axe(page, "ticket type edit form with its sales window");
    await type(page, `${edit} #f-minPerOrder`, "9");
    await page.focus($(`${edit} #f-name`));
    await waitFor(page, `${edit} #f-maxPerOrder[aria-invalid=true]`);
    await type(page, `${edit} #f-minPerOrder`, "101");
    await type(page, `${edit} #f-maxPerOrder`, "101");
    await page.click($(`${edit} button[type=submit]`));
    await waitFor(page, `${edit} #f-minPerOrder[aria-invalid=true]`);
    assert.match(await text(page, `${edit} #f-minPerOrder-error`), /100/);
    await axe(page, "ticket type edit, the API's field errors");
    await type(page, `${edit} #f-minPerOrder`, "2");
    await type(page, `${edit} #f-maxPerOrder`, "6");
    await type(page, `${edit} #f-ttDescription`, "Until mid-August.");
    await type(page, `${edit} #f-salesEndAt`, "");
    await page.click($(`${edit} button[type=submit]`));
    await inPage(page, EDIT, "return root.textContent.includes('Early bird saved.')");
    const edited = (await ok("GET", `/v1/events/${event.id}/ticket-types`)).data.find((t) => t.name === "Early bird");
    assert.deepEqual(
      [edited.description, edited.minPerOrder, edited.maxPerOrder, edited.salesStartAt, edited.salesEndAt],
      ["Until mid-August.", 2, 6, "2031-07-01T09:00:00.000Z", null],
    );
    // The other type kept its own.
    assert.equal((await ok("GET", `/v1/events/${event.id}/ticket-types`)).data.find((t) => t.id === vip.id).maxPerOrder, 10);
    assert.deepEqual(page.errors, []);
  });

  it("the event's address, map position, contact and images: checked as you type, a click on the map sets the position, an image uploaded and removed", async () => {
    const { event } = await heldEvent("Harbour night");
    const page = await signedIn();
    await page.goto(`${env.base}/dashboard/events/${event.id}/edit`);
    const form = `${EDIT} >>> form[aria-label='Event details']`;
    await waitFor(page, `${form} #f-venueLine1`);
    await inPage(page, EDIT, "return root.querySelector('#location-map .leaflet-marker-icon')");
    await axe(page, "event details with address, map, contact and images");

    // A position needs a venue and both coordinates, in range.
    await type(page, `${form} #f-venueLat`, "38.7");
    await page.focus($(`${form} #f-title`));
    await waitFor(page, `${form} #f-venueLng[aria-invalid=true]`);
    assert.match(await text(page, `${form} #f-venueLng-error`), /longitude too/);
    await type(page, `${form} #f-venueLat`, "97");
    await page.focus($(`${form} #f-title`));
    await inPage(page, EDIT, "return root.querySelector('#f-venueLat-error')?.textContent.includes('−90 and 90')");
    await type(page, `${form} #f-contactEmail`, "box office");
    await page.focus($(`${form} #f-title`));
    await waitFor(page, `${form} #f-contactEmail[aria-invalid=true]`);
    await axe(page, "event details, errors as you type");
    // A click on the map sets both.
    await type(page, `${form} #f-venueLat`, "");
    await page.click($(`${EDIT} >>> #location-map`));
    await inPage(page, EDIT, "return root.querySelector('#f-venueLat').value !== '' && root.querySelector('#f-venueLng').value !== ''");
    const clicked = [Number(await value(page, `${form} #f-venueLat`)), Number(await value(page, `${form} #f-venueLng`))];
    assert.ok(Math.abs(clicked[0] - 38.7107) < 0.05 && Math.abs(clicked[1] + 9.1366) < 0.05, `near the pin: ${clicked}`);
    // Typed exactly instead, with an address, a venue and a contact.
    await type(page, `${form} #f-venueLat`, "38.70861");
    await type(page, `${form} #f-venueLng`, "-9.13639");
    await type(page, `${form} #f-venueName`, "Armazém 16");
    await type(page, `${form} #f-venueLine1`, "Rua Pereira Henriques 1");
    await type(page, `${form} #f-venueLine2`, "Pier 3");
    await type(page, `${form} #f-venueCity`, "Lisboa");
    await type(page, `${form} #f-venueRegion`, "Lisboa");
    await type(page, `${form} #f-venuePostalCode`, "1950-242");
    await type(page, `${form} #f-venueCountry`, "PT");
    await type(page, `${form} #f-contactName`, "Box office");
    await type(page, `${form} #f-contactEmail`, "Tickets@Example.com");

    // An image through the upload flow: the bytes to storage, then attached on save.
    const png = join(env.dataDir, "poster.png");
    writeFileSync(
      png,
      Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"),
    );
    await (await waitFor(page, `${EDIT} >>> gk-dash-image-uploads >>> #image-file`)).uploadFile(png);
    await page.waitForFunction(() =>
      document
        .querySelector("gk-dashboard")
        ?.shadowRoot?.querySelector("gk-dash-event-edit")
        ?.shadowRoot?.querySelector("gk-dash-image-uploads")
        ?.shadowRoot?.textContent.includes("poster.png uploaded"),
    );
    await waitFor(page, `${EDIT} >>> gk-dash-image-uploads >>> img[alt='Image 1 of the event']`);
    await axe(page, "event details, an image uploaded");
    await page.click($(`${form} button[type=submit]`));
    await inPage(page, EDIT, "return root.textContent.includes('Details saved.')");
    let saved = await ok("GET", `/v1/events/${event.id}`);
    assert.deepEqual(saved.venue, {
      name: "Armazém 16",
      address: {
        line1: "Rua Pereira Henriques 1",
        line2: "Pier 3",
        city: "Lisboa",
        region: "Lisboa",
        postalCode: "1950-242",
        country: "PT",
      },
      lat: 38.70861,
      lng: -9.13639,
    });
    assert.deepEqual(saved.contact, { name: "Box office", email: "tickets@example.com" });
    assert.equal(saved.imageUrls.length, 1);
    assert.match(saved.imageUrls[0], /\/v1\/files\/file_/);

    // Opened again: the saved image shown (its lasting URL), removed, saved.
    await page.setViewport({ width: 375, height: 740 });
    await page.reload();
    await waitFor(page, `${EDIT} >>> gk-dash-image-uploads >>> img[alt='Image 1 of the event']`);
    assert.equal(await value(page, `${form} #f-venuePostalCode`), "1950-242");
    assert.ok(await fitsWidth(page), "the edit page fits a phone's width");
    await axe(page, "event details at a phone's width");
    await page.click($(`${EDIT} >>> gk-dash-image-uploads >>> button[aria-label='Remove image 1']`));
    await page.click($(`${form} button[type=submit]`));
    await inPage(page, EDIT, "return root.textContent.includes('Details saved.')");
    saved = await ok("GET", `/v1/events/${event.id}`);
    assert.deepEqual(saved.imageUrls, []);
    assert.equal(saved.venue.lat, 38.70861);
    assert.deepEqual(page.errors, []);
  });

  it("a quota's ticket types changed from its edit form: at least one, what they hold must fit (the API's 409 said), saved", async () => {
    const { event, standard, vip } = await heldEvent("Shared hall night");
    await ok("POST", `/v1/events/${event.id}/orders`, {
      buyer: { name: "Grace", email: "grace@example.com" },
      lines: [{ ticketTypeId: vip.id, quantity: 2 }],
    });
    await ok("POST", `/v1/events/${event.id}/quotas`, { name: "Hall", size: 3, ticketTypeIds: [standard.id] });
    const page = await signedIn();
    await page.goto(`${env.base}/dashboard/events/${event.id}/edit`);
    await (await waitFor(page, `${EDIT} >>> button[aria-label='Edit quota Hall']`)).click();
    const form = `${EDIT} >>> form[aria-label='Edit quota Hall']`;
    await waitFor(page, `${form} input[name=eqTypes]`);
    const boxes = async () => page.$$($(`${form} input[name=eqTypes]`));
    assert.deepEqual(await page.$$eval($(`${form} input[name=eqTypes]`), (bs) => bs.map((b) => b.checked)), [true, false]);
    await axe(page, "quota edit form with its ticket types");
    // None ticked: said at once; from the keyboard (Space ticks).
    await (await boxes())[0].focus();
    await page.keyboard.press("Space");
    await waitFor(page, `${EDIT} >>> #quota-edit-types-error`);
    assert.match(await text(page, `${EDIT} >>> #quota-edit-types-error`), /at least one/);
    await axe(page, "quota edit, no ticket type");
    await page.keyboard.press("Space");
    await inPage(page, EDIT, "return !root.querySelector('#quota-edit-types-error')");
    // Standard (2 held) and VIP (2 held) need 4: more than 3, refused by the API and said.
    await (await boxes())[1].click();
    await page.click($(`${form} button[type=submit]`));
    await waitFor(page, `${form} p.error`);
    assert.match(await text(page, `${form} p.error`), /hold or sold 4, more than the quota's 3/);
    assert.deepEqual((await ok("GET", `/v1/events/${event.id}/quotas`)).data[0].ticketTypeIds, [standard.id]);
    await type(page, `${form} #f-eqSize`, "5");
    await page.click($(`${form} button[type=submit]`));
    await inPage(page, EDIT, "return root.querySelector('[data-testid=quota-used]')?.textContent.trim() === '4 of 5'");
    assert.match(await page.$eval($(`${EDIT} >>> [data-testid=quota-used]`), (td) => td.closest("tr").textContent), /Standard, VIP/);
    const [quota] = (await ok("GET", `/v1/events/${event.id}/quotas`)).data;
    assert.deepEqual([quota.size, quota.used, [...quota.ticketTypeIds].sort()], [5, 4, [standard.id, vip.id].sort()]);
    await axe(page, "quota saved with two types");
    assert.deepEqual(page.errors, []);
  });
});
