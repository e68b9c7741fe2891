import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia } from "@web/test-runner-commands";
import { FakeApi, HEALTH, problem } from "../../test/fake-api.js";
import { GkConnectionCheck } from "./connection-check.js";

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const live = (el: Element, which: "polite" | "assertive") => el.shadowRoot!.querySelector(`[aria-live="${which}"]`)!.textContent!.trim();

async function check(api: FakeApi, attrs: { key?: string; token?: string } = { key: "gk_pk_site" }) {
  return fixture<GkConnectionCheck>(
    html`<gk-connection-check .client=${api.client()} publishable-key=${attrs.key ?? ""} token=${attrs.token ?? ""}></gk-connection-check>`,
  );
}

async function settled(el: GkConnectionCheck) {
  // The element's task is private: wait until it has rendered something other than the spinner.
  await waitUntil(() => !part(el, "loading"), "the check never finished");
  await el.updateComplete;
}

describe("<gk-connection-check>", () => {
  afterEach(() => emulateMedia({ colorScheme: "light" }));

  it("sends the publishable key to /v1/health and shows the connection", async () => {
    const api = new FakeApi();
    const el = await check(api);
    expect(live(el, "polite")).to.equal("Checking the connection to Gatherkit…");
    await expect(el).to.be.accessible();

    const connected = oneEvent(el, "gk-connected");
    const request = await api.next();
    expect(request.url.pathname).to.equal("/v1/health");
    expect(new Headers(request.init.headers).get("authorization")).to.equal("Bearer gk_pk_site");
    request.respond(200, HEALTH);
    const event = await connected;
    expect(event.detail).to.deep.equal({ origin: location.origin, version: "1.2.3", runtime: "node" });
    expect(event.composed).to.equal(true);
    await settled(el);

    expect(part(el, "status")!.textContent!.replace(/\s+/g, " ").trim()).to.equal(
      `✓ Connected to Gatherkit from ${location.origin}. API 1.2.3 (node)`,
    );
    expect(live(el, "polite")).to.equal("Connected to Gatherkit.");
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    await expect(el).to.be.accessible();
  });

  it("takes translations of its sentences through the messages property", async () => {
    const api = new FakeApi();
    const el = await fixture<GkConnectionCheck>(
      html`<gk-connection-check
        .client=${api.client()}
        publishable-key="gk_pk_site"
        .messages=${{ loading: "Vérification de la connexion…", retry: "Réessayer" }}
      ></gk-connection-check>`,
    );
    expect(live(el, "polite")).to.equal("Vérification de la connexion…");
    expect(part(el, "loading")!.querySelector('[role="progressbar"]')!.getAttribute("aria-label")).to.equal(
      "Vérification de la connexion…",
    );
    (await api.next()).fail();
    await settled(el);
    expect(part(el, "retry-button")!.textContent!.trim()).to.equal("Réessayer");
  });

  it("checks the participant token when there is one", async () => {
    const api = new FakeApi();
    await check(api, { key: "gk_pk_site", token: "gk_pt_person" });
    const request = await api.next();
    expect(new Headers(request.init.headers).get("authorization")).to.equal("Bearer gk_pt_person");
  });

  it("shows the API's explanation when this origin is not allowed", async () => {
    const api = new FakeApi();
    const el = await check(api);
    const detail = `The origin ${location.origin} is not allowed for this publishable key. Add it to the key's allowedOrigins with a secret key: PATCH /v1/publishable-keys/pk_test (gk.publishableKeys.update in the SDK).`;
    const failed = oneEvent(el, "gk-error");
    (await api.next()).respond(403, problem(403, "origin_not_allowed", detail));
    expect((await failed).detail.code).to.equal("origin_not_allowed");
    await settled(el);
    expect(part(el, "error")!.querySelector("p")!.textContent).to.equal(detail);
    expect(live(el, "assertive")).to.equal(detail);
    expect(part(el, "status")).to.equal(null);
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    await expect(el).to.be.accessible();
  });

  it("asks for a key when it has a client but nothing to check", async () => {
    const api = new FakeApi();
    const el = await check(api, {});
    await settled(el);
    expect(live(el, "assertive")).to.equal("<gk-connection-check> needs the publishable-key (or token) attribute to check.");
    expect(api.requests).to.have.length(0);
  });

  it("is registered once even when its module is evaluated again", async () => {
    const url = new URL("./connection-check.ts", import.meta.url);
    url.search = "?copy=2";
    const copy = (await import(/* @vite-ignore */ url.href)) as typeof import("./connection-check.js");
    expect(copy.GkConnectionCheck === GkConnectionCheck).to.equal(false);
    expect(customElements.get("gk-connection-check") === GkConnectionCheck).to.equal(true);
  });
});
