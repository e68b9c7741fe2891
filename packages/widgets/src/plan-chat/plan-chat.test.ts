import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia, sendKeys } from "@web/test-runner-commands";
import { active, find, part, parts, rendered, text } from "../../test/dom.js";
import { FakeApi, problem } from "../../test/fake-api.js";
import {
  ANA,
  answer,
  BEN,
  body,
  fakeRealtime,
  ME,
  message,
  P,
  PLAN_ID,
  type PlanData,
  page,
  participantToken,
  planData,
  planRoutes,
} from "../../test/plans.js";
import { GkPlanChat } from "./plan-chat.js";

let realtime: ReturnType<typeof fakeRealtime>;
afterEach(() => {
  realtime?.restore();
  return emulateMedia({ colorScheme: "light" });
});

/** `<gk-plan-chat>` placed alone for `viewer`: the plan and the viewer, then the latest messages. */
async function chat(api: FakeApi, d: PlanData, viewer = ME) {
  const client = api.client();
  realtime = fakeRealtime(client);
  const el = await fixture<GkPlanChat>(
    html`<gk-plan-chat .client=${client} plan=${PLAN_ID} token=${participantToken(viewer)}></gk-plan-chat>`,
  );
  const r = planRoutes(d, viewer);
  const requests = await answer(api, [r.plan, r.me, r.messages]);
  expect(requests[2]!.url.searchParams.get("limit")).to.equal("50");
  await waitUntil(() => part(el, "messages"), "the chat never loaded");
  await rendered(el);
  return el;
}

const msg = (el: Element, i: number, selector: string) => parts(el, "message")[i]!.querySelector<HTMLElement>(selector);

