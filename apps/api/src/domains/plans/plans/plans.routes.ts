import {
  AddPlanParticipantSchema,
  CreatePlanSchema,
  PlanListQuerySchema,
  PlanPageSchema,
  PlanParticipantListQuerySchema,
  PlanParticipantPageSchema,
  PlanParticipantSchema,
  PlanSchema,
  PlanViewerSchema,
  UpdatePlanParticipantSchema,
  UpdatePlanSchema,
  z,
} from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../../lib/openapi.js";

const tags = ["Plans"];
export const PlanParams = pathIds({ planId: "plan" });
// Examples shown in the reference (and checked against the schemas by test/openapi-document.test.ts).
const ids = { plan: "plan_7f3k9q2m8x1v4w6n0p5r", ada: "ptc_2a8d4f6h1j3k5m7n9p0q" } as const;
const createPlanExample = {
  type: "trip",
  title: "Lisbon long weekend",
  description: "Three days of tiles, tram 28 and pastéis de nata.",
  location: { name: "Lisbon, Portugal", lat: 38.7223, lng: -9.1393 },
  startDate: "2030-07-01",
  endDate: "2030-07-04",
  timeZone: "Europe/Lisbon",
  currency: "EUR",
  votingDeadline: "2030-06-15T18:00:00.000Z",
  organizerParticipantId: ids.ada,
} satisfies z.input<typeof CreatePlanSchema>;
/** A plan as the API answers it (also used by the invite examples). */
export const planExample = {
  id: ids.plan,
  type: "trip",
  status: "planning",
  title: createPlanExample.title,
  description: createPlanExample.description,
  imageUrls: [],
  location: createPlanExample.location,
  startDate: "2030-07-01",
  endDate: "2030-07-04",
  timeZone: "Europe/Lisbon",
  currency: "EUR",
  votingDeadline: "2030-06-15T18:00:00.000Z",
  hideVotesUntilDeadline: false,
  oneYesPerParticipant: false,
  notifyParticipants: false,
  createdAt: "2030-05-20T09:12:44.318Z",
  updatedAt: "2030-05-20T09:12:44.318Z",
  finalizedAt: null,
  completedAt: null,
  cancelledAt: null,
  calendarUrl: `https://api.gatherkit.dev/v1/plans/${ids.plan}/calendar.ics?token=9x2q7fctrh111ppmts5j4a0cz0apr6pk`,
} satisfies z.infer<typeof PlanSchema>;
const who =
  "Organization staff (organizer session, secret key) act as organizers of every plan of their organization; a participant token acts with its role in the plan.";

