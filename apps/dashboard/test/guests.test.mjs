// The dashboard's guests and agenda pages end to end (see harness.mjs): the demo organizer finds
// guests by text and RSVP status, approves and declines requests to attend (one, then several at
// once after a confirmation), imports a CSV after a preview of each row's errors, exports the list,
// and edits an event's agenda in the event's time zone — with axe on each state, the keyboard, and
// the pages at a phone's width.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { $, axe, newPage, text, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

const env = useDashboard();
const G = "gk-dash-guests";
const A = "gk-dash-agenda";

const api = async (method, path, body, headers = {}) => {
  const res = await fetch(`${env.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.api.demo.secretKey}`, "content-type": "application/json", ...headers },
    body: body && JSON.stringify(body),
  });
  const json = res.status === 204 ? null : await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};
/** A registration from the event's page (the demo publishable key allows the API's own origin). */
const register = (eventId, body) =>
  api("POST", `/v1/events/${eventId}/registrations`, body, { authorization: `Bearer ${env.api.demo.publishableKey}`, origin: env.base });

/** Waits until the text of `sel` inside the page element `host` matches `pattern`; on a timeout says what the page showed. */
async function until(page, host, sel, pattern) {
  await page
    .waitForFunction(
      (h, s, source) => {
        const root = document.querySelector("gk-dashboard").shadowRoot.querySelector(h)?.shadowRoot;
        return new RegExp(source, "s").test(root?.querySelector(s)?.textContent ?? "");
      },
      {},
      host,
      sel,
      pattern.source,
    )
    .catch(async (e) => {
      throw new Error(`${e.message} (waiting for ${pattern} in ${host} ${sel}); the page says: ${await visibleText(page)}`);
    });
}
/** The guest names the list shows, in order. */
const names = (page) => page.$$eval($(`${G} >>> tbody tr[data-guest] .name`), (els) => els.map((el) => el.textContent.trim()));
const fitsWidth = (page) => page.evaluate(() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth);

async function signIn() {
  const page = await newPage();
  await page.goto(`${env.base}/dashboard/sign-in`);
  await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
  await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
  await page.click($("gk-dash-sign-in >>> button[type=submit]"));
  await waitFor(page, "nav a[href='/dashboard/events']");
  return page;
}

async function approvalEvent(title) {
  const event = await api("POST", "/v1/events", {
    title,
    startsAt: "2031-09-12T16:00:00.000Z",
    endsAt: "2031-09-12T22:00:00.000Z",
    timeZone: "Europe/Lisbon",
    currency: "EUR",
  });
  await api("POST", `/v1/events/${event.id}/publish`);
  await api("PATCH", `/v1/events/${event.id}/rsvp`, { mode: "approval", capacity: 50 });
  return event;
}

