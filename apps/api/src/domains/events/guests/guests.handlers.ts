import type { AppRouteHandler } from "../../../lib/types.js";
import { ICS_CONTENT_TYPE } from "../ics.js";
import * as invitations from "./guest-invitations.service.js";
import * as guestLink from "./guest-link.service.js";
import * as guestNotifications from "./guest-notifications.service.js";
import type * as R from "./guests.routes.js";
import * as service from "./guests.service.js";
import * as csv from "./guests-csv.service.js";

export const getSettings: AppRouteHandler<R.GetSettingsRoute> = async (c) =>
  c.json(await service.getSettings(c.var.deps, c.var.caller, c.req.valid("param").eventId), 200);

export const updateSettings: AppRouteHandler<R.UpdateSettingsRoute> = async (c) =>
  c.json(await service.updateSettings(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 200);

export const create: AppRouteHandler<R.CreateRoute> = async (c) =>
  c.json(await service.createGuest(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 201);

export const list: AppRouteHandler<R.ListRoute> = async (c) =>
  c.json(await service.listGuests(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("query")), 200);

export const get: AppRouteHandler<R.GetRoute> = async (c) => {
  const { eventId, guestId } = c.req.valid("param");
  return c.json(await service.getGuest(c.var.deps, c.var.caller, eventId, guestId), 200);
};

export const update: AppRouteHandler<R.UpdateRoute> = async (c) => {
  const { eventId, guestId } = c.req.valid("param");
  return c.json(await service.updateGuest(c.var.deps, c.var.caller, eventId, guestId, c.req.valid("json")), 200);
};

export const remove: AppRouteHandler<R.RemoveRoute> = async (c) => {
  const { eventId, guestId } = c.req.valid("param");
  await service.deleteGuest(c.var.deps, c.var.caller, eventId, guestId);
  return c.body(null, 204);
};

export const rotateLink: AppRouteHandler<R.RotateLinkRoute> = async (c) => {
  const { eventId, guestId } = c.req.valid("param");
  return c.json(await service.rotateGuestLink(c.var.deps, c.var.caller, eventId, guestId), 200);
};

export const history: AppRouteHandler<R.HistoryRoute> = async (c) => {
  const { eventId, guestId } = c.req.valid("param");
  return c.json(await service.guestHistory(c.var.deps, c.var.caller, eventId, guestId), 200);
};

export const rsvp: AppRouteHandler<R.RsvpRoute> = async (c) => {
  const { eventId, guestId } = c.req.valid("param");
  return c.json(await service.organizerRsvp(c.var.deps, c.var.caller, eventId, guestId, c.req.valid("json")), 200);
};

export const approve: AppRouteHandler<R.ApproveRoute> = async (c) => {
  const { eventId, guestId } = c.req.valid("param");
  return c.json(await service.approveGuest(c.var.deps, c.var.caller, eventId, guestId), 200);
};

export const decline: AppRouteHandler<R.DeclineRoute> = async (c) => {
  const { eventId, guestId } = c.req.valid("param");
  return c.json(await service.declineGuest(c.var.deps, c.var.caller, eventId, guestId), 200);
};

export const sendInvitations: AppRouteHandler<R.SendInvitationsRoute> = async (c) =>
  c.json(await invitations.sendInvitations(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 200);

export const remind: AppRouteHandler<R.RemindRoute> = async (c) =>
  c.json(await invitations.remindGuests(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 200);

export const register: AppRouteHandler<R.RegisterRoute> = async (c) =>
  c.json(await guestLink.register(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 201);

export const invitation: AppRouteHandler<R.InvitationRoute> = async (c) => {
  const { eventId, guestToken } = c.req.valid("param");
  return c.json(await guestLink.readInvitation(c.var.deps, eventId, guestToken), 200);
};

export const answer: AppRouteHandler<R.AnswerRoute> = async (c) => {
  const { eventId, guestToken } = c.req.valid("param");
  return c.json(await guestLink.answerInvitation(c.var.deps, eventId, guestToken, c.req.valid("json")), 200);
};

export const importGuests: AppRouteHandler<R.ImportRoute> = async (c) =>
  c.json(await csv.importGuests(c.var.deps, c.var.caller, c.req.valid("param").eventId, c.req.valid("json")), 200);

export const exportGuests: AppRouteHandler<R.ExportRoute> = async (c) => {
  const { eventId } = c.req.valid("param");
  const body = await csv.exportGuests(c.var.deps, c.var.caller, eventId);
  return c.body(body, 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="guests-${eventId}.csv"`,
    "cache-control": "private, no-store",
  });
};

export const calendar: AppRouteHandler<R.CalendarRoute> = async (c) => {
  const { eventId, guestToken } = c.req.valid("param");
  const body = await guestLink.invitationCalendar(c.var.deps, eventId, guestToken);
  return c.body(body, 200, {
    "content-type": ICS_CONTENT_TYPE,
    "content-disposition": `attachment; filename="${eventId}.ics"`,
    "cache-control": "private, no-store",
  });
};

export const guestPreferences: AppRouteHandler<R.GuestPreferencesRoute> = async (c) => {
  const { eventId, guestToken } = c.req.valid("param");
  return c.json(await guestNotifications.guestPreferences(c.var.deps, eventId, guestToken), 200);
};

export const updateGuestPreferences: AppRouteHandler<R.UpdateGuestPreferencesRoute> = async (c) => {
  const { eventId, guestToken } = c.req.valid("param");
  return c.json(await guestNotifications.updateGuestPreferences(c.var.deps, eventId, guestToken, c.req.valid("json")), 200);
};

export const guestPushSubscribe: AppRouteHandler<R.GuestPushSubscribeRoute> = async (c) => {
  const { eventId, guestToken } = c.req.valid("param");
  return c.json(await guestNotifications.subscribeGuestPush(c.var.deps, eventId, guestToken, c.req.valid("json")), 201);
};

export const guestPushUnsubscribe: AppRouteHandler<R.GuestPushUnsubscribeRoute> = async (c) => {
  const { eventId, guestToken } = c.req.valid("param");
  await guestNotifications.unsubscribeGuestPush(c.var.deps, eventId, guestToken, c.req.valid("query").endpoint);
  return c.body(null, 204);
};

export const guestPushKey: AppRouteHandler<R.GuestPushKeyRoute> = async (c) => {
  const { eventId, guestToken } = c.req.valid("param");
  return c.json(await guestNotifications.guestPushKey(c.var.deps, eventId, guestToken), 200);
};
