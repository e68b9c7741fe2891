import type { AppRouteHandler } from "../../../lib/types.js";
import type {
  CreateRoute,
  FeedRoute,
  ListRoute,
  RevokeByTokenRoute,
  RevokeRoute,
  RotateByTokenRoute,
  RotateRoute,
} from "./feeds.routes.js";
import * as service from "./feeds.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createFeed(c.var.deps, c.var.caller, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listFeeds(c.var.deps, c.var.caller, c.req.valid("query")), 200);

export const rotate: AppRouteHandler<RotateRoute> = async (c) =>
  c.json(await service.rotateFeed(c.var.deps, c.var.caller, c.req.valid("param").feedId), 200);

export const revoke: AppRouteHandler<RevokeRoute> = async (c) => {
  await service.revokeFeed(c.var.deps, c.var.caller, c.req.valid("param").feedId);
  return c.body(null, 204);
};

export const rotateByToken: AppRouteHandler<RotateByTokenRoute> = async (c) =>
  c.json(await service.rotateFeedByToken(c.var.deps, c.req.valid("param").feedId, c.req.valid("json").token), 200);

export const revokeByToken: AppRouteHandler<RevokeByTokenRoute> = async (c) => {
  await service.revokeFeedByToken(c.var.deps, c.req.valid("param").feedId, c.req.valid("json").token);
  return c.body(null, 204);
};

export const feed: AppRouteHandler<FeedRoute> = async (c) => {
  const answer = await service.serveFeed(c.var.deps, c.req.valid("param").feedId, c.req.valid("query").token, {
    ifNoneMatch: c.req.header("if-none-match"),
    ifModifiedSince: c.req.header("if-modified-since"),
  });
  if (answer.status === 304) return c.body(null, 304, answer.headers);
  return c.body(answer.body ?? "", 200, answer.headers);
};
