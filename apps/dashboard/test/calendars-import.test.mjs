// The Calendars pages' .ics import and calendar feeds end to end (issue 13, see harness.mjs): the
// demo organizer connects a client's Google account (the stand-in `pnpm dev` uses), picks an .ics
// file, sees the API's preview (how many, the first events, each failing event's reason), imports
// it and follows the job to its result; then makes a feed URL for an event, copies it, and revokes
// it. Loading, empty and error states, the keyboard, phone width, and axe on each main state.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { $, axe, newPage, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

const apiDir = fileURLToPath(new URL("../../api/", import.meta.url));
let google;
const env = useDashboard({
  env: async () => {
    const { tsImport } = await import(join(apiDir, "node_modules/tsx/dist/esm/api/index.mjs"));
    const { startGoogleStandIn } = await tsImport(join(apiDir, "test/google-standin.ts"), import.meta.url);
    google = await startGoogleStandIn(undefined, { interactive: true });
    return google.env;
  },
});
after(() => google?.close());

const TEAM = "team@group.calendar.google.com";
const IMPORT = "gk-dash-client >>> gk-dash-ics-import";
const FEEDS = "gk-dash-clients >>> gk-dash-calendar-feeds";
const dir = mkdtempSync(join(tmpdir(), "gk-ics-import-"));
const file = (name, lines) => {
  const path = join(dir, name);
  writeFileSync(path, Array.isArray(lines) ? lines.join("\r\n") : lines);
  return path;
};
const vevent = (uid, summary, start, end, ...more) => [
  "BEGIN:VEVENT",
  `UID:${uid}`,
  `DTSTART:${start}`,
  `DTEND:${end}`,
  `SUMMARY:${summary}`,
  ...more,
  "END:VEVENT",
];
const MIXED = file("team-offsite.ics", [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  ...vevent("imp-1", "Offsite kick-off", "20300901T090000Z", "20300901T100000Z"),
  ...vevent("imp-2", "Offsite on Mars", "20300901T110000Z", "20300901T120000Z", "RRULE:FREQ=SOMETIMES"),
  ...vevent("imp-3", "Weekly offsite sync", "20300902T090000Z", "20300902T093000Z", "RRULE:FREQ=WEEKLY;COUNT=4"),
  "END:VCALENDAR",
]);
const EMPTY = file("empty.ics", ["BEGIN:VCALENDAR", "VERSION:2.0", "END:VCALENDAR"]);
const BROKEN = file("broken.ics", [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "BEGIN:VEVENT",
  "this is no content line",
  "END:VEVENT",
  "END:VCALENDAR",
]);
const GOOGLE = file("google.ics", readFileSync(join(apiDir, "test/ics/google-export.ics"), "utf8"));

const api = async (method, path, body) => {
  const r = await fetch(`${env.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.api.demo.secretKey}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  assert.ok(r.ok, `${method} ${path} answered ${r.status}: ${await r.clone().text()}`);
  return r.status === 204 ? null : r.json();
};

/** Waits until the text of `sel` (inside the dashboard) matches `re`; on a timeout, says what the page showed. */
async function until(page, sel, re) {
  let last = "";
  for (let i = 0; i < 300; i++) {
    last = await page.$eval($(sel), (el) => el.textContent).catch(() => "");
    if (re.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${sel} never matched ${re} (last: ${JSON.stringify(last)}); the page says: ${await visibleText(page)}`);
}

async function signIn() {
  const page = await newPage();
  await page.goto(`${env.base}/dashboard/sign-in`);
  await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
  await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
  await page.click($("gk-dash-sign-in >>> button[type=submit]"));
  await waitFor(page, "nav a[href='/dashboard/calendars']");
  return page;
}

/** Asserts the page keeps to a phone's width, naming what sticks out when it does not. */
async function fitsPhone(page, state) {
  await page.setViewport({ width: 375, height: 800 });
  const wide = await page.evaluate(() => {
    const out = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll("*")) {
        if (el.getBoundingClientRect().right > innerWidth + 1) out.push(`${el.tagName.toLowerCase()}#${el.id}`);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return document.documentElement.scrollWidth > document.documentElement.clientWidth ? out : [];
  });
  assert.deepEqual(wide, [], `${state}: wider than a phone`);
  await axe(page, `${state} at phone width`);
  await page.setViewport({ width: 1024, height: 800 });
}

