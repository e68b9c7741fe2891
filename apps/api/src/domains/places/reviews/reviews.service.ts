import {
  type CreateReview,
  type ModerateReview,
  newId,
  type Page,
  type ReplyReview,
  type Review,
  type ReviewListQuery,
} from "@gatherkit/core";
import { placeBookings, placeReviews, places } from "@gatherkit/db";
import { and, eq, exists, ne, sql } from "drizzle-orm";
import { requireCaller } from "../../../lib/auth.js";
import { ApiError, conflict, notFound } from "../../../lib/errors.js";
import { insertWhen } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { isStaff, loadPlace, requireStaff } from "../access.js";

type ReviewRow = typeof placeReviews.$inferSelect;

function toReview(r: ReviewRow): Review {
  return {
    id: r.id,
    placeId: r.placeId,
    bookingId: r.bookingId,
    rating: r.rating,
    text: r.text,
    authorName: r.authorName,
    status: r.status,
    moderationReason: r.moderationReason,
    createdAt: toIso(r.createdAt),
    moderatedAt: toIso(r.moderatedAt),
    reply: r.reply !== null && r.repliedAt !== null ? { text: r.reply, at: toIso(r.repliedAt) } : null,
  };
}

/**
 * The booker rates the place of a completed booking, once. One guarded INSERT: the booking must
 * still be this participant's and completed as the row is written, and the unique index on
 * `booking_id` lets only one review per booking in, however many arrive at once. The place's
 * rating is an aggregate of its approved reviews read with the place, so it is always right.
 */
export async function createReview(deps: Deps, caller: Caller | null, bookingId: string, input: CreateReview): Promise<Review> {
  const who = requireCaller({ var: { caller } }, "participant");
  const [booking] = await deps.db
    .select({ b: placeBookings, moderation: places.reviewModeration })
    .from(placeBookings)
    .innerJoin(places, eq(places.id, placeBookings.placeId))
    .where(and(eq(placeBookings.id, bookingId), eq(placeBookings.orgId, who.orgId), eq(placeBookings.participantId, who.participantId)))
    .limit(1);
  if (!booking) throw notFound("Booking");
  const requiresCompleted = () => new ApiError(422, "review_requires_completed_booking", "A booking can be reviewed once it is completed.");
  if (booking.b.status !== "completed") throw requiresCompleted();
  const row: ReviewRow = {
    id: newId("review"),
    orgId: booking.b.orgId,
    placeId: booking.b.placeId,
    bookingId,
    participantId: who.participantId,
    authorName: who.name,
    rating: input.rating,
    text: input.text,
    status: booking.moderation ? "pending" : "approved",
    moderationReason: null,
    createdAt: deps.now(),
    moderatedAt: null,
    reply: null,
    repliedAt: null,
  };
  const stillCompleted = exists(
    deps.db
      .select({ one: placeBookings.id })
      .from(placeBookings)
      .where(
        and(eq(placeBookings.id, bookingId), eq(placeBookings.participantId, who.participantId), eq(placeBookings.status, "completed")),
      ),
  );
  const created = toReview(row);
  answerOnCommit(deps, 201, created, sql`EXISTS (SELECT 1 FROM ${placeReviews} WHERE ${placeReviews.id} = ${row.id})`);
  return guardedWrite(
    deps,
    [insertWhen(deps.db, placeReviews, row, stillCompleted).onConflictDoNothing().returning({ id: placeReviews.id })],
    {
      written: ([inserted]) => (inserted.length > 0 ? created : undefined),
      explain: async () => {
        const [existing] = await deps.db
          .select({ id: placeReviews.id })
          .from(placeReviews)
          .where(eq(placeReviews.bookingId, bookingId))
          .limit(1);
        if (existing) throw new ApiError(409, "already_reviewed", "This booking has a review already.");
        const [b] = await deps.db
          .select({ status: placeBookings.status })
          .from(placeBookings)
          .where(eq(placeBookings.id, bookingId))
          .limit(1);
        if (b?.status !== "completed") throw requiresCompleted();
        throw conflict("The booking changed meanwhile; try again.");
      },
    },
  );
}

