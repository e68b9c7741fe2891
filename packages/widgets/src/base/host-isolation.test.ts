import { expect, fixture, fixtureCleanup, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { emulateMedia, setViewport } from "@web/test-runner-commands";
import { find, findAll, part, rendered } from "../../test/dom.js";
import { FakeApi, HEALTH } from "../../test/fake-api.js";
import { answerRoomWeek, nextApi, ROOM, SEARCH } from "../../test/fake-places.js";
import { answer, fakeRealtime, ME, PLAN_ID, participantToken, planData, planRoutes } from "../../test/plans.js";
import { realEvent, realGuestEvent } from "../../test/real-event.js";
import "../agenda/agenda.js";
import "../connection-check/connection-check.js";
import "../inbox/inbox.js";
import "../parking-map/parking-map.js";
import "../plan-board/plan-board.js";
import "../rsvp/rsvp.js";
import "../slot-picker/slot-picker.js";
import "../ticket-checkout/ticket-checkout.js";
import "../vote/vote.js";

let realtime: ReturnType<typeof fakeRealtime> | undefined;
afterEach(() => {
  realtime?.restore();
  realtime = undefined;
});

/**
 * Widgets on a hostile host page: a stylesheet that unsets everything with `!important`, shrinks
 * and stretches text, hides every button and input, and aims at the widgets' own elements (and at
 * `:host`, which a page cannot reach). Shadow DOM keeps the page's rules out of the widgets, and
 * the widgets' `:host` stops what would still be inherited (font, line height, colour, text
 * transforms, letter spacing, the page's root font size and colour scheme): each widget must look
 * the same as on a plain page — text sizes, fonts, colours, its buttons shown and clickable — and
 * still work.
 */
const HOSTILE = `
  * { all: unset !important; font-size: 3px !important; line-height: 40 !important; display: inline !important;
      box-sizing: content-box !important; color: rgb(255, 0, 0) !important; font-family: "Comic Sans MS", cursive !important;
      letter-spacing: 5px !important; word-spacing: 20px !important; text-transform: uppercase !important;
      font-weight: 900 !important; font-style: italic !important; white-space: pre !important; text-align: right !important;
      text-indent: 30px !important; color-scheme: dark !important; }
  html { font-size: 62.5% !important; }
  button, input, select, summary, [part] { display: none !important; }
  :host { display: none !important; color: rgb(255, 0, 0) !important; }
  gk-connection-check, gk-parking-map, gk-slot-picker, gk-plan-board, gk-ticket-checkout, gk-vote, gk-inbox, gk-rsvp, gk-agenda {
    font-size: 40px !important; line-height: 9 !important; color: rgb(0, 255, 0) !important; color-scheme: dark !important;
  }
`;

/** What a widget's elements look like: text and box metrics that must not depend on the page. */
function look(el: Element) {
  return findAll(el, "*")
    .filter((n) => !n.closest('[part~="map"]') && n.localName !== "style")
    .map((n) => {
      const c = getComputedStyle(n);
      return {
        node: `${n.localName}${n.getAttribute("part") ? `[${n.getAttribute("part")}]` : ""}`,
        fontSize: c.fontSize,
        lineHeight: c.lineHeight,
        fontFamily: c.fontFamily,
        fontWeight: c.fontWeight,
        fontStyle: c.fontStyle,
        color: c.color,
        background: c.backgroundColor,
        letterSpacing: c.letterSpacing,
        textTransform: c.textTransform,
        display: c.display,
        colorScheme: c.colorScheme,
      };
    });
}

/**
 * Every visible button (and grid cell, and label of a radio button) is shown, at least 24 × 24 CSS
 * px (WCAG 2.2's target size, 2.5.8), and is what a pointer at its centre hits.
 */
function expectButtonsUsable(el: Element, some = true) {
  const buttons = findAll<HTMLElement>(el, 'button, [role="gridcell"], label:has(input[type="radio"])').filter(
    (b) => !b.closest('[part~="map"]') && !b.closest("details:not([open])"),
  );
  if (some) expect(buttons.length, `${el.localName} shows no buttons`).to.be.greaterThan(0);
  for (const b of buttons) {
    const r = b.getBoundingClientRect();
    expect(r.width, `${b.textContent?.trim()} is too narrow to hit`).to.be.at.least(24);
    expect(r.height, `${b.textContent?.trim()} is too short to hit`).to.be.at.least(24);
    b.scrollIntoView({ block: "center" });
    const at = b.getBoundingClientRect();
    const hit = (b.getRootNode() as ShadowRoot).elementFromPoint(at.left + at.width / 2, at.top + at.height / 2);
    expect(hit === b || b.contains(hit), `${b.textContent?.trim()} is covered by ${hit?.localName}`).to.equal(true);
  }
}

interface Scenario {
  tag: string;
  /** Mounts the widget against a fake API and waits for its main state. */
  mount: (api: FakeApi) => Promise<HTMLElement>;
  /** Something a visitor does, and what must follow. */
  act: (el: HTMLElement, api: FakeApi) => Promise<void>;
}

const SCENARIOS: Scenario[] = [
  {
    tag: "gk-connection-check",
    mount: async (api) => {
      const el = await fixture<HTMLElement>(
        html`<gk-connection-check .client=${api.client()} publishable-key="gk_pk_site"></gk-connection-check>`,
      );
      (await api.next()).respond(503, { type: "about:blank", title: "Unavailable", status: 503, code: "unavailable", detail: "Down." });
      await waitUntil(() => part(el, "retry-button"), "no error view");
      return el;
    },
    act: async (el, api) => {
      (part(el, "retry-button") as HTMLButtonElement).click();
      (await api.next()).respond(200, HEALTH);
      await waitUntil(() => part(el, "status"), "Retry did not check again");
    },
  },
  {
    tag: "gk-parking-map",
    mount: async (api) => {
      const el = await fixture<HTMLElement>(
        html`<gk-parking-map .client=${api.client()} center="38.7107,-9.1366" start="2030-07-01T09:00:00.000Z"></gk-parking-map>`,
      );
      (await nextApi(api, /\/v1\/search\/places$/)).respond(200, SEARCH);
      await waitUntil(() => part(el, "list"), "the list never showed");
      return el;
    },
    act: async (el) => {
      (part(el, "book-button") as HTMLButtonElement).click();
      await waitUntil(() => part(el, "booking-form"), "Book did not open the form");
    },
  },
  {
    tag: "gk-slot-picker",
    mount: async (api) => {
      const el = await fixture<HTMLElement>(
        html`<gk-slot-picker .client=${api.client()} place=${ROOM.id} date="2030-07-01"></gk-slot-picker>`,
      );
      (await nextApi(api, /\/v1\/places\/plc_/)).respond(200, ROOM);
      await answerRoomWeek(api);
      await waitUntil(() => part(el, "grid"), "the grid never showed");
      return el;
    },
    act: async (el) => {
      (part(el, "slot") as HTMLElement).click();
      await waitUntil(() => part(el, "booking-form"), "a slot did not open the form");
    },
  },
  {
    // The board and its four elements (proposals with their vote controls, people, money, chat).
    tag: "gk-plan-board",
    mount: async (api) => {
      const client = api.client();
      realtime?.restore();
      realtime = fakeRealtime(client);
      const el = await fixture<HTMLElement>(
        html`<gk-plan-board .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-plan-board>`,
      );
      const d = planData();
      const r = planRoutes(d);
      await answer(api, [r.plan, r.me, r.proposals, r.participants, r.balances, r.payments, r.messages]);
      await waitUntil(
        () => part(el, "board") && !find(el, ":not(:defined)") && !find(el, '[role="progressbar"]'),
        "the board never loaded",
      );
      await rendered(el);
      return el;
    },
    act: async (el) => {
      const propose = find(el, "details.propose summary")!;
      propose.click();
      await waitUntil(() => find(el, 'details.propose[open] [part~="input"]'), "Propose something did not open its form");
    },
  },
  {
    tag: "gk-vote",
    mount: async (api) => {
      const client = api.client();
      realtime?.restore();
      realtime = fakeRealtime(client);
      const el = await fixture<HTMLElement>(html`<gk-vote .client=${client} plan=${PLAN_ID} token=${participantToken(ME)}></gk-vote>`);
      const r = planRoutes(planData());
      await answer(api, [r.plan, r.me, r.proposals]);
      await waitUntil(() => find(el, 'input[type="radio"]'), "the poll never loaded");
      await rendered(el);
      return el;
    },
    act: async (el) => {
      // A vote shows at once (the API's answer is left pending).
      const no = findAll<HTMLInputElement>(el, 'input[type="radio"][value="no"]')[0]!;
      no.click();
      await waitUntil(() => no.checked && no.closest('[part~="vote-option-checked"]'), "the vote did not show");
    },
  },
  {
    tag: "gk-inbox",
    mount: async (api) => {
      const el = await fixture<HTMLElement>(html`<gk-inbox .client=${api.client()}></gk-inbox>`);
      const item = {
        id: "ntf_00000000000000000001",
        kind: "plan_cancelled",
        title: "Trip 1 was cancelled",
        body: "The organizer cancelled it.",
        link: null,
        subjectId: null,
        readAt: null,
        createdAt: "2030-01-01T10:00:00.000Z",
      };
      (await nextApi(api, /\/v1\/inbox\/unread$/)).respond(200, { unread: 1, recipientId: "ptc_0123456789abcdefghjk" });
      (await nextApi(api, /\/v1\/inbox$/)).respond(200, { data: [item], nextCursor: null });
      await waitUntil(() => part(el, "item"), "the inbox never loaded");
      await rendered(el);
      return el;
    },
    act: async (el, api) => {
      const mark = findAll<HTMLButtonElement>(el, "button").find((b) => b.textContent?.includes("Mark read"))!;
      mark.click();
      const r = await nextApi(api, /\/read$/);
      expect(r.init.method).to.equal("POST");
    },
  },
  {
    tag: "gk-rsvp",
    mount: async () => {
      const api = await realGuestEvent();
      const el = await fixture<HTMLElement>(
        html`<gk-rsvp api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId} guest-token=${api.guests.bo}></gk-rsvp>`,
      );
      await waitUntil(() => find(el, 'input[name="answer"]'), "the RSVP never loaded", { timeout: 30_000 });
      await rendered(el);
      return el;
    },
    act: async (el) => {
      const answer = findAll<HTMLInputElement>(el, 'input[name="answer"]')[1]!;
      answer.click();
      await waitUntil(() => answer.checked, "choosing an answer did not take");
    },
  },
  {
    tag: "gk-agenda",
    mount: async () => {
      const api = await realGuestEvent();
      // Sign-ups are for guests who are going: Ada answers yes first, as the invitation page would.
      const res = await fetch(`${api.apiBase}/v1/events/${api.eventId}/invitation/${api.guests.ada}/rsvp`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ answer: "yes" }),
      });
      expect(res.ok, `RSVP failed: ${res.status}`).to.equal(true);
      const el = await fixture<HTMLElement>(
        html`<gk-agenda api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId} guest-token=${api.guests.ada}></gk-agenda>`,
      );
      await waitUntil(() => findAll(el, '[part~="session"]').length === 2, "the agenda never loaded", { timeout: 30_000 });
      await rendered(el);
      return el;
    },
    act: async (el) => {
      const pick = find<HTMLButtonElement>(el, '[part~="pick-button"]:not([disabled])')!;
      pick.click();
      await waitUntil(
        () => find(el, '[part~="pick-button"][aria-pressed="true"]') || part(el, "form-error"),
        "Add to my agenda did nothing",
        {
          timeout: 20_000,
        },
      );
      expect(part(el, "form-error"), `refused: ${part(el, "form-error")?.textContent}`).to.equal(null);
    },
  },
  {
    tag: "gk-ticket-checkout",
    mount: async () => {
      const api = await realEvent();
      const el = await fixture<HTMLElement>(
        html`<gk-ticket-checkout api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId}></gk-ticket-checkout>`,
      );
      await waitUntil(() => part(el, "checkout") && part(el, "price"), "the checkout never loaded", { timeout: 30_000 });
      await rendered(el);
      return el;
    },
    act: async (el) => {
      const more = find<HTMLButtonElement>(el, '[part~="stepper"] button:last-of-type')!;
      more.click();
      await waitUntil(() => find(el, "form > p")?.textContent?.includes("1"), "+ did not add a ticket");
    },
  },
];