describe("calendars: .ics import", () => {
  let page;
  let client;
  before(async () => {
    client = await api("POST", "/v1/clients", { name: "Importer & Co", timeZone: "Europe/Lisbon" });
    page = await signIn();
    await page.goto(`${env.base}/dashboard/calendars/${client.id}`);
    await waitFor(page, "gk-dash-client >>> #connect");
    assert.equal(await page.$($(`${IMPORT}`)), null, "no import form before the client is connected");
    await page.click($("gk-dash-client >>> #connect"));
    await page.waitForSelector("form[action='/o/oauth2/v2/auth'] button[value=allow]");
    await page.click("form[action='/o/oauth2/v2/auth'] button[value=allow]");
    await waitFor(page, `${IMPORT} >>> #import-file`);
  });

  it("previews a file (count, first events, each failing event's reason), imports it on confirmation and shows the job's result", async () => {
    await page.select($(`${IMPORT} >>> #import-calendar`), TEAM);
    await axe(page, "import form, no file yet");

    // Loading: the preview request is held until the page has said it is reading the file.
    await page.setRequestInterception(true);
    let held;
    const onRequest = (req) => {
      if (req.url().endsWith("/events.ics/preview") && !held) held = req;
      else req.continue();
    };
    page.on("request", onRequest);
    await (await waitFor(page, `${IMPORT} >>> #import-file`)).uploadFile(MIXED);
    await until(page, `${IMPORT} >>> [role=status]`, /Reading team-offsite\.ics/);
    for (let i = 0; i < 300 && !held; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(held, "the page asked the API for a preview");
    held.continue();
    page.off("request", onRequest);
    await page.setRequestInterception(false);

    const summary = await until(page, `${IMPORT} >>> #import-summary`, /of 3 events/);
    assert.match(summary, /2 of 3 events in team-offsite\.ics will be imported; 1 cannot be/);
    const shown = await page.$eval($(`${IMPORT} >>> table`), (t) => t.textContent);
    assert.match(shown, /Offsite kick-off/);
    assert.match(shown, /Weekly offsite sync/);
    assert.doesNotMatch(shown, /Mars/);
    assert.match(await page.$eval($(`${IMPORT} >>> #import-problems`), (ul) => ul.textContent), /Line 9 \(imp-2\): .*RRULE/);
    assert.equal(google.eventsOf(TEAM).filter((e) => /offsite/i.test(e.summary ?? "")).length, 0, "a preview writes nothing");
    await axe(page, "import preview with a failing event");

    // Phone width: the preview keeps to the screen.
    await fitsPhone(page, "import preview");

    // Confirm from the keyboard; the job's progress runs to its result.
    const confirm = await waitFor(page, `${IMPORT} >>> button[type=submit]`);
    assert.equal((await confirm.evaluate((b) => b.textContent)).trim(), "Import 2 events");
    await confirm.focus();
    await page.keyboard.press("Enter");
    const result = await until(page, `${IMPORT} >>> #import-result`, /Imported/);
    assert.match(result, /Imported 2 of 3 events; 1 failed/);
    assert.match(await page.$eval($(IMPORT), (el) => el.shadowRoot.textContent), /imp-2.*RRULE/s);
    assert.equal(await page.$eval($(`${IMPORT} >>> #import-progress`), (el) => el.textContent), "3/3");
    const live = google.eventsOf(TEAM).filter((e) => e.status !== "cancelled");
    assert.equal(live.filter((e) => e.summary === "Offsite kick-off").length, 1);
    assert.equal(live.filter((e) => e.summary === "Weekly offsite sync").length, 1);
    assert.equal(live.filter((e) => e.summary === "Offsite on Mars").length, 0);
    // The page's job list has the import too.
    await until(page, "gk-dash-client >>> table", /import ics/);
    await axe(page, "import done");
  });

  it("says when a file has no events or cannot be read, and imports a Google export again without duplicates", async () => {
    await page.click($(`${IMPORT} >>> #import-result ~ button`));
    // Dropped on the form rather than picked: the same preview.
    const zone = await waitFor(page, `${IMPORT} >>> .drop`);
    await zone.evaluate(
      (el, text) => {
        const data = new DataTransfer();
        data.items.add(new File([text], "empty.ics", { type: "text/calendar" }));
        el.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
        el.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      readFileSync(EMPTY, "utf8"),
    );
    await until(page, `${IMPORT} >>> #import-summary`, /empty\.ics has no events to import/);
    await axe(page, "import of a file without events");

    await (await waitFor(page, `${IMPORT} >>> #import-file`)).uploadFile(BROKEN);
    const error = await until(page, `${IMPORT} >>> [role=alert]`, /Could not read broken\.ics/);
    assert.match(error, /line 4/);
    await axe(page, "import of a malformed file");

    await page.select($(`${IMPORT} >>> #import-calendar`), TEAM);
    for (let round = 0; round < 2; round++) {
      await (await waitFor(page, `${IMPORT} >>> #import-file`)).uploadFile(GOOGLE);
      await until(page, `${IMPORT} >>> #import-summary`, /3 of 3 events/);
      await page.click($(`${IMPORT} >>> button[type=submit]`));
      await until(page, `${IMPORT} >>> #import-result`, /Imported 3 of 3 events\./);
      await page.click($(`${IMPORT} >>> #import-result ~ button`));
    }
    const boards = google.eventsOf(TEAM).filter((e) => e.summary === "Board meeting" && e.status !== "cancelled");
    assert.equal(boards.length, 1, "the same UIDs update, not duplicate");
    assert.deepEqual(page.errors, [], `page errors; the page says: ${await visibleText(page)}`);
  });
});

describe("calendars: feeds", () => {
  it("lists feeds (error with Retry, then empty), makes a URL to copy and subscribe to, and revokes it after confirming", async () => {
    const event = await api("POST", "/v1/events", {
      title: "Harbour festival",
      startsAt: "2031-09-12T16:00:00.000Z",
      endsAt: "2031-09-12T22:00:00.000Z",
      timeZone: "Europe/Lisbon",
      currency: "EUR",
    });
    await api("POST", `/v1/events/${event.id}/publish`);
    const page = await signIn();
    await page.browserContext().overridePermissions(env.base, ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);

    // The list fails once: its error with Retry, then the empty list.
    await page.setRequestInterception(true);
    let fail = true;
    page.on("request", (req) => {
      if (fail && req.url().includes("/v1/calendar-feeds?"))
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
    await page.click($("nav a[href='/dashboard/calendars']"));
    await until(page, `${FEEDS} >>> [role=alert]`, /Could not load feeds: The API is down for a moment/);
    await axe(page, "feeds, the list's error");
    fail = false;
    await page.click($(`${FEEDS} >>> [role=alert] button`));
    await until(page, `${FEEDS} >>> p.muted`, /No feeds yet/);
    await axe(page, "feeds, none yet");

    // The form checks the id as you type; the API's answer for an unknown one shows by the field.
    await type(page, `${FEEDS} >>> #f-subjectId`, "nope");
    await page.focus($(`${FEEDS} >>> #f-label`));
    await waitFor(page, `${FEEDS} >>> #f-subjectId[aria-invalid=true]`);
    await axe(page, "feeds, a field error");
    await page.$eval($(`${FEEDS} >>> #f-subjectId`), (el) => {
      el.value = "";
    });
    await type(page, `${FEEDS} >>> #f-subjectId`, "evt_0000000000000000");
    await page.click($(`${FEEDS} >>> form[aria-label='Make a feed URL'] button[type=submit]`));
    await until(page, `${FEEDS} >>> form[aria-label='Make a feed URL'] [role=alert]`, /./);
    assert.equal(await page.$($(`${FEEDS} >>> #feed-url`)), null, "no URL for an event that does not exist");

    // Made from the keyboard: the URL once, to copy or open as webcal://; it serves the calendar.
    await page.$eval($(`${FEEDS} >>> #f-subjectId`), (el) => {
      el.value = "";
    });
    await type(page, `${FEEDS} >>> #f-subjectId`, event.id);
    await type(page, `${FEEDS} >>> #f-label`, "Festival volunteers");
    await page.keyboard.press("Enter");
    await waitFor(page, `${FEEDS} >>> #feed-url`);
    const url = await page.$eval($(`${FEEDS} >>> #feed-url input`), (el) => el.value);
    assert.match(url, /^https?:\/\/[^/]+\/v1\/calendar-feeds\/cfeed_[0-9a-z]+\/calendar\.ics\?token=[0-9a-f]{40}$/);
    assert.equal(await page.$eval($(`${FEEDS} >>> #feed-url a`), (a) => a.getAttribute("href")), url.replace(/^https?:/, "webcal:"));
    const feedPath = new URL(url).pathname + new URL(url).search;
    const served = await fetch(`${env.base}${feedPath}`);
    assert.equal(served.status, 200);
    assert.match(await served.text(), /SUMMARY:Harbour festival/);
    assert.equal(
      await page.evaluate(
        () => document.activeElement?.shadowRoot?.activeElement?.shadowRoot?.activeElement?.shadowRoot?.activeElement?.id,
      ),
      "copy-url",
    );
    await page.keyboard.press("Enter");
    const copied = await until(page, `${FEEDS} >>> #feed-url`, /Copied\.|press Ctrl\+C/);
    if (/Copied\./.test(copied)) assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
    await until(page, `${FEEDS} >>> tbody`, /Festival volunteers/);
    assert.match(await page.$eval($(`${FEEDS} >>> tbody`), (t) => t.textContent), /Active/);
    await axe(page, "feeds, a URL made");

    // Feeds of one subject: another event's feed is not in its list.
    const other = await api("POST", "/v1/events", {
      title: "Other fair",
      startsAt: "2031-10-12T16:00:00.000Z",
      endsAt: "2031-10-12T22:00:00.000Z",
      timeZone: "Europe/Lisbon",
      currency: "EUR",
    });
    await api("POST", "/v1/calendar-feeds", { subject: { type: "event", id: other.id }, label: "Other fair's crew" });
    await page.click($(`${FEEDS} >>> form[aria-label='Filter feeds'] button[type=submit]`)); // all of them
    await until(page, `${FEEDS} >>> tbody`, /Other fair's crew/);
    await type(page, `${FEEDS} >>> #feed-of`, event.id);
    await page.keyboard.press("Enter");
    await until(page, `${FEEDS} >>> table caption`, /./);
    for (
      let i = 0;
      i < 100 && /Other fair/.test(await page.$eval($(`${FEEDS} >>> tbody`), (t) => t.textContent).catch(() => "Other fair"));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    assert.doesNotMatch(await page.$eval($(`${FEEDS} >>> tbody`), (t) => t.textContent), /Other fair/);
    assert.match(await page.$eval($(`${FEEDS} >>> tbody`), (t) => t.textContent), /Festival volunteers/);
    await axe(page, "feeds of one event");

    // Phone width: the list and the URL keep to the screen.
    await fitsPhone(page, "feeds");

    // Revoke (the harness accepts the confirmation): the URL answers 410 from then on.
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
    });
    const revoke = await waitFor(page, `${FEEDS} >>> tbody button.danger`);
    await revoke.focus();
    await page.keyboard.press("Enter");
    await until(page, `${FEEDS} >>> tbody`, /Revoked/);
    assert.match(asked, /Revoke the event evt_.* feed\?/);
    assert.equal((await fetch(`${env.base}${feedPath}`)).status, 410);
    assert.equal(await page.$($(`${FEEDS} >>> #feed-url`)), null, "the revoked URL is no longer shown");
    await axe(page, "feeds, one revoked");
    assert.deepEqual(page.errors, [], `page errors; the page says: ${await visibleText(page)}`);
  });
});
