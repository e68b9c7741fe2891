// The dashboard's Calendars pages end to end (issue 13 through issue 15's dashboard): the demo
// organizer adds a client, connects its Google account through the same OAuth code path as in
// production — here against the Google stand-in `pnpm dev` uses, with its consent page — sees the
// client's calendars and a month of events, links a finalized plan to a calendar, re-syncs through
// a bulk job whose progress the page shows, and disconnects. axe checks each main state.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { $, axe, newPage, text, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

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
const inClient = (page, sel) => waitFor(page, `gk-dash-client >>> ${sel}`);
const clientText = (page) =>
  page.evaluate(() => document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-client")?.shadowRoot.textContent ?? "");
const until = (page, fn, arg) =>
  page.waitForFunction(fn, { polling: 100 }, arg).catch(async (e) => {
    throw new Error(`${e.message}; the page says: ${await visibleText(page)}`);
  });

describe("calendars", () => {
  it("add a client → connect its calendar through the Google stand-in → push a finalized plan → re-sync with progress → disconnect", async () => {
    const page = await newPage();
    await page.goto(`${env.base}/dashboard/sign-in`);
    await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
    await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, "nav a[href='/dashboard/calendars']");

    await page.click($("nav a[href='/dashboard/calendars']"));
    await waitFor(page, "gk-dash-clients >>> form[aria-label='Add a client']");
    await waitFor(page, "gk-dash-clients >>> p.muted");
    assert.match(await text(page, "gk-dash-clients >>> p.muted"), /No clients yet/);
    await axe(page, "calendars, no clients");

    // The form checks as you type, then the client is made and its page opens.
    await type(page, "gk-dash-clients >>> #f-email", "not-an-email");
    await page.focus($("gk-dash-clients >>> #f-name"));
    await waitFor(page, "gk-dash-clients >>> #f-email[aria-invalid=true]");
    await axe(page, "add a client, a field error");
    await page.$eval($("gk-dash-clients >>> #f-email"), (el) => {
      el.value = "";
    });
    await type(page, "gk-dash-clients >>> #f-email", "ops@acme.example");
    await type(page, "gk-dash-clients >>> #f-name", "Acme Events");
    await page.click($("gk-dash-clients >>> button[type=submit]"));
    await inClient(page, "h1");
    assert.match(page.url(), /\/dashboard\/calendars\/cli_/);
    const clientId = page.url().split("/").pop();
    await inClient(page, "#connect");
    assert.match(await clientText(page), /Not connected/);
    await axe(page, "client, not connected");

    // Connect: the API's consent URL, the stand-in's consent page, Allow, and back to this page.
    await page.click($("gk-dash-client >>> #connect"));
    await page.waitForSelector("form[action='/o/oauth2/v2/auth'] button[value=allow]");
    assert.match(await page.content(), /calendar/);
    await page.click("form[action='/o/oauth2/v2/auth'] button[value=allow]");
    await page.waitForFunction((id) => location.pathname === `/dashboard/calendars/${id}`, {}, clientId);
    await inClient(page, "#calendar-pick");
    const shown = await clientText(page);
    assert.match(shown, /The Google account is connected/);
    assert.match(shown, /owner@client\.example/);
    assert.doesNotMatch(page.url(), /calendar_connection/, "the outcome is dropped from the URL");
    await inClient(page, "ul.month");
    await axe(page, "client, connected, month grid");

    // A plan finalized with an activity this month, pushed to the Team calendar by a rule made here.
    const sk = { authorization: `Bearer ${env.api.demo.secretKey}`, "content-type": "application/json" };
    const api = async (method, path, body) => {
      const r = await fetch(`${env.base}${path}`, { method, headers: sk, body: body && JSON.stringify(body) });
      assert.ok(r.ok, `${method} ${path} answered ${r.status}: ${await r.clone().text()}`);
      return r.json();
    };
    const now = new Date();
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 15, 9));
    const plan = await api("POST", "/v1/plans", { type: "trip", title: "Client offsite", timeZone: "UTC", currency: "EUR" });
    const activity = await api("POST", `/v1/plans/${plan.id}/proposals`, {
      title: "Harbour boat tour",
      startsAt: day.toISOString(),
      endsAt: new Date(day.getTime() + 3 * 3600_000).toISOString(),
    });
    await api("POST", `/v1/plans/${plan.id}/finalize`, { mode: "select", proposalIds: [activity.id] });

    await page.select($("gk-dash-client >>> #rule-type"), "plan");
    await page.click($("gk-dash-client >>> #f-sourceId"));
    await page.click($("gk-dash-client >>> form[aria-label='Push to a calendar'] button[type=submit]"));
    await inClient(page, "#f-sourceId[aria-invalid=true]"); // required, pointed out before sending
    await type(page, "gk-dash-client >>> #f-sourceId", plan.id);
    await page.select($("gk-dash-client >>> #rule-calendar"), TEAM);
    await page.click($("gk-dash-client >>> form[aria-label='Push to a calendar'] button[type=submit]"));
    await until(
      page,
      (id) => document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-client").shadowRoot.textContent.includes(id),
      plan.id,
    );
    await axe(page, "client, a sync rule");

    // The outbox pushes it to the stand-in's Team calendar.
    for (let i = 0; i < 100 && !google.eventsOf(TEAM).some((e) => e.summary === "Harbour boat tour"); i++)
      await new Promise((r) => setTimeout(r, 100));
    const pushed = google.eventsOf(TEAM).filter((e) => e.summary === "Harbour boat tour" && e.status !== "cancelled");
    assert.equal(pushed.length, 1, "the finalized activity is on the Team calendar once");

    // Re-sync every rule: a bulk job whose progress the page follows to done 1/1.
    await page.click($("gk-dash-client >>> #resync"));
    await until(page, () =>
      /done\s*.*1\/1/.test(
        document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-client").shadowRoot.querySelector("table")?.textContent ??
          "",
      ),
    );
    assert.equal(google.eventsOf(TEAM).filter((e) => e.summary === "Harbour boat tour").length, 1, "a re-sync duplicates nothing");

    // The Team calendar's month shows the pushed activity.
    await page.select($("gk-dash-client >>> #calendar-pick"), TEAM);
    await until(page, () =>
      [...document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-client").shadowRoot.querySelectorAll(".month .ev")].some(
        (e) => e.textContent === "Harbour boat tour",
      ),
    );
    await axe(page, "client, events in the month, a job done");

    // Disconnect (confirmed): the page says so and offers to connect again.
    await page.click($("gk-dash-client >>> #disconnect"));
    await until(page, () =>
      document.querySelector("gk-dashboard").shadowRoot.querySelector("gk-dash-client").shadowRoot.textContent.includes("Not connected"),
    );
    assert.ok(google.revoked.length > 0, "the token was revoked at Google");
    await axe(page, "client, disconnected");
    assert.deepEqual(page.errors, [], `page errors; the page says: ${await visibleText(page)}`);
  });
});
