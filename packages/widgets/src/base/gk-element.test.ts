import { expect, fixture, html, oneEvent } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia, sendKeys } from "@web/test-runner-commands";
import { FakeApi, HEALTH, problem } from "../../test/fake-api.js";
import type { TestLoader, TestPanel } from "../../test/test-elements.js";
import "../../test/test-elements.js";
import type { Gatherkit } from "@gatherkit/sdk";
import { createContext, ContextConsumer as LitContextConsumer, ContextProvider as LitContextProvider } from "@lit/context";
import { LitElement } from "lit";

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const polite = (el: Element) => el.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent!.trim();
const assertive = (el: Element) => el.shadowRoot!.querySelector('[aria-live="assertive"]')!.textContent!.trim();

/** Waits until the element's task has settled and the result is rendered. */
async function settled(el: TestLoader) {
  await el.data.taskComplete.catch(() => {});
  await el.updateComplete;
}

async function loader(api: FakeApi, resource: "health" | "publishable-keys" = "health", client: Gatherkit = api.client()) {
  return fixture<TestLoader>(html`<gk-test-loader .client=${client} resource=${resource}></gk-test-loader>`);
}

describe("GkElement states", () => {
  it("shows an accessible spinner while loading, then the content", async () => {
    const api = new FakeApi();
    const el = await loader(api);
    const request = await api.next();
    expect(request.url.pathname).to.equal("/v1/health");

    const spinner = part(el, "loading")!.querySelector('[role="progressbar"]')!;
    expect(spinner.getAttribute("aria-label")).to.equal("Loading…");
    expect(part(el, "body")!.getAttribute("aria-busy")).to.equal("true");
    expect(polite(el)).to.equal("Loading…");
    await expect(el).to.be.accessible();

    request.respond(200, HEALTH);
    await settled(el);
    expect(part(el, "loading")).to.equal(null);
    expect(part(el, "content")!.textContent).to.equal("API 1.2.3 is ok");
    expect(part(el, "body")!.getAttribute("aria-busy")).to.equal("false");
    expect(polite(el)).to.equal("Loaded.");
    expect(assertive(el)).to.equal("");
    await expect(el).to.be.accessible();
  });

  it("shows and announces the default empty message for an empty page", async () => {
    const api = new FakeApi();
    const el = await loader(api, "publishable-keys");
    const request = await api.next();
    expect(request.url.pathname).to.equal("/v1/publishable-keys");
    request.respond(200, { data: [], nextCursor: null });
    await settled(el);
    const empty = part(el, "empty")!;
    expect(empty.querySelector("slot")!.assignedNodes()).to.have.length(0);
    expect(empty.textContent!.trim()).to.equal("Nothing here yet.");
    expect(polite(el)).to.equal("Nothing here yet.");
    expect(part(el, "content")).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it("shows the empty slot's content instead of the default, and announces it", async () => {
    const api = new FakeApi();
    const el = await fixture<TestLoader>(
      html`<gk-test-loader .client=${api.client()} resource="publishable-keys"><span slot="empty">No keys yet — create one.</span></gk-test-loader>`,
    );
    (await api.next()).respond(200, { data: [], nextCursor: null });
    await settled(el);
    const slot = part(el, "empty")!.querySelector("slot")!;
    expect(slot.assignedNodes().map((n) => n.textContent)).to.deep.equal(["No keys yet — create one."]);
    expect(polite(el)).to.equal("No keys yet — create one.");
    await expect(el).to.be.accessible();
  });

  it("renders a non-empty page as content", async () => {
    const api = new FakeApi();
    const el = await loader(api, "publishable-keys");
    (await api.next()).respond(200, { data: [{ id: "pk_1" }, { id: "pk_2" }], nextCursor: null });
    await settled(el);
    expect(part(el, "empty")).to.equal(null);
    expect(part(el, "content")!.textContent).to.equal("2 keys");
  });

  it("shows the problem detail, announces it assertively and emits gk-error", async () => {
    const api = new FakeApi();
    const el = await loader(api);
    const detail =
      "The origin http://localhost:8000 is not allowed for this publishable key. Add it to the key's allowedOrigins with a secret key: PATCH /v1/publishable-keys/pk_test (gk.publishableKeys.update in the SDK).";
    const errorEvent = oneEvent(el, "gk-error");
    (await api.next()).respond(403, problem(403, "origin_not_allowed", detail));
    const event = await errorEvent;
    await settled(el);

    expect(event.detail).to.include({ message: detail, code: "origin_not_allowed", status: 403, requestId: "req_test" });
    expect(event.detail.error).to.be.instanceOf(Error);
    expect(event.bubbles && event.composed).to.equal(true);
    expect(part(el, "error")!.querySelector("p")!.textContent).to.equal(detail);
    expect(part(el, "retry-button")!.textContent!.trim()).to.equal("Retry");
    expect(assertive(el)).to.equal(detail);
    expect(el.shadowRoot!.querySelector('[aria-live="assertive"]')!.getAttribute("role")).to.equal("alert");
    expect(polite(el)).to.equal("");
    expect(part(el, "body")!.getAttribute("aria-busy")).to.equal("false");
    await expect(el).to.be.accessible();
  });

  it("says something plain for connection failures and 5xx without a problem body", async () => {
    const api = new FakeApi();
    const el = await loader(api);
    (await api.next()).fail();
    await settled(el);
    expect(part(el, "error")!.querySelector("p")!.textContent).to.equal("Could not reach Gatherkit. Check your connection and try again.");

    el.client = api.client({ publishableKey: "gk_pk_other" });
    (await api.next()).respond(502, "<html>Bad gateway</html>", { "content-type": "text/html" });
    await settled(el);
    expect(assertive(el)).to.equal("Gatherkit is having trouble right now. Please try again in a moment.");
  });

  it("retries from the keyboard (Enter), keeps focus in the widget, and shows the content", async () => {
    const api = new FakeApi();
    const el = await loader(api);
    (await api.next()).respond(401, problem(401, "invalid_token", "This publishable key does not exist."));
    await settled(el);

    part(el, "retry-button")!.focus();
    await sendKeys({ press: "Enter" });
    const retried = await api.next();
    expect(retried.url.pathname).to.equal("/v1/health");
    expect(api.requests).to.have.length(2);
    await el.updateComplete;
    expect(part(el, "loading")).to.not.equal(null);
    expect(polite(el)).to.equal("Loading…");
    expect(assertive(el)).to.equal("");
    // Focus went from the vanished button to the widget's body, not to <body>.
    expect(document.activeElement).to.equal(el);
    expect(el.shadowRoot!.activeElement).to.equal(part(el, "body"));
    await expect(el).to.be.accessible();

    retried.respond(200, HEALTH);
    await settled(el);
    expect(part(el, "content")!.textContent).to.equal("API 1.2.3 is ok");
    expect(polite(el)).to.equal("Loaded.");
    expect(document.activeElement).to.equal(el);
  });

  it("retries with Space, and puts focus back on Retry when the retry fails too", async () => {
    const api = new FakeApi();
    const el = await loader(api);
    (await api.next()).fail();
    await settled(el);

    part(el, "retry-button")!.focus();
    await sendKeys({ press: "Space" });
    const retried = await api.next();
    retried.respond(429, problem(429, "rate_limited", "Too many requests: try again in 30 seconds."));
    await settled(el);
    expect(assertive(el)).to.equal("Too many requests: try again in 30 seconds.");
    expect(el.shadowRoot!.activeElement).to.equal(part(el, "retry-button"));

    await sendKeys({ press: "Enter" });
    (await api.next()).respond(200, HEALTH);
    await settled(el);
    expect(part(el, "content")).to.not.equal(null);
    expect(api.requests).to.have.length(3);
  });

  it("leaves focus alone when the person has moved on before the retry settles", async () => {
    const api = new FakeApi();
    const wrapper = await fixture<HTMLDivElement>(
      html`<div><gk-test-loader .client=${api.client()}></gk-test-loader><button>Elsewhere</button></div>`,
    );
    const el = wrapper.querySelector("gk-test-loader")!;
    (await api.next()).fail();
    await settled(el);
    part(el, "retry-button")!.focus();
    await sendKeys({ press: "Enter" });
    const retried = await api.next();
    await el.updateComplete;
    const elsewhere = wrapper.querySelector("button")!;
    elsewhere.focus();
    retried.fail();
    await settled(el);
    expect(document.activeElement === elsewhere, "focus stayed on the other button").to.equal(true);
  });

  it("shows the keyboard focus ring on Retry", async () => {
    const api = new FakeApi();
    const el = await loader(api);
    (await api.next()).fail();
    await settled(el);
    await sendKeys({ press: "Tab" });
    const button = part(el, "retry-button")!;
    expect(el.shadowRoot!.activeElement).to.equal(button);
    expect(button.matches(":focus-visible")).to.equal(true);
    const style = getComputedStyle(button);
    expect(style.outlineStyle).to.equal("solid");
    expect(style.outlineWidth).to.equal("2px");
  });
});

describe("GkElement configuration", () => {
  it("explains a missing configuration in the error view and in gk-error", async () => {
    const el = await fixture<TestLoader>(html`<gk-test-loader></gk-test-loader>`);
    await settled(el);
    const message =
      "<gk-test-loader> needs a publishable-key or token attribute, a client property, or an enclosing Gatherkit widget that has one.";
    expect(part(el, "error")!.querySelector("p")!.textContent).to.equal(message);
    expect(assertive(el)).to.equal(message);
    // Retrying cannot fix configuration, so there is no Retry button.
    expect(part(el, "retry-button")).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it("needs api-base with a key, and refuses a secret key with the SDK's explanation", async () => {
    const el = await fixture<TestLoader>(html`<gk-test-loader publishable-key="gk_pk_abc"></gk-test-loader>`);
    await settled(el);
    expect(assertive(el)).to.equal("<gk-test-loader> needs an api-base attribute: the address of your Gatherkit API.");
    expect(el.resolvedClient).to.equal(undefined);

    const event = oneEvent(el, "gk-error");
    el.setAttribute("api-base", "https://api.test");
    el.setAttribute("publishable-key", "gk_sk_oops");
    expect((await event).detail.message).to.match(/^<gk-test-loader>: `publishableKey` was given a secretKey/);
    await settled(el);
    expect(assertive(el)).to.match(/pass it as `secretKey`/);
  });

  it("builds a client from the attributes and rebuilds it when they change", async () => {
    const el = await fixture<TestLoader>(
      html`<gk-test-loader publishable-key="gk_pk_one" api-base="${location.origin}/fake-api/"></gk-test-loader>`,
    );
    const first = el.resolvedClient!;
    expect(first.baseUrl).to.equal(`${location.origin}/fake-api`);
    // The real global fetch, against the test server's stand-in for GET /v1/health.
    await settled(el);
    expect(part(el, "content")!.textContent).to.equal("API fake is ok");

    el.setAttribute("publishable-key", "gk_pk_two");
    await el.updateComplete;
    expect(el.resolvedClient).to.not.equal(first);
    el.setAttribute("token", "gk_pt_person");
    await el.updateComplete;
    const withToken = el.resolvedClient;
    el.token = "gk_pt_person";
    await el.updateComplete;
    expect(el.resolvedClient).to.equal(withToken);
  });

  it("prefers the client property over attributes, and reloads when the client changes", async () => {
    const a = new FakeApi();
    const b = new FakeApi();
    const el = await fixture<TestLoader>(
      html`<gk-test-loader publishable-key="gk_pk_attr" api-base="https://ignored.test" .client=${a.client()}></gk-test-loader>`,
    );
    const first = await a.next();
    expect(first.url.origin).to.equal("https://api.test");

    el.client = b.client();
    const second = await b.next();
    // The superseded request was aborted, and its late answer is ignored.
    expect(first.init.signal!.aborted).to.equal(true);
    first.respond(200, { ...HEALTH, version: "stale" });
    second.respond(200, HEALTH);
    await settled(el);
    expect(part(el, "content")!.textContent).to.equal("API 1.2.3 is ok");
    expect(a.requests).to.have.length(1);
  });

  it("gives descendants in light DOM and in shadow roots the enclosing widget's client", async () => {
    const api = new FakeApi();
    const client = api.client();
    const outer = await fixture<TestPanel>(
      html`<gk-test-panel .client=${client}><gk-test-loader resource="publishable-keys"></gk-test-loader></gk-test-panel>`,
    );
    const lightChild = outer.querySelector("gk-test-loader")!;
    const shadowChild = outer.shadowRoot!.querySelector("gk-test-loader")!;
    expect(lightChild.resolvedClient).to.equal(client);
    expect(shadowChild.resolvedClient).to.equal(client);

    const paths = [(await api.next()).url.pathname, (await api.next()).url.pathname].sort();
    expect(paths).to.deep.equal(["/v1/health", "/v1/publishable-keys"]);

    const replacement = new FakeApi();
    outer.client = replacement.client();
    await outer.updateComplete;
    expect(shadowChild.resolvedClient).to.equal(outer.client);
    expect((await replacement.next()).url.origin).to.equal("https://api.test");
  });

  it("forgets the enclosing client when moved out, and takes the new one when moved in", async () => {
    const a = new FakeApi();
    const b = new FakeApi();
    const host = await fixture<HTMLDivElement>(html`<div>
      <gk-test-panel id="a" .client=${a.client()}><gk-test-loader></gk-test-loader></gk-test-panel>
      <gk-test-panel id="b" .client=${b.client()}></gk-test-panel>
    </div>`);
    const [panelA, panelB] = [host.querySelector<TestPanel>("#a")!, host.querySelector<TestPanel>("#b")!];
    const child = panelA.querySelector("gk-test-loader")!;
    expect(child.resolvedClient === panelA.client).to.equal(true);

    host.append(child);
    await settled(child);
    expect(child.resolvedClient).to.equal(undefined);
    expect(assertive(child)).to.match(/needs a publishable-key or token attribute/);

    panelB.append(child);
    await child.updateComplete;
    expect(child.resolvedClient === panelB.client).to.equal(true);
  });

  it("lets a descendant with its own configuration use it instead", async () => {
    const outerApi = new FakeApi();
    const innerApi = new FakeApi();
    const inner = innerApi.client();
    const outer = await fixture<TestPanel>(
      html`<gk-test-panel .client=${outerApi.client()}><gk-test-loader .client=${inner}></gk-test-loader></gk-test-panel>`,
    );
    expect(outer.querySelector("gk-test-loader")!.resolvedClient).to.equal(inner);
    expect((await innerApi.next()).url.pathname).to.equal("/v1/health");
  });
  it("speaks @lit/context's protocol: its providers serve widgets, its consumers inside a widget get the client", async () => {
    const key = createContext<Gatherkit | undefined>(Symbol.for("@gatherkit/widgets:client"));
    const api = new FakeApi();
    const [client, other] = [api.client(), api.client()];

    // Another library's element provides a client with @lit/context; a widget inside it uses it, and follows it.
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const provider = new LitContextProvider(wrapper, { context: key, initialValue: client });
    const loader = document.createElement("gk-test-loader");
    wrapper.append(loader);
    await loader.updateComplete;
    expect(loader.resolvedClient).to.equal(client);
    provider.setValue(other);
    await loader.updateComplete;
    expect(loader.resolvedClient).to.equal(other);

    // A @lit/context consumer inside a widget gets the widget's client, and its replacement.
    const panel = await fixture<TestPanel>(
      html`<gk-test-panel .client=${client}><gk-test-lit-reader></gk-test-lit-reader></gk-test-panel>`,
    );
    const reader = panel.querySelector<LitReader>("gk-test-lit-reader")!;
    expect(reader.consumer.value).to.equal(client);
    panel.client = other;
    await panel.updateComplete;
    expect(reader.consumer.value).to.equal(other);
  });
});

/** An element of another library that reads the widgets' client with @lit/context. */
class LitReader extends LitElement {
  readonly consumer = new LitContextConsumer(this, {
    context: createContext<Gatherkit | undefined>(Symbol.for("@gatherkit/widgets:client")),
    subscribe: true,
  });
}
customElements.define("gk-test-lit-reader", LitReader);

describe("GkElement events", () => {
  it("lets gk-error from a widget inside another widget's shadow root reach the document", async () => {
    const api = new FakeApi();
    const outer = await fixture<TestPanel>(html`<gk-test-panel .client=${api.client()}></gk-test-panel>`);
    const seen = new Promise<{ event: GlobalEventHandlersEventMap["gk-error"]; path: EventTarget[] }>((resolve) =>
      document.addEventListener("gk-error", (event) => resolve({ event, path: event.composedPath() }), { once: true }),
    );
    (await api.next()).respond(404, problem(404, "not_found", "No such plan."));
    const { event, path } = await seen;
    // Retargeted to the outer host once it leaves the shadow root, and typed by the event map.
    expect(event.target).to.equal(outer);
    expect(path[0]).to.equal(outer.shadowRoot!.querySelector("gk-test-loader"));
    expect(path).to.include(outer.shadowRoot);
    const code: string | undefined = event.detail.code;
    expect(code).to.equal("not_found");
  });
});

describe("GkElement theme", () => {
  afterEach(() => emulateMedia({ colorScheme: "light" }));

  async function errorState() {
    const api = new FakeApi();
    const el = await loader(api);
    (await api.next()).respond(403, problem(403, "permission_denied", "You may not see this."));
    await settled(el);
    return el;
  }

  it("uses light tokens by default and dark ones under prefers-color-scheme: dark, both accessible", async () => {
    await emulateMedia({ colorScheme: "light" });
    const el = await errorState();
    const body = part(el, "body")!;
    const button = part(el, "retry-button")!;
    expect(getComputedStyle(body).backgroundColor).to.equal("rgb(255, 255, 255)");
    expect(getComputedStyle(body).color).to.equal("rgb(31, 35, 40)");
    expect(getComputedStyle(part(el, "error")!).color).to.equal("rgb(180, 35, 24)");
    expect(getComputedStyle(button).backgroundColor).to.equal("rgb(29, 78, 216)");
    await expect(el).to.be.accessible();

    await emulateMedia({ colorScheme: "dark" });
    expect(getComputedStyle(body).backgroundColor).to.equal("rgb(23, 25, 30)");
    expect(getComputedStyle(body).color).to.equal("rgb(230, 232, 235)");
    expect(getComputedStyle(part(el, "error")!).color).to.equal("rgb(255, 155, 147)");
    expect(getComputedStyle(button).color).to.equal("rgb(11, 18, 32)");
    await expect(el).to.be.accessible();
  });

  it("is accessible in dark mode while loading, empty and loaded", async () => {
    await emulateMedia({ colorScheme: "dark" });
    const api = new FakeApi();
    const el = await loader(api, "publishable-keys");
    const request = await api.next();
    await expect(el).to.be.accessible();
    request.respond(200, { data: [], nextCursor: null });
    await settled(el);
    expect(getComputedStyle(part(el, "empty")!).color).to.equal("rgb(165, 173, 184)");
    await expect(el).to.be.accessible();
    el.resource = "health";
    (await api.next()).respond(200, HEALTH);
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it("takes --gk-* tokens set on an ancestor or on the element, over both schemes' defaults", async () => {
    const api = new FakeApi();
    const wrapper = await fixture<HTMLDivElement>(html`
      <div style="--gk-color-accent: rgb(0, 100, 0); --gk-radius: 3px">
        <gk-test-loader .client=${api.client()} style="--gk-color-surface: rgb(250, 250, 240)"></gk-test-loader>
      </div>
    `);
    const el = wrapper.querySelector("gk-test-loader")!;
    (await api.next()).fail();
    await settled(el);
    for (const scheme of ["light", "dark"] as const) {
      await emulateMedia({ colorScheme: scheme });
      expect(getComputedStyle(part(el, "retry-button")!).backgroundColor).to.equal("rgb(0, 100, 0)");
      expect(getComputedStyle(part(el, "retry-button")!).borderTopLeftRadius).to.equal("3px");
      expect(getComputedStyle(part(el, "body")!).backgroundColor).to.equal("rgb(250, 250, 240)");
    }
  });

  it("sets nothing on :host but display, so the page lays the element out", async () => {
    const api = new FakeApi();
    const el = await loader(api);
    const style = getComputedStyle(el);
    expect(style.display).to.equal("block");
    expect(style.marginTop).to.equal("0px");
    expect(style.paddingTop).to.equal("0px");
    expect(style.backgroundColor).to.equal("rgba(0, 0, 0, 0)");
  });
});
