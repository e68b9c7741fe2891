// Integration surfaces in the dashboard: the single sign-on button on the sign-in page when the
// deployment has an OpenID Connect provider (the API below is started with OIDC_* set; the
// provider itself is never reached: the button only links to the API's start URL), and the
// webhooks pages against a receiver this test starts on 127.0.0.1 (the embedded default allows
// private addresses): create an endpoint, see a delivery, a failure, resend it.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { after, describe, it } from "node:test";
import { $, axe, newPage, type, useDashboard, waitFor } from "./harness.mjs";

process.env.OIDC_ISSUER = "http://127.0.0.1:9/realms/demo";
process.env.OIDC_CLIENT_ID = "gatherkit-dashboard";
process.env.OIDC_CLIENT_SECRET = "not-used-here";
process.env.OIDC_NAME = "Keycloak";
const env = useDashboard();

describe("single sign-on in the dashboard", () => {
  it("the sign-in page offers the provider, linking to the API's start URL with the page to return to", async () => {
    const page = await newPage();
    await page.goto(`${env.base}/dashboard/developers/keys`);
    await waitFor(page, "gk-dash-sign-in >>> #sso");
    const link = await page.$eval($("gk-dash-sign-in >>> #sso"), (a) => ({ text: a.textContent.trim(), href: a.getAttribute("href") }));
    assert.equal(link.text, "Sign in with Keycloak");
    assert.equal(link.href, "/v1/auth/sso/start?returnTo=%2Fdashboard%2Fdevelopers%2Fkeys");
    await axe(page, "sign-in with single sign-on");
    assert.deepEqual(page.errors, []);
  });
});

/** A webhook receiver: records each request; answers 500 while `failing`. */
function startReceiver() {
  const r = { received: [], failing: false, waiters: [], url: "" };
  r.server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      r.received.push({ signature: String(req.headers["gatherkit-signature"]), body });
      for (const w of r.waiters.splice(0)) w();
      res.statusCode = r.failing ? 500 : 200;
      res.end(r.failing ? "receiver down" : "ok");
    });
  });
  /** Resolves once `n` requests have arrived. */
  r.until = (n) =>
    new Promise((resolve) => {
      const check = () => (r.received.length >= n ? resolve() : r.waiters.push(check));
      check();
    });
  return new Promise((resolve) =>
    r.server.listen(0, "127.0.0.1", () => {
      r.url = `http://127.0.0.1:${r.server.address().port}/hook`;
      resolve(r);
    }),
  );
}

const verify = (header, body, secret) => {
  const t = header
    .split(",")
    .find((p) => p.startsWith("t="))
    ?.slice(2);
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return header.split(",").some((p) => p === `v1=${expected}`);
};

const LOG = "gk-dash-webhook >>> tbody tr";
/** The delivery log's rows as [event, status, response] (the response cell's first line). */
const logRows = (page) =>
  page.$$eval($(LOG), (rows) =>
    rows.map((row) => [
      row.cells[1].querySelector("code").textContent.trim(),
      row.cells[2].textContent.trim(),
      row.cells[3].querySelector(".response").textContent.trim(),
    ]),
  );
/** Refreshes the log until `done(rows)`: the outbox delivers after the request, so the log fills in a moment later. */
async function refreshUntil(page, done) {
  for (let i = 0; i < 100; i++) {
    const rows = await logRows(page).catch(() => []);
    if (done(rows)) return rows;
    await page.click($("gk-dash-webhook >>> #refresh"));
    await new Promise((res) => setTimeout(res, 150));
  }
  assert.fail(`the delivery log never showed what was expected: ${JSON.stringify(await logRows(page).catch(() => []))}`);
}

