import type { AppRouteHandler } from "../../../lib/types.js";
import * as participants from "../participants/participants.service.js";
import type {
  AddParticipantRoute,
  CalendarRoute,
  CancelRoute,
  CompleteRoute,
  CreateRoute,
  GetRoute,
  ListParticipantsRoute,
  ListRoute,
  MeRoute,
  RemoveParticipantRoute,
  RotateCalendarRoute,
  UpdateParticipantRoute,
  UpdateRoute,
} from "./plans.routes.js";
import * as service from "./plans.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createPlan(c.var.deps, c.var.caller, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listPlans(c.var.deps, c.var.caller, c.req.valid("query")), 200);

export const get: AppRouteHandler<GetRoute> = async (c) =>
  c.json(await service.getPlan(c.var.deps, c.var.caller, c.req.valid("param").planId), 200);

export const me: AppRouteHandler<MeRoute> = async (c) =>
  c.json(await service.planViewer(c.var.deps, c.var.caller, c.req.valid("param").planId), 200);

export const update: AppRouteHandler<UpdateRoute> = async (c) =>
  c.json(await service.updatePlan(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("json")), 200);

export const complete: AppRouteHandler<CompleteRoute> = async (c) =>
  c.json(await service.transitionPlan(c.var.deps, c.var.caller, c.req.valid("param").planId, "complete"), 200);

export const cancel: AppRouteHandler<CancelRoute> = async (c) =>
  c.json(await service.transitionPlan(c.var.deps, c.var.caller, c.req.valid("param").planId, "cancel"), 200);

export const calendar: AppRouteHandler<CalendarRoute> = async (c) => {
  const feed = await service.calendarFeed(c.var.deps, c.req.valid("param").planId, c.req.valid("query").token);
  return c.body(feed.body, 200, { "content-type": feed.contentType, "cache-control": "private, max-age=300" });
};

export const rotateCalendar: AppRouteHandler<RotateCalendarRoute> = async (c) =>
  c.json(await service.rotateCalendar(c.var.deps, c.var.caller, c.req.valid("param").planId), 200);

export const listParticipants: AppRouteHandler<ListParticipantsRoute> = async (c) =>
  c.json(await participants.listParticipants(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("query")), 200);

export const addParticipant: AppRouteHandler<AddParticipantRoute> = async (c) =>
  c.json(await participants.addParticipant(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("json")), 201);

export const updateParticipant: AppRouteHandler<UpdateParticipantRoute> = async (c) => {
  const { planId, participantId } = c.req.valid("param");
  return c.json(await participants.updateParticipant(c.var.deps, c.var.caller, planId, participantId, c.req.valid("json")), 200);
};

export const removeParticipant: AppRouteHandler<RemoveParticipantRoute> = async (c) => {
  const { planId, participantId } = c.req.valid("param");
  await participants.removeParticipant(c.var.deps, c.var.caller, planId, participantId);
  return c.body(null, 204);
};
