import type { EventSession } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, TEST_ORIGIN, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  other = await newOrg(t);
});
afterAll(() => t.close());

const page = { origin: TEST_ORIGIN };
// The fixture event runs 2030-07-02 19:30–22:30 UTC.
const keynote = {
  title: "Opening keynote",
  startsAt: "2030-07-02T19:30:00Z",
  endsAt: "2030-07-02T20:15:00Z",
  room: "Main hall",
  track: "Main",
  speakers: [{ name: "Grace Hopper", bio: "Admiral.", photoUrl: "https://example.com/grace.jpg" }],
};

describe("the agenda", () => {
  it("holds sessions in time order with room, track and speakers, public once the event is published", async () => {
    const event = await newEvent(t, org, { publish: false });
    const post = (body: unknown) => call(t, "POST", `/v1/events/${event.id}/sessions`, { token: org.secretKey, body });
    const late = expectStatus<EventSession>(
      await post({ ...keynote, title: "Closing", startsAt: "2030-07-02T22:00:00Z", endsAt: "2030-07-02T22:30:00Z", speakers: [] }),
      201,
    );
    const first = expectStatus<EventSession>(await post(keynote), 201);
    expect(first).toMatchObject({
      title: "Opening keynote",
      room: "Main hall",
      track: "Main",
      speakers: [{ name: "Grace Hopper", bio: "Admiral." }],
    });
    const read = (token: string, headers?: Record<string, string>) => call(t, "GET", `/v1/events/${event.id}/sessions`, { token, headers });
    expect(expectStatus<{ data: EventSession[] }>(await read(org.secretKey), 200).data.map((s) => s.id)).toEqual([first.id, late.id]);
    // Not public while the event is a draft.
    expectProblem(await read(org.publishableKey, page), 404, "not_found");
    expectStatus(await call(t, "POST", `/v1/events/${event.id}/publish`, { token: org.secretKey }), 200);
    expect(expectStatus<{ data: EventSession[] }>(await read(org.publishableKey, page), 200).data).toHaveLength(2);
    expectStatus(await call(t, "GET", `/v1/events/${event.id}/sessions/${first.id}`, { token: org.publishableKey, headers: page }), 200);
    // The public cannot change it; another organization does not see it.
    expectProblem(
      await call(t, "POST", `/v1/events/${event.id}/sessions`, { token: org.publishableKey, headers: page, body: keynote }),
      403,
      "permission_denied",
    );
    expectProblem(await read(other.secretKey), 404, "not_found");
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/sessions/${first.id}`, { token: other.secretKey }), 404, "not_found");
    expectProblem(await call(t, "DELETE", `/v1/events/${event.id}/sessions/${first.id}`, { token: other.secretKey }), 404, "not_found");
  });

  it("refuses sessions outside the event's time or ending before they start", async () => {
    const event = await newEvent(t, org);
    const post = (body: unknown) => call(t, "POST", `/v1/events/${event.id}/sessions`, { token: org.secretKey, body });
    expectProblem(await post({ ...keynote, startsAt: "2030-07-02T19:00:00Z" }), 422, "session_outside_event");
    expectProblem(await post({ ...keynote, endsAt: "2030-07-02T23:00:00Z" }), 422, "session_outside_event");
    expectProblem(await post({ ...keynote, endsAt: "2030-07-02T19:30:00Z" }), 400, "validation_failed");
    expectProblem(await post({ ...keynote, speakers: [{ name: "X", photoUrl: "javascript:alert(1)" }] }), 400, "validation_failed");
    expectProblem(await post({ ...keynote, startsAt: "tomorrow" }), 400, "validation_failed");
    const s = expectStatus<EventSession>(await post(keynote), 201);
    const patch = (body: unknown) => call(t, "PATCH", `/v1/events/${event.id}/sessions/${s.id}`, { token: org.secretKey, body });
    // Moving only the start past the stored end is caught too.
    expectProblem(await patch({ startsAt: "2030-07-02T21:00:00Z" }), 400, "validation_failed");
    expectProblem(await patch({ endsAt: "2030-07-03T00:00:00Z" }), 422, "session_outside_event");
    const moved = expectStatus<EventSession>(
      await patch({ startsAt: "2030-07-02T20:00:00Z", endsAt: "2030-07-02T21:00:00Z", room: null }),
      200,
    );
    expect(moved).toMatchObject({ startsAt: "2030-07-02T20:00:00.000Z", room: null, track: "Main" });
    expectStatus(await call(t, "DELETE", `/v1/events/${event.id}/sessions/${s.id}`, { token: org.secretKey }), 204);
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/sessions/${s.id}`, { token: org.secretKey }), 404, "not_found");
  });
});
