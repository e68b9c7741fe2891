// Live pages, end to end with REAL rooms (`partykit dev`, see harness.mjs): a payment (the local
// provider's checkout page, the same signed webhook path as Stripe) shows on the event page and the
// orders list without a reload; a live refresh keeps the rows "Load more" brought (and the focus);
// the overview follows the organization's room and closes it when left. And a calendar
// connection's use of Google's API today, as a labelled meter (against the Google stand-in).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { $, axe, env, newPage, ok, signIn, socketsOf, text, useDashboard, visibleText, waitFor } from "./harness.mjs";

const apiDir = fileURLToPath(new URL("../../api/", import.meta.url));
let google;
useDashboard({
  realtime: true,
  env: async () => {
    const { tsImport } = await import(join(apiDir, "node_modules/tsx/dist/esm/api/index.mjs"));
    const { startGoogleStandIn } = await tsImport(join(apiDir, "test/google-standin.ts"), import.meta.url);
    google = await startGoogleStandIn();
    // Every calendar list read asks Google (no cache), so the test knows the calls it made.
    return { ...google.env, CALENDAR_LIST_TTL_SECONDS: "0" };
  },
});
after(() => google?.close());

/** A signed-in page in its own context, keeping the dashboard's CSP (the room's WebSocket must get through it). */
async function cspPage() {
  const context = await env.browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.errors = [];
  page.on("pageerror", (err) => page.errors.push(err.message));
  await signIn(page);
  return page;
}

/** Waits until `fn(root)` (source, run in page element `tag`'s shadow root) is truthy. Not under the dashboard's CSP: newPage() pages. */
const until = (page, tag, fn, arg) =>
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
      throw new Error(`${e.message} (waiting in ${tag} for ${fn}); the page says: ${await visibleText(page)}`);
    });

/** Waits until `sel` in page element `tag` reads something matching `pattern` (no eval: works under the CSP). */
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

async function publishedEvent(title, ticket) {
  const event = await ok("POST", "/v1/events", {
    title,
    startsAt: "2031-11-01T19:00:00.000Z",
    endsAt: "2031-11-01T23:00:00.000Z",
    timeZone: "Europe/Lisbon",
    currency: "EUR",
  });
  const type = await ok("POST", `/v1/events/${event.id}/ticket-types`, { currency: "EUR", quantity: 100, ...ticket });
  await ok("POST", `/v1/events/${event.id}/publish`);
  return { event, type };
}

const order = (event, type, name, quantity = 1) =>
  ok("POST", `/v1/events/${event.id}/orders`, {
    buyer: { name, email: `${name.toLowerCase().replace(/\W/g, "")}@example.com` },
    lines: [{ ticketTypeId: type.id, quantity }],
  });