describe("<gk-plan-chat>", () => {
  it("sends messages, emits gk-message-sent, and shows others' messages and typing live", async () => {
    const api = new FakeApi();
    const el = await chat(api, planData({ messages: [message("msg_00000001", ANA, "Ana", "Hello!")] }));
    expect(realtime.subscriptions).to.equal(1);
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    await expect(el).to.be.accessible();

    find<HTMLInputElement>(el, "#chat-input")!.focus();
    await sendKeys({ type: "Count me in" });
    // The others see that the viewer is typing: told every few seconds, not per key.
    expect(realtime.typing[0]).to.equal(true);
    expect(realtime.typing.length).to.be.below("Count me in".length);
    expect(realtime.typing.every((t) => t)).to.equal(true);
    const sent = oneEvent(el, "gk-message-sent");
    await sendKeys({ press: "Enter" });
    const request = await api.next();
    expect(request.init.method).to.equal("POST");
    expect(request.url.pathname).to.equal(`${P}/messages`);
    expect(body(request)).to.deep.equal({ body: "Count me in" });
    const mine = message("msg_00000002", ME, "Grace", "Count me in", "2030-06-01T10:05:00.000Z");
    request.respond(201, mine);
    expect((await sent).detail).to.deep.equal({ planId: PLAN_ID, message: mine });
    await rendered(el);
    expect(parts(el, "message-author").map(text)).to.deep.equal(["Ana", "You"]);
    expect(find<HTMLInputElement>(el, "#chat-input")!.value).to.equal("");
    expect(active()).to.equal(find(el, "#chat-input"));
    expect(realtime.typing.at(-1)).to.equal(false);

    const h = realtime.handlers!;
    h.onTyping!({ id: BEN, name: "Ben", typing: true });
    h.onTyping!({ id: ANA, name: "Ana", typing: true });
    await rendered(el);
    expect(text(part(el, "typing"))).to.equal("Ben and Ana are typing…");
    await expect(el).to.be.accessible();
    h.onTyping!({ id: ANA, name: "Ana", typing: false });
    await rendered(el);
    expect(text(part(el, "typing"))).to.equal("Ben is typing…");
    realtime.send("plan.message_changed", { change: "created", message: mine });
    realtime.send("plan.message_changed", {
      change: "created",
      message: message("msg_00000003", BEN, "Ben", "Me too", "2030-06-01T10:06:00.000Z"),
    });
    realtime.send("plan.message_changed", {
      change: "deleted",
      message: { ...message("msg_00000001", ANA, "Ana", ""), body: null, deletedAt: "2030-06-01T10:07:00.000Z" },
    });
    await rendered(el);
    expect(parts(el, "message")).to.have.length(3);
    // Ben's message arrived: he is no longer typing.
    expect(part(el, "typing")).to.equal(null);
    expect(text(parts(el, "message")[0]!)).to.contain("Message deleted.");
    expect(text(parts(el, "message")[2]!)).to.contain("Me too");
    await expect(el).to.be.accessible();

    // A refused message stays in the input with the reason.
    find<HTMLInputElement>(el, "#chat-input")!.focus();
    await sendKeys({ type: "x" });
    await sendKeys({ press: "Enter" });
    (await api.next()).respond(403, problem(403, "not_a_participant", "You are not a participant of this plan."));
    await waitUntil(() => part(el, "form-error"), "never showed the refusal");
    expect(text(part(el, "form-error"))).to.equal("You are not a participant of this plan.");
    expect(find<HTMLInputElement>(el, "#chat-input")!.value).to.equal("x");

    // After missed messages, the latest page is reloaded quietly.
    h.onResync!();
    await answer(api, [
      ["GET", P, 200, planData().plan],
      ["GET", `${P}/me`, 200, { participantId: ME, role: "participant", staff: false }],
      ["GET", `${P}/messages`, 200, page([message("msg_00000004", BEN, "Ben", "Missed this")])],
    ]);
    await waitUntil(() => text(part(el, "messages")).includes("Missed this"), "never reloaded after a resync");
    expect(part(el, "loading")).to.equal(null);
  });

  it("drops a message an organizer hides, live, and puts it back in its place when shown again", async () => {
    const api = new FakeApi();
    const anas = message("msg_00000001", ANA, "Ana", "Hello!");
    const spam = message("msg_00000002", BEN, "Ben", "cheap watches", "2030-06-01T10:01:00.000Z");
    const late = message("msg_00000003", ANA, "Ana", "Anyone?", "2030-06-01T10:02:00.000Z");
    // An organizer's list holds hidden messages too: the chat leaves them out.
    const hiddenBefore = {
      ...message("msg_00000000", BEN, "Ben", "old spam", "2030-06-01T09:00:00.000Z"),
      hiddenAt: "2030-06-01T09:30:00.000Z",
    };
    const el = await chat(api, planData({ messages: [hiddenBefore, anas, spam, late] }));
    expect(parts(el, "message").map((m) => m.id)).to.deep.equal(["message-msg_00000001", "message-msg_00000002", "message-msg_00000003"]);

    realtime.send("plan.message_changed", { change: "hidden", message: { ...spam, body: null, hiddenAt: "2030-06-01T10:05:00.000Z" } });
    await rendered(el);
    expect(parts(el, "message").map(text).join(" ")).to.not.contain("cheap watches");
    expect(parts(el, "message")).to.have.length(2);
    await expect(el).to.be.accessible();

    realtime.send("plan.message_changed", { change: "unhidden", message: spam });
    await rendered(el);
    expect(parts(el, "message").map((m) => m.id)).to.deep.equal(["message-msg_00000001", "message-msg_00000002", "message-msg_00000003"]);
    expect(text(parts(el, "message")[1]!)).to.contain("cheap watches");
  });

  it("edits and deletes one's own messages; organizers may delete anyone's; shows (edited) and tombstones", async () => {
    const api = new FakeApi();
    const mine = message("msg_00000001", ME, "Grace", "See you at 9");
    const anas = message("msg_00000002", ANA, "Ana", "Bring sunscreen", "2030-06-01T10:01:00.000Z");
    const el = await chat(api, planData({ messages: [mine, anas] }));
    // A participant: Edit and Delete on their own message only.
    expect(msg(el, 0, ".edit")).to.not.equal(null);
    expect(msg(el, 0, ".delete")).to.not.equal(null);
    expect(msg(el, 1, ".actions")).to.equal(null);
    await expect(el).to.be.accessible();

    msg(el, 0, ".edit")!.focus();
    await sendKeys({ press: "Enter" });
    await rendered(el);
    const input = find<HTMLInputElement>(el, "#edit-input")!;
    expect(active()).to.equal(input);
    expect(input.value).to.equal("See you at 9");
    await expect(el).to.be.accessible();
    // Escape cancels, back on Edit.
    await sendKeys({ press: "Escape" });
    await rendered(el);
    expect(find(el, ".edit-form")).to.equal(null);
    expect(active()).to.equal(msg(el, 0, ".edit"));

    await sendKeys({ press: "Enter" });
    await rendered(el);
    find<HTMLInputElement>(el, "#edit-input")!.value = "";
    await sendKeys({ type: "See you at 10" });
    await sendKeys({ press: "Enter" });
    const [edit] = await answer(api, [
      ["PATCH", `${P}/messages/msg_00000001`, 200, { ...mine, body: "See you at 10", editedAt: "2030-06-01T10:05:00.000Z" }],
    ]);
    expect(body(edit!)).to.deep.equal({ body: "See you at 10" });
    await waitUntil(() => !find(el, ".edit-form"), "never saved the edit");
    await rendered(el);
    expect(text(parts(el, "message")[0]!.querySelector("p"))).to.equal("See you at 10 (edited)");
    expect(active()).to.equal(msg(el, 0, ".edit"));

    msg(el, 0, ".delete")!.focus();
    await sendKeys({ press: "Enter" });
    const [del] = await answer(api, [["DELETE", `${P}/messages/msg_00000001`, 204]]);
    expect(del!.init.method).to.equal("DELETE");
    await waitUntil(() => msg(el, 0, ".deleted"), "never showed the tombstone");
    await rendered(el);
    expect(text(msg(el, 0, ".deleted"))).to.equal("Message deleted.");
    expect(msg(el, 0, ".actions")).to.equal(null);
    expect(active()).to.equal(msg(el, 0, ".deleted"));
    // Someone else's deletion arrives from the room as a tombstone too.
    realtime.send("plan.message_changed", { change: "deleted", message: { ...anas, body: null, deletedAt: "2030-06-01T10:06:00.000Z" } });
    await rendered(el);
    expect(text(msg(el, 1, ".deleted"))).to.equal("Message deleted.");
    await expect(el).to.be.accessible();

    // An organizer may delete anyone's message (but edits only their own); the API's refusal is shown.
    const api2 = new FakeApi();
    const organizer = await chat(api2, planData({ messages: [message("msg_00000003", ME, "Grace", "Hi")] }), ANA);
    expect(msg(organizer, 0, ".edit")).to.equal(null);
    msg(organizer, 0, ".delete")!.focus();
    await sendKeys({ press: "Enter" });
    const detail = "This message can no longer be deleted.";
    await answer(api2, [["DELETE", `${P}/messages/msg_00000003`, 409, problem(409, "conflict", detail)]]);
    await waitUntil(() => part(organizer, "form-error"), "never showed the refusal");
    expect(part(organizer, "form-error")!.getAttribute("role")).to.equal("alert");
    expect(text(part(organizer, "form-error"))).to.equal(detail);
    await expect(organizer).to.be.accessible();
  });

  it("says the viewer lost access and disables sending, editing and deleting", async () => {
    const api = new FakeApi();
    const el = await chat(api, planData({ messages: [message("msg_00000001", ME, "Grace", "Mine")] }));
    realtime.handlers!.onRevoked!({ message: "Removed." });
    await rendered(el);
    expect(text(part(el, "notice"))).to.equal("You are no longer in this plan.");
    for (const c of [find(el, "#chat-input"), find(el, ".edit"), find(el, ".delete")]) expect(c!.matches(":disabled")).to.equal(true);
    // Typing is no longer sent.
    await sendKeys({ type: "x" });
    expect(realtime.typing).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it("is registered once even when its module is evaluated again", async () => {
    const url = new URL("./plan-chat.ts", import.meta.url);
    url.search = "?copy=2";
    const copy = (await import(/* @vite-ignore */ url.href)) as typeof import("./plan-chat.js");
    expect(copy.GkPlanChat === GkPlanChat).to.equal(false);
    expect(customElements.get("gk-plan-chat") === GkPlanChat).to.equal(true);
  });
});
