// The dashboard end to end, as an organizer uses it: the real API as built serving the built
// dashboard at /dashboard, driven in a real Chromium with axe checking each page's main states
// (see harness.mjs). Run after `pnpm build` (pnpm test builds first).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, created, newPage, text, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

const env = useDashboard();

describe("the dashboard", () => {
  it("is served at /dashboard with its own CSP, and deep links get the app", async () => {
    const res = await fetch(`${env.base}/dashboard/developers/keys`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-security-policy"), /script-src 'self'/);
    assert.match(await res.text(), /<gk-dashboard>/);
    const missing = await fetch(`${env.base}/dashboard/nothing.js`);
    assert.equal(missing.status, 404);
    const traversal = await fetch(`${env.base}/dashboard/..%2f..%2fpackage.json`);
    assert.notEqual(traversal.headers.get("content-type"), "application/json");
  });

  it("sign-up → API keys: a secret key shown once and revoked; a publishable key whose snippet works on a host page; members invited, promoted, removed (the last owner kept)", async () => {
    const page = await newPage();
    // Signed out, a deep link leads to sign-in, and back to the page after.
    await page.goto(`${env.base}/dashboard/developers/keys`);
    await waitFor(page, "gk-dash-sign-in >>> h1");
    assert.match(page.url(), /\/dashboard\/sign-in\?next=%2Fdashboard%2Fdevelopers%2Fkeys/);
    await axe(page, "sign-in");

    await page.click($("gk-dash-sign-in >>> a[href='/dashboard/sign-up']"));
    await waitFor(page, "gk-dash-sign-up >>> form");
    // The form checks as you type: a bad email is pointed out before submitting.
    await type(page, "gk-dash-sign-up >>> #f-email", "not-an-email");
    await page.focus($("gk-dash-sign-up >>> #f-password"));
    await waitFor(page, "gk-dash-sign-up >>> #f-email[aria-invalid=true]");
    await axe(page, "sign-up with a field error");

    const email = `ada-${Date.now()}@example.com`;
    await type(page, "gk-dash-sign-up >>> #f-name", "Ada Lovelace");
    await type(page, "gk-dash-sign-up >>> #f-organizationName", "Analytical Events");
    await type(page, "gk-dash-sign-up >>> #f-email", email);
    await type(page, "gk-dash-sign-up >>> #f-password", "correct horse battery staple");
    await page.click($("gk-dash-sign-up >>> button[type=submit]"));
    await page.waitForFunction(() => location.pathname === "/dashboard/");
    await waitFor(page, "nav a[href='/dashboard/developers/keys']");
    assert.match(await text(page, "header .brand"), /Analytical Events/);

    await page.click($("nav a[href='/dashboard/developers/keys']"));
    await waitFor(page, "gk-dash-keys >>> form[aria-label='New secret key']");
    await page.waitForFunction(() => document.title.startsWith("API keys"));
    await waitFor(page, "gk-dash-keys >>> .muted");
    await axe(page, "keys, empty");

    // A secret key: shown once, then listed by its prefix only.
    await type(page, "gk-dash-keys >>> form[aria-label='New secret key'] #f-name", "Production server");
    await page.click($("gk-dash-keys >>> form[aria-label='New secret key'] button[type=submit]"));
    const secret = await (await waitFor(page, "gk-dash-keys >>> pre[data-testid=new-secret]")).evaluate((el) => el.textContent);
    assert.match(secret, /^gk_sk_/);
    const org = await fetch(`${env.base}/v1/organization`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(org.status, 200, "the secret the dashboard showed works");
    await waitFor(page, "gk-dash-keys >>> table");
    await axe(page, "keys, a secret shown");
    await page.click($("gk-dash-keys >>> .notice button.secondary:nth-of-type(2)"));
    await page.waitForFunction(
      (sel) => !document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-keys").shadowRoot.querySelector(sel),
      {},
      "pre[data-testid=new-secret]",
    );
    const listed = await page.$$eval($("gk-dash-keys >>> table tbody tr"), (rows) => rows.map((r) => r.textContent));
    assert.ok(listed.some((r) => r.includes("Production server")));
    assert.ok(!listed.some((r) => r.includes(secret)), "the list never shows the whole secret");

    // Revoke it (after the confirmation): the key stops working.
    await page.click($("gk-dash-keys >>> button[aria-label='Revoke Production server']"));
    await page.waitForFunction(() =>
      document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-keys").shadowRoot.textContent.includes("Revoked"),
    );
    assert.equal((await fetch(`${env.base}/v1/organization`, { headers: { authorization: `Bearer ${secret}` } })).status, 401);

    // A publishable key for the host page's origin; its snippet, pasted there, connects.
    const origin = `http://127.0.0.1:${env.host.address().port}`;
    await type(page, "gk-dash-keys >>> form[aria-label='New publishable key'] #f-name", "Marketing site");
    await type(page, "gk-dash-keys >>> form[aria-label='New publishable key'] #f-allowedOrigins", "ftp://nope");
    await page.click($("gk-dash-keys >>> form[aria-label='New publishable key'] button[type=submit]"));
    await waitFor(page, "gk-dash-keys >>> form[aria-label='New publishable key'] .error");
    await type(page, "gk-dash-keys >>> form[aria-label='New publishable key'] #f-allowedOrigins", origin);
    await page.click($("gk-dash-keys >>> form[aria-label='New publishable key'] button[type=submit]"));
    const snippet = await (
      await waitFor(page, "gk-dash-keys >>> pre[data-testid=snippet]").catch(async (e) => {
        throw new Error(`${e.message}; the page says: ${await visibleText(page)}`);
      })
    ).evaluate((el) => el.textContent);
    await axe(page, "keys, a publishable key with its snippet");

    env.hostPage = `<!doctype html><html lang="en"><head><title>Host</title></head><body>${snippet}</body></html>`;
    const site = await newPage();
    await site.goto(origin);
    await site.waitForSelector("gk-connection-check >>> [part=status]");
    assert.match(await site.$eval("gk-connection-check >>> [part=status]", (el) => el.textContent), /Connected to Gatherkit/);

    // Members: invite Bea (she accepts with the emailed token), change her role, remove her; the
    // last owner cannot be demoted; an invitation to Cy is revoked.
    await page.click($("nav a[href='/dashboard/settings']"));
    await waitFor(page, "gk-dash-settings >>> table");
    await type(page, "gk-dash-settings >>> form[aria-label='Invite a member'] #f-email", "bea@example.com");
    await page.click($("gk-dash-settings >>> form[aria-label='Invite a member'] button[type=submit]"));
    await page.waitForFunction(() =>
      /bea@example\.com as staff/.test(
        document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-settings").shadowRoot.textContent,
      ),
    );
    await page.select($("gk-dash-settings >>> select[aria-label='Role of Ada Lovelace']"), "staff");
    await waitFor(page, "gk-dash-settings >>> p.error");
    assert.match(await text(page, "gk-dash-settings >>> p.error"), /owner/i);
    await axe(page, "settings, the last owner protected");

    const bea = await (
      await fetch(`${env.base}/v1/auth/sign-up`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: "bea@example.com",
          password: "correct horse battery staple",
          name: "Bea",
          organizationName: "Bea's",
        }),
      })
    ).json();
    const mails = await env.api.handle.client.execute("SELECT payload FROM outbox WHERE kind = 'email' ORDER BY created_at");
    const token = mails.rows
      .map((r) => JSON.parse(r.payload))
      .findLast((m) => m.to === "bea@example.com" && m.template === "member_invitation")?.data.token;
    assert.ok(token, "the invitation was emailed");
    const accepted = await fetch(`${env.base}/v1/member-invitations/accept`, {
      method: "POST",
      headers: { authorization: `Bearer ${bea.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    assert.equal(accepted.status, 201, await accepted.clone().text());
    await page.reload();
    await waitFor(page, "gk-dash-settings >>> select[aria-label='Role of Bea']");
    await page.select($("gk-dash-settings >>> select[aria-label='Role of Bea']"), "admin");
    await page.waitForFunction(async () => {
      const res = await fetch("/v1/organization/members");
      return (await res.json()).data.some((m) => m.name === "Bea" && m.role === "admin");
    });
    await page.click($("gk-dash-settings >>> button[aria-label='Remove Bea']"));
    await page.waitForFunction(
      () =>
        !document
          .querySelector("gk-dashboard")
          .shadowRoot.querySelector("gk-dash-settings")
          .shadowRoot.querySelector("select[aria-label='Role of Bea']"),
    );
    await type(page, "gk-dash-settings >>> form[aria-label='Invite a member'] #f-email", "cy@example.com");
    await page.click($("gk-dash-settings >>> form[aria-label='Invite a member'] button[type=submit]"));
    await waitFor(page, "gk-dash-settings >>> button[aria-label='Revoke the invitation of cy@example.com']");
    await page.click($("gk-dash-settings >>> button[aria-label='Revoke the invitation of cy@example.com']"));
    await page.waitForFunction(
      () =>
        !document
          .querySelector("gk-dashboard")
          .shadowRoot.querySelector("gk-dash-settings")
          .shadowRoot.querySelector("button[aria-label='Revoke the invitation of cy@example.com']"),
    );
    await page.click($("nav a[href='/dashboard/developers/keys']"));
    await waitFor(page, "gk-dash-keys >>> form");

    // A reload keeps the session (the HTTP-only cookie) and the page; back returns to settings.
    await page.reload();
    await waitFor(page, "gk-dash-keys >>> form");
    await page.goBack();
    await page.waitForFunction(() => location.pathname === "/dashboard/settings");
    await waitFor(page, "gk-dash-settings >>> table");
    assert.deepEqual([...page.errors, ...site.errors], []);
  });

  it("the demo organizer signs in, sees plans (empty, then one with votes and money, cancelled), creates and publishes an event with a ticket type, moderates reviews and cancels a booking of a place, sees settings, and signs out", async () => {
    const page = await newPage();
    await page.goto(`${env.base}/dashboard/sign-in`);
    await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
    await type(page, "gk-dash-sign-in >>> #f-password", "wrong password!");
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, "gk-dash-sign-in >>> .error");
    await axe(page, "sign-in refused");
    await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, "nav").catch(async (e) => {
      throw new Error(`${e.message}; the page says: ${await visibleText(page)}`);
    });

    // The overview, loaded straight from its URL (the server gives the app for /dashboard/).
    await page.goto(`${env.base}/dashboard/`);
    assert.match(await (await waitFor(page, "main h1")).evaluate((el) => el.textContent), /Welcome, Demo Organizer/);

    await page.click($("nav a[href='/dashboard/plans']"));
    await waitFor(page, "gk-dash-plans >>> p.muted");
    assert.match(await text(page, "gk-dash-plans >>> p.muted"), /No plans yet/);
    await axe(page, "plans, empty");

    // A plan a participant started, with a proposal, a vote and an expense: its page shows them,
    // and the organizer cancels it (after confirming).
    const skh = { authorization: `Bearer ${env.api.demo.secretKey}`, "content-type": "application/json" };
    const post = async (path, token, body, method = "POST") => {
      const res = await fetch(`${env.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
      return res.json();
    };
    const ada = await (
      await fetch(`${env.base}/v1/participant-tokens`, {
        method: "POST",
        headers: skh,
        body: JSON.stringify({ externalId: "ada", name: "Ada" }),
      })
    ).json();
    const plan = await post("/v1/plans", ada.token, { type: "trip", title: "Lisbon weekend", timeZone: "Europe/Lisbon", currency: "EUR" });
    const boat = await post(`/v1/plans/${plan.id}/proposals`, ada.token, { title: "Boat trip" });
    await post(`/v1/plans/${plan.id}/proposals/${boat.id}/vote`, ada.token, { value: "yes" }, "PUT");
    await post(`/v1/plans/${plan.id}/expenses`, ada.token, {
      description: "Dinner",
      amount: 3000,
      currency: "EUR",
      split: { mode: "equal" },
    });
    await page.reload();
    await (await waitFor(page, `gk-dash-plans >>> a[href='/dashboard/plans/${plan.id}']`)).click();
    await waitFor(page, "gk-dash-plan >>> h1");
    await page.waitForFunction(
      () =>
        document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-plan").shadowRoot.querySelectorAll("table").length === 3,
    );
    // The plan's own tables (its invites, expenses and chat are elements of their own, in plan-admin.test.mjs).
    const tables = await page.evaluate(() =>
      [...document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-plan").shadowRoot.querySelectorAll("table")].map((t) =>
        t.textContent.replace(/\s+/g, " "),
      ),
    );
    assert.match(tables[0], /Ada.*organizer/);
    assert.match(tables[1], /Boat trip.*proposed.*1 \/ 0 \/ 0/);
    assert.match(tables[2], /Ada.*€30\.00.*€30\.00.*€0\.00/);
    await axe(page, "a plan");
    await page.click($("gk-dash-plan >>> button.danger"));
    await page.waitForFunction(() =>
      /cancelled/.test(
        document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-plan").shadowRoot.querySelector("h1 + p")?.textContent ??
          "",
      ),
    );
    await page.click($("nav a[href='/dashboard/plans']"));

    // Events: a draft with a refused time zone (said at the field), then
    // fixed; a ticket type; published.
    await page.click($("nav a[href='/dashboard/events']"));
    await waitFor(page, "gk-dash-events >>> form[aria-label='New event']");
    await axe(page, "events, empty");
    await type(page, "gk-dash-events >>> #f-title", "Fado night");
    await type(page, "gk-dash-events >>> #f-startsAt", "2030-07-02T19:30");
    await type(page, "gk-dash-events >>> #f-endsAt", "2030-07-02T22:30");
    await type(page, "gk-dash-events >>> #f-timeZone", "Mars/Olympus_Mons");
    await page.click($("gk-dash-events >>> form button[type=submit]"));
    await waitFor(page, "gk-dash-events >>> #f-timeZone[aria-invalid=true]");
    assert.match(await text(page, "gk-dash-events >>> #f-timeZone-error"), /time zone/i);
    await axe(page, "events, a field refused by the API");
    await type(page, "gk-dash-events >>> #f-timeZone", "Europe/Lisbon");
    await page.click($("gk-dash-events >>> form button[type=submit]"));
    await waitFor(page, "gk-dash-event >>> h1");
    assert.match(page.url(), /\/dashboard\/events\/evt_/);
    assert.match(await text(page, "gk-dash-event >>> p.muted"), /No ticket types yet/);
    await type(page, "gk-dash-event >>> #f-name", "General admission");
    await type(page, "gk-dash-event >>> #f-price", "25.50");
    await type(page, "gk-dash-event >>> #f-quantity", "100");
    await page.click($("gk-dash-event >>> form[aria-label='New ticket type'] button[type=submit]"));
    await waitFor(page, "gk-dash-event >>> table");
    assert.match(await text(page, "gk-dash-event >>> table"), /General admission.*€25\.50.*100/s);
    await page.click($("gk-dash-event >>> .row button"));
    await page.waitForFunction(() =>
      document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-event").shadowRoot.textContent.includes("Unpublish"),
    );
    assert.match(await text(page, "gk-dash-event >>> h1 + p"), /published/);
    await axe(page, "an event with a ticket type");

    // Places: one made with the API and booked by a participant; the organizer cancels the booking.
    const sk = { authorization: `Bearer ${env.api.demo.secretKey}`, "content-type": "application/json" };
    const place = await created("/v1/places", {
      kind: "parking",
      name: "Baixa Garage",
      address: { line1: "Rua Augusta 24", city: "Lisbon", country: "PT" },
      location: { lat: 38.71, lng: -9.13 },
      timeZone: "Europe/Lisbon",
      capacity: 3,
      pricing: { mode: "hourly", currency: "EUR", perHour: 240 },
    });
    const pt = await created("/v1/participant-tokens", { externalId: "grace", name: "Grace Hopper" });
    const start = new Date(Math.ceil((Date.now() + 2 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
    await created("/v1/bookings", { placeId: place.id, start, durationMinutes: 120, contact: { name: "Grace Hopper" } }, pt.token);
    // Two past stays reviewed by Grace, waiting for moderation (the stays are moved into the past
    // in the database: a booking cannot be made in the past, and only an ended one is reviewed).
    const reviewed = [];
    for (const [i, text] of ["Call me at 555-0100 for a cheaper spot!", "Easy to find, friendly staff."].entries()) {
      const made = await created(
        "/v1/bookings",
        { placeId: place.id, start, durationMinutes: 60, contact: { name: "Grace Hopper" } },
        pt.token,
      );
      const end = Date.now() - (i + 1) * 3_600_000;
      await env.api.handle.client.execute({
        sql: "UPDATE place_bookings SET starts_at = ?, ends_at = ?, occupied_until = ? WHERE id = ?",
        args: [end - 3_600_000, end, end, made.id],
      });
      assert.equal((await fetch(`${env.base}/v1/bookings/${made.id}/complete`, { method: "POST", headers: sk })).status, 200);
      const review = await fetch(`${env.base}/v1/bookings/${made.id}/review`, {
        method: "POST",
        headers: { authorization: `Bearer ${pt.token}`, "content-type": "application/json" },
        body: JSON.stringify({ rating: 4 - i, text }),
      });
      assert.equal(review.status, 201, await review.clone().text());
      reviewed.push(await review.json());
    }
    await page.click($("nav a[href='/dashboard/places']"));
    await (await waitFor(page, `gk-dash-places >>> a[href='/dashboard/places/${place.id}']`)).click();
    await waitFor(page, "gk-dash-place >>> table");
    assert.match(await text(page, "gk-dash-place >>> table tbody"), /Grace Hopper.*confirmed.*€4\.80/s);
    await axe(page, "a place with a booking and reviews waiting");
    // Moderation, newest first: approve the friendly review; rejecting the other needs a reason (asked for, then given).
    await page.click($("gk-dash-place >>> button[aria-label='Approve the review by Grace Hopper']"));
    await page.waitForFunction(
      () =>
        document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-place").shadowRoot.querySelectorAll("ul.reviews li")
          .length === 1,
    );
    await page.click($("gk-dash-place >>> button[aria-label='Reject the review by Grace Hopper']"));
    await page.click($("gk-dash-place >>> form[aria-label='Reject the review by Grace Hopper'] button[type=submit]"));
    await waitFor(page, "gk-dash-place >>> textarea[aria-invalid=true]");
    await axe(page, "rejecting a review without a reason");
    await page.type($("gk-dash-place >>> textarea"), "Personal contact details are not allowed.");
    await page.click($("gk-dash-place >>> form[aria-label='Reject the review by Grace Hopper'] button[type=submit]"));
    await waitFor(page, "gk-dash-place >>> p.muted");
    const reviews = await (await fetch(`${env.base}/v1/places/${place.id}/reviews?limit=10`, { headers: sk })).json();
    const byId = Object.fromEntries(reviews.data.map((r) => [r.id, r]));
    assert.equal(byId[reviewed[1].id].status, "approved");
    assert.deepEqual(
      [byId[reviewed[0].id].status, byId[reviewed[0].id].moderationReason],
      ["rejected", "Personal contact details are not allowed."],
    );
    await page.click($("gk-dash-place >>> button.danger"));
    await waitFor(page, "gk-dash-place >>> tbody td:nth-child(3)");
    await page
      .waitForFunction(() =>
        /cancelled/.test(
          document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-place").shadowRoot.querySelector("tbody")?.textContent ??
            "",
        ),
      )
      .catch(async (e) => {
        throw new Error(`${e.message}; the page says: ${await visibleText(page)}`);
      });

    await page.click($("nav a[href='/dashboard/settings']"));
    await waitFor(page, "gk-dash-settings >>> table");
    assert.match(await text(page, "gk-dash-settings >>> table"), /demo@gatherkit\.local/);
    await axe(page, "settings");

    await page.click($("header button.secondary"));
    await waitFor(page, "gk-dash-sign-in >>> form");
    await page.goto(`${env.base}/dashboard/plans`);
    await waitFor(page, "gk-dash-sign-in >>> form");
    assert.deepEqual(page.errors, []);
  });
});
