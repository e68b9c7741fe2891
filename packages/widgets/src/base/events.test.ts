import { expect, fixture, html } from "@open-wc/testing";
import "../../test/setup.js";
import { emit } from "./events.js";

describe("emit", () => {
  it("dispatches a bubbling, composed CustomEvent that leaves shadow roots", async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = host.attachShadow({ mode: "open" });
    const inner = document.createElement("span");
    root.append(inner);

    const received: CustomEvent[] = [];
    const listener = (e: Event) => received.push(e as CustomEvent);
    document.addEventListener("gk-error", listener);
    try {
      const detail = { message: "No.", code: "not_found", status: 404, requestId: "req_1", error: null };
      expect(emit(inner, "gk-error", detail)).to.equal(true);
      expect(received).to.have.length(1);
      const [event] = received;
      expect(event).to.be.instanceOf(CustomEvent);
      expect(event!.bubbles).to.equal(true);
      expect(event!.composed).to.equal(true);
      expect(event!.cancelable).to.equal(false);
      expect(event!.detail).to.equal(detail);
      expect(event!.target).to.equal(host);
    } finally {
      document.removeEventListener("gk-error", listener);
    }
  });

  it("reports preventDefault on cancelable events", async () => {
    const el = await fixture<HTMLDivElement>(html`<div></div>`);
    el.addEventListener("gk-error", (e) => e.preventDefault(), { once: true });
    const detail = { message: "x", code: undefined, status: undefined, requestId: undefined, error: null };
    expect(emit(el, "gk-error", detail, { cancelable: true })).to.equal(false);
    expect(emit(el, "gk-error", detail)).to.equal(true);
  });
});
