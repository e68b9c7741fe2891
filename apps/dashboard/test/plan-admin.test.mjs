// A plan's back office end to end (see harness.mjs): the organizer creates, copies and revokes
// invites (the link really lets someone join, then no longer), records and deletes expenses (the
// balances follow), edits one, hides and unhides a chat message, and deletes one; forms check as typed and show the API's field
// errors, lists show their loading/empty/error states, each state is axe-clean and fits a phone.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { $, axe, env, newPage, type, useDashboard, visibleText, waitFor } from "./harness.mjs";

useDashboard();

const api = async (method, path, body, token = env.api.demo.secretKey) => {
  const res = await fetch(`${env.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
};
const ok = async (method, path, body, token) => {
  const r = await api(method, path, body, token);
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
};

/** Waits until the text of `sel` matches `re`, and answers it. */
async function until(page, sel, re) {
  let last = "";
  for (let i = 0; i < 300; i++) {
    last = await page.$eval($(sel), (el) => el.textContent.replace(/\s+/g, " ")).catch(() => "");
    if (re.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${sel} never matched ${re} (last: ${JSON.stringify(last)}); the page says: ${await visibleText(page)}`);
}

/** Asserts the page keeps to a phone's width (naming what sticks out) and is axe-clean there. */
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

const INVITES = "gk-dash-plan-invites";
const COSTS = "gk-dash-plan-costs";
const CHAT = "gk-dash-plan-chat";
/** Empties an input as a person would (select all, delete), so the form hears it. */
async function clear(page, sel) {
  const input = await waitFor(page, sel);
  await input.focus();
  await input.evaluate((el) => el.select());
  await page.keyboard.press("Backspace");
  assert.equal(await input.evaluate((el) => el.value), "");
}
/** The focused element, through shadow roots: its id, aria-label and data-action. */
const focused = (page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return { id: el?.id ?? "", label: el?.getAttribute("aria-label") ?? "", action: el?.dataset?.action ?? "" };
  });
const invalid = (page, sel) => page.$eval($(sel), (el) => el.getAttribute("aria-invalid"));

