import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia } from "@web/test-runner-commands";
import { part, parts, text } from "../../test/dom.js";
import type { GkInbox } from "./inbox.js";
import "./inbox.js";

interface RealInbox {
  apiBase: string;
  token: string;
  personId: string;
  title: string;
}

/** A person with a notification (test/real-api-inbox.mjs); with `person`, one more for them. */
async function realInbox(person?: string): Promise<RealInbox> {
  const res = await fetch(`/__gatherkit-api/inbox.json${person ? `?person=${person}` : ""}`, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(`The real API could not make an inbox:\n${body.error}`);
  return body as RealInbox;
}

const titles = (el: Element) => parts(el, "item-title").map((t) => text(t).replace(/^Unread: /, ""));
const badge = (el: Element) => (part(el, "badge") ? text(part(el, "badge")) : "");

describe("<gk-inbox> against the real API and its rooms", function () {
  this.timeout(90_000);

  it("shows the person's notification, gets the next one live, and a read elsewhere updates the badge", async function () {
    this.timeout(180_000);
    const api = await realInbox();
    const el = await fixture<GkInbox>(html`<gk-inbox api-base=${api.apiBase} token=${api.token}></gk-inbox>`);
    const other = await fixture<GkInbox>(html`<gk-inbox api-base=${api.apiBase} token=${api.token}></gk-inbox>`);
    // The notification is fanned out by the API's outbox: it is there at load, or arrives through the room.
    await waitUntil(() => titles(el).length === 1, "the first notification never showed", { timeout: 30_000 });
    expect(titles(el)).to.deep.equal([`${api.title} was cancelled`]);
    // The unread count is its own read (or the room's message): it may land after the list.
    await waitUntil(() => badge(el) === "1 unread", `the badge never said 1 unread (it says "${badge(el)}")`, { timeout: 30_000 });
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    try {
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: "light" });
    }

    const second = await realInbox(api.personId);
    await waitUntil(() => titles(el).length === 2, "the second notification never arrived live", { timeout: 30_000 });
    expect(titles(el)[0]).to.equal(`${second.title} was cancelled`);
    expect(badge(el)).to.equal("2 unread");
    expect(text(el.shadowRoot!.querySelector('section [role="status"]'))).to.equal(`New notification: ${second.title} was cancelled`);

    // Reading in the other widget (another tab, say) reaches this one through the room.
    await waitUntil(() => titles(other).length === 2, "the other inbox never caught up", { timeout: 30_000 });
    (part(other, "mark-all") as HTMLButtonElement).click();
    await waitUntil(() => badge(el) === "", "the badge never cleared live", { timeout: 30_000 });
    expect(parts(el, "unread")).to.have.length(0);
  });
});
