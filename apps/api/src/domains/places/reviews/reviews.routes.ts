import {
  CreateReviewSchema,
  ModerateReviewSchema,
  ReplyReviewSchema,
  ReviewListQuerySchema,
  ReviewPageSchema,
  ReviewSchema,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Reviews"];

export const create = createRoute({
  method: "post",
  path: "/v1/bookings/{bookingId}/review",
  operationId: "places.reviews.create",
  tags,
  summary: "Review a booking's place",
  description:
    "The participant who booked, once the booking is completed (422 `review_requires_completed_booking` before), once per booking (409 `already_reviewed`). It waits for moderation (`pending`) when the place has `reviewModeration`, else it is `approved` at once.",
  security: security.any,
  request: { params: pathIds({ bookingId: "booking" }), body: jsonBody(CreateReviewSchema) },
  responses: {
    201: jsonResponse(ReviewSchema, "The review."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/places/{placeId}/reviews",
  operationId: "places.reviews.list",
  tags,
  summary: "List a place's reviews",
  description: "Newest first. Approved reviews for everyone; staff see every status and may filter by it.",
  security: security.any,
  request: { params: pathIds({ placeId: "place" }), query: ReviewListQuerySchema },
  responses: {
    200: jsonResponse(ReviewPageSchema, "A page of reviews."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListRoute = typeof list;

export const moderate = createRoute({
  method: "post",
  path: "/v1/reviews/{reviewId}/moderate",
  operationId: "places.reviews.moderate",
  tags,
  summary: "Approve or reject a review",
  description:
    "Staff. A pending review only (409 `review_not_pending`); a rejection says why (`reason`). Approved reviews count in the place's rating.",
  security: security.organizer,
  request: { params: pathIds({ reviewId: "review" }), body: jsonBody(ModerateReviewSchema) },
  responses: {
    200: jsonResponse(ReviewSchema, "The moderated review."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
  },
});
export type ModerateRoute = typeof moderate;

export const reply = createRoute({
  method: "post",
  path: "/v1/reviews/{reviewId}/reply",
  operationId: "places.reviews.reply",
  tags,
  summary: "Reply to a review",
  description:
    "Staff. The organization's public reply, shown with the review wherever it is shown (approved reviews are public); a second reply replaces the first. Not to a rejected review (409 `review_rejected`).",
  security: security.organizer,
  request: { params: pathIds({ reviewId: "review" }), body: jsonBody(ReplyReviewSchema) },
  responses: {
    200: jsonResponse(ReviewSchema, "The review with its reply."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type ReplyRoute = typeof reply;

export const deleteReply = createRoute({
  method: "delete",
  path: "/v1/reviews/{reviewId}/reply",
  operationId: "places.reviews.deleteReply",
  tags,
  summary: "Take a reply to a review back",
  description: "Staff. Removes the organization's reply, so the review shows none; a review without one answers as it is.",
  security: security.organizer,
  request: { params: pathIds({ reviewId: "review" }) },
  responses: {
    200: jsonResponse(ReviewSchema, "The review, without a reply."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type DeleteReplyRoute = typeof deleteReply;
