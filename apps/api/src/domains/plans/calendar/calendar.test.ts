import type { Plan } from "@gatherkit/core";
import { plans, proposals } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectPublished, expectStatus, type TestOrg, twoOrgs } from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { joinPlan, newPlan } from "../../../../test/plan-fixtures.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
});
afterAll(() => t.close());

/** The path and query of a plan's calendarUrl (the harness calls the app in-process). */
const feedPath = (plan: Plan) => {
  const url = new URL(plan.calendarUrl!);
  return `${url.pathname}${url.search}`;
};
const fetchFeed = (path: string, headers: Record<string, string> = {}) => t.fetch(`http://api.test${path}`, { headers });

let seq = 0;
/** Proposals belong to the proposals routes; the feed only reads them, so write them directly. */
async function addProposal(plan: Plan, fields: Partial<typeof proposals.$inferInsert>) {
  const at = Date.now();
  const id = `prop_calendar${String(++seq).padStart(11, "0")}`;
  await t.deps.db
    .insert(proposals)
    .values({ id, orgId: a.org.id, planId: plan.id, title: `Item ${seq}`, createdAt: at, updatedAt: at, ...fields });
  return id;
}

describe("calendar feed", () => {
  it("serves the plan's dates and its selected, timed proposals as iCalendar, by the token in calendarUrl alone", async () => {
    const plan = await newPlan(t, a, { title: "Lisbon, again; with friends", location: { name: "Lisbon" } });
    const sail = await addProposal(plan, {
      title: "Sunset sailing",
      status: "selected",
      startsAt: Date.parse("2030-07-02T17:00:00Z"),
      endsAt: Date.parse("2030-07-02T19:30:00Z"),
      costKind: "per_person",
      costAmount: 4500,
      costCurrency: "EUR",
      url: "https://example.com/sail",
    });
    const museum = await addProposal(plan, { title: "Tile museum", status: "selected", startsAt: Date.parse("2030-07-02T10:00:00Z") });
    await addProposal(plan, { title: "Undated but selected", status: "selected" });
    await addProposal(plan, { title: "Still proposed", status: "proposed", startsAt: Date.parse("2030-07-03T10:00:00Z") });
    await addProposal(plan, { title: "Rejected", status: "rejected", startsAt: Date.parse("2030-07-03T12:00:00Z") });

    const res = await fetchFeed(feedPath(plan)); // no Authorization: calendar apps cannot send one
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const ics = await res.text();
    // Every line ends with CRLF, none longer than 75 octets.
    expect(ics.endsWith("\r\n")).toBe(true);
    const lines = ics.slice(0, -2).split("\r\n");
    expect(lines.every((l) => !l.includes("\n") && new TextEncoder().encode(l).length <= 75)).toBe(true);
    expect(lines[0]).toBe("BEGIN:VCALENDAR");

    const cal = new ICAL.Component(ICAL.parse(ics));
    const events = cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    // One all-day event for the plan's dates, then one per selected proposal with a start time, in time order.
    expect(events.map((e) => e.uid)).toEqual([`${plan.id}@gatherkit.dev`, `${museum}@gatherkit.dev`, `${sail}@gatherkit.dev`]);
    expect(events[0]?.summary).toBe("Lisbon, again; with friends");
    expect(events[0]?.startDate.toString()).toBe("2030-07-01");
    expect(events[0]?.endDate.toString()).toBe("2030-07-05"); // exclusive: the day after 2030-07-04
    expect(events[2]).toMatchObject({ summary: "Sunset sailing", location: "Lisbon" });
    expect(events[2]?.startDate.toJSDate().toISOString()).toBe("2030-07-02T17:00:00.000Z");
    expect(events[2]?.endDate.toJSDate().toISOString()).toBe("2030-07-02T19:30:00.000Z");
    expect(events[2]?.description).toContain("per person");
    expect(cal.getAllSubcomponents("vevent").map((v) => v.getFirstPropertyValue("status"))).toEqual([
      "TENTATIVE",
      "TENTATIVE",
      "TENTATIVE",
    ]);
  });

  it("follows the plan: a cancelled plan's events say CANCELLED", async () => {
    const plan = await newPlan(t, a);
    await addProposal(plan, { status: "selected", startsAt: Date.parse("2030-07-02T10:00:00Z") });
    expectStatus(await call(t, "POST", `/v1/plans/${plan.id}/cancel`, { token: a.secretKey }), 200);
    const cal = new ICAL.Component(ICAL.parse(await (await fetchFeed(feedPath(plan))).text()));
    expect(cal.getAllSubcomponents("vevent").map((v) => v.getFirstPropertyValue("status"))).toEqual(["CANCELLED", "CANCELLED"]);
  });

  it("is in every reader's view of the plan: each participant's own URL, staff the plan's, different per plan", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    const bob = await joinPlan(t, a, plan, "Bob");
    const asAda = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token }), 200);
    const asBob = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: bob.token }), 200);
    expect(ada.result.plan.calendarUrl).toBe(asAda.calendarUrl);
    expect(new Set([plan.calendarUrl, asAda.calendarUrl, asBob.calendarUrl]).size).toBe(3);
    for (const p of [plan, asAda, asBob]) expect((await fetchFeed(feedPath(p))).status).toBe(200);
    // The same URL in the plan list and after a change the participant makes or sees.
    const listed = expectStatus<{ data: Plan[] }>(await call(t, "GET", "/v1/plans", { token: ada.token }), 200);
    expect(listed.data.find((p) => p.id === plan.id)?.calendarUrl).toBe(asAda.calendarUrl);
    const other = await newPlan(t, a);
    expect(other.calendarUrl).not.toBe(plan.calendarUrl);
  });

  it("a participant's own URL stops working when they are removed (the others' keep working)", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    const bob = await joinPlan(t, a, plan, "Bob");
    const adaUrl = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token }), 200);
    const bobUrl = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: bob.token }), 200);
    expect((await fetchFeed(feedPath(adaUrl))).status).toBe(200);
    expectStatus(await call(t, "DELETE", `/v1/plans/${plan.id}/participants/${ada.participantId}`, { token: a.secretKey }), 204);
    expect((await fetchFeed(feedPath(adaUrl))).status).toBe(404);
    expect((await fetchFeed(feedPath(bobUrl))).status).toBe(200);
    expect((await fetchFeed(feedPath(plan))).status).toBe(200);
    // Brought back, they get a new URL; the old one stays dead.
    expectStatus(
      await call(t, "POST", `/v1/plans/${plan.id}/participants`, { token: a.secretKey, body: { participantId: ada.participantId } }),
      201,
    );
    const back = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token }), 200);
    expect(back.calendarUrl).not.toBe(adaUrl.calendarUrl);
    expect((await fetchFeed(feedPath(adaUrl))).status).toBe(404);
    expect((await fetchFeed(feedPath(back))).status).toBe(200);
  });

  it("answers 404 for a missing or wrong token, another plan's token, or a plan without a feed", async () => {
    const plan = await newPlan(t, a);
    const other = await newPlan(t, b);
    const token = new URL(plan.calendarUrl!).searchParams.get("token")!;
    const otherToken = new URL(other.calendarUrl!).searchParams.get("token")!;
    const status = async (path: string) => {
      const r = await call(t, "GET", path);
      return { status: r.status, code: r.body?.code, type: r.headers.get("content-type") };
    };
    const notFound = { status: 404, code: "not_found", type: "application/problem+json" };
    expect(await status(`/v1/plans/${plan.id}/calendar.ics?token=${"0".repeat(32)}`)).toEqual(notFound);
    expect(await status(`/v1/plans/${plan.id}/calendar.ics?token=${otherToken}`)).toEqual(notFound);
    expect(await status(`/v1/plans/${other.id}/calendar.ics?token=${token}`)).toEqual(notFound);
    expect(await status(`/v1/plans/plan_00000000000000000000/calendar.ics?token=${token}`)).toEqual(notFound);
    expect(await status(`/v1/plans/${plan.id}/calendar.ics`)).toEqual(notFound);
    expect(await status(`/v1/plans/${plan.id}/calendar.ics?token=${token}%20`)).toEqual(notFound);

    // A plan without a feed token has no calendarUrl and no feed.
    await t.deps.db.update(plans).set({ calendarToken: null }).where(eq(plans.id, plan.id));
    expect(expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: a.secretKey }), 200).calendarUrl).toBeNull();
    expect(await status(`/v1/plans/${plan.id}/calendar.ics?token=${token}`)).toEqual(notFound);
  });
});

