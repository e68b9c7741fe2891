import { requireCaller } from "../../lib/auth.js";
import type { AppRouteHandler } from "../../lib/types.js";
import type { ListRoute, ReadAllRoute, ReadRoute, UnreadRoute } from "./inbox.routes.js";
import * as service from "./inbox.service.js";

const person = (c: Parameters<typeof requireCaller>[0]) => requireCaller(c, "participant", "user");

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listInbox(c.var.deps, person(c), c.req.valid("query")), 200);

export const unread: AppRouteHandler<UnreadRoute> = async (c) => {
  const who = service.recipientOf(person(c));
  return c.json({ unread: await service.unreadCount(c.var.deps, who), recipientId: who.recipientId }, 200);
};

export const read: AppRouteHandler<ReadRoute> = async (c) =>
  c.json(await service.markRead(c.var.deps, person(c), c.req.valid("param").inboxItemId), 200);

export const readAll: AppRouteHandler<ReadAllRoute> = async (c) => c.json(await service.markAllRead(c.var.deps, person(c)), 200);
