import { PageQuerySchema, pageSchema } from "../pagination.js";
import { text } from "../text.js";
import { z } from "../zod.js";
import { BookingId, PlaceId, ReviewId } from "./schemas.js";
import { q } from "./shared.js";

// Reviews of a place by its bookers, their moderation and the organizer's reply.

export const REVIEW_STATUSES = ["pending", "approved", "rejected"] as const;
export const ReviewStatusSchema = z.enum(REVIEW_STATUSES).openapi("ReviewStatus");

export const CreateReviewSchema = z
  .strictObject({
    rating: z.number().int().min(1).max(5).openapi({ example: 5 }),
    text: text().trim().max(2000).default(""),
  })
  .openapi("CreateReviewRequest");
export type CreateReview = z.output<typeof CreateReviewSchema>;

export const ModerateReviewSchema = z
  .strictObject({
    status: z.enum(["approved", "rejected"]),
    reason: text().trim().min(1).max(500).optional(),
  })
  .refine((m) => m.status !== "rejected" || m.reason !== undefined, { message: "say why the review is rejected", path: ["reason"] })
  .openapi("ModerateReviewRequest");
export type ModerateReview = z.output<typeof ModerateReviewSchema>;

export const ReplyReviewSchema = z
  .strictObject({
    text: text()
      .trim()
      .min(1, "must not be empty")
      .max(2000)
      .openapi({ example: "Thank you! The entrance is now signposted from the street." }),
  })
  .openapi("ReplyReviewRequest");
export type ReplyReview = z.output<typeof ReplyReviewSchema>;

export const ReviewSchema = z
  .object({
    id: ReviewId,
    placeId: PlaceId,
    bookingId: BookingId,
    rating: z.number().int(),
    text: z.string(),
    authorName: z.string(),
    status: ReviewStatusSchema,
    moderationReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    moderatedAt: z.iso.datetime().nullable(),
    reply: z
      .object({ text: z.string(), at: z.iso.datetime() })
      .nullable()
      .openapi({ description: "The organizer's public reply, shown with the review; null: none." }),
  })
  .openapi("Review");
export type Review = z.infer<typeof ReviewSchema>;

export const ReviewListQuerySchema = PageQuerySchema.extend({
  status: ReviewStatusSchema.optional().openapi({ ...q("status"), description: "Organizers only; others see approved reviews." }),
});
export type ReviewListQuery = z.output<typeof ReviewListQuerySchema>;
export const ReviewPageSchema = pageSchema(ReviewSchema, "ReviewPage");
