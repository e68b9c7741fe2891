import type { Checkin, CheckinList, Order, Page } from "@gatherkit/core";
import { checkins } from "@gatherkit/db";
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkout, newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { addMember, expectProblem, expectStatus, newOrg, type TestMember, type TestOrg, twoOrgs } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { signedQrPayload } from "../qr.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
let staff: TestMember;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
  staff = await addMember(t, a, "staff");
});
afterAll(() => t.close());

/** A published event with a free type and a VIP type, and a paid (free) order of `n` tickets of each. */
async function setup(app: TestApp, org: TestOrg, n = 2) {
  const event = await newEvent(app, org);
  const ga = await newTicketType(app, org, event, { name: "General", price: 0 });
  const vip = await newTicketType(app, org, event, { name: "VIP", price: 0 });
  const order = await checkout(app, org, event, [
    { ticketTypeId: ga.id, quantity: n },
    { ticketTypeId: vip.id, quantity: n },
  ]);
  expect(order.status).toBe("paid");
  return { event, ga, vip, order };
}

const newList = async (app: TestApp, org: TestOrg, eventId: string, body: { name: string; ticketTypeIds?: string[] }) =>
  expectStatus<CheckinList>(await call(app, "POST", `/v1/events/${eventId}/checkin-lists`, { token: org.secretKey, body }), 201);
const scan = (app: TestApp, token: string, listId: string, code: string) =>
  call(app, "POST", `/v1/checkin-lists/${listId}/checkins`, { token, body: { code } });
const ticketsOf = (order: Order, typeId: string) => order.tickets.filter((x) => x.ticketTypeId === typeId);

