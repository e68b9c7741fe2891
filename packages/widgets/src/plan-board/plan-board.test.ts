import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia, sendKeys, setViewport } from "@web/test-runner-commands";
import { active, find, findAll, part, parts, rendered, text } from "../../test/dom.js";
import { FakeApi, problem } from "../../test/fake-api.js";
import {
  ANA,
  answer,
  BEN,
  body,
  fakeRealtime,
  invitePreview,
  ME,
  message,
  P,
  PLAN_ID,
  type PlanData,
  participant,
  participantToken,
  plan,
  planData,
  planRoutes,
  proposal,
} from "../../test/plans.js";
import { GkPlanBoard } from "./plan-board.js";

let realtime: ReturnType<typeof fakeRealtime>;
const realFetch = globalThis.fetch;
afterEach(() => {
  realtime?.restore();
  globalThis.fetch = realFetch;
  localStorage.clear();
  return emulateMedia({ colorScheme: "light" });
});

/** The board's requests: its first screen (plan, viewer, proposals), then each child's. */
const firstScreen = (d: PlanData, viewer = ME) => {
  const r = planRoutes(d, viewer);
  return [r.plan, r.me, r.proposals];
};
const rest = (d: PlanData, viewer = ME) => {
  const r = planRoutes(d, viewer);
  return [r.participants, r.balances, r.payments, r.messages];
};

/** A loaded board for `viewer` (a participant token), answered with `d`. */
async function board(api: FakeApi, d: PlanData, viewer = ME) {
  const client = api.client();
  realtime = fakeRealtime(client);
  const el = await fixture<GkPlanBoard>(
    html`<gk-plan-board .client=${client} plan=${PLAN_ID} token=${participantToken(viewer)}></gk-plan-board>`,
  );
  await answer(api, [...firstScreen(d, viewer), ...rest(d, viewer)]);
  await waitUntil(() => part(el, "board") && !find(el, ":not(:defined)") && !find(el, '[role="progressbar"]'), "the board never loaded");
  await rendered(el);
  return el;
}