describe("live pages", () => {
  it("a payment through the local checkout page shows as paid on the event page and in the orders list, without a reload", async () => {
    const { event, type } = await publishedEvent("Paid Live Night", { name: "Standing", price: 1500 });
    const pending = await order(event, type, "Inês Silva", 2);
    assert.equal(pending.status, "pending");

    const eventPage = await cspPage();
    await eventPage.goto(`${env.base}/dashboard/events/${event.id}`);
    await reads(eventPage, "gk-dash-event", "[data-testid=event-orders] tbody", `${pending.confirmationCode}[\\s\\S]*pending`);
    const ordersPage = await cspPage();
    await ordersPage.goto(`${env.base}/dashboard/events/${event.id}/orders`);
    await reads(ordersPage, "gk-dash-orders", "tbody td[data-status]", "^pending$");
    const navigations = [];
    for (const p of [eventPage, ordersPage]) p.on("framenavigated", (f) => navigations.push(f.url()));

    // The buyer pays on the local provider's page (what its form posts), as in the embedded default.
    const token = new URL(pending.payment.checkoutUrl).searchParams.get("token");
    const paid = await fetch(`${env.base}/v1/payments/local/checkout`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, outcome: "pay" }).toString(),
      redirect: "manual",
    });
    assert.ok(paid.status < 400, `the local checkout answered ${paid.status}`);
    assert.equal((await ok("GET", `/v1/orders/${pending.id}`)).status, "paid");

    await reads(eventPage, "gk-dash-event", "[data-testid=event-orders] tbody", `${pending.confirmationCode}[\\s\\S]*paid`);
    await reads(eventPage, "gk-dash-event", "[data-testid=live]", "^1 order now paid\\.$");
    await reads(ordersPage, "gk-dash-orders", "tbody td[data-status]", "^paid$");
    await reads(ordersPage, "gk-dash-orders", "[data-testid=live]", "1 order now paid");
    assert.deepEqual(navigations, [], "no page reloaded");
    // At a phone's width the event page keeps to the screen: its tables scroll inside their own box.
    await eventPage.setViewport({ width: 375, height: 800 });
    const overflow = await eventPage.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the event page is ${overflow}px wider than a phone`);
    assert.deepEqual([...eventPage.errors, ...ordersPage.errors], []);
    // axe needs its inline script, which the CSP kept above forbids: the same page again, CSP bypassed.
    const phone = await newPage();
    await signIn(phone);
    await phone.setViewport({ width: 375, height: 800 });
    await phone.goto(`${env.base}/dashboard/events/${event.id}`);
    await reads(phone, "gk-dash-event", "[data-testid=event-orders] tbody", `${pending.confirmationCode}[\\s\\S]*paid`);
    await axe(phone, "event page at phone width");
    await phone.browserContext().close();
    await eventPage.browserContext().close();
    await ordersPage.browserContext().close();
  });

  it("a live refresh keeps every row 'Load more' brought, adds the new one, and keeps the focus where it was", async () => {
    const { event, type } = await publishedEvent("Many Orders", { name: "Free", price: 0 });
    const codes = [];
    for (let i = 0; i < 25; i++) codes.push((await order(event, type, `Buyer ${i}`)).confirmationCode);

    const page = await newPage();
    await signIn(page);
    await page.goto(`${env.base}/dashboard/events/${event.id}/orders`);
    await until(page, "gk-dash-orders", "return root.querySelectorAll('tbody tr').length === 20");
    await page.click($("gk-dash-orders >>> p > button.secondary"));
    await until(page, "gk-dash-orders", "return root.querySelectorAll('tbody tr').length === 25");
    // The organizer is on the second page: the oldest order's link has the focus, scrolled into view.
    const oldest = codes[0];
    await page.$eval($(`gk-dash-orders >>> tbody tr:last-child a`), (a) => {
      a.focus();
      a.scrollIntoView();
    });
    const scrolled = await page.evaluate(() => scrollY);
    assert.ok(scrolled > 0, "the page is scrolled down to the second page");

    const fresh = await order(event, type, "Late Buyer");
    await until(page, "gk-dash-orders", "return root.querySelectorAll('tbody tr').length === 26");
    const shown = await page.$$eval($("gk-dash-orders >>> tbody tr code"), (els) => els.map((el) => el.textContent));
    assert.equal(shown[0], fresh.confirmationCode, "the new order is first (newest first)");
    assert.deepEqual(shown.slice(1).sort(), [...codes].sort(), "both loaded pages' rows are still there");
    await reads(page, "gk-dash-orders", "[data-testid=live]", "^1 new order arrived\\.$");
    // The focus stayed on the same order's link (not on whichever row now sits in its place).
    const focused = await page.evaluate(() => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.textContent ?? "";
    });
    assert.equal(focused, oldest);
    assert.ok((await page.evaluate(() => scrollY)) >= scrolled, "not scrolled back to the top");
    // No more pages: nothing hidden behind "Load more".
    assert.equal(await page.$($("gk-dash-orders >>> p > button.secondary")), null);
    await axe(page, "orders, two pages after a live refresh");
    assert.deepEqual(page.errors, []);
    await page.browserContext().close();
  });

  it("the overview follows the organization's room: a sale moves its figures without a reload, said politely; leaving closes the room", async () => {
    const org = await ok("GET", "/v1/organization");
    const { event, type } = await publishedEvent("Overview Live", { name: "Free", price: 0 });
    const page = await cspPage();
    const sockets = await socketsOf(page);
    await page.goto(`${env.base}/dashboard/`);
    await reads(page, "gk-dash-overview", "[data-testid=tickets-sold]", "^\\d+$");
    const before = Number(await text(page, "gk-dash-overview >>> [data-testid=tickets-sold]"));
    const orgSocket = () =>
      [...sockets.values()].filter((u) => u.includes(encodeURIComponent(`org:${org.id}`)) || u.includes(`org:${org.id}`));
    for (let i = 0; i < 200 && orgSocket().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(orgSocket().length >= 1, `the overview opened the organization's room: ${[...sockets.values()]}`);
    const navigations = [];
    page.on("framenavigated", (f) => navigations.push(f.url()));

    // Three tickets in two orders, at once: the figures move once they settle.
    await Promise.all([order(event, type, "Ana", 2), order(event, type, "Rui", 1)]);
    await reads(page, "gk-dash-overview", "[data-testid=tickets-sold]", `^${before + 3}$`);
    await reads(page, "gk-dash-overview", "[data-testid=live]", `Tickets sold, 30 days: \\d+ → ${before + 3}`);
    assert.equal(await page.$eval($("gk-dash-overview >>> [data-testid=live]"), (el) => el.getAttribute("role")), "status");
    assert.deepEqual(navigations, [], "no reload");

    // Leaving the overview closes the organization's room.
    await page.click($("nav a[href='/dashboard/plans']"));
    await waitFor(page, "gk-dash-plans");
    for (let i = 0; i < 200 && orgSocket().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(orgSocket(), [], "the room's socket closed");
    assert.deepEqual(page.errors, []);
    await page.browserContext().close();
  });
});