describe("webhooks in the dashboard", () => {
  let receiver;
  after(() => receiver?.server.close());

  it("create an endpoint → an event is delivered → the receiver fails → the failure shows → resend → delivered", async () => {
    receiver = await startReceiver();
    const page = await newPage();
    await page.goto(`${env.base}/dashboard/sign-in?next=%2Fdashboard%2Fdevelopers%2Fwebhooks`);
    await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
    await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, "gk-dash-webhooks >>> form");
    await waitFor(page, "gk-dash-webhooks >>> input[value='plan.updated']");
    assert.match(await page.$eval($("gk-dash-webhooks"), (el) => el.shadowRoot.textContent), /No webhook endpoints yet/);
    await axe(page, "webhooks, empty");

    // The URL is checked as it is typed; no event type chosen is refused before the API is asked.
    await type(page, "gk-dash-webhooks >>> #f-url", "not a url");
    await page.focus($("gk-dash-webhooks >>> #f-description"));
    await waitFor(page, "gk-dash-webhooks >>> #f-url-error");
    await page.$eval($("gk-dash-webhooks >>> #f-url"), (el) => {
      el.value = "";
    });
    await type(page, "gk-dash-webhooks >>> #f-url", receiver.url);
    await page.click($("gk-dash-webhooks >>> button[type=submit]"));
    await waitFor(page, "gk-dash-webhooks >>> #types-error");
    await axe(page, "webhooks, form errors");
    // The API's own field errors are shown too: an event type outside the catalogue cannot be chosen, a bad URL scheme can be typed.
    await page.$eval($("gk-dash-webhooks >>> #f-url"), (el) => {
      el.value = "";
    });
    await type(page, "gk-dash-webhooks >>> #f-url", "ftp://example.com/hook");
    await page.click($("gk-dash-webhooks >>> input[value='plan.updated']"));
    await page.click($("gk-dash-webhooks >>> button[type=submit]"));
    await waitFor(page, "gk-dash-webhooks >>> #f-url-error");
    await page.$eval($("gk-dash-webhooks >>> #f-url"), (el) => {
      el.value = "";
    });
    await type(page, "gk-dash-webhooks >>> #f-url", receiver.url);
    await page.click($("gk-dash-webhooks >>> button[type=submit]"));
    const secret = await (await waitFor(page, "gk-dash-webhooks >>> [data-testid=new-secret]")).evaluate((el) => el.textContent.trim());
    assert.match(secret, /^whsec_/);
    await axe(page, "webhooks, secret shown once");

    // The endpoint's page (keyboard: the link is followed with Enter).
    await page.focus($(`gk-dash-webhooks >>> a[href^='/dashboard/developers/webhooks/whe_']`));
    await page.keyboard.press("Enter");
    await waitFor(page, "gk-dash-webhook >>> [data-testid=endpoint-status]");
    await waitFor(page, "gk-dash-webhook >>> .filters + p.muted");
    assert.match(await page.$eval($("gk-dash-webhook"), (el) => el.shadowRoot.textContent), /No deliveries yet/);
    await axe(page, "webhook endpoint, no deliveries");

    // A real event: a plan created through the API publishes plan.updated.
    const created = await fetch(`${env.base}/v1/plans`, {
      method: "POST",
      headers: { authorization: `Bearer ${env.api.demo.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        type: "trip",
        title: "Webhook weekend",
        timeZone: "Europe/Lisbon",
        currency: "EUR",
        startDate: "2030-07-01",
        endDate: "2030-07-04",
      }),
    });
    assert.equal(created.status, 201);
    const plan = await created.json();
    await receiver.until(1);
    assert.ok(verify(receiver.received[0].signature, receiver.received[0].body, secret), "signed with the secret shown once");
    let rows = await refreshUntil(page, (r) => r.length === 1);
    assert.deepEqual(rows, [["plan.updated", "succeeded", "200"]]);
    // The payload, opened from the keyboard.
    await page.focus($("gk-dash-webhook >>> tbody tr details summary"));
    await page.keyboard.press("Enter");
    const payload = await page.$eval($("gk-dash-webhook >>> tbody tr details pre"), (el) => JSON.parse(el.textContent));
    assert.equal(payload.type, "plan.updated");
    assert.equal(payload.data.plan.id, plan.id);
    await axe(page, "webhook endpoint, a delivery with its payload open");

    // The receiver fails: a test event shows as failed, with its next retry.
    receiver.failing = true;
    await page.click($("gk-dash-webhook >>> #send-test"));
    await receiver.until(2);
    rows = await refreshUntil(page, (r) => r.length === 2);
    assert.deepEqual(rows[0], ["webhook_endpoint.test", "failed", "500"]);
    const nextRetry = await page.$eval($(LOG), (row) => row.cells[5].textContent.trim());
    assert.notEqual(nextRetry, "—");
    // Filtered by status.
    await page.select($("gk-dash-webhook >>> #f-status"), "failed");
    rows = await refreshUntil(page, (r) => r.length === 1);
    assert.deepEqual(rows, [["webhook_endpoint.test", "failed", "500"]]);
    await axe(page, "webhook endpoint, failed deliveries");

    // The receiver works again: resend, and it is delivered now (not after the retry's backoff).
    receiver.failing = false;
    await page.click($(`${LOG} button`));
    await receiver.until(3);
    assert.equal(JSON.parse(receiver.received[2].body).id, JSON.parse(receiver.received[1].body).id, "the same event again");
    await page.select($("gk-dash-webhook >>> #f-status"), "succeeded");
    rows = await refreshUntil(page, (r) => r.length === 2);
    assert.deepEqual(rows, [
      ["webhook_endpoint.test", "succeeded", "200"],
      ["plan.updated", "succeeded", "200"],
    ]);

    // At a phone's width nothing runs off the side.
    await page.setViewport({ width: 375, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
    await axe(page, "webhook endpoint at phone width");

    // Rotate (the new secret shown once), then delete (both confirmed): back to the empty list.
    await page.click($("gk-dash-webhook >>> #rotate"));
    const rotated = await (await waitFor(page, "gk-dash-webhook >>> [data-testid=new-secret]")).evaluate((el) => el.textContent.trim());
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, secret);
    await page.click($("gk-dash-webhook >>> #delete"));
    await waitFor(page, "gk-dash-webhooks >>> form");
    await page.waitForFunction(() =>
      /No webhook endpoints yet/.test(
        document.querySelector("gk-dashboard")?.shadowRoot.querySelector("gk-dash-webhooks")?.shadowRoot.textContent ?? "",
      ),
    );
    assert.deepEqual(page.errors, []);
  });
});