export const create = createRoute({
  method: "post",
  path: "/v1/plans",
  operationId: "plans.create",
  tags,
  summary: "Create a plan",
  description:
    "A trip, event or group purchase, starting in `planning`. With a participant token the participant becomes its organizer; staff may name one with `organizerParticipantId`.",
  security: security.any,
  request: {
    body: { ...jsonBody(CreatePlanSchema), content: { "application/json": { schema: CreatePlanSchema, example: createPlanExample } } },
  },
  responses: {
    201: { description: "The new plan.", content: { "application/json": { schema: PlanSchema, example: planExample } } },
    ...pickProblems(400, 401, 403, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;

export const list = createRoute({
  method: "get",
  path: "/v1/plans",
  operationId: "plans.list",
  tags,
  summary: "List plans",
  description: "Newest first. Staff see every plan of the organization; a participant sees the plans they are in.",
  security: security.any,
  request: { query: PlanListQuerySchema },
  responses: {
    200: {
      description: "A page of plans.",
      content: {
        "application/json": {
          schema: PlanPageSchema,
          example: { data: [planExample], nextCursor: "eyJ0IjoiMjAzMC0wNS0yMFQwOToxMjo0NC4zMThaIn0" } satisfies z.infer<
            typeof PlanPageSchema
          >,
        },
      },
    },
    ...pickProblems(400, 401, 403),
  },
});
export type ListRoute = typeof list;

export const get = createRoute({
  method: "get",
  path: "/v1/plans/{planId}",
  operationId: "plans.get",
  tags,
  summary: "Retrieve a plan",
  description: `For the plan's participants and organizers. ${who}`,
  security: security.any,
  request: { params: PlanParams },
  responses: {
    200: { description: "The plan.", content: { "application/json": { schema: PlanSchema, example: planExample } } },
    ...pickProblems(400, 401, 403, 404),
  },
});
export type GetRoute = typeof get;

export const update = createRoute({
  method: "patch",
  path: "/v1/plans/{planId}",
  operationId: "plans.update",
  tags,
  summary: "Edit a plan",
  description: `Organizers, while the plan is planning or finalized (else 409 \`plan_not_open\`). \`null\` clears a field; type and currency are fixed. ${who}`,
  security: security.any,
  request: { params: PlanParams, body: jsonBody(UpdatePlanSchema) },
  responses: {
    200: jsonResponse(PlanSchema, "The updated plan."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
  },
});
export type UpdateRoute = typeof update;

export const complete = createRoute({
  method: "post",
  path: "/v1/plans/{planId}/complete",
  operationId: "plans.complete",
  tags,
  summary: "Complete a plan",
  description: "Organizers: finalized → completed. Any other status answers 409 `invalid_plan_transition`.",
  security: security.any,
  request: { params: PlanParams },
  responses: {
    200: jsonResponse(PlanSchema, "The completed plan."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 422),
  },
});
export type CompleteRoute = typeof complete;

export const cancel = createRoute({
  method: "post",
  path: "/v1/plans/{planId}/cancel",
  operationId: "plans.cancel",
  tags,
  summary: "Cancel a plan",
  description: "Organizers: planning or finalized → cancelled. A completed or cancelled plan answers 409 `invalid_plan_transition`.",
  security: security.any,
  request: { params: PlanParams },
  responses: {
    200: jsonResponse(PlanSchema, "The cancelled plan."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 422),
  },
});
export type CancelRoute = typeof cancel;

export const calendar = createRoute({
  method: "get",
  path: "/v1/plans/{planId}/calendar.ics",
  operationId: "plans.calendar.get",
  tags,
  summary: "The plan's calendar feed",
  description:
    "iCalendar (RFC 5545) of the plan's dates and its itinerary (selected proposals), for calendar apps to subscribe to. Authorized by the `token` in the plan's `calendarUrl`, not by headers; a missing or wrong token answers 404.",
  security: [],
  request: {
    params: PlanParams,
    query: z.object({
      // Optional in the schema: a feed URL without its token is simply not found (404), like a wrong one.
      token: z
        .string()
        .max(200)
        .optional()
        .openapi({ param: { name: "token", in: "query" }, description: "The feed token from the plan's `calendarUrl`." }),
    }),
  },
  responses: {
    200: { description: "The calendar.", content: { "text/calendar": { schema: z.string() } } },
    ...pickProblems(400, 401, 403, 404),
  },
});
export type CalendarRoute = typeof calendar;

export const rotateCalendar = createRoute({
  method: "post",
  path: "/v1/plans/{planId}/calendar/rotate",
  operationId: "plans.calendar.rotate",
  tags,
  summary: "Replace the plan's calendar feed URL",
  description:
    "Organizers: gives the plan and every participant a new `calendarUrl` and makes the old ones answer 404. Removing someone already retires their own URL. Readers get their new URL with the plan.",
  security: security.any,
  request: { params: PlanParams },
  responses: {
    200: jsonResponse(PlanSchema, "The plan with its new calendarUrl."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 422),
  },
});
export type RotateCalendarRoute = typeof rotateCalendar;

export const me = createRoute({
  method: "get",
  path: "/v1/plans/{planId}/me",
  operationId: "plans.me",
  tags,
  summary: "Who the caller is in a plan",
  description: `The caller's participant id, role in the plan and whether they are organization staff, so a client can show organizer controls and "you". Anyone of the organization who can open the plan may ask: a removed participant, or one who never joined, gets \`role: null\`. ${who}`,
  security: security.any,
  request: { params: PlanParams },
  responses: {
    200: jsonResponse(PlanViewerSchema, "The caller as the plan sees them."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type MeRoute = typeof me;

// ---- participants ---------------------------------------------------------------------------

const participantTags = ["Plan participants"];
const ParticipantParams = pathIds({ planId: "plan", participantId: "participant" });

export const listParticipants = createRoute({
  method: "get",
  path: "/v1/plans/{planId}/participants",
  operationId: "plans.participants.list",
  tags: participantTags,
  summary: "List a plan's participants",
  description:
    "Newest first. Removed participants only with `includeRemoved=true`. Emails are shown to organizers and to each participant for themself only.",
  security: security.any,
  request: { params: PlanParams, query: PlanParticipantListQuerySchema },
  responses: {
    200: jsonResponse(PlanParticipantPageSchema, "A page of participants."),
    ...pickProblems(400, 401, 403, 404),
  },
});
export type ListParticipantsRoute = typeof listParticipants;

export const addParticipant = createRoute({
  method: "post",
  path: "/v1/plans/{planId}/participants",
  operationId: "plans.participants.add",
  tags: participantTags,
  summary: "Add a participant",
  description:
    "Organizers add a participant of the organization (e.g. your signed-in user, from POST /v1/participant-tokens) without an invite, or restore someone who was removed. Someone already in the plan is answered unchanged. 422 `unknown_participant` for an id that is not in your organization.",
  security: security.any,
  request: { params: PlanParams, body: jsonBody(AddPlanParticipantSchema) },
  responses: {
    201: jsonResponse(PlanParticipantSchema, "The participant's membership."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type AddParticipantRoute = typeof addParticipant;

export const updateParticipant = createRoute({
  method: "patch",
  path: "/v1/plans/{planId}/participants/{participantId}",
  operationId: "plans.participants.update",
  tags: participantTags,
  summary: "Promote or demote a participant",
  description:
    "Organizers: `organizer` makes a co-organizer, `participant` demotes. The plan's last organizer cannot be demoted (409 `last_organizer`).",
  security: security.any,
  request: { params: ParticipantParams, body: jsonBody(UpdatePlanParticipantSchema) },
  responses: {
    200: jsonResponse(PlanParticipantSchema, "The updated membership."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415),
  },
});
export type UpdateParticipantRoute = typeof updateParticipant;

export const removeParticipant = createRoute({
  method: "delete",
  path: "/v1/plans/{planId}/participants/{participantId}",
  operationId: "plans.participants.remove",
  tags: participantTags,
  summary: "Remove a participant, or leave",
  description:
    "Organizers remove anyone; a participant may remove themself (leave). The plan's last organizer cannot go (409 `last_organizer`). Someone removed cannot rejoin through a link (`participant_removed`); an organizer can add them again.",
  security: security.any,
  request: { params: ParticipantParams },
  responses: {
    204: { description: "Removed (or already was)." },
    ...pickProblems(400, 401, 403, 404, 409, 413),
  },
});
export type RemoveParticipantRoute = typeof removeParticipant;
