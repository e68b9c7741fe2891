import type { Checkin, CheckinList, Order, PublishedEvent } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkout, eventMessages, newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, type TestOrg, twoOrgs } from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";

// A check-in (and its undo) tells the event's room how many are in on that list, through the
// outbox row written in the same batch as the check-in: the door's second phone and the
// dashboard's event page see the count move. The message carries a count only.

let t: TestApp;
let a: TestOrg;
beforeAll(async () => {
  ({ t, a } = await twoOrgs());
});
afterAll(() => t.close());

type CheckinsChanged = Extract<PublishedEvent, { type: "event.checkins_changed" }>;
const checkinMessages = async (event: { id: string }) =>
  (await eventMessages(t, event)).filter((m): m is CheckinsChanged => m.type === "event.checkins_changed");

async function setup(n: number) {
  const event = await newEvent(t, a);
  const ga = await newTicketType(t, a, event, { name: "General", price: 0 });
  const order: Order = await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: n }]);
  const list = expectStatus<CheckinList>(
    await call(t, "POST", `/v1/events/${event.id}/checkin-lists`, { token: a.secretKey, body: { name: "Door" } }),
    201,
  );
  return { event, order, list };
}
const scan = (listId: string, code: string) =>
  call(t, "POST", `/v1/checkin-lists/${listId}/checkins`, { token: a.secretKey, body: { code } });

describe("check-ins in the event's room", () => {
  it("each check-in and undo publishes the list's live count, without names or codes; a refused scan publishes nothing", async () => {
    const { event, order, list } = await setup(2);
    const [one, two] = order.tickets;
    expect(await checkinMessages(event)).toEqual([]);
    const first = expectStatus<Checkin>(await scan(list.id, one!.code), 201);
    expectStatus(await scan(list.id, two!.code), 201);
    expectProblem(await scan(list.id, one!.code), 409, "already_checked_in");
    expectStatus(await call(t, "POST", `/v1/checkin-lists/${list.id}/checkins/${first.id}/undo`, { token: a.secretKey }), 200);
    expectProblem(
      await call(t, "POST", `/v1/checkin-lists/${list.id}/checkins/${first.id}/undo`, { token: a.secretKey }),
      409,
      "checkin_undone",
    );
    const messages = await checkinMessages(event);
    expect(messages.map((m) => m.data)).toEqual([
      { eventId: event.id, listId: list.id, checkedIn: 1 },
      { eventId: event.id, listId: list.id, checkedIn: 2 },
      { eventId: event.id, listId: list.id, checkedIn: 1 },
    ]);
    const text = JSON.stringify(messages);
    for (const secret of [one!.code, two!.code, order.buyer.name, order.buyer.email, one!.id, order.id]) expect(text).not.toContain(secret);
  });

  it("the outbox row is written in the same batch as the check-in (and as the undo)", async () => {
    const { event, order, list } = await setup(1);
    const spy = vi.spyOn(t.deps.db, "batch");
    let batches: string[][];
    try {
      const done = expectStatus<Checkin>(await scan(list.id, order.tickets[0]!.code), 201);
      expectStatus(await call(t, "POST", `/v1/checkin-lists/${list.id}/checkins/${done.id}/undo`, { token: a.secretKey }), 200);
      batches = spy.mock.calls.map(([statements]) => statements.map((s) => (s as unknown as { toSQL(): { sql: string } }).toSQL().sql));
    } finally {
      spy.mockRestore();
    }
    const writes = batches.filter((b) => b.some((s) => /^(insert into|update) "checkins"/.test(s)));
    expect(writes).toHaveLength(2);
    for (const b of writes) expect(b.some((s) => s.startsWith(`insert into "outbox"`) && s.includes("event.checkins_changed"))).toBe(true);
    expect((await checkinMessages(event)).map((m) => m.data.checkedIn)).toEqual([1, 0]);
  });

  it("20 simultaneous scans of one ticket publish one message (the one that checked it in)", async () => {
    const { event, order, list } = await setup(1);
    const answers = await Promise.all(Array.from({ length: 20 }, () => scan(list.id, order.tickets[0]!.code)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    expect((await checkinMessages(event)).map((m) => m.data.checkedIn)).toEqual([1]);
  });
});