describe("checking tickets in", () => {
  it("a code as typed (any case, spaces, no dashes) checks the ticket in once; the list counts it and shows who is in", async () => {
    const { event, ga, order } = await setup(t, a);
    const list = await newList(t, a, event.id, { name: "Main entrance" });
    expect(list).toMatchObject({ eventId: event.id, ticketTypeIds: null, checkedIn: 0, total: 4 });
    const ticket = ticketsOf(order, ga.id)[0]!;
    const typed = ticket.code.toLowerCase().replace(/-/g, " ");
    const done = expectStatus<Checkin>(await scan(t, staff.accessToken, list.id, typed), 201);
    expect(done).toMatchObject({
      listId: list.id,
      eventId: event.id,
      target: { type: "ticket", id: ticket.id, code: ticket.code, ticketTypeId: ga.id, orderId: order.id, name: "Grace Hopper" },
      checkedInBy: staff.member.userId,
      undoneAt: null,
    });
    expect(expectStatus<CheckinList>(await call(t, "GET", `/v1/checkin-lists/${list.id}`, { token: a.secretKey }), 200)).toMatchObject({
      checkedIn: 1,
      total: 4,
    });
    const again = expectProblem(await scan(t, a.secretKey, list.id, ticket.code), 409, "already_checked_in");
    expect(again.detail).toContain(done.checkedInAt);
    expect(again.detail).toContain(staff.email);
    const inside = expectStatus<Page<Checkin>>(
      await call(t, "GET", `/v1/checkin-lists/${list.id}/checkins`, { token: staff.accessToken }),
      200,
    );
    expect(inside.data.map((c) => c.id)).toEqual([done.id]);
    const found = await call(t, "GET", `/v1/checkin-lists/${list.id}/checkins?q=${ticket.code.slice(5, 9)}`, { token: a.secretKey });
    expect(expectStatus<Page<Checkin>>(found, 200).data).toHaveLength(1);
    const none = await call(t, "GET", `/v1/checkin-lists/${list.id}/checkins?q=nobody%25`, { token: a.secretKey });
    expect(expectStatus<Page<Checkin>>(none, 200).data).toHaveLength(0);
  });

  it("undo lets the ticket in again; undoing twice is 409 checkin_undone", async () => {
    const { event, ga, order } = await setup(t, a, 1);
    const list = await newList(t, a, event.id, { name: "Door" });
    const code = ticketsOf(order, ga.id)[0]!.code;
    const first = expectStatus<Checkin>(await scan(t, a.secretKey, list.id, code), 201);
    const undone = expectStatus<Checkin>(
      await call(t, "POST", `/v1/checkin-lists/${list.id}/checkins/${first.id}/undo`, { token: staff.accessToken }),
      200,
    );
    expect(undone).toMatchObject({ id: first.id, undoneBy: staff.member.userId });
    expect(undone.undoneAt).not.toBeNull();
    expectProblem(
      await call(t, "POST", `/v1/checkin-lists/${list.id}/checkins/${first.id}/undo`, { token: a.secretKey }),
      409,
      "checkin_undone",
    );
    const second = expectStatus<Checkin>(await scan(t, a.secretKey, list.id, code), 201);
    expect(second.id).not.toBe(first.id);
    const list2 = expectStatus<CheckinList>(await call(t, "GET", `/v1/checkin-lists/${list.id}`, { token: a.secretKey }), 200);
    expect(list2.checkedIn).toBe(1);
  });

  it("a list limited to some types refuses the others; another event's ticket and unknown codes are refused", async () => {
    const { event, ga, vip, order } = await setup(t, a, 1);
    const other = await setup(t, a, 1);
    const vipDoor = await newList(t, a, event.id, { name: "VIP door", ticketTypeIds: [vip.id] });
    expect(vipDoor.total).toBe(1);
    expectProblem(await scan(t, a.secretKey, vipDoor.id, ticketsOf(order, ga.id)[0]!.code), 422, "ticket_not_on_list");
    expectStatus(await scan(t, a.secretKey, vipDoor.id, ticketsOf(order, vip.id)[0]!.code), 201);
    expectProblem(await scan(t, a.secretKey, vipDoor.id, ticketsOf(other.order, other.vip.id)[0]!.code), 422, "ticket_not_on_list");
    expectProblem(await scan(t, a.secretKey, vipDoor.id, "AAAA-AAAA-AAAA"), 404, "ticket_not_found");
    expectProblem(await scan(t, a.secretKey, vipDoor.id, "not a code"), 404, "ticket_not_found");
    expectProblem(await scan(t, a.secretKey, vipDoor.id, ""), 400, "validation_failed");
    expectProblem(
      await call(t, "POST", `/v1/events/${event.id}/checkin-lists`, {
        token: a.secretKey,
        body: { name: "X", ticketTypeIds: [other.ga.id] },
      }),
      422,
      "unknown_ticket_type",
    );
  });

  it("a scanned QR payload checks its ticket in; an altered, truncated or forged one is 422 ticket_qr_invalid and checks nothing in", async () => {
    const { event, ga, vip, order } = await setup(t, a, 1);
    const other = await setup(t, a, 1);
    const list = await newList(t, a, event.id, { name: "Scanner" });
    const gaTicket = ticketsOf(order, ga.id)[0]!;
    const vipTicket = ticketsOf(order, vip.id)[0]!;
    const payload = await signedQrPayload(t.deps.config, event.id, gaTicket.code);
    // A signature for the VIP ticket pasted onto the GA code, one flipped signature character
    // (deterministically changed: an "A" becomes "B", anything else "A"), a truncated payload and
    // the right code claimed for this event with another event's signature.
    const vipPayload = await signedQrPayload(t.deps.config, event.id, vipTicket.code);
    const sigOf = (p: string) => p.slice(p.lastIndexOf(":") + 1);
    const head = payload.slice(0, payload.lastIndexOf(":") + 1);
    const sig = sigOf(payload);
    const tampered = [
      `${head}${sigOf(vipPayload)}`,
      `${head}${sig.slice(0, 10)}${sig[10] === "A" ? "B" : "A"}${sig.slice(11)}`,
      payload.slice(0, -1),
      `${head}${sigOf(await signedQrPayload(t.deps.config, other.event.id, gaTicket.code))}`,
      `gk1:${event.id}:${gaTicket.code.replace(/-/g, "")}:${sig}`.replace(/:([A-Z0-9]{12}):/, (_, c: string) => `:${c.toLowerCase()}:`),
    ];
    for (const bad of tampered) {
      expect(bad).not.toBe(payload);
      expectProblem(await scan(t, staff.accessToken, list.id, bad), 422, "ticket_qr_invalid");
    }
    expect(expectStatus<CheckinList>(await call(t, "GET", `/v1/checkin-lists/${list.id}`, { token: a.secretKey }), 200).checkedIn).toBe(0);
    // A genuine payload of another event's ticket is not for this list.
    const foreign = await signedQrPayload(t.deps.config, other.event.id, ticketsOf(other.order, other.ga.id)[0]!.code);
    expectProblem(await scan(t, staff.accessToken, list.id, foreign), 422, "ticket_not_on_list");
    const done = expectStatus<Checkin>(await scan(t, staff.accessToken, list.id, payload), 201);
    expect(done.target).toMatchObject({ id: gaTicket.id, code: gaTicket.code });
    expectProblem(await scan(t, staff.accessToken, list.id, payload), 409, "already_checked_in");
  });

  it("staff roles only: staff scan but do not make lists; keys for the public and participants are refused; another org sees 404", async () => {
    const { event, ga, order } = await setup(t, a, 1);
    expectProblem(
      await call(t, "POST", `/v1/events/${event.id}/checkin-lists`, { token: staff.accessToken, body: { name: "Door" } }),
      403,
      "permission_denied",
    );
    const list = await newList(t, a, event.id, { name: "Door" });
    const code = ticketsOf(order, ga.id)[0]!.code;
    expectProblem(await scan(t, a.publishableKey, list.id, code), 403, "permission_denied");
    expectProblem(await scan(t, a.participantToken, list.id, code), 403, "permission_denied");
    expectProblem(await scan(t, b.secretKey, list.id, code), 404, "not_found");
    expectProblem(await call(t, "GET", `/v1/checkin-lists/${list.id}/checkins`, { token: b.secretKey }), 404, "not_found");
    // b's own list does not find a's ticket either.
    const theirs = await setup(t, b, 1);
    const bList = await newList(t, b, theirs.event.id, { name: "Door" });
    expectProblem(await scan(t, b.secretKey, bList.id, code), 404, "ticket_not_found");
  });
});

