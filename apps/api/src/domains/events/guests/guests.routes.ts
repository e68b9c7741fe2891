import {
  CreateGuestSchema,
  CreatePushSubscriptionSchema,
  GuestListQuerySchema,
  GuestPageSchema,
  GuestSchema,
  GuestWithLinkSchema,
  ImportGuestsSchema,
  ImportReportSchema,
  InvitationSchema,
  NotificationPreferencesSchema,
  ProblemSchema,
  PushEndpointQuerySchema,
  PushKeySchema,
  PushSubscriptionSchema,
  RegisterSchema,
  RegistrationSchema,
  RemindSchema,
  RsvpChangeListSchema,
  RsvpSchema,
  RsvpSettingsSchema,
  SendInvitationsSchema,
  SendResultSchema,
  UpdateGuestSchema,
  UpdateNotificationPreferencesSchema,
  UpdateRsvpSettingsSchema,
  z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Guests and RSVP"];
const EventParams = pathIds({ eventId: "event" });
const GuestParams = pathIds({ eventId: "event", guestId: "guest" });
export const TokenParams = EventParams.extend({
  guestToken: z
    .string()
    .regex(/^gst_[0-9a-z]{8,40}\.[0-9a-f]{32}$/, "must be a guest token from an invitation link")
    .openapi({ param: { name: "guestToken", in: "path" }, example: "gst_0123456789abcdefghjk.0123456789abcdef0123456789abcdef" }),
});

/** A guest-token route's answer to a link the organizer replaced (rotated). */
export const LINK_GONE = {
  410: {
    description: "The guest's link was replaced by the organizer (`guest_link_revoked`): the newest invitation carries the current one.",
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
} as const;

export const getSettings = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/rsvp",
  operationId: "events.rsvp.retrieve",
  tags,
  summary: "Read an event's RSVP settings and headcount",
  description:
    "Whoever may see the event: the registration mode, the limit, the confirmed headcount (guests plus plus-ones) and the waitlist's length.",
  security: security.any,
  request: { params: EventParams },
  responses: { 200: jsonResponse(RsvpSettingsSchema, "The RSVP settings."), ...pickProblems(400, 401, 403, 404) },
});
export type GetSettingsRoute = typeof getSettings;

export const updateSettings = createRoute({
  method: "patch",
  path: "/v1/events/{eventId}/rsvp",
  operationId: "events.rsvp.update",
  tags,
  summary: "Change an event's registration mode, limit, plus-ones or deadline",
  description:
    "Organizers. The limit counts confirmed guests and their plus-ones; it cannot go below that headcount (409 `rsvp_capacity_exceeded`). A higher limit moves the waitlist up in order, and those guests are notified.",
  security: security.organizer,
  request: { params: EventParams, body: jsonBody(UpdateRsvpSettingsSchema) },
  responses: { 200: jsonResponse(RsvpSettingsSchema, "The updated settings."), ...pickProblems(400, 401, 403, 404, 409, 413, 415) },
});
export type UpdateSettingsRoute = typeof updateSettings;

export const create = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/guests",
  operationId: "events.guests.create",
  tags,
  summary: "Add a guest",
  description:
    "Organizers. The phone number is kept in E.164 (an invalid one answers 400); an email already on the list answers 409 `guest_exists`. The answer carries the guest's personal token and link.",
  security: security.organizer,
  request: { params: EventParams, body: jsonBody(CreateGuestSchema) },
  responses: { 201: jsonResponse(GuestWithLinkSchema, "The new guest."), ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422) },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/guests",
  operationId: "events.guests.list",
  tags,
  summary: "List an event's guests",
  description: "Organizers, newest first, optionally by status (`invited` lists who has not answered).",
  security: security.organizer,
  request: { params: EventParams, query: GuestListQuerySchema },
  responses: { 200: jsonResponse(GuestPageSchema, "A page of guests."), ...pickProblems(400, 401, 403, 404) },
});
export type ListRoute = typeof list;

