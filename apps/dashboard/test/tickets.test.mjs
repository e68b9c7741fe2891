// The ticketing back office end to end (see harness.mjs): an event's discount codes, its orders
// (search, filter, detail, refund, cancel) and the door's check-in page, scanning a real ticket's
// QR code through Chromium's fake camera (a y4m video made in this test from the ticket's own QR
// SVG) and taking typed codes. axe on each main state; the phone's width checked where it matters.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import puppeteer from "puppeteer-core";
import { $, axe, env, newPage, signIn, text, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

useDashboard();

/** Waits until `fn` (a function body over the page element's shadow root `root` and `arg`) is truthy. */
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
      throw new Error(`${e.message} (waiting for ${fn}); the page says: ${await visibleText(page)}`);
    });

async function api(method, path, body, token = env.api.demo.secretKey) {
  const res = await fetch(`${env.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = res.status === 204 ? null : await res.json();
  return { status: res.status, body: answer };
}
async function ok(method, path, body) {
  const r = await api(method, path, body);
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A published event with one ticket type of 20 at €25. */
async function newEvent(title) {
  const event = await ok("POST", "/v1/events", {
    title,
    startsAt: "2031-09-01T19:00:00.000Z",
    endsAt: "2031-09-01T23:00:00.000Z",
    timeZone: "Europe/Lisbon",
    currency: "EUR",
  });
  const type = await ok("POST", `/v1/events/${event.id}/ticket-types`, { name: "Standard", price: 2500, currency: "EUR", quantity: 20 });
  await ok("POST", `/v1/events/${event.id}/publish`);
  return { event, type };
}

/** An order (paid through the local provider's checkout page unless `pay` is false), as the organizer reads it. */
async function buy(event, type, buyer, { pay = true, discountCode } = {}) {
  const order = await ok("POST", `/v1/events/${event.id}/orders`, {
    buyer,
    lines: [{ ticketTypeId: type.id, quantity: 1 }],
    ...(discountCode ? { discountCode } : {}),
  });
  if (pay) {
    const token = new URL(order.payment.checkoutUrl).searchParams.get("token");
    const paid = await fetch(`${env.base}/v1/payments/local/checkout`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, outcome: "pay" }).toString(),
    });
    assert.ok(paid.status < 400, `local checkout: ${paid.status}`);
  }
  return ok("GET", `/v1/orders/${order.id}`);
}

/** Nothing wider than the screen: the page scrolls only up and down. */
const fitsWidth = (page) => page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth);

describe("ticketing pages", () => {
  it("discount codes: empty, validation as you type, the API's field error, created, its uses counted, deactivated (checkouts refuse it), an unused one deleted, a page at a time", async () => {
    const { event, type: ticketType } = await newEvent("Codes night");
    const page = await newPage();
    await signIn(page);
    // From the event's page, its section link.
    await page.goto(`${env.base}/dashboard/events/${event.id}`);
    await (await waitFor(page, `gk-dash-event >>> a[href='/dashboard/events/${event.id}/discounts']`)).click();
    await waitFor(page, "gk-dash-discounts >>> form[aria-label='New discount code']");
    await inDash(page, "gk-dash-discounts", "return root.textContent.includes('No discount codes yet')");
    await axe(page, "discount codes, empty");

    // As the organizer types: too short a code is pointed out before anything is sent.
    await type(page, "gk-dash-discounts >>> #f-code", "ab");
    await page.focus($("gk-dash-discounts >>> #f-value"));
    await waitFor(page, "gk-dash-discounts >>> #f-code[aria-invalid=true]");
    await axe(page, "discount codes, a field error as you type");
    // The API's own field error: a percent over 100 (the form lets it through; the API's rule names the field).
    await type(page, "gk-dash-discounts >>> #f-code", "summer");
    await type(page, "gk-dash-discounts >>> #f-value", "150");
    await page.click($("gk-dash-discounts >>> form button[type=submit]"));
    await waitFor(page, "gk-dash-discounts >>> #f-value[aria-invalid=true]");
    assert.match(await text(page, "gk-dash-discounts >>> #f-value-error"), /100/);
    await type(page, "gk-dash-discounts >>> #f-value", "20");
    await type(page, "gk-dash-discounts >>> #f-maxUses", "50");
    await page.click($("gk-dash-discounts >>> form button[type=submit]"));
    await inDash(page, "gk-dash-discounts", "return root.querySelector('tbody')?.textContent.includes('SUMMER')");
    assert.match(await text(page, "gk-dash-discounts >>> [data-testid=uses]"), /^0 of 50$/);
    // The same code again: the API's refusal is shown.
    await type(page, "gk-dash-discounts >>> #f-code", "Summer");
    await type(page, "gk-dash-discounts >>> #f-value", "10");
    await page.click($("gk-dash-discounts >>> form button[type=submit]"));
    await waitFor(page, "gk-dash-discounts >>> form p.error");
    assert.match(await text(page, "gk-dash-discounts >>> form p.error"), /already has the discount code SUMMER/);
    await axe(page, "discount codes, one listed and a refusal");

    // A buyer uses it: the count moves.
    await buy(event, ticketType, { name: "Ada", email: "ada@example.com" }, { pay: false, discountCode: "summer" });
    await page.reload();
    await inDash(page, "gk-dash-discounts", "return root.querySelector('[data-testid=uses]')?.textContent.trim() === '1 of 50'");
    // Used, it cannot be deleted (no Delete button), only deactivated — after a confirmation.
    assert.equal(await page.$($("gk-dash-discounts >>> button[aria-label='Delete SUMMER']")), null);
    await page.click($("gk-dash-discounts >>> button[aria-label='Deactivate SUMMER']"));
    await inDash(page, "gk-dash-discounts", "return root.querySelector('[data-testid=state]')?.textContent === 'inactive'");
    const refused = await api("POST", `/v1/events/${event.id}/orders`, {
      buyer: { name: "Bo", email: "bo@example.com" },
      lines: [{ ticketTypeId: ticketType.id, quantity: 1 }],
      discountCode: "SUMMER",
    });
    assert.equal(refused.body.code, "discount_code_inactive");
    await page.click($("gk-dash-discounts >>> button[aria-label='Reactivate SUMMER']"));
    await inDash(page, "gk-dash-discounts", "return root.querySelector('[data-testid=state]')?.textContent === 'active'");

    // An unused code is deleted (after a confirmation).
    await type(page, "gk-dash-discounts >>> #f-code", "SPARE-1");
    await type(page, "gk-dash-discounts >>> #f-value", "5");
    await page.click($("gk-dash-discounts >>> form button[type=submit]"));
    await waitFor(page, "gk-dash-discounts >>> button[aria-label='Delete SPARE-1']");
    await page.click($("gk-dash-discounts >>> button[aria-label='Delete SPARE-1']"));
    await inDash(
      page,
      "gk-dash-discounts",
      "return !root.querySelector(\"button[aria-label='Delete SPARE-1']\") && root.textContent.includes('SPARE-1 deleted')",
    );
    const listed = await ok("GET", `/v1/events/${event.id}/discount-codes`);
    assert.deepEqual(
      listed.data.map((d) => d.code),
      ["SUMMER"],
    );

    // 21 more: the first 20 (newest first), then "Load more".
    for (let i = 0; i < 21; i++)
      await ok("POST", `/v1/events/${event.id}/discount-codes`, { code: `BULK-${i}`, kind: "percent", value: 5 });
    await page.reload();
    await inDash(page, "gk-dash-discounts", "return root.querySelectorAll('tbody tr').length === 20");
    await page.setViewport({ width: 375, height: 740 });
    assert.ok(await fitsWidth(page), "the discount codes fit a phone's width");
    const more = await waitFor(page, "gk-dash-discounts >>> p > button.secondary");
    assert.equal(await more.evaluate((b) => b.textContent), "Load more");
    await more.click();
    await inDash(page, "gk-dash-discounts", "return root.querySelectorAll('tbody tr').length === 22");
    await axe(page, "discount codes, two pages at a phone's width");
    assert.deepEqual(page.errors, []);
  });

  it("orders: from the event, searched by name, email and code, filtered by status, an order's tickets, refunded in part then in full, a pending one cancelled", async () => {
    const { event, type: ticketType } = await newEvent("Orders night");
    const ada = await buy(event, ticketType, { name: "Ada Lovelace", email: "ada@example.com" });
    const bob = await buy(event, ticketType, { name: "Bob Byte", email: "bob@example.org" }, { pay: false });
    await buy(event, ticketType, { name: "Cy Coder", email: "cy@example.net" });
    assert.equal(ada.status, "paid");

    const page = await newPage();
    await signIn(page);
    await page.goto(`${env.base}/dashboard/events/${event.id}`);
    await (await waitFor(page, `gk-dash-event >>> a[href='/dashboard/events/${event.id}/orders']`)).click();
    await inDash(page, "gk-dash-orders", "return root.querySelectorAll('tbody tr').length === 3");
    assert.match(page.url(), new RegExp(`/dashboard/events/${event.id}/orders$`));
    await axe(page, "orders");

    const rows = () => page.$$eval($("gk-dash-orders >>> tbody tr"), (trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, " ").trim()));
    // By name (as the organizer types), by email, by confirmation code (any case).
    await type(page, "gk-dash-orders >>> #order-q", "lovelace");
    await inDash(page, "gk-dash-orders", "return root.querySelectorAll('tbody tr').length === 1");
    assert.match((await rows())[0], /Ada Lovelace.*paid/);
    await type(page, "gk-dash-orders >>> #order-q", "example.org");
    await page.keyboard.press("Enter");
    await inDash(
      page,
      "gk-dash-orders",
      "return root.querySelector('tbody')?.textContent.includes('Bob Byte') && root.querySelectorAll('tbody tr').length === 1",
    );
    await type(page, "gk-dash-orders >>> #order-q", ada.confirmationCode.toLowerCase());
    await page.keyboard.press("Enter");
    await inDash(
      page,
      "gk-dash-orders",
      "return root.querySelector('tbody')?.textContent.includes('Ada Lovelace') && root.querySelectorAll('tbody tr').length === 1",
    );
    await type(page, "gk-dash-orders >>> #order-q", "nobody at all");
    await page.keyboard.press("Enter");
    await inDash(page, "gk-dash-orders", "return root.textContent.includes('No orders match.')");
    await axe(page, "orders, nothing matches");
    // By status.
    await type(page, "gk-dash-orders >>> #order-q", "");
    await page.select($("gk-dash-orders >>> #order-status"), "pending");
    await inDash(
      page,
      "gk-dash-orders",
      "return root.querySelectorAll('tbody tr').length === 1 && root.querySelector('tbody').textContent.includes('Bob Byte')",
    );

    // Ada's order: its ticket; a partial refund checked as typed (at most what is left), then done.
    await page.select($("gk-dash-orders >>> #order-status"), "");
    await (await waitFor(page, `gk-dash-orders >>> a[href='/dashboard/events/${event.id}/orders/${ada.id}']`)).click();
    await waitFor(page, "gk-dash-order >>> [data-testid=order-status]");
    assert.equal(await text(page, "gk-dash-order >>> [data-testid=order-status]"), "paid");
    assert.match(await text(page, "gk-dash-order >>> table tbody"), new RegExp(`${ada.tickets[0].code}.*Standard.*valid`));
    await axe(page, "a paid order");
    await page.click($("gk-dash-order >>> input[name=mode][value=partial]"));
    await type(page, "gk-dash-order >>> #f-amount", "30");
    await waitFor(page, "gk-dash-order >>> #f-amount[aria-invalid=true]");
    await axe(page, "a refund over what is left");
    await type(page, "gk-dash-order >>> #f-amount", "5");
    await type(page, "gk-dash-order >>> #f-reason", "Late start");
    await page.click($("gk-dash-order >>> form[aria-label='Refund the order'] button[type=submit]"));
    await inDash(page, "gk-dash-order", "return root.querySelector('[data-testid=order-status]')?.textContent === 'partially refunded'");
    assert.equal(await text(page, "gk-dash-order >>> [data-testid=order-refunded]"), "€5.00");
    assert.match(await text(page, "gk-dash-order >>> [data-testid=refunds]"), /€5\.00 · succeeded .*Late start/);
    // The rest, in full: the ticket is voided.
    await page.click($("gk-dash-order >>> form[aria-label='Refund the order'] button[type=submit]"));
    await inDash(page, "gk-dash-order", "return root.querySelector('[data-testid=order-status]')?.textContent === 'refunded'");
    assert.match(await text(page, "gk-dash-order >>> table tbody"), /void/);
    assert.equal(await page.$($("gk-dash-order >>> form[aria-label='Refund the order']")), null, "nothing left to refund");
    assert.equal((await ok("GET", `/v1/orders/${ada.id}`)).amountRefunded, 2500);

    // Bob's pending order, cancelled after the confirmation: its ticket is back on sale.
    await page.goto(`${env.base}/dashboard/events/${event.id}/orders/${bob.id}`);
    await waitFor(page, "gk-dash-order >>> button.danger");
    await page.setViewport({ width: 375, height: 740 });
    assert.ok(await fitsWidth(page), "an order fits a phone's width");
    await axe(page, "a pending order at a phone's width");
    await page.click($("gk-dash-order >>> button.danger"));
    await inDash(page, "gk-dash-order", "return root.querySelector('[data-testid=order-status]')?.textContent === 'cancelled'");
    // Back, and back again: the list with what the API says now.
    await page.goBack();
    await page.goBack();
    await page.waitForFunction((id) => location.pathname.endsWith(`/events/${id}/orders`), {}, event.id);
    await inDash(page, "gk-dash-orders", "return root.querySelector('tbody')?.textContent.includes('cancelled')");
    // An order that does not exist: the error, with Retry.
    await page.goto(`${env.base}/dashboard/events/${event.id}/orders/ord_00000000000000000000`);
    await waitFor(page, "gk-dash-order >>> [role=alert]");
    await axe(page, "an order that does not exist");
    assert.deepEqual(page.errors, []);
  });
});

/**
 * The door: a browser of its own, whose camera is Chromium's fake device playing a y4m video of
 * the ticket's real QR code (its SVG from the API, drawn on a white frame). Headless Chromium on
 * Linux has no BarcodeDetector, so this is the jsQR fallback, loaded on demand.
 */
describe("check-in", () => {
  const dir = mkdtempSync(join(tmpdir(), "gk-checkin-"));
  let door;
  let ticket;
  let event;
  let otherTicket;

  before(async () => {
    const made = await newEvent("Door night");
    event = made.event;
    const order = await buy(event, made.type, { name: "Grace Hopper", email: "grace@example.com" });
    ticket = order.tickets[0];
    const other = await newEvent("Another night");
    otherTicket = (await buy(other.event, other.type, { name: "Lin", email: "lin@example.com" })).tickets[0];

    // The QR code as the buyer gets it, drawn into one 640×480 frame of luma.
    const svg = await (await fetch(ticket.qrUrl)).text();
    assert.match(svg, /<svg/);
    const painter = await newPage();
    const luma = await painter.evaluate(async (src) => {
      const img = new Image();
      img.src = `data:image/svg+xml;base64,${btoa(src)}`;
      await img.decode();
      const canvas = Object.assign(document.createElement("canvas"), { width: 640, height: 480 });
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, 640, 480);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(img, 140, 60, 360, 360);
      const { data } = ctx.getImageData(0, 0, 640, 480);
      const y = new Uint8Array(640 * 480);
      for (let i = 0; i < y.length; i++) y[i] = Math.round(0.299 * data[i * 4] + 0.587 * data[i * 4 + 1] + 0.114 * data[i * 4 + 2]);
      let bin = "";
      for (let i = 0; i < y.length; i += 8192) bin += String.fromCharCode(...y.subarray(i, i + 8192));
      return btoa(bin);
    }, svg);
    const y = Buffer.from(luma, "base64");
    const chroma = Buffer.alloc((640 / 2) * (480 / 2), 128);
    const frame = Buffer.concat([Buffer.from("FRAME\n"), y, chroma, chroma]);
    const video = join(dir, "ticket.y4m");
    writeFileSync(video, Buffer.concat([Buffer.from("YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n"), frame, frame, frame]));
    assert.ok(existsSync(video));

    const executablePath = [process.env.CHROME_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(
      (p) => p && existsSync(p),
    );
    door = await puppeteer.launch({
      executablePath,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        `--use-file-for-fake-video-capture=${video}`,
        "--autoplay-policy=no-user-gesture-required",
      ],
    });
  });
  after(async () => {
    await door?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("on a phone: the list made, the camera scans the ticket (admitted, announced), typed codes: already checked in (by whom), another event's, a forged QR, an empty one; undo", async () => {
    const context = await door.createBrowserContext();
    await context.overridePermissions(env.base, ["camera"]);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.setBypassCSP(true);
    page.errors = [];
    page.on("pageerror", (err) => page.errors.push(err.message));
    page.on("dialog", (d) => d.accept());
    const requested = [];
    page.on("request", (r) => requested.push(r.url()));
    await page.setViewport({ width: 375, height: 740, isMobile: true, hasTouch: true });
    await signIn(page);

    await page.goto(`${env.base}/dashboard/events/${event.id}/checkin`);
    await waitFor(page, "gk-dash-checkin >>> button");
    await inDash(page, "gk-dash-checkin", "return root.textContent.includes('No check-in list yet')");
    await axe(page, "check-in, no list yet");
    await page.click($("gk-dash-checkin >>> button"));
    await inDash(page, "gk-dash-checkin", "return root.querySelector('[data-testid=count]')?.textContent === '0 of 1 checked in'");
    const live = await page.$eval($("gk-dash-checkin >>> [data-testid=outcome]"), (el) => [
      el.getAttribute("aria-live"),
      el.getAttribute("role"),
    ]);
    assert.deepEqual(live, ["assertive", "status"]);
    await axe(page, "check-in, ready");
    const before = requested.length;

    // The camera: jsQR is fetched now (not before), reads the fake camera's QR code, and the ticket is in.
    await page.click($("gk-dash-checkin >>> button"));
    await inDash(page, "gk-dash-checkin", "return root.querySelector('[data-kind]')?.dataset.kind === 'admitted'");
    assert.match(await text(page, "gk-dash-checkin >>> [data-testid=outcome]"), new RegExp(`Admitted.*Grace Hopper.*${ticket.code}`, "s"));
    assert.match(await text(page, "gk-dash-checkin >>> [data-testid=scanner]"), /jsQR/);
    assert.ok(
      requested.slice(before).some((u) => /\/dashboard\/chunk-[^/]+\.js$/.test(u)),
      "the decoder is a chunk loaded when the camera starts",
    );
    await inDash(page, "gk-dash-checkin", "return root.querySelector('[data-testid=count]')?.textContent === '1 of 1 checked in'");
    assert.ok(await fitsWidth(page), "the scanner fits a phone's width");
    await axe(page, "check-in, admitted by the camera");
    // The same code stays in view: it is not sent again (still one check-in, still "admitted").
    const checkins = await ok("GET", `/v1/checkin-lists/${(await ok("GET", `/v1/events/${event.id}/checkin-lists`)).data[0].id}/checkins`);
    assert.equal(checkins.data.length, 1);
    await page.click($("gk-dash-checkin >>> [data-testid=stop-camera]"));
    await waitFor(page, "gk-dash-checkin >>> #f-code");

    const typed = async (code, kind) => {
      await page.$eval($("gk-dash-checkin >>> #f-code"), (el) => {
        el.value = "";
      });
      // From the keyboard: the field, then Enter.
      await page.focus($("gk-dash-checkin >>> #f-code"));
      if (code) await page.keyboard.type(code);
      await page.keyboard.press("Enter");
      await inDash(
        page,
        "gk-dash-checkin",
        "return root.querySelector('[data-kind]')?.dataset.kind === arg.kind && root.querySelector('[data-testid=outcome]').textContent.includes(arg.says)",
        kind,
      );
      return text(page, "gk-dash-checkin >>> [data-testid=outcome]");
    };
    // Typed (in lower case, as people type): already in, with when and by whom.
    assert.match(await typed(ticket.code.toLowerCase(), { kind: "already", says: "Already checked in" }), /by Demo Organizer/);
    await axe(page, "check-in, already checked in");
    // Another event's ticket.
    await typed(otherTicket.code, { kind: "wrong-event", says: "Wrong event" });
    await axe(page, "check-in, wrong event");
    // A forged QR payload: this ticket's event and code, signed by someone without the key.
    await typed(`GK1:${event.id}:${ticket.code}:${"A".repeat(86)}`, { kind: "forged", says: "Forged" });
    await axe(page, "check-in, forged");
    // Nothing typed: said, and the field focused.
    await typed("", { kind: "error", says: "Type a ticket's code" });

    // Undo the check-in (for the admitted ticket): the ticket can come in again, typed this time.
    await page.reload();
    await waitFor(page, "gk-dash-checkin >>> #f-code");
    const list = (await ok("GET", `/v1/events/${event.id}/checkin-lists`)).data[0];
    const [only] = (await ok("GET", `/v1/checkin-lists/${list.id}/checkins`)).data;
    await ok("POST", `/v1/checkin-lists/${list.id}/checkins/${only.id}/undo`);
    assert.match(await typed(ticket.code, { kind: "admitted", says: "Admitted" }), /Grace Hopper/);
    await page.click($("gk-dash-checkin >>> [data-testid=outcome] + p button"));
    await inDash(page, "gk-dash-checkin", "return root.querySelector('[data-testid=outcome]')?.textContent.includes('Check-in undone')");
    await inDash(page, "gk-dash-checkin", "return root.querySelector('[data-testid=count]')?.textContent === '0 of 1 checked in'");
    assert.deepEqual(page.errors, []);
    await context.close();
  });
});
