import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import type { Gatherkit } from "@gatherkit/sdk";
import { FakeApi } from "../../test/fake-api.js";
import { answer, fakeRealtime, ME, PLAN_ID, page, participantToken, plan, proposal, tally } from "../../test/plans.js";
import type { GkVote } from "./vote.js";
import "./vote.js";

/**
 * The plan widgets' shared table in use: `<gk-vote>` in French (from a `lang` ancestor) and in
 * Arabic (right to left), with the countdown through `Intl.RelativeTimeFormat` — axe-clean.
 */
const text = (node: Element | null) => node!.textContent!.replace(/\s+/g, " ").trim();
const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const PLAN_PATH = `/v1/plans/${PLAN_ID}`;

let realtime: ReturnType<typeof fakeRealtime> | undefined;
afterEach(() => realtime?.restore());

async function mount(lang: { wrapper?: string; locale?: string }, ready: (el: GkVote) => boolean): Promise<GkVote> {
  const api = new FakeApi();
  const client: Gatherkit = api.client();
  realtime = fakeRealtime(client);
  const host = await fixture<HTMLElement>(
    html`<div lang=${lang.wrapper ?? "en"}><gk-vote .client=${client} plan=${PLAN_ID} token=${participantToken(ME)} locale=${lang.locale ?? ""}></gk-vote></div>`,
  );
  const el = host.querySelector<GkVote>("gk-vote")!;
  const deadline = new Date(Date.now() + 2 * 86_400_000 + 60_000).toISOString();
  await answer(api, [
    ["GET", PLAN_PATH, 200, plan({ title: "Quelle date ?", votingDeadline: deadline, timeZone: "Europe/Paris" })],
    ["GET", `${PLAN_PATH}/me`, 200, { participantId: ME, role: "participant", staff: false }],
    [
      "GET",
      `${PLAN_PATH}/proposals`,
      200,
      page([proposal({ id: "prop_a000000000", title: "Vendredi", tally: tally("prop_a000000000", { yes: 1 }), myVote: "yes" })]),
    ],
  ]);
  await waitUntil(() => part(el, "poll") && ready(el), `never showed the poll in that language: ${el.shadowRoot!.textContent}`);
  await el.updateComplete;
  return el;
}

describe("<gk-vote> in the host's language", () => {
  it("speaks French from an ancestor's lang: deadline, countdown, vote labels", async () => {
    const el = await mount({ wrapper: "fr" }, (el) => text(part(el, "deadline")).startsWith("Le vote se termine"));
    // Two days ahead, French says "après-demain" (Intl.RelativeTimeFormat with numeric: "auto").
    expect(text(part(el, "deadline"))).to.match(/^Le vote se termine le .+ \(après-demain\)\.$/);
    expect([...el.shadowRoot!.querySelectorAll('[part~="vote-option"]')].map(text)).to.deep.equal(["Oui", "Peut-être", "Non"]);
    expect(text(el.shadowRoot!.querySelector(".vote-legend"))).to.equal("Votre vote sur Vendredi");
    await expect(el).to.be.accessible();
  });

  it("lays out right to left in Arabic, accessibly", async () => {
    const el = await mount({ locale: "ar" }, (el) => text(el.shadowRoot!.querySelector(".vote-legend")).startsWith("صوتك"));
    expect(el.getAttribute("dir")).to.equal("rtl");
    expect(getComputedStyle(part(el, "poll")!).direction).to.equal("rtl");
    await expect(el).to.be.accessible();
  });
});
