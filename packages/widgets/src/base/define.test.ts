import { expect, fixture, html } from "@open-wc/testing";
import "../../test/setup.js";
import { TestLoader } from "../../test/test-elements.js";
import { defineElement } from "./define.js";

describe("defineElement", () => {
  it("defines a new name and then ignores later definitions of it", () => {
    class First extends HTMLElement {}
    class Second extends HTMLElement {}
    defineElement("gk-define-twice", First);
    expect(() => defineElement("gk-define-twice", Second)).to.not.throw();
    expect(customElements.get("gk-define-twice")).to.equal(First);
    // The unguarded call is what would have thrown.
    expect(() => customElements.define("gk-define-twice", Second)).to.throw(DOMException);
  });

  it("survives the same widget module being evaluated twice on a page", async () => {
    const url = new URL("../../test/test-elements.ts", import.meta.url);
    url.search = "?copy=2";
    const copy = (await import(/* @vite-ignore */ url.href)) as typeof import("../../test/test-elements.js");
    expect(copy.TestLoader).to.not.equal(TestLoader);
    expect(customElements.get("gk-test-loader")).to.equal(TestLoader);
    const el = await fixture(html`<gk-test-loader></gk-test-loader>`);
    expect(el).to.be.instanceOf(TestLoader);
  });
});
