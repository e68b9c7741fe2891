// The notifications pages end to end (see harness.mjs): the delivery log with its filters, and
// the embedded default's local outbox, a message opened as its recipient would see it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, newPage, text, type, useDashboard, waitFor } from "./harness.mjs";

const env = useDashboard();

/** Calls the API as the demo organization's secret key, or as `token`. */
async function api(method, path, body, token) {
  const res = await fetch(`${env.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token ?? env.api.demo.secretKey}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

/** A plan that notifies its participants, with Ada in it, cancelled: Ada gets an inbox item and an email. */
async function cancelledPlan(ada, title) {
  const organizer = await api("POST", "/v1/participant-tokens", { externalId: `organizer-${title}`, name: "Olga" });
  const plan = await api("POST", "/v1/plans", {
    type: "trip",
    title,
    timeZone: "Europe/Lisbon",
    currency: "EUR",
    organizerParticipantId: organizer.participant.id,
    notifyParticipants: true,
  });
  await api("POST", `/v1/plans/${plan.id}/participants`, { participantId: ada.participant.id });
  await api("POST", `/v1/plans/${plan.id}/cancel`);
}

/** Waits until the delivery log has `n` email entries (the API's pump sends in the background). */
async function emailsLogged(n) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const log = await api("GET", "/v1/notifications/deliveries?channel=email&limit=100");
    if (log.data.length >= n) return log.data;
    assert.ok(Date.now() < deadline, `only ${log.data.length} email(s) logged`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("notifications in the dashboard", () => {
  it("shows the delivery log with provider message ids, filters it, and opens a message of the local outbox; at phone width too", async () => {
    const ada = await api("POST", "/v1/participant-tokens", { externalId: "ada-n", name: "Ada", email: "ada@example.com" });
    await cancelledPlan(ada, "Lisbon <weekend>");
    await emailsLogged(1);
    // Ada turns these emails off: the next one is logged as suppressed, never sent.
    await api(
      "PATCH",
      "/v1/notifications/preferences",
      { changes: [{ kind: "plan_cancelled", channel: "email", enabled: false }] },
      ada.token,
    );
    await cancelledPlan(ada, "Porto trip");
    const log = await emailsLogged(2);
    const sent = log.find((d) => d.status === "sent");
    assert.match(sent.providerMessageId, /^lm_/);

    const page = await newPage();
    await page.goto(`${env.base}/dashboard/sign-in?next=%2Fdashboard%2Fnotifications`);
    await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
    await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, `gk-dash-notifications >>> tr[data-id='${sent.id}']`);
    assert.equal(await page.$eval($("nav a[aria-current=page]"), (a) => a.textContent.trim()), "Notifications");
    const row = await text(page, `gk-dash-notifications >>> tr[data-id='${sent.id}']`);
    assert.match(row, /email/);
    assert.match(row, /ada@example\.com/);
    assert.match(row, new RegExp(`local: ${sent.providerMessageId}`));
    await axe(page, "notifications: the delivery log and the outbox");

    // Filter with the keyboard: only suppressed entries, each saying why.
    await page.focus($("gk-dash-notifications >>> #f-status"));
    await page.select($("gk-dash-notifications >>> #f-status"), "suppressed");
    await page.waitForFunction(
      (id) => {
        const root = document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-notifications").shadowRoot;
        return !root.querySelector(`tr[data-id='${id}']`) && root.querySelector("td.status-suppressed");
      },
      {},
      sent.id,
    );
    assert.match(await text(page, "gk-dash-notifications >>> td.error-text"), /turned off plan_cancelled by email/);
    await page.select($("gk-dash-notifications >>> #f-status"), "bounced");
    await page.waitForFunction(() =>
      /Nothing matches these filters/.test(
        document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-notifications").shadowRoot.textContent,
      ),
    );
    await axe(page, "notifications: a filter that matches nothing");

    // The local outbox: the sent email, opened as Ada sees it (sandboxed), with its unsubscribe header.
    const link = await waitFor(page, `gk-dash-notifications >>> a[href='/dashboard/notifications/outbox/${sent.providerMessageId}']`);
    assert.equal(await link.evaluate((a) => a.textContent.trim()), "Lisbon <weekend> was cancelled");
    await link.click();
    await waitFor(page, "gk-dash-outbox-message >>> iframe");
    assert.equal(await text(page, "gk-dash-outbox-message >>> h1"), "Lisbon <weekend> was cancelled");
    const frame = await page.$eval($("gk-dash-outbox-message >>> iframe"), (f) => ({ sandbox: f.getAttribute("sandbox"), doc: f.srcdoc }));
    assert.equal(frame.sandbox, "allow-popups allow-popups-to-escape-sandbox");
    assert.match(frame.doc, /&lt;weekend&gt;/, "what users typed is escaped in the email");
    assert.match(await text(page, "gk-dash-outbox-message >>> table"), /List-Unsubscribe/);
    await axe(page, "an outbox message");

    await page.setViewport({ width: 375, height: 740 });
    await page.goto(`${env.base}/dashboard/notifications`);
    await waitFor(page, `gk-dash-notifications >>> tr[data-id='${sent.id}']`);
    await axe(page, "notifications at phone width");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 375px`);
    assert.deepEqual(page.errors, []);
  });

  it("an unknown message is an error the organizer can read", async () => {
    const page = await newPage();
    await page.goto(`${env.base}/dashboard/sign-in?next=%2Fdashboard%2Fnotifications%2Foutbox%2Flm_0000000000000000000000`);
    await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
    await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, "gk-dash-outbox-message >>> .error");
    assert.match(await text(page, "gk-dash-outbox-message >>> .error"), /Message not found/);
    await axe(page, "an unknown outbox message");
  });
});
