import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, DeleteReplyRoute, ListRoute, ModerateRoute, ReplyRoute } from "./reviews.routes.js";
import * as service from "./reviews.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createReview(c.var.deps, c.var.caller, c.req.valid("param").bookingId, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listReviews(c.var.deps, c.var.caller, c.req.valid("param").placeId, c.req.valid("query")), 200);

export const moderate: AppRouteHandler<ModerateRoute> = async (c) =>
  c.json(await service.moderateReview(c.var.deps, c.var.caller, c.req.valid("param").reviewId, c.req.valid("json")), 200);

export const reply: AppRouteHandler<ReplyRoute> = async (c) =>
  c.json(await service.replyToReview(c.var.deps, c.var.caller, c.req.valid("param").reviewId, c.req.valid("json")), 200);

export const deleteReply: AppRouteHandler<DeleteReplyRoute> = async (c) =>
  c.json(await service.deleteReply(c.var.deps, c.var.caller, c.req.valid("param").reviewId), 200);