export const get = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/guests/{guestId}",
  operationId: "events.guests.retrieve",
  tags,
  summary: "Read a guest",
  description: "Organizers, with the guest's personal token and link.",
  security: security.organizer,
  request: { params: GuestParams },
  responses: { 200: jsonResponse(GuestWithLinkSchema, "The guest."), ...pickProblems(400, 401, 403, 404) },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: "/v1/events/{eventId}/guests/{guestId}",
  operationId: "events.guests.update",
  tags,
  summary: "Edit a guest",
  description: "Organizers. `null` clears a field.",
  security: security.organizer,
  request: { params: GuestParams, body: jsonBody(UpdateGuestSchema) },
  responses: { 200: jsonResponse(GuestWithLinkSchema, "The updated guest."), ...pickProblems(400, 401, 403, 404, 409, 413, 415) },
});
export type UpdateRoute = typeof update;

export const remove = createRoute({
  method: "delete",
  path: "/v1/events/{eventId}/guests/{guestId}",
  operationId: "events.guests.delete",
  tags,
  summary: "Remove a guest",
  description: "Organizers. The guest's places go to the waitlist, in order.",
  security: security.organizer,
  request: { params: GuestParams },
  responses: { 204: { description: "Removed." }, ...pickProblems(400, 401, 403, 404, 409) },
});
export type RemoveRoute = typeof remove;

export const rotateLink = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/guests/{guestId}/rotate-link",
  operationId: "events.guests.rotateLink",
  tags,
  summary: "Revoke a guest's personal link and make a new one",
  description:
    "Organizers. Every link the guest was sent stops working at once: their token answers 410 `guest_link_revoked` on every guest-token route (invitation, RSVP, calendar file, sessions, notification settings, push, check-in). The answer carries the new token and link, which reach the guest only when the invitation is sent again (`POST /v1/events/{eventId}/guest-invitations` with `guestIds`). The browsers the guest subscribed to push through a link are unsubscribed with it. The guest's answer, picks and history are kept.",
  security: security.organizer,
  request: { params: GuestParams },
  responses: { 200: jsonResponse(GuestWithLinkSchema, "The guest with their new link."), ...pickProblems(400, 401, 403, 404, 409) },
});
export type RotateLinkRoute = typeof rotateLink;

export const history = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/guests/{guestId}/history",
  operationId: "events.guests.history",
  tags,
  summary: "A guest's RSVP history",
  description:
    "Organizers: every change of the guest's answer, oldest first, and who made it (the guest, an organizer, or the waitlist moving up).",
  security: security.organizer,
  request: { params: GuestParams },
  responses: { 200: jsonResponse(RsvpChangeListSchema, "The changes."), ...pickProblems(400, 401, 403, 404) },
});
export type HistoryRoute = typeof history;

export const rsvp = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/guests/{guestId}/rsvp",
  operationId: "events.guests.rsvp",
  tags,
  summary: "Record a guest's answer",
  description:
    "Organizers, on the guest's behalf (the deadline does not bind them). A `yes` is confirmed while there is room and nobody waits ahead, else waitlisted; a confirmed guest asking for more places than remain answers 409 `rsvp_capacity_exceeded` and keeps their answer.",
  security: security.organizer,
  request: { params: GuestParams, body: jsonBody(RsvpSchema) },
  responses: { 200: jsonResponse(GuestSchema, "The guest."), ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422) },
});
export type RsvpRoute = typeof rsvp;

export const approve = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/guests/{guestId}/approve",
  operationId: "events.guests.approve",
  tags,
  summary: "Approve a request to attend",
  description:
    "Organizers, for a guest in `pending_approval` (else 409 `guest_not_pending`): confirmed if there is room, else waitlisted; notified either way.",
  security: security.organizer,
  request: { params: GuestParams },
  responses: { 200: jsonResponse(GuestSchema, "The guest."), ...pickProblems(400, 401, 403, 404, 409, 422) },
});
export type ApproveRoute = typeof approve;

export const decline = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/guests/{guestId}/decline",
  operationId: "events.guests.decline",
  tags,
  summary: "Decline a request to attend",
  description:
    "Organizers, for a guest in `pending_approval`; the guest is notified. Declining again answers the guest unchanged; a guest in another status answers 409 `guest_not_pending`.",
  security: security.organizer,
  request: { params: GuestParams },
  responses: { 200: jsonResponse(GuestSchema, "The guest."), ...pickProblems(400, 401, 403, 404, 409, 422) },
});
export type DeclineRoute = typeof decline;

