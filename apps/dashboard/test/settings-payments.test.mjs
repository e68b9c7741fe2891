// The organizer picks how buyers pay with Stripe (settings → Payments), end to end against the real
// API (see harness.mjs): the deployment's default until picked, a choice saved by keyboard and kept
// across a reload, what the API answers, and back to the default. Axe in each state.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, env, newPage, type, useDashboard, waitFor } from "./harness.mjs";

useDashboard();

const SELECT = "gk-dash-settings >>> form[aria-label='Payments'] #f-checkoutMode";
const selected = (page) => page.$eval($(SELECT), (el) => el.value);
const organization = async () => {
  const res = await fetch(`${env.base}/v1/organization`, { headers: { authorization: `Bearer ${env.api.demo.secretKey}` } });
  assert.equal(res.status, 200);
  return res.json();
};

describe("settings: how buyers pay with Stripe", () => {
  it("the deployment's default until picked; a mode chosen by keyboard is saved, kept after a reload, and can go back to the default", async () => {
    const page = await newPage();
    await page.goto(`${env.base}/dashboard/sign-in`);
    await type(page, "gk-dash-sign-in >>> #f-email", env.api.demo.email);
    await type(page, "gk-dash-sign-in >>> #f-password", env.api.demo.password);
    await page.click($("gk-dash-sign-in >>> button[type=submit]"));
    await waitFor(page, "nav");
    await page.goto(`${env.base}/dashboard/settings`);
    await waitFor(page, SELECT);
    assert.equal(await selected(page), "");
    assert.equal((await organization()).checkoutMode, null);
    await axe(page, "settings, the deployment's checkout mode");

    // Keyboard only: focus the select, move to "Stripe Checkout, embedded", Tab to Save, Enter.
    await page.focus($(SELECT));
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    assert.equal(await selected(page), "checkout_embedded");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      let a = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a?.textContent?.trim();
    });
    assert.equal(focused, "Save");
    await page.keyboard.press("Enter");
    await waitFor(page, "gk-dash-settings >>> form[aria-label='Payments'] p[role=status]");
    assert.equal((await organization()).checkoutMode, "checkout_embedded");
    await axe(page, "settings, checkout mode saved");

    await page.reload();
    await waitFor(page, SELECT);
    assert.equal(await selected(page), "checkout_embedded");

    await page.select($(SELECT), "");
    await page.click($("gk-dash-settings >>> form[aria-label='Payments'] button[type=submit]"));
    await waitFor(page, "gk-dash-settings >>> form[aria-label='Payments'] p[role=status]");
    assert.equal((await organization()).checkoutMode, null);
    assert.deepEqual(page.errors, []);
  });
});
