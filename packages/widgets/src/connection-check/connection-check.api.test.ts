import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import type { GkConnectionCheck } from "./connection-check.js";
import "./connection-check.js";

/** The real API, started by the test runner (test/real-api.mjs), and keys made for this page. */
interface RealApi {
  apiBase: string;
  origin: string;
  allowedKey: string;
  otherOriginKey: string;
  revokedKey: string;
}

let api: RealApi;

before(async function () {
  this.timeout(150_000);
  const res = await fetch("/__gatherkit-api.json");
  const body = await res.json();
  if (!res.ok) throw new Error(`The real API could not be started:\n${body.error}`);
  api = body;
});

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

async function check(key: string) {
  const el = await fixture<GkConnectionCheck>(
    html`<gk-connection-check api-base=${api.apiBase} publishable-key=${key}></gk-connection-check>`,
  );
  return el;
}

describe("<gk-connection-check> against the real API", () => {
  it("connects with a key that allows this page's origin (CORS preflight included)", async () => {
    expect(api.origin).to.equal(location.origin);
    const el = await check(api.allowedKey);
    const event = await oneEvent(el, "gk-connected");
    expect(event.detail.origin).to.equal(location.origin);
    expect(event.detail.runtime).to.equal("node");
    await waitUntil(() => part(el, "status"), "never showed the connection");
    expect(part(el, "status")!.textContent).to.contain(`Connected to Gatherkit from ${location.origin}.`);
    await expect(el).to.be.accessible();
  });

  it("shows the API's instructions for a key that does not allow this origin", async () => {
    const el = await check(api.otherOriginKey);
    const event = await oneEvent(el, "gk-error");
    expect(event.detail).to.include({ code: "origin_not_allowed", status: 403 });
    expect(event.detail.requestId).to.match(/^req_/);
    await waitUntil(() => part(el, "error"), "never showed the error");
    const message = part(el, "error")!.querySelector("p")!.textContent!;
    expect(message).to.contain(location.origin);
    expect(message).to.contain("allowedOrigins");
    await expect(el).to.be.accessible();
  });

  it("tells a revoked key and an unknown key apart", async () => {
    const revoked = await check(api.revokedKey);
    expect((await oneEvent(revoked, "gk-error")).detail.code).to.equal("key_revoked");
    const unknown = await check("gk_pk_doesnotexist");
    expect((await oneEvent(unknown, "gk-error")).detail.code).to.equal("invalid_token");
    await waitUntil(() => part(unknown, "error"), "never showed the error");
    expect(part(unknown, "error")!.querySelector("p")!.textContent).to.equal("This publishable key does not exist.");
  });
});
