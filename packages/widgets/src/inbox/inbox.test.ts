import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { active, part, parts, text } from "../../test/dom.js";
import { FakeApi, type PendingRequest, problem } from "../../test/fake-api.js";
import type { GkInbox } from "./inbox.js";
import "./inbox.js";

/** The next request that is not for a room token (the widget subscribes once its inbox loaded; left unanswered here). */
async function nextCall(api: FakeApi): Promise<PendingRequest> {
  for (;;) {
    const r = await api.next();
    if (r.url.pathname !== "/v1/realtime/tokens") return r;
  }
}

const item = (n: number, readAt: string | null, link: string | null = null) => ({
  id: `ntf_${String(n).padStart(20, "0")}`,
  kind: "plan_cancelled",
  title: `Trip ${n} was cancelled`,
  body: `The organizer cancelled "Trip ${n}".`,
  link,
  subjectId: null,
  readAt,
  createdAt: `2030-01-0${n}T10:00:00.000Z`,
});

async function loaded(api: FakeApi, unread: number, items: unknown[], nextCursor: string | null = null) {
  const count = await nextCall(api);
  expect(count.url.pathname).to.equal("/v1/inbox/unread");
  const list = await nextCall(api);
  expect(list.url.pathname).to.equal("/v1/inbox");
  expect(list.url.searchParams.get("limit")).to.equal("20");
  count.respond(200, { unread, recipientId: "ptc_0123456789abcdefghjk" });
  list.respond(200, { data: items, nextCursor });
}

describe("<gk-inbox>", function () {
  // Several axe runs per test on a shared machine.
  this.timeout(30_000);

  it("shows a spinner, then the inbox newest first with an unread badge; marks one read, then all, from the keyboard", async () => {
    const api = new FakeApi();
    const el = await fixture<GkInbox>(html`<gk-inbox .client=${api.client()}></gk-inbox>`);
    expect(part(el, "loading")).to.not.equal(null);
    await expect(el).to.be.accessible();
    await loaded(api, 2, [item(3, null), item(2, null, "https://host.example/p/2"), item(1, "2030-01-01T11:00:00.000Z")]);
    await waitUntil(() => part(el, "badge"), "no badge");
    expect(text(part(el, "badge"))).to.equal("2 unread");
    expect(parts(el, "item").map((i) => text(i.querySelector('[part~="item-title"]')))).to.deep.equal([
      "Unread: Trip 3 was cancelled",
      "Unread: Trip 2 was cancelled",
      "Trip 1 was cancelled",
    ]);
    expect(parts(el, "unread")).to.have.length(2);
    expect((part(el, "item-link") as HTMLAnchorElement).href).to.equal("https://host.example/p/2");
    await expect(el).to.be.accessible();

    // Mark the newest read with the keyboard: its button goes, focus stays on the item.
    (parts(el, "mark-read")[0] as HTMLButtonElement).focus();
    const readEvent = oneEvent(el, "gk-inbox-read");
    await sendKeys({ press: "Enter" });
    const read = await nextCall(api);
    expect(read.init.method).to.equal("POST");
    expect(read.url.pathname).to.equal(`/v1/inbox/${item(3, null).id}/read`);
    read.respond(200, item(3, "2030-01-03T12:00:00.000Z"));
    expect((await readEvent).detail).to.deep.equal({ ids: [item(3, null).id], unread: 1 });
    await el.updateComplete;
    expect(text(part(el, "badge"))).to.equal("1 unread");
    expect(parts(el, "mark-read")).to.have.length(1);
    expect(active()).to.equal(parts(el, "item-title")[0]);

    // Tab to "Mark all read" and press it: the badge goes, focus lands on the heading.
    (part(el, "mark-all") as HTMLButtonElement).focus();
    await sendKeys({ press: "Enter" });
    const all = await nextCall(api);
    expect(all.url.pathname).to.equal("/v1/inbox/read-all");
    all.respond(200, { marked: 1, unread: 0 });
    await waitUntil(() => !part(el, "badge"), "the badge stayed");
    expect(parts(el, "unread")).to.have.length(0);
    expect(part(el, "mark-all")).to.equal(null);
    expect(active()).to.equal(part(el, "heading"));
    await expect(el).to.be.accessible();
  });

  it("an empty inbox says so; older items load on demand; a refused mark read is shown beside it", async () => {
    const api = new FakeApi();
    const empty = await fixture<GkInbox>(html`<gk-inbox .client=${api.client()}></gk-inbox>`);
    await loaded(api, 0, []);
    await waitUntil(() => part(empty, "heading"), "never loaded");
    expect(text(part(empty, "body"))).to.equal("Notifications No notifications yet.");
    expect(part(empty, "badge")).to.equal(null);
    await expect(empty).to.be.accessible();

    const api2 = new FakeApi();
    const el = await fixture<GkInbox>(html`<gk-inbox .client=${api2.client()}></gk-inbox>`);
    await loaded(api2, 1, [item(2, null)], "cursor_1");
    await waitUntil(() => part(el, "older"), "no Show older");
    (part(el, "older") as HTMLButtonElement).click();
    const older = await nextCall(api2);
    expect(older.url.searchParams.get("cursor")).to.equal("cursor_1");
    older.respond(200, { data: [item(1, "2030-01-01T11:00:00.000Z")], nextCursor: null });
    await waitUntil(() => parts(el, "item").length === 2, "older items never came");
    expect(part(el, "older")).to.equal(null);

    (part(el, "mark-read") as HTMLButtonElement).click();
    (await nextCall(api2)).respond(404, problem(404, "not_found", "Inbox item not found."));
    await waitUntil(() => part(el, "form-error"), "no refusal shown");
    expect(text(part(el, "form-error"))).to.contain("Inbox item not found.");
    expect(text(part(el, "badge"))).to.equal("1 unread");
    await expect(el).to.be.accessible();
  });

  it("without a participant token it shows the API's refusal", async () => {
    const api = new FakeApi();
    const el = await fixture<GkInbox>(html`<gk-inbox .client=${api.client()}></gk-inbox>`);
    const error = oneEvent(el, "gk-error");
    const count = await nextCall(api);
    const list = await nextCall(api);
    const refusal = problem(
      403,
      "permission_denied",
      "An inbox belongs to a person: call with a participant token or as a signed-in organizer.",
    );
    count.respond(403, refusal);
    list.respond(403, refusal);
    expect((await error).detail.code).to.equal("permission_denied");
    await waitUntil(() => part(el, "error"), "no error");
    expect(text(part(el, "error")!.querySelector("p"))).to.equal(refusal.detail);
    await expect(el).to.be.accessible();
  });
});
