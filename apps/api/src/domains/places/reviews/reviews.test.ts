import type { Booking, Place, Review } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParticipantToken, expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { asVisitor, booked, newPlace } from "../../../../test/place-fixtures.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let clock = Date.UTC(2030, 5, 3, 8);

beforeAll(async () => {
  t = await createTestApp({ now: () => clock++ });
  org = await newOrg(t);
  other = await newOrg(t);
});
afterAll(() => t.close());

/** A booking by `token` that has ended and been completed (the clock moves past its end). */
async function completedBooking(place: Place, token: string): Promise<Booking> {
  const start = new Date(Math.ceil((clock + 60_000) / 60_000) * 60_000).toISOString();
  const b = await booked(t, token, { placeId: place.id, start, durationMinutes: 30 });
  clock = Date.parse(b.end) + 1;
  return expectStatus<Booking>(await call(t, "POST", `/v1/bookings/${b.id}/complete`, { token }), 200);
}
const review = (token: string, b: Booking, body: object = { rating: 4, text: "Easy in, easy out." }) =>
  call(t, "POST", `/v1/bookings/${b.id}/review`, { token, body });
const placeOf = async (place: Place) => expectStatus<Place>(await call(t, "GET", `/v1/places/${place.id}`, asVisitor(org)), 200);
const publicReviews = async (place: Place) =>
  expectStatus<{ data: Review[] }>(await call(t, "GET", `/v1/places/${place.id}/reviews`, asVisitor(org)), 200).data;