export const sendInvitations = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/guest-invitations",
  operationId: "events.guests.sendInvitations",
  tags,
  summary: "Send or re-send invitations",
  description:
    "Organizers, for a published event with an `invitationUrl` (else 422 `invitation_url_required`): by email and/or SMS, each with the guest's personal link, to the guests listed or else to every guest not invited yet.",
  security: security.organizer,
  request: { params: EventParams, body: jsonBody(SendInvitationsSchema) },
  responses: { 200: jsonResponse(SendResultSchema, "What was queued."), ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422) },
});
export type SendInvitationsRoute = typeof sendInvitations;

export const remind = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/guest-reminders",
  operationId: "events.guests.remind",
  tags,
  summary: "Remind the guests who have not answered",
  description: "Organizers: every guest invited who has not answered yet gets a reminder with their personal link.",
  security: security.organizer,
  request: { params: EventParams, body: jsonBody(RemindSchema) },
  responses: { 200: jsonResponse(SendResultSchema, "What was queued."), ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422) },
});
export type RemindRoute = typeof remind;

export const register = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/registrations",
  operationId: "events.registrations.create",
  tags,
  summary: "Register for an open or approval event",
  description:
    "From the event's page (publishable key). An `open` event confirms the registration (or waitlists it when full); an `approval` event keeps it for the organizer. `invite_only` answers 403 `registration_closed`. The answer carries the guest's personal token.",
  security: security.any,
  request: { params: EventParams, body: jsonBody(RegisterSchema) },
  responses: { 201: jsonResponse(RegistrationSchema, "The registration."), ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422) },
});
export type RegisterRoute = typeof register;

export const invitation = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/invitation/{guestToken}",
  operationId: "events.invitation.retrieve",
  tags,
  summary: "Read an invitation (guest token)",
  description:
    "The guest token is the credential: it reads this guest's invitation only. A token of another event, a revoked or a forged one answers 404 `guest_link_invalid`.",
  security: [],
  request: { params: TokenParams },
  responses: { 200: jsonResponse(InvitationSchema, "The invitation."), ...LINK_GONE, ...pickProblems(400, 401, 403, 404) },
});
export type InvitationRoute = typeof invitation;

export const answer = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/invitation/{guestToken}/rsvp",
  operationId: "events.invitation.rsvp",
  tags,
  summary: "Answer an invitation (guest token)",
  description:
    "yes / maybe / no with plus-ones (up to the guest's limit, else 422 `too_many_plus_ones`) until the deadline (else 409 `rsvp_closed`). A `yes` is confirmed while there is room and nobody waits ahead, else waitlisted.",
  security: [],
  request: { params: TokenParams, body: jsonBody(RsvpSchema) },
  responses: {
    200: jsonResponse(InvitationSchema, "The invitation as answered."),
    ...LINK_GONE,
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type AnswerRoute = typeof answer;

export const importGuests = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/guest-import",
  operationId: "events.guests.import",
  tags,
  summary: "Import guests from CSV",
  description:
    "Organizers. Each row is checked and reported with its errors. `preview` (the default) writes nothing; `all_or_nothing` adds every row or none (422 `csv_invalid`, each row's errors in `errors`); `valid_rows` adds the good rows only. A file that is not CSV, has unknown columns or more than 1,000 rows answers 400.",
  security: security.organizer,
  request: { params: EventParams, body: jsonBody(ImportGuestsSchema) },
  responses: { 200: jsonResponse(ImportReportSchema, "Each row's outcome."), ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422) },
});
export type ImportRoute = typeof importGuests;

export const exportGuests = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/guest-export",
  operationId: "events.guests.export",
  tags,
  summary: "Export the guest list as CSV",
  description:
    "Organizers: every guest with their answer, plus-ones, tags and notes, oldest first. Cells that a spreadsheet would run as a formula start with `'`.",
  security: security.organizer,
  request: { params: EventParams },
  responses: {
    200: { description: "The guest list.", content: { "text/csv": { schema: z.string() } } },
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ExportRoute = typeof exportGuests;

export const calendar = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/invitation/{guestToken}/calendar.ics",
  operationId: "events.invitation.calendar",
  tags,
  summary: "The invitation as an .ics file (guest token)",
  description:
    "The event and the sessions the guest picked, as iCalendar with stable UIDs and SEQUENCE (importing it again updates the entries). Invitation and confirmation emails carry the event as an iTIP REQUEST.",
  security: [],
  request: { params: TokenParams },
  responses: {
    200: { description: "The calendar file.", content: { "text/calendar": { schema: z.string() } } },
    ...LINK_GONE,
    ...pickProblems(400, 401, 403, 404),
  },
});
export type CalendarRoute = typeof calendar;