export async function listReviews(deps: Deps, caller: Caller | null, placeId: string, query: ReviewListQuery): Promise<Page<Review>> {
  await loadPlace(deps, caller, placeId);
  const staff = caller !== null && isStaff(caller);
  const status = staff ? query.status : "approved";
  return paginate(
    placeReviews,
    query,
    (p) =>
      deps.db
        .select()
        .from(placeReviews)
        .where(and(eq(placeReviews.placeId, placeId), status ? eq(placeReviews.status, status) : undefined, p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toReview,
  );
}

export async function moderateReview(deps: Deps, caller: Caller | null, reviewId: string, input: ModerateReview): Promise<Review> {
  const staff = requireStaff(caller);
  const [review] = await deps.db
    .select()
    .from(placeReviews)
    .where(and(eq(placeReviews.id, reviewId), eq(placeReviews.orgId, staff.orgId)))
    .limit(1);
  if (!review) throw notFound("Review");
  const notPending = (status: string) => new ApiError(409, "review_not_pending", `The review is ${status} already.`);
  if (review.status !== "pending") throw notPending(review.status);
  const moderated: ReviewRow = { ...review, status: input.status, moderationReason: input.reason ?? null, moderatedAt: deps.now() };
  // The answer, the review as moderated, is sealed with the write (if it lands).
  answerOnCommit(
    deps,
    200,
    toReview(moderated),
    sql`EXISTS (SELECT 1 FROM ${placeReviews} WHERE ${placeReviews.id} = ${reviewId} AND ${placeReviews.status} = ${moderated.status} AND ${placeReviews.moderatedAt} = ${moderated.moderatedAt})`,
  );
  return guardedWrite(
    deps,
    [
      deps.db
        .update(placeReviews)
        .set({ status: moderated.status, moderationReason: moderated.moderationReason, moderatedAt: moderated.moderatedAt })
        .where(and(eq(placeReviews.id, reviewId), eq(placeReviews.status, "pending")))
        .returning({ id: placeReviews.id }),
    ],
    {
      written: ([updated]) => (updated.length > 0 ? toReview(moderated) : undefined),
      explain: async () => {
        const [now] = await deps.db
          .select({ status: placeReviews.status })
          .from(placeReviews)
          .where(eq(placeReviews.id, reviewId))
          .limit(1);
        throw notPending(now?.status ?? "gone");
      },
    },
  );
}

/**
 * Staff reply publicly to a review (a second reply replaces the first). One guarded UPDATE: a
 * review rejected meanwhile gets no reply (409 `review_rejected`).
 */
export async function replyToReview(deps: Deps, caller: Caller | null, reviewId: string, input: ReplyReview): Promise<Review> {
  const staff = requireStaff(caller);
  const [review] = await deps.db
    .select()
    .from(placeReviews)
    .where(and(eq(placeReviews.id, reviewId), eq(placeReviews.orgId, staff.orgId)))
    .limit(1);
  if (!review) throw notFound("Review");
  const rejected = () => new ApiError(409, "review_rejected", "The review was rejected: it is not shown, so it gets no reply.");
  if (review.status === "rejected") throw rejected();
  const replied: ReviewRow = { ...review, reply: input.text, repliedAt: deps.now() };
  // The answer is sealed with the write if it lands on the review as read (a review moderated
  // meanwhile answers with its new status, unsealed).
  answerOnCommit(
    deps,
    200,
    toReview(replied),
    sql`EXISTS (SELECT 1 FROM ${placeReviews} WHERE ${placeReviews.id} = ${reviewId} AND ${placeReviews.status} = ${review.status} AND ${placeReviews.repliedAt} = ${replied.repliedAt})`,
  );
  return guardedWrite(
    deps,
    [
      deps.db
        .update(placeReviews)
        .set({ reply: replied.reply, repliedAt: replied.repliedAt })
        .where(and(eq(placeReviews.id, reviewId), ne(placeReviews.status, "rejected")))
        .returning({ status: placeReviews.status }),
    ],
    {
      written: ([updated]) => (updated[0] ? toReview({ ...replied, status: updated[0].status }) : undefined),
      explain: async () => {
        throw rejected();
      },
    },
  );
}

/** Staff: removes the organization's reply to one of its reviews (none: answers the review as it is). */
export async function deleteReply(deps: Deps, caller: Caller | null, reviewId: string): Promise<Review> {
  const staff = requireStaff(caller);
  const [review] = await deps.db
    .update(placeReviews)
    .set({ reply: null, repliedAt: null })
    .where(and(eq(placeReviews.id, reviewId), eq(placeReviews.orgId, staff.orgId)))
    .returning();
  if (!review) throw notFound("Review");
  return toReview(review);
}
