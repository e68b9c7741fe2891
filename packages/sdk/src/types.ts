/**
 * Request and response types, all derived from the contract's zod schemas in
 * `@gatherkit/core` (types only: no zod code reaches the SDK's bundle).
 */
import type {
  AcceptInvitationSchema,
  AddMemberSchema,
  AddPlanParticipantSchema,
  AuthorizeSchema,
  BookingListQuery,
  BookingQuote,
  CalendarEventListQuery,
  CalendarFeedListQuery,
  CastVoteSchema,
  CheckinListQuery,
  ClientListQuery,
  CreateBookingSchema,
  CreateCalendarEventSchema,
  CreateCalendarFeedSchema,
  CreateCalendarJobSchema,
  CreateChatMessageSchema,
  CreateCheckinListSchema,
  CreateClientSchema,
  CreateDiscountCodeSchema,
  CreatedSecretKeySchema,
  CreateEventSchema,
  CreateExpenseSchema,
  CreateInviteSchema,
  CreateOrderSchema,
  CreateParticipantTokenSchema,
  CreatePaymentSchema,
  CreatePlaceSchema,
  CreatePlanSchema,
  CreateProposalSchema,
  CreatePublishableKeySchema,
  CreateQuotaSchema,
  CreateRefundSchema,
  CreateReviewSchema,
  CreateRoomTokenSchema,
  CreateSecretKeySchema,
  CreateSyncRuleSchema,
  CreateTicketTypeSchema,
  CreateUploadSchema,
  CreateWebhookEndpointSchema,
  DateRangeQuerySchema,
  EventListQuery,
  ExtendBookingSchema,
  FinalizeSchema,
  JoinPlanSchema,
  JoinWaitlistSchema,
  LiftEmailSuppressionSchema,
  ModerateReviewSchema,
  OrderListQuery,
  PasswordResetConfirmSchema,
  PasswordResetRequestSchema,
  PlaceFeature,
  PlaceListQuery,
  PlaceSearchQuery,
  PlanEventType,
  PlanListQuery,
  PlanParticipantListQuery,
  ProposalListQuery,
  PublishedEvent,
  QuoteRequestSchema,
  RefreshSchema,
  ReplyReviewSchema,
  ReviewListQuery,
  RotateWebhookSecretSchema,
  SetConnectionAppSchema,
  SignInSchema,
  SignUpSchema,
  UpdateCalendarEventSchema,
  UpdateChatMessageSchema,
  UpdateClientSchema,
  UpdateEventSchema,
  UpdateExpenseSchema,
  UpdateMemberSchema,
  UpdateNotificationPreferencesSchema,
  UpdateOrganizationSchema,
  UpdatePaymentSchema,
  UpdatePlaceSchema,
  UpdatePlanParticipantSchema,
  UpdatePlanSchema,
  UpdateProposalSchema,
  UpdatePublishableKeySchema,
  UpdateQuotaSchema,
  UpdateTicketTypeSchema,
  UpdateWebhookEndpointSchema,
  WaitlistQuery,
  z,
} from "@gatherkit/core";

// Plans and places: outputs exactly as the API answers them.
export type {
  AcceptedInvitation,
  Availability,
  Balance,
  BalanceStatus,
  Booking,
  BookingStatus,
  ChatMessage,
  Checkin,
  CheckinList,
  CheckoutMode,
  DiscountCode,
  EmailSuppression,
  EmailSuppressionLift,
  ErrorCode,
  EventAnalytics,
  Expense,
  Health,
  InboxItem,
  InboxUnread,
  Invite,
  InvitePreview,
  InviteStatus,
  JoinedWaitlistEntry,
  JoinPlanResult,
  LocalMessage,
  Me,
  Member,
  MemberInvitation,
  NotificationDelivery,
  NotificationPreferences,
  Order,
  Organization,
  OrganizationOverview,
  Participant,
  ParticipantToken,
  Payment,
  PaymentStatus,
  Place,
  PlaceAvailability,
  PlaceFeature,
  PlaceKind,
  PlaceOccupancy,
  PlaceSearchResult,
  Plan,
  PlanActivityReport,
  PlanBalances,
  PlanEventType,
  PlanLocation,
  PlanParticipant,
  PlanRole,
  PlanStatus,
  PlanType,
  PlanViewer,
  Problem,
  Proposal,
  ProposalCost,
  ProposalStatus,
  PublishableKey,
  PushSubscriptionInfo,
  Quota,
  Refund,
  RequestLogEntry,
  Review,
  Role,
  RoomToken,
  SecretKey,
  SentNotification,
  Session,
  SettleUpTransfer,
  Share,
  SlotList as PlaceSlots,
  SplitSpec,
  Tally,
  TallyList,
  TicketedEvent,
  TicketType,
  User,
  Vote,
  VoteResult,
  VoteValue,
  WaitlistEntry,
} from "@gatherkit/core";