describe("guests in the dashboard", () => {
  it("lists, searches and filters the guests, approves one request and declines two at once after confirming", async () => {
    const event = await approvalEvent("Garden party");
    await api("POST", `/v1/events/${event.id}/guests`, { name: "Ada Lovelace", email: "ada@example.com", phone: "+351 912 345 678" });
    for (const [name, email] of [
      ["Grace Hopper", "grace@example.com"],
      ["Alan Turing", "alan@example.com"],
      ["Edsger Dijkstra", "edsger@example.com"],
    ])
      await register(event.id, { name, email });

    const page = await signIn();
    // From the event's page, a link leads to its guests.
    await page.goto(`${env.base}/dashboard/events/${event.id}`);
    await (await waitFor(page, `gk-dash-event >>> a[href='/dashboard/events/${event.id}/guests']`)).click();
    await waitFor(page, `${G} >>> tbody tr[data-guest]`);
    assert.deepEqual((await names(page)).sort(), ["Ada Lovelace", "Alan Turing", "Edsger Dijkstra", "Grace Hopper"]);
    assert.match(await text(page, `${G} >>> [data-testid=headcount]`), /0 confirmed of 50 · 0 on the waitlist · registration approval/);
    await axe(page, "the guest list");

    // Search, from the keyboard: Enter in the search box.
    await type(page, `${G} >>> #guest-q`, "lovelace");
    await page.keyboard.press("Enter");
    await until(page, G, "tbody", /^(?!.*Grace).*Ada Lovelace/);
    assert.deepEqual(await names(page), ["Ada Lovelace"]);
    // Nothing matches: the empty state.
    await page.$eval($(`${G} >>> #guest-q`), (el) => {
      el.value = "";
    });
    await type(page, `${G} >>> #guest-q`, "nobody-by-this-name");
    await page.keyboard.press("Enter");
    await until(page, G, "p.muted", /No guests match this search/);
    await axe(page, "the guest list, nothing found");
    await page.$eval($(`${G} >>> #guest-q`), (el) => {
      el.value = "";
    });
    // The RSVP status filter: requests waiting for approval.
    await page.select($(`${G} >>> #guest-status`), "pending_approval");
    await until(page, G, "tbody", /Grace Hopper/);
    assert.deepEqual((await names(page)).sort(), ["Alan Turing", "Edsger Dijkstra", "Grace Hopper"]);

    // Approve Grace with her row's button.
    await page.click($(`${G} >>> button[aria-label='Approve Grace Hopper']`));
    await until(page, G, "[role=status]", /Approved 1 request/);
    assert.deepEqual((await names(page)).sort(), ["Alan Turing", "Edsger Dijkstra"]);
    assert.match(await text(page, `${G} >>> [data-testid=headcount]`), /1 confirmed of 50/);

    // Select every remaining request with the keyboard (Space on the header box), decline them at once (the dialog is confirmed).
    const dialogs = [];
    page.on("dialog", (d) => dialogs.push(d.message()));
    await page.focus($(`${G} >>> thead input[type=checkbox]`));
    await page.keyboard.press("Space");
    await until(page, G, "[role=group]", /2 selected/);
    await axe(page, "two requests selected");
    await page.click($(`${G} >>> [role=group] button.danger`));
    await until(page, G, "[role=status]", /Declined 2 request/);
    assert.match(dialogs.at(-1), /Decline 2 request\(s\) to attend\?/);
    await until(page, G, "p.muted", /No guests match/);
    await page.select($(`${G} >>> #guest-status`), "rejected");
    await until(page, G, "tbody", /Alan Turing/);
    assert.deepEqual((await names(page)).sort(), ["Alan Turing", "Edsger Dijkstra"]);
    const all = await api("GET", `/v1/events/${event.id}/guests?limit=100`);
    assert.deepEqual(Object.fromEntries(all.data.map((g) => [g.name, g.status])), {
      "Ada Lovelace": "invited",
      "Grace Hopper": "confirmed",
      "Alan Turing": "rejected",
      "Edsger Dijkstra": "rejected",
    });
    assert.deepEqual(page.errors, []);
  });

  it("shows an error with Retry when the list cannot be loaded, and the list once it can", async () => {
    const event = await approvalEvent("Flaky network");
    await api("POST", `/v1/events/${event.id}/guests`, { name: "Barbara Liskov" });
    const page = await signIn();
    await page.setRequestInterception(true);
    let fail = true;
    page.on("request", (req) => {
      if (fail && req.url().includes(`/v1/events/${event.id}/guests?`))
        req.respond({
          status: 503,
          contentType: "application/problem+json",
          body: JSON.stringify({
            type: "about:blank",
            title: "Unavailable",
            status: 503,
            detail: "The API is down for a moment.",
            code: "unavailable",
          }),
        });
      else req.continue();
    });
    await page.goto(`${env.base}/dashboard/events/${event.id}/guests`);
    await until(page, G, "[role=alert]", /Could not load guests: The API is down for a moment/);
    await axe(page, "the guest list's error");
    fail = false;
    await page.click($(`${G} >>> [role=alert] button`));
    await until(page, G, "tbody", /Barbara Liskov/);
  });

  it("imports a CSV after a preview of each row's errors (the good rows once confirmed), then exports the list as CSV", async () => {
    const event = await approvalEvent("Reunion");
    const dir = mkdtempSync(join(tmpdir(), "gk-guests-csv-"));
    const file = join(dir, "guests.csv");
    writeFileSync(
      file,
      [
        "name,email,phone,tags",
        "Katherine Johnson,katherine@example.com,+1 415 555 0101,family;vip",
        ",nobody@example.com,,",
        "Dorothy Vaughan,not-an-email,,",
        "Mary Jackson,mary@example.com,,",
      ].join("\n"),
    );
    const page = await signIn();
    await page.goto(`${env.base}/dashboard/events/${event.id}/guests`);
    await until(page, G, "p.muted", /No guests yet/);
    await axe(page, "an empty guest list");

    const input = await waitFor(page, `${G} >>> #guest-csv`);
    await input.uploadFile(file);
    await page.waitForFunction(
      (h) =>
        !document
          .querySelector("gk-dashboard")
          .shadowRoot.querySelector(h)
          .shadowRoot.querySelector("form[aria-label='Import guests'] button").disabled,
      {},
      G,
    );
    await page.click($(`${G} >>> form[aria-label='Import guests'] button[type=submit]`));
    await until(page, G, "[data-testid=preview-summary]", /2 row\(s\) ready, 2 with errors/);
    // Each bad row with its line and the column at fault; nothing written yet.
    assert.match(await text(page, `${G} >>> tr[data-row='3']`), /name/);
    assert.match(await text(page, `${G} >>> tr[data-row='4']`), /email/);
    assert.equal((await api("GET", `/v1/events/${event.id}/guests`)).data.length, 0);
    await axe(page, "the import preview with row errors");

    await page.click($(`${G} >>> section[aria-label='Import preview'] .row button:not(.secondary)`));
    await until(page, G, "p.notice", /Imported 2 guest\(s\) from guests.csv/);
    await until(page, G, "tbody", /Katherine Johnson/);
    assert.deepEqual((await names(page)).sort(), ["Katherine Johnson", "Mary Jackson"]);

    // Export: the file the browser downloads is the API's CSV.
    await page.click($(`${G} >>> [data-testid=export]`));
    const link = await waitFor(page, `${G} >>> [data-testid=export-link]`);
    const csv = await link.evaluate((a) => fetch(a.href).then((r) => r.text()));
    assert.match(csv.split(/\r?\n/)[0], /^id,name,email,phone,status,/);
    // A leading + would start a formula in a spreadsheet: the API's export quotes it with '.
    assert.match(csv, /,Katherine Johnson,katherine@example.com,'\+14155550101,invited,0,,family;vip,/);
    assert.match(csv, /Mary Jackson/);

    // At a phone's width the page does not scroll sideways.
    await page.setViewport({ width: 375, height: 800 });
    const wide = await page.evaluate(() => {
      const out = [];
      const walk = (root) => {
        for (const el of root.querySelectorAll("*")) {
          if (el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest(".table-wrap"))
            out.push(`${el.tagName}#${el.id}`);
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(document);
      return out.slice(0, 8);
    });
    assert.equal(await fitsWidth(page), true, `the guests page scrolls sideways at 375px: ${wide.join(" | ")}`);
    await axe(page, "the guest list at a phone's width");
    assert.deepEqual(page.errors, []);
  });

  it("a file the API refuses whole (an unknown column) says why, and nothing is imported", async () => {
    const event = await approvalEvent("Picky import");
    const dir = mkdtempSync(join(tmpdir(), "gk-guests-csv-"));
    const file = join(dir, "bad.csv");
    writeFileSync(file, "name,shoe_size\nAda,38\n");
    const page = await signIn();
    await page.goto(`${env.base}/dashboard/events/${event.id}/guests`);
    const input = await waitFor(page, `${G} >>> #guest-csv`);
    await input.uploadFile(file);
    await page.waitForFunction(
      (h) =>
        !document
          .querySelector("gk-dashboard")
          .shadowRoot.querySelector(h)
          .shadowRoot.querySelector("form[aria-label='Import guests'] button").disabled,
      {},
      G,
    );
    await page.click($(`${G} >>> form[aria-label='Import guests'] button[type=submit]`));
    await until(page, G, "[role=alert]", /The file was not imported: .*shoe_size/);
    assert.equal((await api("GET", `/v1/events/${event.id}/guests`)).data.length, 0);
  });
});

describe("RSVP settings in the dashboard", () => {
  it("sets the registration mode, places and reminders; a bad number is refused as you type, a limit below the headcount by the API", async () => {
    const event = await approvalEvent("Settings");
    const guest = await api("POST", `/v1/events/${event.id}/guests`, { name: "Ada" });
    const other = await api("POST", `/v1/events/${event.id}/guests`, { name: "Bo" });
    for (const g of [guest, other]) await api("POST", `/v1/events/${event.id}/guests/${g.id}/rsvp`, { answer: "yes" });
    const page = await signIn();
    await page.goto(`${env.base}/dashboard/events/${event.id}/guests`);
    const f = (sel) => `${G} >>> form[aria-labelledby=rsvp-settings] ${sel}`;
    await waitFor(page, f("#f-capacity"));
    await page.$eval($(f("#f-capacity")), (el) => {
      el.value = "";
    });
    await type(page, f("#f-capacity"), "0");
    await page.focus($(f("#f-maxPlusOnes")));
    await waitFor(page, f("#f-capacity[aria-invalid=true]"));
    await axe(page, "the RSVP settings with a field error");
    // A limit below the two confirmed guests: the API's 409, said at the form.
    await page.$eval($(f("#f-capacity")), (el) => {
      el.value = "";
    });
    await type(page, f("#f-capacity"), "1");
    await page.click($(f("button[type=submit]")));
    await until(page, G, "form[aria-labelledby=rsvp-settings] [role=alert]", /.+/);
    assert.equal((await api("GET", `/v1/events/${event.id}/rsvp`)).capacity, 50);
    // Invitation only, 30 places, reminders a day and an hour before: saved.
    await page.$eval($(f("#f-capacity")), (el) => {
      el.value = "";
    });
    await type(page, f("#f-capacity"), "30");
    await page.select($(f("#f-mode")), "invite_only");
    await page.click($(f("input[name=reminder][value='1440']")));
    await page.focus($(f("input[name=reminder][value='60']")));
    await page.keyboard.press("Space");
    await page.click($(f("button[type=submit]")));
    await until(page, G, "form[aria-labelledby=rsvp-settings] [role=status]", /RSVP settings saved/);
    const saved = await api("GET", `/v1/events/${event.id}/rsvp`);
    assert.equal(saved.mode, "invite_only");
    assert.equal(saved.capacity, 30);
    assert.deepEqual(
      [...saved.reminders].sort((a, b) => a - b),
      [60, 1440],
    );
    assert.match(await text(page, `${G} >>> [data-testid=headcount]`), /2 confirmed of 30 .* registration invite only/);
    await axe(page, "the RSVP settings saved");

    // Invitations need the invitation page first: the API's 422, then sent once it is set.
    const sendInvites = async () => {
      await page.click($(`${G} >>> form[aria-labelledby=invitations] button:not(.secondary)`));
    };
    const third = await api("POST", `/v1/events/${event.id}/guests`, { name: "Cy", email: "cy@example.com" });
    await api("POST", `/v1/events/${event.id}/guests`, { name: "Di" });
    await sendInvites();
    await until(page, G, "form[aria-labelledby=invitations] ~ [role=alert]", /Nothing was sent: .*invitation/i);
    await type(page, f("#f-invitationUrl"), "https://example.com/rsvp");
    await page.click($(f("button[type=submit]")));
    await until(page, G, "form[aria-labelledby=rsvp-settings] [role=status]", /RSVP settings saved/);
    assert.equal((await api("GET", `/v1/events/${event.id}/rsvp`)).invitationUrl, "https://example.com/rsvp");
    await sendInvites();
    await until(page, G, "[data-testid=send-result]", /1 message\(s\) queued to 1 guest\(s\); \d+ skipped/);
    assert.ok((await api("GET", `/v1/events/${event.id}/guests/${third.id}`)).invitedAt, "Cy was invited");
    await axe(page, "invitations sent");
  });
});

describe("the agenda editor", () => {
  it("adds, edits and deletes sessions in the event's time zone, checks the end as you type, and shows sign-ups", async () => {
    const event = await approvalEvent("Conference");
    await api("PATCH", `/v1/events/${event.id}/rsvp`, { mode: "invite_only" });
    const page = await signIn();
    await page.goto(`${env.base}/dashboard/events/${event.id}`);
    await (await waitFor(page, `gk-dash-event >>> a[href='/dashboard/events/${event.id}/agenda']`)).click();
    await waitFor(page, `${A} >>> #f-title`);
    assert.match(await visibleText(page), /No sessions yet/);
    await axe(page, "an empty agenda");

    // The browser's checks and ours, as you type: an end before the start is refused at its field.
    await type(page, `${A} >>> #f-title`, "Opening keynote");
    const set = (sel, v) =>
      page.$eval(
        $(`${A} >>> ${sel}`),
        (el, value) => {
          el.value = value;
          el.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
          el.dispatchEvent(new FocusEvent("focusout", { bubbles: true, composed: true }));
        },
        v,
      );
    await set("#f-date", "2031-09-12");
    await set("#f-start", "18:00");
    await set("#f-end", "17:30");
    await waitFor(page, `${A} >>> #f-end[aria-invalid=true]`);
    assert.match(await text(page, `${A} >>> #f-end-error`), /Ends after it starts/);
    await axe(page, "the session form with a field error");
    await set("#f-end", "19:00");
    await waitFor(page, `${A} >>> #f-end[aria-invalid=false]`);
    await type(page, `${A} >>> #f-room`, "Main hall");
    await set("#f-speakers", "Grace Hopper\n\nAlan Kay ");
    await set("#f-capacity", "2");
    await page.focus($(`${A} >>> button[type=submit]`));
    await page.keyboard.press("Enter");
    await waitFor(page, `${A} >>> tbody tr[data-session]`);
    // 18:00 in Lisbon (summer, UTC+1) is 17:00 UTC.
    const [session] = await api("GET", `/v1/events/${event.id}/sessions`).then((r) => r.data);
    assert.equal(session.startsAt, "2031-09-12T17:00:00.000Z");
    assert.equal(session.endsAt, "2031-09-12T18:00:00.000Z");
    assert.equal(session.room, "Main hall");
    assert.deepEqual(
      session.speakers.map((x) => x.name),
      ["Grace Hopper", "Alan Kay"],
    );
    assert.equal(await text(page, `${A} >>> [data-testid=signed-up]`), "0 / 2");

    // A confirmed guest signs up through their link: the editor shows the count.
    const guest = await api("POST", `/v1/events/${event.id}/guests`, { name: "Ada" });
    const rsvp = await fetch(`${env.base}/v1/events/${event.id}/invitation/${guest.token}/rsvp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ answer: "yes" }),
    });
    assert.equal(rsvp.status, 200);
    const pick = await fetch(`${env.base}/v1/events/${event.id}/invitation/${guest.token}/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sessionId: session.id }),
    });
    assert.equal(pick.status, 200, await pick.text());
    await page.reload();
    await until(page, A, "[data-testid=signed-up]", /^1 \/ 2$/);

    // Edit: the form fills in with the session's times on Lisbon's clocks; a capacity below the sign-ups is the API's field error.
    await page.click($(`${A} >>> button[aria-label='Edit Opening keynote']`));
    await until(page, A, "#session-form-title", /Edit “Opening keynote”/);
    assert.equal(await page.$eval($(`${A} >>> #f-start`), (el) => el.value), "18:00");
    await set("#f-end", "19:30");
    await set("#f-capacity", "40");
    await page.click($(`${A} >>> button[type=submit]`));
    await until(page, A, "[data-testid=signed-up]", /^1 \/ 40$/);
    assert.match(await text(page, `${A} >>> [data-testid=when]`), /18:00|6:00/);
    assert.equal((await api("GET", `/v1/events/${event.id}/sessions/${session.id}`)).endsAt, "2031-09-12T18:30:00.000Z");
    await axe(page, "the agenda with a session");

    // Delete, after confirming.
    const dialogs = [];
    page.on("dialog", (d) => dialogs.push(d.message()));
    await page.click($(`${A} >>> button[aria-label='Delete Opening keynote']`));
    await page.waitForFunction(
      (h) => !document.querySelector("gk-dashboard").shadowRoot.querySelector(h).shadowRoot.querySelector("tbody"),
      {},
      A,
    );
    assert.match(dialogs.at(-1), /Delete “Opening keynote”\? The 1 guest\(s\) signed up for it lose their place/);
    assert.deepEqual((await api("GET", `/v1/events/${event.id}/sessions`)).data, []);

    await page.setViewport({ width: 375, height: 800 });
    assert.equal(await fitsWidth(page), true, "the agenda scrolls sideways at 375px");
    assert.deepEqual(page.errors, []);
  });
});
