import { Gatherkit } from "@gatherkit/sdk";
import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { find, findAll, part, parts, rendered, text } from "../../test/dom.js";
import { type RealPlan, realPlan } from "../../test/real-plan.js";
import type { GkPlanBoard } from "./plan-board.js";
import "./plan-board.js";

/**
 * End to end over the real API and the real rooms (`partykit dev`, started with the API by
 * test/real-api.mjs): what a removed participant's open board goes through. The page's
 * WebSockets are recorded, so the test sees exactly what reached each browser.
 */
let api: RealPlan;
before(async function () {
  this.timeout(150_000);
  api = await realPlan();
});

/** One WebSocket the page opened: whose it is (the room token's subject) and everything it received. */
interface Recorded {
  subject: string;
  socket: WebSocket;
  received: string[];
  closeCode: number | undefined;
}

/** Records every WebSocket the page opens from now on, until `restore()`. */
function recordSockets() {
  const Native = globalThis.WebSocket;
  const sockets: Recorded[] = [];
  class RecordingWebSocket extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const token = new URL(String(url)).searchParams.get("token") ?? "";
      const payload = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { sub: string };
      const entry: Recorded = { subject: payload.sub, socket: this, received: [], closeCode: undefined };
      sockets.push(entry);
      this.addEventListener("message", (e) => entry.received.push(String(e.data)));
      this.addEventListener("close", (e) => {
        entry.closeCode = e.code;
      });
    }
  }
  globalThis.WebSocket = RecordingWebSocket;
  return {
    sockets,
    of: (subject: string) => sockets.filter((s) => s.subject === subject),
    restore: () => {
      globalThis.WebSocket = Native;
    },
  };
}

/** The board and its elements (people, money and chat are defined once the first screen shows) have loaded. */
const loaded = (el: Element) => part(el, "board") !== null && !find(el, ":not(:defined)") && !find(el, '[role="progressbar"]');
const welcomed = (s: Recorded) => s.received.some((m) => (JSON.parse(m) as { type: string }).type === "welcome");

describe("<gk-plan-board> over the real rooms", function () {
  this.timeout(60_000);
  let recorder: ReturnType<typeof recordSockets>;
  afterEach(() => recorder?.restore());

  it("closes a removed participant's socket, tells them, and never shows anyone the rotated feed URL", async () => {
    recorder = recordSockets();
    const site = new Gatherkit({ publishableKey: api.publishableKey, baseUrl: api.apiBase });
    const joined = await site.invites.join(api.inviteCode, { name: "Grace" });
    const graceId = joined.participant.participantId;
    const organizer = new Gatherkit({ token: api.organizerToken, baseUrl: api.apiBase });
    const organizerId = (await organizer.plans.me(api.planId)).participantId!;

    const graceBoard = await fixture<GkPlanBoard>(
      html`<gk-plan-board api-base=${api.apiBase} plan=${api.planId} token=${joined.token}></gk-plan-board>`,
    );
    const organizerBoard = await fixture<GkPlanBoard>(
      html`<gk-plan-board api-base=${api.apiBase} plan=${api.planId} token=${api.organizerToken}></gk-plan-board>`,
    );
    await waitUntil(() => loaded(graceBoard) && loaded(organizerBoard), "the boards never loaded", { timeout: 15_000 });
    await waitUntil(
      () => recorder.of(graceId).some(welcomed) && recorder.of(organizerId).some(welcomed),
      "the boards never joined their room",
      { timeout: 15_000 },
    );
    // Each board opened one socket, and the organizer sees Grace online through the room.
    expect(recorder.of(graceId)).to.have.length(1);
    expect(recorder.of(organizerId)).to.have.length(1);
    await waitUntil(
      () => parts(organizerBoard, "participant-online").some((p) => text(p).startsWith("online: Grace")),
      "Grace never showed online",
      {
        timeout: 15_000,
      },
    );
    const [graceSocket] = recorder.of(graceId);
    expect(find(graceBoard, '[part~="notice"]')).to.equal(null);

    // The organizer removes Grace, rotates the calendar feed, then writes in the chat.
    await organizer.plans.participants.remove(api.planId, graceId);
    const rotated = await fetch(`${api.apiBase}/v1/plans/${api.planId}/calendar/rotate`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.organizerToken}` },
    });
    expect(rotated.status).to.equal(200);
    const feedToken = new URL(((await rotated.json()) as { calendarUrl: string }).calendarUrl).searchParams.get("token")!;
    expect(feedToken).to.have.length.greaterThan(10);
    await organizer.plans.messages.create(api.planId, { body: "Only for those still here" });

    // Grace's socket is closed for good by the room (4403), and her board says why and disables its actions.
    await waitUntil(() => graceSocket!.closeCode !== undefined, "Grace's socket stayed open", { timeout: 15_000 });
    expect(graceSocket!.closeCode).to.equal(4403);
    await waitUntil(() => part(graceBoard, "notice"), "Grace's board never told her", { timeout: 15_000 });
    expect(text(part(graceBoard, "notice"))).to.equal("You are no longer in this plan.");
    await rendered(graceBoard);
    const votes = findAll<HTMLInputElement>(graceBoard, ".vote-group input");
    expect(votes.length).to.be.greaterThan(0);
    for (const input of votes) expect(input.matches(":disabled"), `the ${input.value} vote is still enabled`).to.equal(true);
    await expect(graceBoard).to.be.accessible();

    // The organizer's board still hears the room: the chat message arrives live.
    await waitUntil(
      () => parts(organizerBoard, "message").some((m) => text(m).includes("Only for those still here")),
      "the organizer never saw the message",
      { timeout: 15_000 },
    );
    // No reconnect for Grace, and nothing after the removal reached her.
    expect(recorder.of(graceId)).to.have.length(1);
    expect(graceSocket!.received.join("\n")).to.not.contain("Only for those still here");
    // No secret travelled in any broadcast: neither the rotated feed token nor any feed URL.
    for (const s of recorder.sockets) {
      const all = s.received.join("\n");
      expect(all, `a socket of ${s.subject} received the feed token`).to.not.contain(feedToken);
      expect(all, `a socket of ${s.subject} received a feed URL`).to.not.contain("calendar.ics");
    }
  });
});