describe("<gk-plan-board>", () => {
  it("shows a proposal's images, lazily, named for screen readers, an upload's relative URL on the API's address", async () => {
    const api = new FakeApi();
    const img = (color: string) =>
      `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3" fill="${color}"/></svg>`)}`;
    const d = planData({
      proposals: [
        proposal({ id: "prop_a000000000", title: "Sunset sail", imageUrls: [img("red"), "/v1/files/file_0123456789abcdefghjk"] }),
        proposal({ id: "prop_b000000000", title: "Tile museum" }),
      ],
    });
    const el = await board(api, d);
    const [sail, museum] = parts(el, "proposal");
    const images = [...sail!.querySelectorAll<HTMLImageElement>('[part~="proposal-image"]')];
    expect(images.map((i) => i.alt)).to.deep.equal(["Photo 1 of Sunset sail", "Photo 2 of Sunset sail"]);
    expect(images.every((i) => i.loading === "lazy" && i.decoding === "async")).to.equal(true);
    expect(images[0]!.getAttribute("src")).to.equal(img("red"));
    // The API answers an upload's lasting URL; a relative one is the API's, not the host page's.
    expect(images[1]!.src).to.equal("https://api.test/v1/files/file_0123456789abcdefghjk");
    // Laid out as thumbnails of one size, whatever the image's own.
    expect(images[0]!.getBoundingClientRect().width).to.equal(160);
    expect(museum!.querySelector('[part~="proposal-images"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it("gives an uploaded image its copies as srcset; at phone width a 160 px thumbnail loads the 320 px copy, not the original", async () => {
    await setViewport({ width: 360, height: 640 });
    try {
      const api = new FakeApi();
      const upload = "/v1/files/file_0123456789abcdefghjk";
      const d = planData({
        proposals: [proposal({ id: "prop_a000000000", title: "Sunset sail", imageUrls: [upload, "https://images.example.com/boat.jpg"] })],
      });
      const el = await board(api, d);
      const [copies, external] = parts(el, "proposal-image") as HTMLImageElement[];
      const lasting = `https://api.test${upload}`;
      expect(copies!.getAttribute("srcset")).to.equal(`${lasting}?w=320 320w, ${lasting}?w=640 640w, ${lasting}?w=1280 1280w`);
      expect(copies!.getAttribute("sizes")).to.equal("10rem");
      expect([copies!.loading, copies!.decoding, copies!.getAttribute("width"), copies!.getAttribute("height")]).to.deep.equal([
        "lazy",
        "async",
        "160",
        "120",
      ]);
      // An external image has no copies to list.
      expect(external!.hasAttribute("srcset")).to.equal(false);
      expect(external!.hasAttribute("sizes")).to.equal(false);
      // What Chromium picks (and requests) once the thumbnail is near the viewport.
      copies!.scrollIntoView();
      await waitUntil(() => copies!.currentSrc !== "", "the thumbnail was never requested");
      expect(copies!.currentSrc).to.equal(`${lasting}?w=${devicePixelRatio > 2 ? 640 : 320}`);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it("shows the header and proposals first, then people, money and chat, each loaded by its own element", async () => {
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const el = await fixture<GkPlanBoard>(
      html`<gk-plan-board .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-plan-board>`,
    );
    expect(text(el.shadowRoot!.querySelector('[aria-live="polite"]'))).to.equal("Loading the plan…");
    await expect(el).to.be.accessible();

    const d = planData({
      plan: plan({ votingDeadline: new Date(Date.now() + 5 * 86_400_000 + 60_000).toISOString() }),
      messages: [message("msg_00000001", ANA, "Ana", "Who is in for Friday?", "2030-06-01T10:00:00.000Z")],
    });
    // Only what the first screen shows is asked for first…
    const first = await answer(api, firstScreen(d));
    expect(first[2]!.url.searchParams.get("limit")).to.equal("100");
    expect(api.requests).to.have.length(3);
    await waitUntil(() => part(el, "proposal"), "never showed the proposals");
    expect(text(part(el, "title"))).to.equal("Lisbon long weekend Planning");
    expect(text(part(el, "facts"))).to.match(/^Trip · .+ · Lisbon, Portugal$/);
    expect(text(part(el, "deadline"))).to.match(/\(in 5 days\)\.$/);
    expect(parts(el, "proposal-title").map(text)).to.deep.equal(["Sunset sail", "Tile museum"]);
    // …and the people, money and chat load in their own elements (their code too, fetched once the
    // first screen is shown), each showing its own spinner meanwhile.
    await waitUntil(() => findAll(el, '[role="progressbar"]').length === 3, "people, money and chat never showed their spinners");
    const later = await answer(api, rest(d));
    expect(later[0]!.url.searchParams.get("includeRemoved")).to.equal("true");
    expect(later[3]!.url.searchParams.get("limit")).to.equal("50");
    await waitUntil(() => part(el, "message"), "never showed the chat");
    await rendered(el);

    expect(parts(el, "participant").map(text)).to.deep.equal(["offline: Ana Organizer", "offline: Ben", "offline: Grace You"]);
    expect(text(part(el, "money-section")!.shadowRoot!.querySelector("p"))).to.equal("Nobody owes anything yet.");
    expect(text(part(el, "messages"))).to.contain("Who is in for Friday?");
    // Every section is styleable from the page: the children's parts are the board's.
    const exported = part(el, "proposals-section")!.getAttribute("exportparts")!;
    expect(exported).to.contain("proposal").and.to.contain("vote-option");

    // Presence from the plan's room reaches the people.
    realtime.handlers!.onPresence!([
      { id: ANA, name: "Ana" },
      { id: "usr_staff", name: "Staff" },
    ]);
    await rendered(el);
    expect(parts(el, "participant-online").map(text)).to.deep.equal(["online: Ana Organizer"]);

    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    await expect(el).to.be.accessible();
  });

  it("opens ONE subscription for the board and its four elements, passing when the load began", async () => {
    const api = new FakeApi();
    const startedBefore = Date.now();
    const el = await board(api, planData());
    expect(realtime.subscriptions).to.equal(1);
    expect(realtime.open).to.equal(1);
    expect(realtime.planId).to.equal(PLAN_ID);
    // `since`: when the REST load began, so the room can tell whether something changed meanwhile.
    expect(realtime.handlers!.since).to.be.within(startedBefore, Date.now());
    // Every element follows that one subscription: a chat message and a tally both arrive.
    realtime.send("plan.message_changed", { change: "created", message: message("msg_00000009", BEN, "Ben", "Hi all") });
    realtime.send("plan.tally_changed", {
      planId: PLAN_ID,
      tally: { proposalId: "prop_b000000000", yes: 3, maybe: 0, no: 1, total: 4, hidden: false },
    });
    await rendered(el);
    expect(text(part(el, "messages"))).to.contain("Hi all");
    expect(text(parts(el, "tally")[1]!)).to.equal("Yes 3 Maybe 0 No 1");
    // Taken out, then put back elsewhere: it reconnects, and nothing is loaded again.
    const elsewhere = document.createElement("div");
    document.body.append(elsewhere);
    el.remove();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(realtime.open).to.equal(0);
    elsewhere.append(el);
    await rendered(el);
    expect(realtime.open).to.equal(1);
    expect(realtime.subscriptions).to.equal(2);
    expect(text(part(el, "messages"))).to.contain("Hi all");
    el.remove();
    elsewhere.remove();
    expect(realtime.open).to.equal(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.requests).to.have.length(7);
  });

  it("says the viewer is no longer in the plan and disables every action when the room revokes them", async () => {
    const api = new FakeApi();
    const el = await board(api, planData({ messages: [message("msg_00000001", ME, "Grace", "See you")] }));
    const controls = () => findAll<HTMLButtonElement | HTMLInputElement>(el, "button, input, select, textarea");
    expect(controls().some((c) => c.matches(":disabled"))).to.equal(false);

    realtime.handlers!.onRevoked!({ message: "You were removed from this plan." });
    await rendered(el);
    const notice = part(el, "notice")!;
    expect(text(notice)).to.equal("You are no longer in this plan.");
    expect(notice.getAttribute("role")).to.equal("alert");
    // One notice, from the board, not one per element.
    expect(parts(el, "notice")).to.have.length(1);
    const all = controls();
    expect(all.length).to.be.above(8);
    for (const c of all) expect(c.matches(":disabled"), `${c.localName}.${c.className} is enabled`).to.equal(true);
    // Nothing is sent, even if a vote is attempted.
    find<HTMLInputElement>(el, 'input[name="vote-prop_b000000000"][value="yes"]')!.click();
    await rendered(el);
    expect(api.requests).to.have.length(7);
    expect(realtime.open).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it("shows organizer controls to organizers only, and proposing to organizers only in event plans", async () => {
    const organizer = await board(new FakeApi(), planData(), ANA);
    expect(find(organizer, ".finalize")).to.not.equal(null);
    expect(findAll(organizer, ".select")).to.have.length(2);
    expect(findAll(organizer, ".reject")).to.have.length(2);
    expect(find(organizer, ".propose")).to.not.equal(null);
    await expect(organizer).to.be.accessible();

    const participantView = await board(new FakeApi(), planData({ plan: plan({ type: "event" }) }), ME);
    expect(find(participantView, ".finalize")).to.equal(null);
    expect(find(participantView, ".select")).to.equal(null);
    expect(find(participantView, ".propose")).to.equal(null);

    // A participant promoted while the board is open gets the controls.
    realtime.send("plan.participant_changed", { planId: PLAN_ID, participantId: ME, name: "Grace", role: "organizer", removed: false });
    await rendered(participantView);
    expect(find(participantView, ".finalize")).to.not.equal(null);
    expect(find(participantView, ".propose")).to.not.equal(null);
  });

  it("asks the API who the viewer is: staff with a client and no token get the organizer controls", async () => {
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const el = await fixture<GkPlanBoard>(html`<gk-plan-board .client=${client} plan=${PLAN_ID}></gk-plan-board>`);
    const d = planData({ plan: plan({ type: "event" }) });
    const r = planRoutes(d);
    const [, me] = await answer(api, [
      r.plan,
      ["GET", `${P}/me`, 200, { participantId: null, role: "organizer", staff: true }],
      r.proposals,
    ]);
    expect(me!.url.pathname).to.equal(`${P}/me`);
    await answer(api, rest(d));
    await waitUntil(() => part(el, "participant"), "the board never loaded");
    await rendered(el);
    expect(find(el, ".finalize")).to.not.equal(null);
    expect(findAll(el, ".select")).to.have.length(2);
    expect(find(el, ".propose")).to.not.equal(null);
    // Staff are nobody in the list of people, and manage everyone in it.
    expect(parts(el, "participant").map((p) => text(p.querySelector(".who")))).to.deep.equal([
      "offline: Ana Organizer",
      "offline: Ben",
      "offline: Grace",
    ]);
    expect(findAll(el, ".remove")).to.have.length(3);
    await expect(el).to.be.accessible();
  });

  it("says who you are from the API's answer, not the token, and falls back to the token when it fails", async () => {
    // The API's answer wins: a token whose claim names Ben, but the API says Grace (an organizer).
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const d = planData({ participants: [participant(ANA, "Ana"), participant(ME, "Grace", "organizer"), participant(BEN, "Ben")] });
    const el = await fixture<GkPlanBoard>(
      html`<gk-plan-board .client=${client} plan=${PLAN_ID} token=${participantToken(BEN)}></gk-plan-board>`,
    );
    await answer(api, [...firstScreen(d, ME), ...rest(d, ME)]);
    await waitUntil(() => part(el, "participant"), "the board never loaded");
    await rendered(el);
    expect(parts(el, "participant").map((p) => text(p.querySelector(".who")))).to.contain("offline: Grace You Organizer");
    expect(find(el, ".finalize")).to.not.equal(null);

    // `me` failing: the token's participant (Ben) is "you", with the role the people list gives.
    const api2 = new FakeApi();
    const client2 = api2.client();
    realtime = fakeRealtime(client2);
    const el2 = await fixture<GkPlanBoard>(
      html`<gk-plan-board .client=${client2} plan=${PLAN_ID} token=${participantToken(BEN)}></gk-plan-board>`,
    );
    const r = planRoutes(d);
    // The people are loaded with the first screen then, to know Ben's role; the people element reuses them.
    await answer(api2, [r.plan, ["GET", `${P}/me`, 503, problem(503, "unavailable", "Try again.")], r.proposals, r.participants]);
    await answer(api2, [r.balances, r.payments, r.messages]);
    await waitUntil(() => part(el2, "participant"), "the board never loaded");
    await rendered(el2);
    expect(parts(el2, "participant").map(text)).to.contain("offline: Ben You");
    expect(find(el2, ".finalize")).to.equal(null);
    // A participant: Ben may vote.
    expect(find<HTMLFieldSetElement>(el2, ".vote-group")!.disabled).to.equal(false);
    await expect(el2).to.be.accessible();
  });

  it("finalizes from the proposals, and the header follows: Finalized, the itinerary, no deadline", async () => {
    const api = new FakeApi();
    const selected = proposal({ id: "prop_a000000000", title: "Sunset sail", status: "selected", startsAt: "2030-07-01T17:00:00.000Z" });
    const d = planData({ proposals: [selected, proposal({ id: "prop_b000000000", title: "Tile museum" })] });
    const el = await board(api, d, ANA);
    expect(part(el, "deadline")).to.not.equal(null);
    find(el, ".finalize")!.focus();
    await sendKeys({ press: "Enter" });
    await rendered(el);
    await sendKeys({ press: "Enter" });
    const finalize = await api.next();
    expect(body(finalize)).to.deep.equal({ mode: "select", proposalIds: ["prop_a000000000"] });
    const finalized = plan({ status: "finalized", finalizedAt: "2030-06-10T00:00:00.000Z" });
    finalize.respond(200, finalized);
    const r = planRoutes({ ...d, plan: finalized });
    await answer(api, [r.plan, r.me, r.proposals, r.participants]);
    await waitUntil(() => part(el, "itinerary"), "never showed the itinerary");
    await rendered(el);
    expect(text(part(el, "status"))).to.equal("Finalized");
    expect(part(el, "deadline")).to.equal(null);
    await waitUntil(() => active() === find(el, "#itinerary-title"), "focus never moved to the itinerary");
    await expect(el).to.be.accessible();
  });

  it("shows the API's explanation when the plan cannot be loaded, and asks for nothing else", async () => {
    const api = new FakeApi();
    const client = api.client();
    realtime = fakeRealtime(client);
    const el = await fixture<GkPlanBoard>(
      html`<gk-plan-board .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-plan-board>`,
    );
    const failed = oneEvent(el, "gk-error");
    const detail = "You are not a participant of this plan.";
    await answer(
      api,
      firstScreen(planData()).map(([m, path]) => [m, path, 403, problem(403, "not_a_participant", detail)] as const),
    );
    expect((await failed).detail.code).to.equal("not_a_participant");
    await waitUntil(() => part(el, "error"), "never showed the error");
    expect(text(part(el, "error")!.querySelector("p"))).to.equal(detail);
    expect(realtime.subscriptions).to.equal(0);
    expect(api.requests).to.have.length(3);
    await expect(el).to.be.accessible();
  });

  describe("joining through an invite", () => {
    const CODE = "7m2q9xk4c8vhz1ntb5r3ds";
    const joinResult = (token: string) => ({
      token,
      expiresAt: "2030-07-01T00:00:00.000Z",
      plan: plan(),
      participant: participant(ME, "Grace"),
    });

    /** A board that builds its own client from attributes, over the fake API (the global fetch). */
    async function inviteBoard(api: FakeApi, remember = false) {
      globalThis.fetch = api.fetch as typeof fetch;
      realtime = fakeRealtime(api.client());
      return fixture<GkPlanBoard>(
        html`<gk-plan-board api-base="https://api.test" publishable-key="gk_pk_site" invite=${CODE} ?remember=${remember}></gk-plan-board>`,
      );
    }

    it("shows the join form, joins, keeps the token and shows the board", async () => {
      const api = new FakeApi();
      const el = await inviteBoard(api, true);
      const preview = await api.next();
      expect(preview.url.pathname).to.equal(`/v1/invites/${CODE}`);
      expect(new Headers(preview.init.headers).get("authorization")).to.equal("Bearer gk_pk_site");
      preview.respond(200, invitePreview());
      await waitUntil(() => find(el, "form.join-form"), "never showed the join form");
      expect(text(part(el, "title"))).to.equal("Join “Lisbon long weekend”");
      expect(text(part(el, "facts"))).to.match(/^Organized by Ana · .+ · Lisbon, Portugal · 2 people have joined$/);
      await expect(el).to.be.accessible();

      const joined = oneEvent(el, "gk-plan-joined");
      find<HTMLInputElement>(el, "#gk-join-name")!.focus();
      await sendKeys({ type: "Grace" });
      await sendKeys({ press: "Tab" });
      await sendKeys({ type: "grace@example.com" });
      await sendKeys({ press: "Enter" });
      const join = await api.next();
      expect(join.init.method).to.equal("POST");
      expect(join.url.pathname).to.equal(`/v1/invites/${CODE}/join`);
      expect(body(join)).to.deep.equal({ name: "Grace", email: "grace@example.com" });
      const token = participantToken(ME);
      join.respond(201, joinResult(token));
      expect((await joined).detail).to.deep.equal({ planId: PLAN_ID, participantId: ME });
      expect(el.token).to.equal(token);
      expect(el.plan).to.equal(PLAN_ID);
      expect(localStorage.getItem(`gatherkit:plan-token:${PLAN_ID}`)).to.equal(token);

      const requests = await answer(api, [...firstScreen(planData()), ...rest(planData())]);
      for (const r of requests) expect(new Headers(r.init.headers).get("authorization")).to.equal(`Bearer ${token}`);
      await waitUntil(() => part(el, "participant"), "never showed the board");
      await rendered(el);
      expect(text(part(el, "title"))).to.equal("Lisbon long weekend Planning");
      expect(parts(el, "participant").map(text)).to.contain("offline: Grace You");
      await expect(el).to.be.accessible();

      // Back on this device: straight to the board with the remembered token.
      const again = new FakeApi();
      const second = await inviteBoard(again, true);
      (await again.next()).respond(200, invitePreview());
      const loaded = await answer(again, firstScreen(planData()));
      expect(new Headers(loaded[0]!.init.headers).get("authorization")).to.equal(`Bearer ${token}`);
      await waitUntil(() => part(second, "board"), "never showed the board");
    });

    it("forgets a remembered token the API no longer accepts and asks to join again", async () => {
      localStorage.setItem(`gatherkit:plan-token:${PLAN_ID}`, participantToken(ME));
      const api = new FakeApi();
      const el = await inviteBoard(api, true);
      (await api.next()).respond(200, invitePreview());
      const requests = await answer(
        api,
        firstScreen(planData()).map(
          ([m, path]) => [m, path, 401, problem(401, "token_expired", "The token has expired. Get a new one.")] as const,
        ),
      );
      expect(new Headers(requests[0]!.init.headers).get("authorization")).to.equal(`Bearer ${participantToken(ME)}`);
      // Back to the invite: the join form, with the publishable key.
      const preview = await api.next();
      expect(preview.url.pathname).to.equal(`/v1/invites/${CODE}`);
      expect(new Headers(preview.init.headers).get("authorization")).to.equal("Bearer gk_pk_site");
      preview.respond(200, invitePreview());
      await waitUntil(() => find(el, "form.join-form"), "never asked to join again");
      expect(localStorage.getItem(`gatherkit:plan-token:${PLAN_ID}`)).to.equal(null);
      expect(el.token).to.equal(undefined);
      await expect(el).to.be.accessible();
    });

    it("shows why the invite cannot be used, and the API's refusal of a join", async () => {
      const api = new FakeApi();
      const used = await inviteBoard(api);
      (await api.next()).respond(200, invitePreview({ status: "exhausted" }));
      await waitUntil(() => part(used, "join"), "never showed the invite");
      expect(find(used, "form.join-form")).to.equal(null);
      expect(text(part(used, "form-error"))).to.equal(
        "This invite link has been used as many times as it allows. Ask the organizer for a new one.",
      );
      await expect(used).to.be.accessible();

      const api2 = new FakeApi();
      const el = await inviteBoard(api2);
      (await api2.next()).respond(200, invitePreview());
      await waitUntil(() => find(el, "form.join-form"), "never showed the join form");
      find<HTMLInputElement>(el, "#gk-join-name")!.focus();
      await sendKeys({ type: "Grace" });
      await sendKeys({ press: "Enter" });
      (await api2.next()).respond(409, problem(409, "invite_exhausted", "This invite has been used up."));
      await waitUntil(() => part(el, "form-error"), "never showed the refusal");
      expect(text(part(el, "form-error"))).to.equal("This invite has been used up.");
      expect(el.token).to.equal(undefined);
      expect(localStorage.length).to.equal(0);
      await expect(el).to.be.accessible();
    });
  });

  it("is registered once even when its module is evaluated again", async () => {
    const url = new URL("./plan-board.ts", import.meta.url);
    url.search = "?copy=2";
    const copy = (await import(/* @vite-ignore */ url.href)) as typeof import("./plan-board.js");
    expect(copy.GkPlanBoard === GkPlanBoard).to.equal(false);
    expect(customElements.get("gk-plan-board") === GkPlanBoard).to.equal(true);
  });
});
