import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import type { Payment } from "@gatherkit/sdk";
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
  P,
  PLAN_ID,
  type PlanData,
  page,
  participantToken,
  planData,
  planRoutes,
} from "../../test/plans.js";
import { GkPlanMoney } from "./plan-money.js";

let realtime: ReturnType<typeof fakeRealtime>;
afterEach(() => {
  realtime?.restore();
  return emulateMedia({ colorScheme: "light" });
});

/** `<gk-plan-money>` placed alone for `viewer`: the plan and the viewer, then balances, payments and names. */
async function money(api: FakeApi, d: PlanData, viewer = ME) {
  const client = api.client();
  realtime = fakeRealtime(client);
  const el = await fixture<GkPlanMoney>(
    html`<gk-plan-money .client=${client} plan=${PLAN_ID} token=${participantToken(viewer)}></gk-plan-money>`,
  );
  const r = planRoutes(d, viewer);
  await answer(api, [r.plan, r.me]);
  await answer(api, [r.balances, r.payments, r.participants]);
  await waitUntil(() => part(el, "heading"), "the balances never loaded");
  await rendered(el);
  return el;
}

const row = (participantId: string, outstanding: number, pendingIn = 0, pendingOut = 0) => ({
  participantId,
  paid: 0,
  share: 0,
  sent: 0,
  received: 0,
  pendingOut,
  pendingIn,
  net: outstanding - pendingOut + pendingIn,
  outstanding,
  status: outstanding < 0 ? ("owes" as const) : outstanding > 0 ? ("owed" as const) : ("settled" as const),
});

const pending: Payment = {
  id: "pay_0000000001",
  planId: PLAN_ID,
  fromParticipantId: BEN,
  toParticipantId: ME,
  amount: 800,
  currency: "EUR",
  status: "pending",
  note: null,
  recordedByParticipantId: BEN,
  createdAt: "2030-06-01T10:00:00.000Z",
  receivedAt: null,
  cancelledAt: null,
};

