// Integration surfaces in the dashboard: the single sign-on button on the sign-in page when the
// deployment has an OpenID Connect provider (the API below is started with OIDC_* set; the
// provider itself is never reached: the button only links to the API's start URL).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { $, axe, newPage, useDashboard, waitFor } from "./harness.mjs";

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
