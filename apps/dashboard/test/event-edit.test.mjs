// Editing an event from the dashboard (see harness.mjs): its details (validated as the organizer
// types, the API's field errors next to their fields), its ticket types edited and deleted (after
// a confirmation; one with orders refused), and its quotas (used of size, the API's refusals).
// axe on each main state; the page checked at a phone's width.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { heldEvent } from "./event-fixtures.mjs";
import { $, axe, env, inPage, newPage, ok, signIn, text, type, useDashboard, waitFor } from "./harness.mjs";

useDashboard();

const TAG = "gk-dash-event-edit";

/** Opens the event's edit page from the event's page (its section link). */
async function openEdit(page, event) {
  await page.goto(`${env.base}/dashboard/events/${event.id}`);
  await (await waitFor(page, `gk-dash-event >>> a[href='/dashboard/events/${event.id}/edit']`)).click();
  await waitFor(page, `${TAG} >>> form[aria-label='Event details']`);
  assert.match(page.url(), new RegExp(`/dashboard/events/${event.id}/edit$`));
}

const fitsWidth = (page) => page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth);
const save = (page) => page.click($(`${TAG} >>> form[aria-label='Event details'] button[type=submit]`));

describe("editing an event", () => {
  it("details: filled in from the event, checked as you type, the API's field error, saved (venue, zone, times, capacity, hold, categories), then cleared", async () => {
    const { event } = await heldEvent("Fado night");
    const page = await newPage();
    // An organizer abroad: the browser's zone is not the event's.
    await page.emulateTimezone("America/New_York");
    await signIn(page);
    await openEdit(page, event);
    assert.equal(await page.$eval($(`${TAG} >>> #f-title`), (i) => i.value), "Fado night");
    assert.equal(await page.$eval($(`${TAG} >>> #f-timeZone`), (i) => i.value), "Europe/Lisbon");
    assert.equal(await page.$eval($(`${TAG} >>> #f-holdMinutes`), (i) => i.value), "10");
    // The times in the event's own zone (Lisbon, UTC+1 in September), whatever the browser's.
    assert.equal(await page.$eval($(`${TAG} >>> #f-startsAt`), (i) => i.value), "2031-09-01T20:00");
    assert.equal(await page.$eval($(`${TAG} >>> #f-endsAt`), (i) => i.value), "2031-09-02T00:00");
    await axe(page, "event edit page");

    // As the organizer types: an unknown zone, a non-slug category, an end before the start.
    await type(page, `${TAG} >>> #f-timeZone`, "Mars/Olympus");
    await page.focus($(`${TAG} >>> #f-categories`));
    await waitFor(page, `${TAG} >>> #f-timeZone[aria-invalid=true]`);
    assert.match(await text(page, `${TAG} >>> #f-timeZone-error`), /Not a time zone/);
    await type(page, `${TAG} >>> #f-categories`, "fado, Live Music");
    await page.focus($(`${TAG} >>> #f-title`));
    await waitFor(page, `${TAG} >>> #f-categories[aria-invalid=true]`);
    assert.match(await text(page, `${TAG} >>> #f-categories-error`), /Live Music/);
    await page.focus($(`${TAG} >>> #f-endsAt`));
    await type(page, `${TAG} >>> #f-endsAt`, "2031-08-01T10:00");
    await page.focus($(`${TAG} >>> #f-title`));
    await waitFor(page, `${TAG} >>> #f-endsAt[aria-invalid=true]`);
    await axe(page, "event edit, field errors as you type");
    // Fixed, they clear as they are typed.
    await type(page, `${TAG} >>> #f-timeZone`, "Europe/Paris");
    await type(page, `${TAG} >>> #f-categories`, "fado, live-music");
    await type(page, `${TAG} >>> #f-endsAt`, "2031-09-02T01:00");
    await inPage(page, TAG, "return !root.querySelector('[aria-invalid=true]')");
    // Nothing was sent so far.
    assert.equal((await ok("GET", `/v1/events/${event.id}`)).timeZone, "Europe/Lisbon");

    // The API's own rule: a title over 200 characters, its message next to the title.
    await type(page, `${TAG} >>> #f-title`, "x".repeat(201));
    await save(page);
    await waitFor(page, `${TAG} >>> #f-title[aria-invalid=true]`);
    assert.match(await text(page, `${TAG} >>> #f-title-error`), /200/);

    await type(page, `${TAG} >>> #f-title`, "Fado night, second edition");
    await type(page, `${TAG} >>> #f-description`, "Two voices, one guitar.");
    await type(page, `${TAG} >>> #f-venueName`, "Clube de Fado");
    await type(page, `${TAG} >>> #f-venueCity`, "Lisboa");
    await type(page, `${TAG} >>> #f-venueCountry`, "pt");
    await type(page, `${TAG} >>> #f-capacity`, "50");
    await type(page, `${TAG} >>> #f-holdMinutes`, "15");
    await save(page);
    await inPage(page, TAG, "return root.textContent.includes('Details saved.')");
    let saved = await ok("GET", `/v1/events/${event.id}`);
    assert.equal(saved.title, "Fado night, second edition");
    assert.equal(saved.description, "Two voices, one guitar.");
    assert.equal(saved.venue.name, "Clube de Fado");
    assert.equal(saved.venue.address.city, "Lisboa");
    assert.equal(saved.venue.address.country, "PT");
    assert.equal(saved.timeZone, "Europe/Paris");
    assert.equal(saved.capacity, 50);
    assert.equal(saved.holdMinutes, 15);
    assert.deepEqual(saved.categories, ["fado", "live-music"]);
    // The times are read in the event's zone as the form names it: the start kept its wall clock
    // (20:00, now in Paris, UTC+2 in September), the end is 01:00 Paris time.
    assert.equal(saved.startsAt, "2031-09-01T18:00:00.000Z");
    assert.equal(saved.endsAt, "2031-09-01T23:00:00.000Z");
    await axe(page, "event edit, saved");

    // Cleared: no venue, no capacity, no categories.
    await type(page, `${TAG} >>> #f-venueName`, "");
    await type(page, `${TAG} >>> #f-venueCity`, "");
    await type(page, `${TAG} >>> #f-venueCountry`, "");
    await type(page, `${TAG} >>> #f-capacity`, "");
    await type(page, `${TAG} >>> #f-categories`, "");
    await save(page);
    await page.waitForFunction(
      async (url, key) => (await (await fetch(url, { headers: { authorization: `Bearer ${key}` } })).json()).capacity === null,
      {},
      `${env.base}/v1/events/${event.id}`,
      env.api.demo.secretKey,
    );
    saved = await ok("GET", `/v1/events/${event.id}`);
    assert.equal(saved.venue, null);
    assert.deepEqual(saved.categories, []);
    // The event's page shows the new title.
    await (await waitFor(page, `${TAG} >>> a[href='/dashboard/events/${event.id}']`)).click();
    await page.waitForFunction(
      () =>
        document.querySelector("gk-dashboard")?.shadowRoot?.querySelector("gk-dash-event")?.shadowRoot?.querySelector("h1")?.textContent ===
        "Fado night, second edition",
    );
    assert.deepEqual(page.errors, []);
  });

  it("ticket types: edited from the keyboard, the API's refusals shown (quantity under what is held, hidden without a code), one with orders kept, one deleted after a confirmation", async () => {
    const { event, standard, vip } = await heldEvent("Types night");
    const page = await newPage();
    const dialogs = [];
    page.on("dialog", (d) => dialogs.push(d.message()));
    await signIn(page);
    await openEdit(page, event);

    // From the keyboard: Enter on "Edit VIP" opens its form with the focus in its first field.
    await (await waitFor(page, `${TAG} >>> button[aria-label='Edit VIP']`)).focus();
    await page.keyboard.press("Enter");
    await waitFor(page, `${TAG} >>> form[aria-label='Edit ticket type VIP']`);
    await inPage(page, TAG, "return root.activeElement?.id === 'f-name'");
    assert.equal(await page.$eval($(`${TAG} >>> form[aria-label='Edit ticket type VIP'] #f-price`), (i) => i.value), "90");
    await axe(page, "ticket type edit form");
    await type(page, `${TAG} >>> form[aria-label^='Edit ticket type'] #f-name`, "VIP lounge");
    await type(page, `${TAG} >>> form[aria-label^='Edit ticket type'] #f-price`, "120.5");
    await type(page, `${TAG} >>> form[aria-label^='Edit ticket type'] #f-quantity`, "8");
    // Hidden without an access code: the API's rule, shown next to the code.
    await page.click($(`${TAG} >>> form[aria-label^='Edit ticket type'] input[name=hidden]`));
    await page.click($(`${TAG} >>> form[aria-label^='Edit ticket type'] button[type=submit]`));
    await waitFor(page, `${TAG} >>> form[aria-label^='Edit ticket type'] #f-accessCode[aria-invalid=true]`);
    assert.match(await text(page, `${TAG} >>> #f-accessCode-error`), /accessCode/);
    await axe(page, "ticket type edit, the API's field error");
    await type(page, `${TAG} >>> form[aria-label^='Edit ticket type'] #f-accessCode`, "FRIENDS-24");
    await page.click($(`${TAG} >>> form[aria-label^='Edit ticket type'] button[type=submit]`));
    await inPage(
      page,
      TAG,
      "return root.textContent.includes('VIP lounge saved.') && !root.querySelector('form[aria-label^=\"Edit ticket type\"]')",
    );
    let types = (await ok("GET", `/v1/events/${event.id}/ticket-types`)).data;
    const edited = types.find((t) => t.id === vip.id);
    assert.equal(edited.name, "VIP lounge");
    assert.equal(edited.price, 12050);
    assert.equal(edited.quantity, 8);
    assert.equal(edited.hidden, true);
    assert.equal(edited.accessCode, "FRIENDS-24");

    // Standard: two are held, so a quantity of 1 is refused by the API and said in the form.
    await page.click($(`${TAG} >>> button[aria-label='Edit Standard']`));
    await type(page, `${TAG} >>> form[aria-label='Edit ticket type Standard'] #f-quantity`, "1");
    await page.click($(`${TAG} >>> form[aria-label='Edit ticket type Standard'] button[type=submit]`));
    await waitFor(page, `${TAG} >>> form[aria-label='Edit ticket type Standard'] p.error`);
    assert.match(await text(page, `${TAG} >>> form[aria-label='Edit ticket type Standard'] p.error`), /already held or sold/);
    // Cancel closes the form; nothing changed.
    await page.click($(`${TAG} >>> form[aria-label='Edit ticket type Standard'] button.secondary`));
    await inPage(page, TAG, "return !root.querySelector('form[aria-label^=\"Edit ticket type\"]')");
    assert.equal((await ok("GET", `/v1/events/${event.id}/ticket-types`)).data.find((t) => t.id === standard.id).quantity, 20);

    // Delete asks first; Standard has orders, so the API keeps it and the page says why.
    await page.click($(`${TAG} >>> button[aria-label='Delete Standard']`));
    await waitFor(page, `${TAG} >>> p.error[role=alert]`);
    assert.match(await text(page, `${TAG} >>> p.error[role=alert]`), /Could not delete Standard: .*hide it or end its sales/);
    assert.match(dialogs.at(-1), /Delete the ticket type “Standard”/);
    // VIP lounge never sold: deleted.
    await page.click($(`${TAG} >>> button[aria-label='Delete VIP lounge']`));
    await inPage(
      page,
      TAG,
      "return root.textContent.includes('VIP lounge deleted.') && !root.querySelector(\"button[aria-label='Delete VIP lounge']\")",
    );
    assert.equal(dialogs.length, 2);
    types = (await ok("GET", `/v1/events/${event.id}/ticket-types`)).data;
    assert.deepEqual(
      types.map((t) => t.name),
      ["Standard"],
    );
    await axe(page, "ticket types after a delete");
    assert.deepEqual(page.errors, []);
  });

  it("quotas: empty, a quota needs a ticket type, the API refuses one smaller than what is held, one shared by two types shows its use, edited (not below what is held), deleted after a confirmation, at a phone's width", async () => {
    const { event } = await heldEvent("Quotas night");
    const page = await newPage();
    const dialogs = [];
    page.on("dialog", (d) => dialogs.push(d.message()));
    await signIn(page);
    await openEdit(page, event);
    await inPage(page, TAG, "return root.textContent.includes('No quotas yet.')");
    await axe(page, "quotas, empty");

    await type(page, `${TAG} >>> form[aria-label='New quota'] #f-qName`, "Main hall");
    await type(page, `${TAG} >>> form[aria-label='New quota'] #f-qSize`, "1");
    await page.click($(`${TAG} >>> form[aria-label='New quota'] button[type=submit]`));
    await inPage(page, TAG, "return root.querySelector('#quota-types-error')?.textContent.includes('Pick at least one ticket type')");
    await axe(page, "quotas, no ticket type picked");
    const boxes = await page.$$($(`${TAG} >>> form[aria-label='New quota'] input[name=ticketTypeIds]`));
    assert.equal(boxes.length, 2);
    for (const b of boxes) await b.click();
    await inPage(page, TAG, "return !root.querySelector('#quota-types-error')");
    // Two Standard are held: a size of 1 is too small (the API's 409, said in the form).
    await page.click($(`${TAG} >>> form[aria-label='New quota'] button[type=submit]`));
    await waitFor(page, `${TAG} >>> form[aria-label='New quota'] p.error`);
    assert.match(await text(page, `${TAG} >>> form[aria-label='New quota'] p.error`), /more than 1/);
    await type(page, `${TAG} >>> form[aria-label='New quota'] #f-qSize`, "30");
    await page.click($(`${TAG} >>> form[aria-label='New quota'] button[type=submit]`));
    await inPage(page, TAG, "return root.querySelector('[data-testid=quota-used]')?.textContent.trim() === '2 of 30'");
    assert.match(
      await page.$eval($(`${TAG} >>> [data-testid=quota-used]`), (td) => td.closest("tr").textContent),
      /Main hall[\s\S]*Standard, VIP/,
    );
    const quotas = (await ok("GET", `/v1/events/${event.id}/quotas`)).data;
    assert.equal(quotas.length, 1);
    assert.equal(quotas[0].ticketTypeIds.length, 2);
    await axe(page, "quotas, one listed");

    // Edited from the keyboard: Enter on its Edit button, the focus in its name.
    await (await waitFor(page, `${TAG} >>> button[aria-label='Edit quota Main hall']`)).focus();
    await page.keyboard.press("Enter");
    await inPage(page, TAG, "return root.activeElement?.id === 'f-eqName'");
    assert.equal(await page.$eval($(`${TAG} >>> #f-eqSize`), (i) => i.value), "30");
    await axe(page, "quota edit form");
    // Below the two held: the API's 409, said in the form; nothing changed.
    await type(page, `${TAG} >>> #f-eqSize`, "1");
    await page.click($(`${TAG} >>> form[aria-label='Edit quota Main hall'] button[type=submit]`));
    await waitFor(page, `${TAG} >>> form[aria-label='Edit quota Main hall'] p.error`);
    assert.match(
      await text(page, `${TAG} >>> form[aria-label='Edit quota Main hall'] p.error`),
      /2 of this quota are already held or sold/,
    );
    assert.equal((await ok("GET", `/v1/events/${event.id}/quotas`)).data[0].size, 30);
    await type(page, `${TAG} >>> #f-eqName`, "Balcony");
    await type(page, `${TAG} >>> #f-eqSize`, "12");
    await page.click($(`${TAG} >>> form[aria-label='Edit quota Main hall'] button[type=submit]`));
    await inPage(
      page,
      TAG,
      "return root.querySelector('[data-testid=quota-used]')?.textContent.trim() === '2 of 12' && root.textContent.includes('Quota Balcony saved.')",
    );
    assert.deepEqual(
      (await ok("GET", `/v1/events/${event.id}/quotas`)).data.map((q) => [q.name, q.size]),
      [["Balcony", 12]],
    );

    await page.setViewport({ width: 375, height: 740 });
    assert.ok(await fitsWidth(page), "the edit page fits a phone's width");
    await axe(page, "event edit at a phone's width");

    // Deleted after a confirmation: the list is empty again, and so is the API's.
    await page.click($(`${TAG} >>> button[aria-label='Delete quota Balcony']`));
    await inPage(page, TAG, "return root.textContent.includes('Quota Balcony deleted.') && root.textContent.includes('No quotas yet.')");
    assert.match(dialogs.at(-1), /Delete the quota “Balcony”/);
    assert.deepEqual((await ok("GET", `/v1/events/${event.id}/quotas`)).data, []);
    assert.deepEqual(page.errors, []);
  });
});