describe("a calendar connection's quota use", () => {
  it("shows today's calls to Google and the share refused for rate limits as a labelled meter", async () => {
    const client = await ok("POST", "/v1/clients", { name: "Quota & Co" });
    const page = await newPage();
    await signIn(page);
    await page.goto(`${env.base}/dashboard/calendars/${client.id}`);
    await waitFor(page, "gk-dash-client >>> #connect");
    assert.equal(await page.$($("gk-dash-client >>> meter")), null, "no meter before a connection");
    await page.click($("gk-dash-client >>> #connect"));
    await waitFor(page, "gk-dash-client >>> #calendar-pick");

    // Google rate-limits the next calendar list once (a 429, then a rate-limit 403): the API waits and retries.
    let scripted = 0;
    const rate = { status: 403, body: { error: { code: 403, message: "Rate Limit Exceeded", errors: [{ reason: "rateLimitExceeded" }] } } };
    google.script = (r) =>
      r.method === "GET" && r.path.endsWith("/calendarList") && scripted < 2
        ? [{ status: 429, headers: { "retry-after": "0" }, body: {} }, rate][scripted++]
        : undefined;
    await ok("GET", `/v1/clients/${client.id}/calendars`);
    google.script = () => undefined;
    assert.equal(scripted, 2);
    const { quota } = await ok("GET", `/v1/clients/${client.id}/connection`);
    assert.equal(quota.rateLimitedToday, 2);
    assert.ok(quota.callsToday >= 3, JSON.stringify(quota));

    await page.reload();
    await waitFor(page, "gk-dash-client >>> meter#quota-meter");
    // Google's calls are counted as they end (the page's own calendar reads too): the meter shows
    // at least the calls counted above and at most those counted once the page has shown it.
    const meter = await page.$eval($("gk-dash-client >>> meter#quota-meter"), (m) => ({
      value: m.value,
      max: m.max,
      label: [...m.labels].map((l) => l.textContent.trim()).join(" "),
    }));
    const after = (await ok("GET", `/v1/clients/${client.id}/connection`)).quota;
    assert.equal(meter.value, 2);
    assert.equal(meter.label, "Refused for rate limits");
    assert.ok(
      meter.max >= quota.callsToday && meter.max <= after.callsToday,
      `${meter.max} within ${quota.callsToday}..${after.callsToday}`,
    );
    assert.equal(
      await text(page, "gk-dash-client >>> [data-testid=quota-calls]"),
      `${meter.max} calls to Google on ${after.day} (UTC day).`,
    );
    assert.match(await text(page, "gk-dash-client >>> [data-testid=quota-share]"), new RegExp(`^2 of ${meter.max} \\(\\d+(\\.\\d)? %\\)$`));
    assert.ok(after.backoffsToday >= 1, JSON.stringify(after));
    assert.match(await text(page, "gk-dash-client >>> [data-testid=quota]"), /\d+ waits? before a retry today\.\s+Last rate-limited/);
    await axe(page, "client with its quota meter");
    assert.deepEqual(page.errors, []);
    await page.browserContext().close();
  });
});