describe("widgets on a hostile host page", function () {
  this.timeout(120_000);
  let sheet: HTMLStyleElement | undefined;
  before(() => setViewport({ width: 900, height: 900 }));
  afterEach(async () => {
    sheet?.remove();
    sheet = undefined;
    await emulateMedia({ colorScheme: "light" });
  });

  for (const s of SCENARIOS) {
    it(`<${s.tag}> looks and works the same under the page's aggressive stylesheet`, async () => {
      const plain = look(await s.mount(new FakeApi()));
      fixtureCleanup();

      sheet = document.createElement("style");
      sheet.textContent = HOSTILE;
      document.head.append(sheet);
      const api = new FakeApi();
      const el = await s.mount(api);
      const hostile = look(el);
      expect(hostile.map((n) => n.node)).to.deep.equal(plain.map((n) => n.node));
      const changed = hostile.flatMap((n, i) => (JSON.stringify(n) === JSON.stringify(plain[i]) ? [] : [{ plain: plain[i], hostile: n }]));
      expect(changed.slice(0, 3), `${changed.length} elements look different`).to.deep.equal([]);
      expectButtonsUsable(el);
      await s.act(el, api);
      expectButtonsUsable(el, false);
      await expect(el).to.be.accessible();
    });
  }
});

describe("the color-scheme knob", function () {
  this.timeout(60_000);
  afterEach(() => emulateMedia({ colorScheme: "light" }));

  const surface = (el: Element) =>
    getComputedStyle(part(el, "body") ?? part(el, "frame") ?? el.shadowRoot!.firstElementChild!).backgroundColor;
  const LIGHT = "rgb(255, 255, 255)";
  const DARK = "rgb(23, 25, 30)";

  for (const s of SCENARIOS.filter((x) => !["gk-ticket-checkout", "gk-rsvp", "gk-agenda"].includes(x.tag))) {
    it(`<${s.tag}>: light and dark hold whatever the system says, auto follows it, each accessible`, async () => {
      const el = await s.mount(new FakeApi());
      // auto (no attribute): the system's setting.
      expect(surface(el)).to.equal(LIGHT);
      await emulateMedia({ colorScheme: "dark" });
      expect(surface(el)).to.equal(DARK);
      await expect(el).to.be.accessible();
      // A light page on a dark system keeps light widgets.
      el.setAttribute("color-scheme", "light");
      expect(surface(el)).to.equal(LIGHT);
      expect(getComputedStyle(el).colorScheme).to.equal("light");
      await expect(el).to.be.accessible();
      // And a dark page on a light system dark ones, its native controls too.
      await emulateMedia({ colorScheme: "light" });
      (el as HTMLElement & { colorScheme?: string }).colorScheme = "dark";
      await (el as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
      expect(el.getAttribute("color-scheme")).to.equal("dark");
      expect(surface(el)).to.equal(DARK);
      expect(getComputedStyle(el).colorScheme).to.equal("dark");
      await expect(el).to.be.accessible();
      el.setAttribute("color-scheme", "auto");
      expect(surface(el)).to.equal(LIGHT);
    });
  }
});