describe("a plan's invites, expenses and chat", () => {
  let plan;
  let ada;
  let spam;
  before(async () => {
    ada = await ok("POST", "/v1/participant-tokens", { externalId: "ada", name: "Ada" });
    plan = await ok("POST", "/v1/plans", { type: "trip", title: "Porto weekend", timeZone: "Europe/Lisbon", currency: "EUR" }, ada.token);
    await ok(
      "POST",
      `/v1/plans/${plan.id}/expenses`,
      { description: "Dinner", amount: 3000, currency: "EUR", split: { mode: "equal" } },
      ada.token,
    );
    await ok("POST", `/v1/plans/${plan.id}/messages`, { body: "Who books the train?" }, ada.token);
    spam = await ok("POST", `/v1/plans/${plan.id}/messages`, { body: "Cheap watches at example.com" }, ada.token);
  });

  it("the organizer invites (the link joins, then revoked no longer), records and deletes expenses, and deletes a chat message", async () => {
    const page = await newPage();
    await page.browserContext().overridePermissions(env.base, ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
    await page.goto(`${env.base}/dashboard/sign-in`);
    await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
    await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, "nav");

    // The chat fails to load (the SDK's one retry too): its error with Retry, then the messages.
    await page.setRequestInterception(true);
    let failures = 2;
    const failChat = (req) => {
      if (failures > 0 && req.url().includes(`/v1/plans/${plan.id}/messages?`)) {
        failures -= 1;
        req.respond({
          status: 503,
          contentType: "application/problem+json",
          body: JSON.stringify({ title: "Unavailable", status: 503, detail: "Try again." }),
        });
      } else req.continue();
    };
    page.on("request", failChat);
    await page.goto(`${env.base}/dashboard/plans/${plan.id}`);
    await until(page, `${INVITES} >>> p.muted`, /No invites yet/);
    await until(page, `${CHAT} >>> [role=alert]`, /Could not load the chat/);
    await axe(page, "a plan, no invites, the chat failed");
    await page.click($(`${CHAT} >>> [role=alert] button`));
    await until(page, `${CHAT} >>> ul`, /Cheap watches.*Who books the train/);

    // Invites: a limit checked as typed; the API's field error (a personal invite is single-use)
    // shown at its field; then a shareable link for 5, made from the keyboard.
    await type(page, `${INVITES} >>> #f-maxUses`, "0");
    await page.keyboard.press("Tab");
    assert.equal(await invalid(page, `${INVITES} >>> #f-maxUses`), "true", "0 uses is refused as typed");
    await clear(page, `${INVITES} >>> #f-maxUses`);
    await page.keyboard.type("5");
    assert.equal(await invalid(page, `${INVITES} >>> #f-maxUses`), "false", "the error goes as it is fixed");
    await type(page, `${INVITES} >>> #f-email`, "bob@example.com");
    await page.click($(`${INVITES} >>> button[type=submit]`));
    assert.match(await until(page, `${INVITES} >>> #f-maxUses-error`, /single-use/), /single-use/);
    assert.equal(await invalid(page, `${INVITES} >>> #f-maxUses`), "true");
    await axe(page, "invite refused by the API");
    await clear(page, `${INVITES} >>> #f-email`);
    await (await waitFor(page, `${INVITES} >>> #f-maxUses`)).focus();
    await page.keyboard.press("Enter");
    const row = await until(page, `${INVITES} >>> tbody`, /0 of 5.*active/);
    const code = /[0-9a-z]{16,40}/.exec(row)?.[0];
    assert.ok(code, row);

    // Copy its link: on the clipboard (or, where the browser refuses, shown to copy by hand).
    await page.click($(`${INVITES} >>> button[aria-label^='Copy link']`));
    const link = `${env.base}/v1/invites/${code}`;
    const said = await until(page, `${INVITES} >>> h2 ~ :is([role=status], [role=alert]):not(:empty)`, /copied|did not allow copying/);
    if (/copied/.test(said)) assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    else assert.ok(said.includes(link), said);
    assert.equal((await ok("GET", `/v1/invites/${code}`)).status, "active");
    const bob = await ok("POST", `/v1/invites/${code}/join`, { name: "Bob" });
    assert.equal(bob.participant.name, "Bob");
    await axe(page, "an invite");

    // Revoke (confirmed: the harness accepts the dialog): the link no longer joins.
    await page.click($(`${INVITES} >>> button[aria-label^='Revoke']`));
    await until(page, `${INVITES} >>> tbody`, /revoked/);
    assert.equal(await page.$($(`${INVITES} >>> button[aria-label^='Revoke']`)), null);
    const refused = await api("POST", `/v1/invites/${code}/join`, { name: "Eve" });
    assert.equal(refused.status, 409);
    assert.equal(refused.json.code, "invite_revoked");

    // Expenses: Bob (who just joined) is a payer once the page reloads.
    page.off("request", failChat);
    await page.setRequestInterception(false);
    await page.reload();
    await until(page, `${COSTS} >>> tbody`, /Dinner.*€30\.00.*Ada/);
    await until(page, `${COSTS} >>> select`, /Bob/);
    await type(page, `${COSTS} >>> #f-amount`, "0");
    await page.keyboard.press("Tab");
    assert.equal(await invalid(page, `${COSTS} >>> #f-amount`), "true", "0 is refused as typed");
    await clear(page, `${COSTS} >>> #f-amount`);
    await page.keyboard.type("12.50");
    assert.equal(await invalid(page, `${COSTS} >>> #f-amount`), "false");
    // Blank words pass the browser's "required" but not the API: its field error shows at the field.
    await type(page, `${COSTS} >>> #f-description`, "   ");
    const payer = await waitFor(page, `${COSTS} >>> select`);
    await payer.select(bob.participant.participantId);
    await page.click($(`${COSTS} >>> button[type=submit]`));
    await waitFor(page, `${COSTS} >>> #f-description-error`);
    assert.equal(await invalid(page, `${COSTS} >>> #f-description`), "true");
    await axe(page, "expense refused by the API");
    await clear(page, `${COSTS} >>> #f-description`);
    await page.keyboard.type("Taxi");
    await page.click($(`${COSTS} >>> button[type=submit]`));
    await until(page, `${COSTS} >>> tbody`, /Taxi.*€12\.50.*Bob/);
    // The balances follow: Bob paid €12.50, shared by the two (Dinner was Ada's alone: she was the only one then).
    await until(page, "gk-dash-plan >>> #balances", /Ada.*€30\.00.*€36\.25.*Bob.*€12\.50.*€6\.25.*€6\.25/);

    // Shared by some: nobody ticked is refused before asking the API; Bob alone shares the museum Ada paid.
    await until(page, `${COSTS} >>> fieldset`, /Bob.*Ada/);
    for (const box of await page.$$($(`${COSTS} >>> input[name=sharedBy]`))) await box.click();
    await type(page, `${COSTS} >>> #f-description`, "Museum");
    await type(page, `${COSTS} >>> #f-amount`, "10");
    const people = await ok("GET", `/v1/plans/${plan.id}/participants`);
    await (await waitFor(page, `${COSTS} >>> select`)).select(people.data.find((p) => p.name === "Ada").participantId);
    await page.click($(`${COSTS} >>> button[type=submit]`));
    assert.match(await until(page, `${COSTS} >>> #f-split-error`, /at least one/), /at least one/);
    await axe(page, "expense shared by nobody");
    await page.click($(`${COSTS} >>> input[name=sharedBy][value='${bob.participant.participantId}']`));
    assert.equal(await page.$($(`${COSTS} >>> #f-split-error`)), null, "the error goes once someone is ticked");
    await page.click($(`${COSTS} >>> button[type=submit]`));
    await until(page, `${COSTS} >>> tbody`, /Museum.*€10\.00.*Ada/);
    await until(page, "gk-dash-plan >>> #balances", /Ada.*€40\.00.*€36\.25.*Bob.*€12\.50.*€16\.25/);

    // Edit Taxi from the keyboard: the same form, filled in; checked as typed; the API's field
    // error at its field; saved, the list and the balances follow.
    await (await waitFor(page, `${COSTS} >>> button[aria-label='Edit the expense Taxi']`)).focus();
    await page.keyboard.press("Enter");
    await until(page, `${COSTS} >>> h3`, /Edit the expense “Taxi”/);
    assert.equal((await focused(page)).id, "f-description");
    assert.equal(await page.$eval($(`${COSTS} >>> #f-description`), (el) => el.value), "Taxi");
    assert.equal(await page.$eval($(`${COSTS} >>> #f-amount`), (el) => el.value), "12.50");
    assert.equal(await page.$eval($(`${COSTS} >>> select`), (el) => el.value), bob.participant.participantId);
    assert.equal((await page.$$($(`${COSTS} >>> input[name=sharedBy]:checked`))).length, 2, "shared by everyone");
    await axe(page, "an expense being edited");
    await clear(page, `${COSTS} >>> #f-amount`);
    await page.keyboard.type("0");
    await page.keyboard.press("Tab");
    assert.equal(await invalid(page, `${COSTS} >>> #f-amount`), "true", "0 is refused as typed");
    await clear(page, `${COSTS} >>> #f-amount`);
    await page.keyboard.type("20");
    assert.equal(await invalid(page, `${COSTS} >>> #f-amount`), "false");
    await clear(page, `${COSTS} >>> #f-description`);
    await page.keyboard.type("   ");
    await page.click($(`${COSTS} >>> button[type=submit]`));
    await waitFor(page, `${COSTS} >>> #f-description-error`);
    assert.equal(await invalid(page, `${COSTS} >>> #f-description`), "true");
    await axe(page, "an expense edit refused by the API");
    await clear(page, `${COSTS} >>> #f-description`);
    await page.keyboard.type("Taxi to the airport");
    await page.keyboard.press("Enter");
    await until(page, `${COSTS} >>> [role=status]`, /Taxi to the airport.*saved/);
    await until(page, `${COSTS} >>> tbody`, /Taxi to the airport.*€20\.00.*Bob/);
    await until(page, `${COSTS} >>> h3`, /Record an expense/);
    await until(page, "gk-dash-plan >>> #balances", /Ada.*€40\.00.*€40\.00.*Bob.*€20\.00.*€20\.00/);
    // Cancel leaves the expense as it was and the keyboard on its Edit button.
    await page.click($(`${COSTS} >>> button[aria-label='Edit the expense Museum']`));
    assert.deepEqual(
      (await page.$$eval($(`${COSTS} >>> input[name=sharedBy]`), (els) => els.map((el) => [el.value, el.checked]))).sort(),
      people.data.map((p) => [p.participantId, p.participantId === bob.participant.participantId]).sort(),
    );
    await page.click($(`${COSTS} >>> form button[type=button]`));
    await until(page, `${COSTS} >>> h3`, /Record an expense/);
    assert.equal((await focused(page)).label, "Edit the expense Museum");

    // Delete Dinner (confirmed): gone from the list, and from the balances.
    await page.click($(`${COSTS} >>> button[aria-label='Delete the expense Dinner']`));
    await until(page, `${COSTS} >>> [role=status]`, /Dinner.*deleted/);
    assert.doesNotMatch(await page.$eval($(`${COSTS} >>> tbody`), (t) => t.textContent), /Dinner/);
    await until(page, "gk-dash-plan >>> #balances", /Ada.*€10\.00.*€10\.00.*Bob.*€20\.00.*€20\.00/);
    const left = await ok("GET", `/v1/plans/${plan.id}/expenses`);
    assert.deepEqual(left.data.map((x) => x.description).sort(), ["Museum", "Taxi to the airport"]);
    const museum = left.data.find((x) => x.description === "Museum");
    assert.deepEqual(museum.split, { mode: "equal", participantIds: [bob.participant.participantId] });

    // Chat: the organizer hides the spam from the keyboard: greyed here with Unhide (focused),
    // gone from the participants' chat; unhidden, it is back for them.
    await (await waitFor(page, `${CHAT} >>> li[data-message='${spam.id}'] button[data-action=hide]`)).focus();
    await page.keyboard.press("Enter");
    await until(page, `${CHAT} >>> li[data-message='${spam.id}']`, /Cheap watches.*Hidden from participants/);
    assert.equal(await page.$eval($(`${CHAT} >>> li[data-message='${spam.id}']`), (li) => li.className), "hidden-message");
    await until(page, `${CHAT} >>> [role=status]`, /hidden from participants/);
    assert.equal((await focused(page)).action, "unhide");
    await axe(page, "a hidden chat message");
    // Bob (a participant; Ada made the plan, so she organizes it too and still gets it, marked).
    const seen = async () => (await ok("GET", `/v1/plans/${plan.id}/messages`, undefined, bob.token)).data.map((m) => m.id);
    assert.ok(!(await seen()).includes(spam.id), "participants no longer get it");
    const forAda = (await ok("GET", `/v1/plans/${plan.id}/messages`, undefined, ada.token)).data.find((m) => m.id === spam.id);
    assert.ok(forAda?.hiddenAt, "an organizer gets it, marked hidden");
    await page.keyboard.press("Enter");
    await until(page, `${CHAT} >>> [role=status]`, /shown to participants again/);
    assert.doesNotMatch(await until(page, `${CHAT} >>> li[data-message='${spam.id}']`, /Cheap watches/), /Hidden/);
    assert.equal((await focused(page)).action, "hide");
    assert.ok((await seen()).includes(spam.id));

    // Then deletes it (confirmed); it stays as deleted, for everyone.
    await page.click($(`${CHAT} >>> li[data-message='${spam.id}'] button.danger`));
    await until(page, `${CHAT} >>> li[data-message='${spam.id}']`, /Deleted/);
    assert.match(await page.$eval($(`${CHAT} >>> ul`), (u) => u.textContent), /Who books the train/);
    const messages = await ok("GET", `/v1/plans/${plan.id}/messages`, undefined, ada.token);
    assert.equal(messages.data.find((m) => m.id === spam.id).body, null);
    await axe(page, "a plan, after moderation");
    await fitsPhone(page, "a plan with invites, expenses and chat");

    // A cancelled plan takes no new invites or expenses, and its chat is read-only.
    await page.click($("gk-dash-plan >>> button.danger"));
    await until(page, `${INVITES} >>> #closed`, /The plan is closed/);
    assert.equal(await page.$($(`${COSTS} >>> form`)), null);
    assert.equal(await page.$($(`${CHAT} >>> button.danger`)), null);
    assert.deepEqual(page.errors, []);
  });
});