export const guestPreferences = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/invitation/{guestToken}/notification-preferences",
  operationId: "events.invitation.preferences",
  tags,
  summary: "A guest's notification preferences (guest token)",
  description:
    "Every kind of notification and the channels (inbox, email, SMS, push) it reaches this guest on — e.g. `event_reminder`, sent before the event by email, SMS (to the guest's phone number) and push (to the browsers the guest subscribed).",
  security: [],
  request: { params: TokenParams },
  responses: { 200: jsonResponse(NotificationPreferencesSchema, "The preferences."), ...LINK_GONE, ...pickProblems(400, 401, 403, 404) },
});
export type GuestPreferencesRoute = typeof guestPreferences;

export const updateGuestPreferences = createRoute({
  method: "patch",
  path: "/v1/events/{eventId}/invitation/{guestToken}/notification-preferences",
  operationId: "events.invitation.updatePreferences",
  tags,
  summary: "Turn a guest's notification channels on or off (guest token)",
  description:
    'E.g. `{ changes: [{ kind: "event_reminder", channel: "sms", enabled: false }] }`: no more reminders by SMS. Checked when each message is sent. Transactional kinds cannot be turned off (422 `notification_kind_transactional`).',
  security: [],
  request: { params: TokenParams, body: jsonBody(UpdateNotificationPreferencesSchema) },
  responses: {
    200: jsonResponse(NotificationPreferencesSchema, "The preferences after."),
    ...LINK_GONE,
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type UpdateGuestPreferencesRoute = typeof updateGuestPreferences;

export const guestPushSubscribe = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/invitation/{guestToken}/push-subscriptions",
  operationId: "events.invitation.pushSubscribe",
  tags,
  summary: "Subscribe this browser to a guest's notifications (guest token)",
  description:
    "Send what `PushSubscription.toJSON()` gives (the VAPID key is `GET …/invitation/{guestToken}/push-key`). The guest's reminders are then also pushed to it. The endpoint must be on a known push service (422 `push_endpoint_not_allowed`); 404 `push_not_configured` when this API sends no web push.",
  security: [],
  request: { params: TokenParams, body: jsonBody(CreatePushSubscriptionSchema) },
  responses: {
    201: jsonResponse(PushSubscriptionSchema, "The subscription."),
    ...LINK_GONE,
    ...pickProblems(400, 401, 403, 404, 413, 415, 422),
  },
});
export type GuestPushSubscribeRoute = typeof guestPushSubscribe;

export const guestPushUnsubscribe = createRoute({
  method: "delete",
  path: "/v1/events/{eventId}/invitation/{guestToken}/push-subscriptions",
  operationId: "events.invitation.pushUnsubscribe",
  tags,
  summary: "Stop a guest's notifications on this browser (guest token)",
  description:
    "Deletes the guest's push subscription whose `endpoint` is given (what `PushSubscription.endpoint` says): nothing more is pushed to that browser. Answers 204 whether or not it was there (another guest's endpoint is left alone); call `PushSubscription.unsubscribe()` in the browser too.",
  security: [],
  request: { params: TokenParams, query: PushEndpointQuerySchema },
  responses: { 204: { description: "Not subscribed (any more)." }, ...LINK_GONE, ...pickProblems(400, 401, 403, 404) },
});
export type GuestPushUnsubscribeRoute = typeof guestPushUnsubscribe;

export const guestPushKey = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/invitation/{guestToken}/push-key",
  operationId: "events.invitation.pushKey",
  tags,
  summary: "The VAPID public key to subscribe a guest's browser with (guest token)",
  description:
    "Pass `publicKey` as `applicationServerKey` to `registration.pushManager.subscribe`, then send the subscription to `…/push-subscriptions`. 404 `push_not_configured` when this API sends no web push.",
  security: [],
  request: { params: TokenParams },
  responses: { 200: jsonResponse(PushKeySchema, "The VAPID public key."), ...LINK_GONE, ...pickProblems(400, 401, 403, 404) },
});
export type GuestPushKeyRoute = typeof guestPushKey;
