export { type ClientOptions, Gatherkit, Gatherkit as default } from "./client.js";
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
export type { Auth } from "./resources/auth.js";
export type { Invites } from "./resources/invites.js";
export type { Members, OrganizationResource } from "./resources/organization.js";
export type { ParticipantTokens } from "./resources/participant-tokens.js";
export type {
  Expenses,
  Messages,
  Payments,
  PlanEventHandlers,
  PlanInvites,
  PlanParticipants,
  PlanSubscribeHandlers,
  Plans,
  Proposals,
} from "./resources/plans.js";
export type { PublishableKeys } from "./resources/publishable-keys.js";
export type { SecretKeys } from "./resources/secret-keys.js";
export type * from "./types.js";