/** A report's days: `from`/`to` local dates (`YYYY-MM-DD`), both included; left out, the last 30 days. */
export type ReportRange = z.input<typeof DateRangeQuerySchema>;
export type SignUpParams = z.input<typeof SignUpSchema>;
export type SignInParams = z.input<typeof SignInSchema>;
export type RefreshParams = z.input<typeof RefreshSchema>;
export type PasswordResetRequestParams = z.input<typeof PasswordResetRequestSchema>;
export type PasswordResetConfirmParams = z.input<typeof PasswordResetConfirmSchema>;
export type RequestLogListParams = { limit?: number; cursor?: string; failed?: boolean };

export type OrganizationUpdateParams = z.input<typeof UpdateOrganizationSchema>;
export type MemberCreateParams = z.input<typeof AddMemberSchema>;
export type MemberUpdateParams = z.input<typeof UpdateMemberSchema>;
export type InvitationAcceptParams = z.input<typeof AcceptInvitationSchema>;

/** `name`, and optionally a `role` at most your own (default: your role). */
export type SecretKeyCreateParams = z.input<typeof CreateSecretKeySchema>;
/** A new secret key, with its `secret`: shown once, only a hash is kept. */
export type CreatedSecretKey = z.infer<typeof CreatedSecretKeySchema>;

export type PublishableKeyCreateParams = z.input<typeof CreatePublishableKeySchema>;
export type PublishableKeyUpdateParams = z.input<typeof UpdatePublishableKeySchema>;

export type ParticipantTokenCreateParams = z.input<typeof CreateParticipantTokenSchema>;

export type RoomTokenCreateParams = z.input<typeof CreateRoomTokenSchema>;

// ---- plans --------------------------------------------------------------------------------

export type PlanCreateParams = z.input<typeof CreatePlanSchema>;
export type PlanUpdateParams = z.input<typeof UpdatePlanSchema>;
/** `limit`, `cursor` and an optional `status` filter. */
export type PlanListParams = Partial<PlanListQuery>;
export type PlanFinalizeParams = z.input<typeof FinalizeSchema>;

export type PlanParticipantAddParams = z.input<typeof AddPlanParticipantSchema>;
export type PlanParticipantUpdateParams = z.input<typeof UpdatePlanParticipantSchema>;
/** `limit`, `cursor`, and `includeRemoved` to list people who were removed or left too. */
export type PlanParticipantListParams = Partial<PlanParticipantListQuery>;

export type InviteCreateParams = z.input<typeof CreateInviteSchema>;
/** `name` (required with a publishable key) and an optional `email`; nothing with a participant token. */
export type InviteJoinParams = z.input<typeof JoinPlanSchema>;

export type ProposalCreateParams = z.input<typeof CreateProposalSchema>;
export type ProposalUpdateParams = z.input<typeof UpdateProposalSchema>;
/** `limit`, `cursor` and an optional `status` filter. */
export type ProposalListParams = Partial<ProposalListQuery>;
export type VoteParams = z.input<typeof CastVoteSchema>;

export type ExpenseCreateParams = z.input<typeof CreateExpenseSchema>;
export type ExpenseUpdateParams = z.input<typeof UpdateExpenseSchema>;
export type PaymentCreateParams = z.input<typeof CreatePaymentSchema>;
export type PaymentUpdateParams = z.input<typeof UpdatePaymentSchema>;
export type MessageCreateParams = z.input<typeof CreateChatMessageSchema>;
export type MessageUpdateParams = z.input<typeof UpdateChatMessageSchema>;

/** An event published to a plan's room (`plan:<id>`). */
export type PlanEvent = Extract<PublishedEvent, { type: PlanEventType }>;
/** The `data` of the plan event `T`. */
export type PlanEventData<T extends PlanEventType> = Extract<PlanEvent, { type: T }>["data"];

// ---- events -------------------------------------------------------------------------------

export type EventCreateParams = z.input<typeof CreateEventSchema>;
export type EventUpdateParams = z.input<typeof UpdateEventSchema>;
/** `limit`, `cursor`, and filters: `q`, `category`, `from`, `to`, `status` (organizers). */
export type EventListParams = Partial<EventListQuery>;
export type TicketTypeCreateParams = z.input<typeof CreateTicketTypeSchema>;
export type TicketTypeUpdateParams = z.input<typeof UpdateTicketTypeSchema>;
export type QuotaCreateParams = z.input<typeof CreateQuotaSchema>;
export type QuotaUpdateParams = z.input<typeof UpdateQuotaSchema>;
export type OrderCreateParams = z.input<typeof CreateOrderSchema>;
/** `limit`, `cursor` and an optional `status` filter. */
export type OrderListParams = Partial<OrderListQuery>;
export type CheckinListCreateParams = z.input<typeof CreateCheckinListSchema>;
/** `q` (name, email or ticket code), `limit`, `cursor`. */
export type CheckinsListParams = Partial<CheckinListQuery>;
export type DiscountCodeCreateParams = z.input<typeof CreateDiscountCodeSchema>;
export type DiscountCodeUpdateParams = { active: boolean };
export type DiscountCodeListParams = { limit?: number; cursor?: string };
export type RefundCreateParams = z.input<typeof CreateRefundSchema>;
export type WaitlistJoinParams = z.input<typeof JoinWaitlistSchema>;
/** `status`, `limit`, `cursor`. */
export type WaitlistListParams = Partial<WaitlistQuery>;

