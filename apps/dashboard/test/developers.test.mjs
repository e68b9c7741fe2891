// Developers and account pages end to end (see harness.mjs): the forgotten-password journey, the
// live request log, and the embed builder whose preview is the real widget and whose snippet works
// on a host page.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, env, newPage, signIn, text, type, useDashboard, waitFor } from "./harness.mjs";

useDashboard();

const api = async (path, { method = "GET", body, token = env.api.demo.secretKey, headers = {} } = {}) => {
  const res = await fetch(`${env.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = res.status === 204 ? null : await res.json();
  return { status: res.status, headers: res.headers, json };
};

const shadowText = (page, tag) =>
  page.evaluate((t) => document.querySelector("gk-dashboard").shadowRoot.querySelector(t)?.shadowRoot.textContent ?? "", tag);

describe("developers and account", () => {
  it("forgotten password: a link by email, a new password set once, the old one and the old sessions gone", async () => {
    const email = `grace-${Date.now()}@example.com`;
    const signedUp = await fetch(`${env.base}/v1/auth/sign-up`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "correct horse battery staple", name: "Grace", organizationName: "Hopper Events" }),
    });
    const session = await signedUp.json();
    const page = await newPage();
    await page.goto(`${env.base}/dashboard/sign-in`);
    await page.click($("gk-dash-sign-in >>> a[href='/dashboard/forgot-password']"));
    await waitFor(page, "gk-dash-forgot-password >>> form");
    await axe(page, "forgot password");
    await type(page, "gk-dash-forgot-password >>> #f-email", email);
    await page.click($("gk-dash-forgot-password >>> button[type=submit]"));
    assert.match(
      await (await waitFor(page, "gk-dash-forgot-password >>> .notice")).evaluate((el) => el.textContent),
      /If an account uses this email/,
    );
    await axe(page, "forgot password, sent");

    const mails = await env.api.handle.client.execute("SELECT payload FROM outbox WHERE kind = 'email' ORDER BY created_at");
    const mail = mails.rows.map((r) => JSON.parse(r.payload)).findLast((m) => m.to === email && m.template === "password_reset");
    assert.ok(mail, "the reset link was emailed");
    const link = new URL(mail.data.url);
    assert.equal(link.pathname, "/dashboard/reset-password");

    await page.goto(`${env.base}${link.pathname}${link.hash}`);
    await waitFor(page, "gk-dash-reset-password >>> form");
    assert.equal(await page.evaluate(() => location.hash), "", "the token leaves the address bar");
    // Checked as you type: too short, then two different passwords.
    await type(page, "gk-dash-reset-password >>> #f-password", "short");
    await page.focus($("gk-dash-reset-password >>> #f-confirm"));
    await waitFor(page, "gk-dash-reset-password >>> #f-password[aria-invalid=true]");
    await type(page, "gk-dash-reset-password >>> #f-password", "a brand new passphrase");
    await type(page, "gk-dash-reset-password >>> #f-confirm", "a different passphrase");
    await page.focus($("gk-dash-reset-password >>> #f-password"));
    await waitFor(page, "gk-dash-reset-password >>> #f-confirm[aria-invalid=true]");
    await axe(page, "reset password with field errors");
    await type(page, "gk-dash-reset-password >>> #f-confirm", "a brand new passphrase");
    await page.click($("gk-dash-reset-password >>> button[type=submit]"));
    await waitFor(page, "gk-dash-reset-password >>> .notice");
    await axe(page, "password changed");

    // The old session is signed out; the old password fails; the new one works, in the dashboard.
    const refreshed = await api("/v1/auth/refresh", { method: "POST", token: "", body: { refreshToken: session.refreshToken } });
    assert.equal(refreshed.status, 401);
    const old = await api("/v1/auth/sign-in", { method: "POST", token: "", body: { email, password: "correct horse battery staple" } });
    assert.equal(old.status, 401);
    await page.click($("gk-dash-reset-password >>> a[href='/dashboard/sign-in']"));
    await type(page, "gk-dash-sign-in >>> #f-email", email);
    await type(page, "gk-dash-sign-in >>> #f-password", "a brand new passphrase");
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, "nav");

    // The link worked once: opened again, the page says so.
    const again = await newPage();
    await again.goto(`${env.base}${link.pathname}${link.hash}`);
    await type(again, "gk-dash-reset-password >>> #f-password", "yet another passphrase");
    await type(again, "gk-dash-reset-password >>> #f-confirm", "yet another passphrase");
    await again.click($("gk-dash-reset-password >>> button[type=submit]"));
    assert.match(await (await waitFor(again, "gk-dash-reset-password >>> .error")).evaluate((el) => el.textContent), /already used/);
    assert.deepEqual([...page.errors, ...again.errors], []);
  });

  it("the request log shows the organization's recent calls with request ids and problem codes, live", async () => {
    const page = await newPage();
    await signIn(page);
    await page.click($("nav a[href='/dashboard/developers/requests']"));
    await waitFor(page, "gk-dash-requests >>> table");
    await axe(page, "request log");
    // A failing call from a server, while the page is open: it appears without a reload.
    const missing = await api("/v1/events/evt_00000000000000000000");
    assert.equal(missing.status, 404);
    const id = missing.headers.get("x-request-id");
    const row = await waitFor(page, `gk-dash-requests >>> tr[data-request-id='${id}']`);
    assert.match(await row.evaluate((el) => el.textContent.replace(/\s+/g, " ")), /GET \/v1\/events\/evt_0+ 404 not_found/);
    // Failures only.
    await page.click($("gk-dash-requests >>> label.inline input"));
    await page.waitForFunction(() =>
      [
        ...document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-requests").shadowRoot.querySelectorAll("tbody tr"),
      ].every((tr) => /\b[45]\d\d\b/.test(tr.children[2].textContent)),
    );
    await axe(page, "request log, failures only");
    // At phone width the table keeps to the screen.
    await page.setViewport({ width: 375, height: 700 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
    assert.deepEqual(page.errors, []);
  });

  it("the embed builder previews the real widget for a published event, with theme tokens, and its snippet works on a host page", async () => {
    const ev = await api("/v1/events", {
      method: "POST",
      body: {
        title: "Embed night",
        startsAt: "2031-05-01T19:00:00Z",
        endsAt: "2031-05-01T22:00:00Z",
        timeZone: "Europe/Lisbon",
        currency: "EUR",
      },
    });
    assert.equal(ev.status, 201, JSON.stringify(ev.json));
    const tt = await api(`/v1/events/${ev.json.id}/ticket-types`, {
      method: "POST",
      body: { name: "Standard", price: 1500, currency: "EUR", quantity: 50 },
    });
    assert.equal(tt.status, 201, JSON.stringify(tt.json));
    assert.equal((await api(`/v1/events/${ev.json.id}/publish`, { method: "POST" })).status, 200);

    const page = await newPage();
    await signIn(page);
    await page.click($("nav a[href='/dashboard/developers/embed']"));
    await waitFor(page, "gk-dash-embed >>> #e-widget");
    await page.select($("gk-dash-embed >>> #e-object"), ev.json.id);
    // The preview is the real widget, calling the API with the chosen key.
    await waitFor(page, "gk-dash-embed >>> [data-testid=preview] gk-ticket-checkout >>> [part=ticket-type]");
    assert.match(await text(page, "gk-dash-embed >>> [data-testid=preview] gk-ticket-checkout >>> [part=title]"), /Embed night/);
    // A theme token reaches the widget.
    await page.$eval($("gk-dash-embed >>> #e---gk-color-accent"), (el) => {
      el.value = "#aa0000";
      el.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
    });
    await page.waitForFunction(() => {
      const el = document
        .querySelector("gk-dashboard")
        .shadowRoot.querySelector("gk-dash-embed")
        .shadowRoot.querySelector("[data-testid=preview] gk-ticket-checkout");
      return el && getComputedStyle(el).getPropertyValue("--gk-color-accent").trim() === "#aa0000";
    });
    await axe(page, "embed builder with a live preview");
    const snippet = await text(page, "gk-dash-embed >>> [data-testid=embed-snippet]");
    assert.match(snippet, /<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/widgets\/gatherkit-widgets\.js"><\/script>/);
    assert.match(snippet, new RegExp(`event="${ev.json.id}"`));
    assert.match(snippet, /--gk-color-accent: #aa0000;/);
    await page.click($("gk-dash-embed >>> button[role=tab]:nth-of-type(2)"));
    assert.match(await text(page, "gk-dash-embed >>> [data-testid=embed-snippet]"), /import "@gatherkit\/widgets\/ticket-checkout";/);

    // Pasted on a site whose origin the key allows, it shows the event.
    const origin = `http://127.0.0.1:${env.host.address().port}`;
    const key = (await api("/v1/publishable-keys?limit=100")).json.data.find((k) => k.key === env.api.demo.publishableKey);
    await api(`/v1/publishable-keys/${key.id}`, {
      method: "PATCH",
      body: { allowedOrigins: [...new Set([...key.allowedOrigins, origin])] },
    });
    env.hostPage = `<!doctype html><html lang="en"><head><title>Host</title></head><body>${snippet}</body></html>`;
    const site = await newPage();
    await site.goto(origin);
    await site.waitForSelector("gk-ticket-checkout >>> [part=ticket-type]");
    assert.match(await site.$eval("gk-ticket-checkout >>> [part=title]", (el) => el.textContent), /Embed night/);
    assert.deepEqual([...page.errors, ...site.errors], []);
    assert.ok((await shadowText(page, "gk-dash-embed")).includes("Copy snippet"));
  });
});
