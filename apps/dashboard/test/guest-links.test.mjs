// Replacing a guest's personal link from the dashboard's guests page (see harness.mjs): the
// organizer confirms, the old link stops working (410 guest_link_revoked), the new one works and
// is sent with the invitation; another guest's link is untouched. Axe on the state after, the
// keyboard, and the page at a phone's width.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, newPage, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

const env = useDashboard();
const G = "gk-dash-guests";

const call = (method, path, body) =>
  fetch(`${env.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.api.demo.secretKey}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
const api = async (method, path, body) => {
  const res = await call(method, path, body);
  const json = res.status === 204 ? null : await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};

async function until(page, sel, pattern) {
  await page
    .waitForFunction(
      (s, source) => {
        const root = document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-guests")?.shadowRoot;
        return new RegExp(source, "s").test(root?.querySelector(s)?.textContent ?? "");
      },
      {},
      sel,
      pattern.source,
    )
    .catch(async (e) => {
      throw new Error(`${e.message} (waiting for ${pattern} in ${sel}); the page says: ${await visibleText(page)}`);
    });
}

describe("a guest's link in the dashboard", () => {
  it("is replaced after confirming: the old link is refused, the new one works and is sent, others keep theirs", async () => {
    const event = await api("POST", "/v1/events", {
      title: "Link rotation party",
      startsAt: "2031-10-12T16:00:00.000Z",
      endsAt: "2031-10-12T22:00:00.000Z",
      timeZone: "Europe/Lisbon",
      currency: "EUR",
    });
    await api("POST", `/v1/events/${event.id}/publish`);
    await api("PATCH", `/v1/events/${event.id}/rsvp`, { invitationUrl: "https://host.example/rsvp" });
    const ada = await api("POST", `/v1/events/${event.id}/guests`, { name: "Ada Lovelace", email: "ada.links@example.com" });
    const bo = await api("POST", `/v1/events/${event.id}/guests`, { name: "Bo Links" });

    const page = await newPage();
    await page.goto(`${env.base}/dashboard/sign-in`);
    await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
    await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, "nav a[href='/dashboard/events']");
    await page.setViewport({ width: 375, height: 800 });
    await page.goto(`${env.base}/dashboard/events/${event.id}/guests`);
    await until(page, "tbody", /Ada Lovelace/);

    const dialogs = [];
    page.on("dialog", (d) => dialogs.push(d.message()));
    // From the keyboard: focus Ada's "New link" and press Enter (the harness accepts the confirmation).
    await page.focus($(`${G} >>> tr[data-guest='${ada.id}'] [data-testid=rotate-link]`));
    await page.keyboard.press("Enter");
    await until(page, "[role=status]", /Ada Lovelace has a new link: the old one no longer works and the invitation sent by email/);
    assert.match(dialogs.at(-1), /Replace Ada Lovelace's personal link\? The link they have stops working at once/);
    await axe(page, "after a link was replaced");
    assert.ok(await page.evaluate(() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth), "fits a phone");

    const old = await call("GET", `/v1/events/${event.id}/invitation/${ada.token}`);
    assert.equal(old.status, 410);
    assert.equal((await old.json()).code, "guest_link_revoked");
    const now = await api("GET", `/v1/events/${event.id}/guests/${ada.id}`);
    assert.notEqual(now.token, ada.token);
    assert.equal((await call("GET", `/v1/events/${event.id}/invitation/${now.token}`)).status, 200);
    assert.equal((await call("GET", `/v1/events/${event.id}/invitation/${bo.token}`)).status, 200);
  });
});