// ---- places -------------------------------------------------------------------------------

export type PlaceCreateParams = z.input<typeof CreatePlaceSchema>;
export type PlaceUpdateParams = z.input<typeof UpdatePlaceSchema>;
/** `limit`, `cursor`, and `kind` / `active` filters. */
export type PlaceListParams = Partial<PlaceListQuery>;
/** A point and radius; optional `kind`, `features`, a window (`start`, `end`), `available`, `sort`. */
export type PlaceSearchParams = { lat: number; lng: number; features?: PlaceFeature[] } & Partial<
  Omit<PlaceSearchQuery, "lat" | "lng" | "features">
>;
export type BookingCreateParams = z.input<typeof CreateBookingSchema>;
export type BookingListParams = Partial<BookingListQuery>;
/** `start` and, for a place booked by the hour, `durationMinutes`. */
export type BookingQuoteParams = z.input<typeof QuoteRequestSchema>;
/** `end`: the new end, after the current one. */
export type BookingExtendParams = z.input<typeof ExtendBookingSchema>;
export type { BookingQuote };
export type ReviewCreateParams = z.input<typeof CreateReviewSchema>;
export type ReviewModerateParams = z.input<typeof ModerateReviewSchema>;
export type ReviewReplyParams = z.input<typeof ReplyReviewSchema>;
export type ReviewListParams = Partial<ReviewListQuery>;
/** An event published to a place's room (`place:<id>`). */
export type NotificationPreferencesUpdateParams = z.input<typeof UpdateNotificationPreferencesSchema>;
export type LiftEmailSuppressionParams = z.input<typeof LiftEmailSuppressionSchema>;
export type PlaceEvent = Extract<PublishedEvent, { type: "place.availability_changed" }>;

export type { CreatedUpload, SsoConfig, Upload } from "@gatherkit/core";
/** An image's `contentType` and exact `size` in bytes. */
export type UploadCreateParams = z.input<typeof CreateUploadSchema>;

export type {
  CreatedWebhookEndpoint,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEndpoint,
} from "@gatherkit/core";
/** `url` (HTTPS), `eventTypes` from the catalogue (or `["*"]`), an optional `description`. */
export type WebhookEndpointCreateParams = z.input<typeof CreateWebhookEndpointSchema>;
export type WebhookEndpointUpdateParams = z.input<typeof UpdateWebhookEndpointSchema>;
export type WebhookSecretRotateParams = z.input<typeof RotateWebhookSecretSchema>;
/** A message of an event's room (`event:<id>`). */
export type TicketedEventMessage = Extract<PublishedEvent, { type: `event.${string}` }>;
// ---- clients and calendars ------------------------------------------------------------------

export type {
  Calendar,
  CalendarEvent,
  CalendarFeed,
  CalendarJob,
  Client,
  Connection as CalendarConnection,
  IcsImportPreview,
  SyncRule,
} from "@gatherkit/core";
export type ClientCreateParams = z.input<typeof CreateClientSchema>;
export type ClientUpdateParams = z.input<typeof UpdateClientSchema>;
/** `limit`, `cursor` and `q` (name or email contains). */
export type ClientListParams = Partial<ClientListQuery>;
export type CalendarConnectionAppParams = z.input<typeof SetConnectionAppSchema>;
export type CalendarConnectionAuthorizeParams = z.input<typeof AuthorizeSchema>;
export type CalendarEventCreateParams = z.input<typeof CreateCalendarEventSchema>;
export type CalendarEventUpdateParams = z.input<typeof UpdateCalendarEventSchema>;
/** `limit` (1–250), `cursor`, `timeMin`, `timeMax`, `q`; `singleEvents: true` expands series into occurrences. */
export type CalendarEventListParams = Partial<Omit<CalendarEventListQuery, "singleEvents">> & { singleEvents?: boolean };
export type SendUpdates = "all" | "externalOnly" | "none";
export type SyncRuleCreateParams = z.input<typeof CreateSyncRuleSchema>;
/** `resync` (every sync rule again), `create_events` or `delete_events` (up to 500 rows across the client's calendars). */
export type CalendarJobCreateParams = z.input<typeof CreateCalendarJobSchema>;
export type CalendarFeedCreateParams = z.input<typeof CreateCalendarFeedSchema>;
/** `limit`, `cursor`, `subjectType`, `subjectId`. */
export type CalendarFeedListParams = Partial<CalendarFeedListQuery>;