describe("<gk-plan-money>", () => {
  it("shows who owes whom, in the viewer's words", async () => {
    const el = await money(
      new FakeApi(),
      planData({
        balances: {
          currency: "EUR",
          balances: [
            { ...row(ANA, 1250), paid: 3000, share: 1750 },
            { ...row(ME, -1250), share: 1250 },
          ],
          transfers: [{ fromParticipantId: ME, toParticipantId: ANA, amount: 1250 }],
        },
      }),
    );
    expect(parts(el, "transfer").map(text)).to.deep.equal(["You pay Ana €12.50 Mark as paid"]);
    expect(parts(el, "balance").map(text)).to.deep.equal(["Ana: is owed €12.50", "You: owe €12.50"]);
    expect(realtime.subscriptions).to.equal(1);
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: "dark" });
    await expect(el).to.be.accessible();
  });

  it("marks a settle-up transfer as paid and confirms a payment received, reloading balances after each", async () => {
    const api = new FakeApi();
    const el = await money(
      api,
      planData({
        balances: {
          currency: "EUR",
          balances: [row(ANA, 1250), row(ME, -1250, 800), row(BEN, 0, 0, 800)],
          transfers: [{ fromParticipantId: ME, toParticipantId: ANA, amount: 1250 }],
        },
        payments: [pending, { ...pending, id: "pay_0000000002", toParticipantId: ANA }],
      }),
    );
    // Only the viewer's own transfers get a button; only payments to the viewer wait for them.
    expect(find(el, ".mark-paid")).to.not.equal(null);
    expect(parts(el, "payment").map(text)).to.deep.equal(["Ben says they paid you €8.00 Confirm received"]);
    await expect(el).to.be.accessible();

    find(el, ".mark-paid")!.focus();
    await sendKeys({ press: "Enter" });
    const [created] = await answer(api, [
      [
        "POST",
        `${P}/payments`,
        201,
        { ...pending, id: "pay_0000000003", fromParticipantId: ME, toParticipantId: ANA, amount: 1250, recordedByParticipantId: ME },
      ],
      [
        "GET",
        `${P}/balances`,
        200,
        { currency: "EUR", balances: [row(ANA, 0, 1250), row(ME, 0, 800, 1250), row(BEN, 0, 0, 800)], transfers: [] },
      ],
      ["GET", `${P}/payments`, 200, page([pending])],
    ]);
    expect(body(created!)).to.deep.equal({ fromParticipantId: ME, toParticipantId: ANA, amount: 1250, currency: "EUR" });
    await waitUntil(() => !find(el, ".mark-paid"), "never reloaded the balances");
    await waitUntil(() => active() === find(el, "#money-title"), "focus never moved to the heading");

    find(el, ".confirm-received")!.focus();
    await sendKeys({ press: "Enter" });
    const detail = "Only the recipient or an organizer can confirm a payment.";
    const [refused] = await answer(api, [["PATCH", `${P}/payments/pay_0000000001`, 403, problem(403, "permission_denied", detail)]]);
    expect(body(refused!)).to.deep.equal({ status: "received" });
    await waitUntil(() => part(el, "form-error"), "never showed the refusal");
    expect(part(el, "form-error")!.getAttribute("role")).to.equal("alert");
    expect(text(part(el, "form-error"))).to.equal(detail);

    await sendKeys({ press: "Enter" });
    await answer(api, [
      ["PATCH", `${P}/payments/pay_0000000001`, 200, { ...pending, status: "received", receivedAt: "2030-06-02T10:00:00.000Z" }],
      ["GET", `${P}/balances`, 200, { currency: "EUR", balances: [], transfers: [] }],
      ["GET", `${P}/payments`, 200, page([{ ...pending, status: "received" }])],
    ]);
    await waitUntil(() => !part(el, "payment"), "never reloaded after confirming");

    // A payment recorded elsewhere reloads them too.
    realtime.send("plan.payment_changed", { payment: pending });
    await answer(api, [
      ["GET", `${P}/balances`, 200, { currency: "EUR", balances: [], transfers: [] }],
      ["GET", `${P}/payments`, 200, page([pending])],
    ]);
    await waitUntil(() => part(el, "payment"), "never reloaded on plan.payment_changed");
    await expect(el).to.be.accessible();
  });

  it("reloads balances when costs change, and names people who left", async () => {
    const api = new FakeApi();
    const el = await money(api, planData());
    expect(text(part(el, "heading")!.parentElement)).to.equal("Who owes whom Nobody owes anything yet.");
    realtime.send("plan.expense_changed", { planId: PLAN_ID, expenseId: "exp_0000000001", deleted: false });
    await answer(api, [
      [
        "GET",
        `${P}/balances`,
        200,
        {
          currency: "EUR",
          balances: [row(BEN, -500), row(ANA, 500)],
          transfers: [{ fromParticipantId: BEN, toParticipantId: ANA, amount: 500 }],
        },
      ],
      ["GET", `${P}/payments`, 200, page([])],
    ]);
    await waitUntil(() => part(el, "transfer"), "never reloaded the balances");
    expect(text(part(el, "transfer"))).to.equal("Ben pays Ana €5.00");
    realtime.send("plan.participant_changed", { planId: PLAN_ID, participantId: BEN, name: "Ben", role: "participant", removed: true });
    await rendered(el);
    expect(text(part(el, "transfer"))).to.equal("Ben pays Ana €5.00");
  });

  it("is registered once even when its module is evaluated again", async () => {
    const url = new URL("./plan-money.ts", import.meta.url);
    url.search = "?copy=2";
    const copy = (await import(/* @vite-ignore */ url.href)) as typeof import("./plan-money.js");
    expect(copy.GkPlanMoney === GkPlanMoney).to.equal(false);
    expect(customElements.get("gk-plan-money") === GkPlanMoney).to.equal(true);
  });
});
