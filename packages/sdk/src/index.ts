export { type ClientOptions, GatherkitClient } from "./base-client.js";
export { Gatherkit, Gatherkit as default } from "./client.js";
export type { Fetch, ListParams, RequestOptions } from "./core.js";
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  GatherkitError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from "./errors.js";
export { Page, PagePromise } from "./pagination.js";
export type { Realtime, RealtimeStatus, SubscribeHandlers, Subscription } from "./realtime.js";
export { Auth } from "./resources/auth.js";
export { CalendarFeeds, ClientConnection, ClientEvents, ClientJobs, ClientSyncRules, Clients } from "./resources/clients.js";
export { EventOrders, type EventSubscribeHandlers, Events, Orders, Quotas, TicketTypes } from "./resources/events.js";
export * from "./resources/guests.js";
export { Invites } from "./resources/invites.js";
export { Notifications, type PushRegistration } from "./resources/notifications.js";
export { Invitations, Members, OrganizationResource } from "./resources/organization.js";
export { ParticipantTokens } from "./resources/participant-tokens.js";
export { Bookings, PlaceReviews, type PlaceSubscribeHandlers, Places } from "./resources/places.js";
export {
  Expenses,
  Messages,
  Payments,
  type PlanEventHandlers,
  PlanInvites,
  PlanParticipants,
  type PlanSubscribeHandlers,
  Plans,
  Proposals,
} from "./resources/plans.js";
export { PublishableKeys } from "./resources/publishable-keys.js";
export { SecretKeys } from "./resources/secret-keys.js";
export { CheckinLists, DiscountCodes, Refunds } from "./resources/ticketing.js";
export { type UploadFileOptions, Uploads } from "./resources/uploads.js";
export { WebhookEndpoints } from "./resources/webhook-endpoints.js";
export type * from "./types.js";
export type { WebhookEvent, WebhookSignatureError } from "./webhooks.js";