describe("replacing the calendar URL", () => {
  it("gives organizers a new URL, retires the old one, and tells the room", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    expect((await fetchFeed(feedPath(plan))).status).toBe(200);
    expectProblem(await call(t, "POST", `/v1/plans/${plan.id}/calendar/rotate`, { token: ada.token }), 403, "organizer_required");
    expectProblem(await call(t, "POST", `/v1/plans/${plan.id}/calendar/rotate`, { token: b.secretKey }), 404, "not_found");
    const adaBefore = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token }), 200);
    const rotated = expectStatus<Plan>(await call(t, "POST", `/v1/plans/${plan.id}/calendar/rotate`, { token: a.secretKey }), 200);
    expect(rotated.calendarUrl).not.toBe(plan.calendarUrl);
    expect((await fetchFeed(feedPath(plan))).status).toBe(404);
    expect((await fetchFeed(feedPath(rotated))).status).toBe(200);
    // Every participant's URL is replaced too.
    expect((await fetchFeed(feedPath(adaBefore))).status).toBe(404);
    const adaAfter = expectStatus<Plan>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token }), 200);
    expect(adaAfter.calendarUrl).not.toBe(adaBefore.calendarUrl);
    expect((await fetchFeed(feedPath(adaAfter))).status).toBe(200);
    // The room hears that the plan changed, but never the secret feed URL: readers fetch it.
    await expectPublished(t, `plan:${plan.id}`, { type: "plan.updated", data: { plan: { ...rotated, calendarUrl: null } } });
  });

  it("after someone is removed, the rotated feed URL reaches no room, and the removal disconnects them", async () => {
    const plan = await newPlan(t, a);
    const ada = await joinPlan(t, a, plan, "Ada");
    expectStatus(await call(t, "DELETE", `/v1/plans/${plan.id}/participants/${ada.participantId}`, { token: a.secretKey }), 204);
    const rotated = expectStatus<Plan>(await call(t, "POST", `/v1/plans/${plan.id}/calendar/rotate`, { token: a.secretKey }), 200);
    await expectPublished(t, `plan:${plan.id}`, { type: "plan.updated", data: { plan: { ...rotated, calendarUrl: null } } });
    const token = new URL(rotated.calendarUrl!).searchParams.get("token")!;
    const bob = await joinPlan(t, a, plan, "Bob");
    const bobToken = new URL(bob.result.plan.calendarUrl!).searchParams.get("token")!;
    await expectPublished(t, `plan:${plan.id}`, {
      type: "plan.participant_changed",
      data: { planId: plan.id, participantId: bob.participantId, name: "Bob", role: "participant", removed: false },
    });
    const sent = t.deliveries.filter((d) => d.room === `plan:${plan.id}`);
    expect(sent.length).toBeGreaterThan(0);
    for (const d of sent) {
      expect(JSON.stringify(d)).not.toContain(token);
      expect(JSON.stringify(d)).not.toContain(bobToken);
      expect(JSON.stringify(d)).not.toContain("calendar.ics");
    }
    const removal = sent.find(
      (d) => d.event.type === "plan.participant_changed" && d.event.data.participantId === ada.participantId && d.event.data.removed,
    );
    expect(removal?.disconnect).toEqual([ada.participantId]);
  });
});