describe("reviews", () => {
  it("only after a completed booking, once per booking, only by the booker", async () => {
    const place = await newPlace(t, org);
    const start = new Date(Math.ceil((clock + 60_000) / 60_000) * 60_000).toISOString();
    const open = await booked(t, org.participantToken, { placeId: place.id, start, durationMinutes: 30 });
    expectProblem(await review(org.participantToken, open), 422, "review_requires_completed_booking");
    const b = await completedBooking(place, org.participantToken);
    const someoneElse = await createParticipantToken(t, org.secretKey);
    expectProblem(await review(someoneElse.token, b), 404, "not_found");
    expectProblem(await review(org.secretKey, b), 403, "permission_denied");
    expectProblem(await review(org.participantToken, b, { rating: 6 }), 400, "validation_failed");
    expectProblem(await review(org.participantToken, b, { rating: 0 }), 400, "validation_failed");
    expectProblem(await review(org.participantToken, b, { rating: 4.5 }), 400, "validation_failed");
    const r = expectStatus<Review>(await review(org.participantToken, b), 201);
    expect(r).toMatchObject({ bookingId: b.id, placeId: place.id, rating: 4, status: "pending", authorName: "Test Participant" });
    expectProblem(await review(org.participantToken, b), 409, "already_reviewed");
    const stranger = await createParticipantToken(t, other.secretKey);
    expectProblem(await review(stranger.token, b), 404, "not_found");
  });

  it("hides pending reviews until approved; the rating counts approved ones only", async () => {
    const place = await newPlace(t, org);
    const ratings = [5, 4, 2];
    const reviews: Review[] = [];
    for (const rating of ratings) {
      const who = await createParticipantToken(t, org.secretKey);
      reviews.push(expectStatus<Review>(await review(who.token, await completedBooking(place, who.token), { rating }), 201));
    }
    expect(await publicReviews(place)).toEqual([]);
    expect((await placeOf(place)).rating).toEqual({ average: null, count: 0 });
    const moderate = (r: Review, body: object, token = org.ownerToken) => call(t, "POST", `/v1/reviews/${r.id}/moderate`, { token, body });
    const [a, b, c] = reviews as [Review, Review, Review];
    expect(expectStatus<Review>(await moderate(a, { status: "approved" }), 200)).toMatchObject({
      status: "approved",
      moderatedAt: expect.any(String),
    });
    expectStatus(await moderate(b, { status: "approved" }), 200);
    expectProblem(await moderate(c, { status: "rejected" }), 400, "validation_failed"); // a rejection says why
    expect(expectStatus<Review>(await moderate(c, { status: "rejected", reason: "Off topic" }), 200)).toMatchObject({
      moderationReason: "Off topic",
    });
    expectProblem(await moderate(a, { status: "rejected", reason: "changed my mind" }), 409, "review_not_pending");
    expectProblem(await moderate(a, { status: "approved" }, org.participantToken), 403, "permission_denied");
    expectProblem(await moderate(a, { status: "approved" }, other.ownerToken), 404, "not_found");
    expect((await publicReviews(place)).map((r) => r.rating).sort()).toEqual([4, 5]);
    expect((await placeOf(place)).rating).toEqual({ average: 4.5, count: 2 });
    const staffView = expectStatus<{ data: Review[] }>(
      await call(t, "GET", `/v1/places/${place.id}/reviews?status=rejected`, { token: org.secretKey }),
      200,
    );
    expect(staffView.data.map((r) => r.id)).toEqual([c.id]);
  });

  it("publishes at once at a place without moderation, and concurrent reviews keep the rating right", async () => {
    const place = await newPlace(t, org, { reviewModeration: false, capacity: 20 });
    const people = await Promise.all(Array.from({ length: 10 }, () => createParticipantToken(t, org.secretKey)));
    const bookings: Booking[] = [];
    for (const p of people) bookings.push(await completedBooking(place, p.token));
    const answers = await Promise.all(
      people.flatMap((p, i) => [
        review(p.token, bookings[i] as Booking, { rating: (i % 5) + 1 }),
        review(p.token, bookings[i] as Booking, { rating: 1 }),
      ]),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 409 && a.body.code === "already_reviewed")).toHaveLength(10);
    const stored = await publicReviews(place);
    expect(stored).toHaveLength(10);
    const mean = stored.reduce((s, r) => s + r.rating, 0) / stored.length;
    expect((await placeOf(place)).rating).toEqual({ average: Math.round(mean * 100) / 100, count: 10 });
  });

  it("staff reply publicly: the reply shows with the approved review; a second replaces it; never to a rejected review", async () => {
    const place = await newPlace(t, org);
    const reply = (token: string, id: string, body: object) => call(t, "POST", `/v1/reviews/${id}/reply`, { token, body });
    const reviews: Review[] = [];
    for (let i = 0; i < 2; i++) {
      const who = await createParticipantToken(t, org.secretKey);
      reviews.push(expectStatus<Review>(await review(who.token, await completedBooking(place, who.token)), 201));
    }
    const [kept, dropped] = reviews as [Review, Review];
    expect(kept.reply).toBeNull();
    // Staff may answer a review still waiting for moderation; it shows once the review is approved.
    const first = expectStatus<Review>(await reply(org.ownerToken, kept.id, { text: "  Thanks for parking with us!  " }), 200);
    expect(first.reply).toEqual({ text: "Thanks for parking with us!", at: expect.any(String) });
    expect(await publicReviews(place)).toEqual([]);
    expectStatus(await call(t, "POST", `/v1/reviews/${kept.id}/moderate`, { token: org.ownerToken, body: { status: "approved" } }), 200);
    const again = expectStatus<Review>(await reply(org.secretKey, kept.id, { text: "The entrance is now signposted." }), 200);
    expect(again.status).toBe("approved");
    expect((await publicReviews(place)).map((r) => r.reply?.text)).toEqual(["The entrance is now signposted."]);

    // Bad input, wrong callers, a rejected review: a specific 4xx and nothing written.
    expectProblem(await reply(org.ownerToken, kept.id, { text: "   " }), 400, "validation_failed");
    expectProblem(await reply(org.ownerToken, kept.id, { text: "x".repeat(2001) }), 400, "validation_failed");
    expectProblem(await reply(org.ownerToken, kept.id, { text: "Hi", extra: 1 }), 400, "validation_failed");
    expectProblem(
      await call(t, "POST", `/v1/reviews/${kept.id}/reply`, { ...asVisitor(org), body: { text: "Hi" } }),
      403,
      "permission_denied",
    );
    expectProblem(await reply(org.participantToken, kept.id, { text: "Hi" }), 403, "permission_denied");
    expectProblem(await reply(other.secretKey, kept.id, { text: "Hi" }), 404, "not_found");
    const reason = "Off topic.";
    expectStatus(
      await call(t, "POST", `/v1/reviews/${dropped.id}/moderate`, { token: org.ownerToken, body: { status: "rejected", reason } }),
      200,
    );
    expectProblem(await reply(org.ownerToken, dropped.id, { text: "Hi" }), 409, "review_rejected");
    const all = expectStatus<{ data: Review[] }>(
      await call(t, "GET", `/v1/places/${place.id}/reviews`, { token: org.ownerToken }),
      200,
    ).data;
    expect(Object.fromEntries(all.map((r) => [r.id, r.reply?.text ?? null]))).toEqual({
      [kept.id]: "The entrance is now signposted.",
      [dropped.id]: null,
    });

    // Taking the reply back: staff of the review's organization only; then the review shows none.
    const unreply = (token: string) => call(t, "DELETE", `/v1/reviews/${kept.id}/reply`, { token });
    expectProblem(await unreply(other.secretKey), 404, "not_found");
    expectProblem(await unreply(org.participantToken), 403, "permission_denied");
    expect((await publicReviews(place)).map((r) => r.reply?.text)).toEqual(["The entrance is now signposted."]);
    expect(expectStatus<Review>(await unreply(org.ownerToken), 200).reply).toBeNull();
    expect((await publicReviews(place)).map((r) => r.reply)).toEqual([null]);
    expect(expectStatus<Review>(await unreply(org.secretKey), 200)).toMatchObject({ id: kept.id, reply: null, status: "approved" });
  });
});