describe("a concurrent double scan checks in once", () => {
  /** Scans one ticket `n` times at once; answers the statuses and the live check-in rows it left. */
  async function burst(app: TestApp, org: TestOrg, n: number) {
    const { event, ga, order } = await setup(app, org, 1);
    const list = await newList(app, org, event.id, { name: "Door" });
    const ticket = ticketsOf(order, ga.id)[0]!;
    const answers = await Promise.all(Array.from({ length: n }, () => scan(app, org.secretKey, list.id, ticket.code)));
    const [live] = await app.deps.db
      .select({ n: sql<number>`count(*)` })
      .from(checkins)
      .where(and(eq(checkins.listId, list.id), eq(checkins.targetId, ticket.id), isNull(checkins.undoneAt)));
    return { statuses: answers.map((r) => r.status), live: Number(live?.n) };
  }

  it("40 simultaneous scans of one ticket: one 201, 39 × 409 already_checked_in, one live check-in (three rounds)", async () => {
    for (let round = 0; round < 3; round++) {
      const { statuses, live } = await burst(t, a, 40);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(39);
      expect(live).toBe(1);
    }
  });

  it("control: without the one-live-check-in index the same burst checks the ticket in many times, and the test sees it", async () => {
    const ctl = await createTestApp();
    try {
      await ctl.deps.db.run(sql`DROP INDEX checkins_live`);
      const own = await newOrg(ctl);
      const { statuses, live } = await burst(ctl, own, 40);
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(1);
      expect(live).toBeGreaterThan(1);
    } finally {
      ctl.close();
    }
  });
});
